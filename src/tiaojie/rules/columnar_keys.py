"""The distinct projections of a table of cases, found in columns: each key column coded as small
integers (a text column through a Polars Enum of its distinct texts, so each distinct text is seen
once in Python), the codes folded into one integer per row, and the rows grouped by it.

Spellings a policy cannot tell apart share a code: `重大` and `major` are the same value to every
version of the policy, so a million rows are grouped by what the policy reads, not by how a clerk
spelt it. A text that does not read keeps a code of its own, so its row's error quotes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from .batch_keys import typed_token
from .plan import Plan

if TYPE_CHECKING:
    from .service import Rules

_LIMIT = 1 << 62  # folded codes stay below this, so an unsigned 64-bit key never wraps


def distinct_projections(rules: Rules, policy: str, keys: pl.DataFrame, by_value: bool = True,
                         ) -> tuple[pl.DataFrame, pl.Series]:
    """(one row of `keys` for each distinct projection — the first that reads so — in order of
    first sight, each row's place among them as UInt32). With `by_value`, spellings every version
    reads as the same value are one projection."""
    if not keys.height:
        return keys, pl.Series([], dtype=pl.UInt32)
    plans = [rules.evaluator.plan(version) for version in rules.book.versions(policy)] if by_value else []
    codes: list[tuple[pl.Series, int]] = []
    for name in keys.columns:
        coded = _codes(keys.get_column(name), [plan for plan in plans if name in plan.names])
        if coded is None:  # a column of lists or objects: the rows are compared as they are
            return _joined(keys)
        codes.append(coded)
    folded = _folded(codes)
    if folded is None:  # too many distinct values to fold: group by the code columns
        distinct, index = _joined(pl.DataFrame([c.alias(n) for (c, _), n in zip(codes, keys.columns)]))
        first = index.is_first_distinct()
        return keys.filter(first), index
    firsts = folded.arg_unique()  # the row where each projection is first seen, in order
    seen = folded.gather(firsts)
    places = pl.int_range(0, seen.len(), eager=True, dtype=pl.UInt32)
    span = _span(codes)
    if span <= 4 * keys.height + 1024:  # few enough codes: a table from code to place, read by gather
        index = pl.zeros(span, dtype=pl.UInt32, eager=True).scatter(seen, places).gather(folded)
    else:
        index = folded.replace_strict(seen, places, return_dtype=pl.UInt32)
    return keys[firsts], index


def _codes(column: pl.Series, plans: list[Plan]) -> tuple[pl.Series, int] | None:
    """(each row's code, how many codes there are) for one column; nulls take the last code."""
    if isinstance(column.dtype, (pl.Categorical, pl.Enum)):  # as pandas writes labels to Parquet: texts
        column = column.cast(pl.String)
    try:
        values = column.drop_nulls().unique()  # codes in any order: rows keep the order of first sight
    except pl.exceptions.PolarsError:
        return None
    if column.dtype == pl.String:
        coded = column.cast(pl.Enum(values)).to_physical().cast(pl.UInt32)  # room for the null code
        texts: list[Any] = values.to_list()
        classes: dict[Any, int] = {}
        class_of = []
        for text in texts:  # each distinct text once: its value's class
            same = _same_value(plans, column.name, text) if plans else None
            class_of.append(classes.setdefault(text if same is None else same, len(classes)))
        if len(classes) < len(texts):
            coded = pl.Series(class_of, dtype=pl.UInt32).gather(coded)
        count = len(classes)
    else:
        try:
            coded = column.replace_strict(values, pl.int_range(0, values.len(), eager=True, dtype=pl.UInt32),
                                          default=None, return_dtype=pl.UInt32)
        except pl.exceptions.PolarsError:
            return None
        count = values.len()
    return coded.fill_null(count), count + 1


def _same_value(plans: list[Plan], name: str, text: str) -> Any:
    """What every plan reads `text` as, when that is a text (an enumeration's id) each plan reads
    as itself too; else None (a date, a number, or a text that does not read)."""
    try:
        typed = {typed_token(plan.field_value(name, text)) for plan in plans}
        if len(typed) != 1:
            return None
        ((kind, value),) = typed
        if kind is not str or {typed_token(plan.field_value(name, value)) for plan in plans} != typed:
            return None
    except Exception:  # noqa: BLE001 - a text that does not read: the row's own error says why
        return None
    return value


def _folded(codes: list[tuple[pl.Series, int]]) -> pl.Series | None:
    """The code columns as one integer per row (mixed radix), or None when it would not fit."""
    if _span(codes) >= _LIMIT:
        return None
    folded: pl.Series | None = None
    for coded, count in codes:
        as_wide = coded.cast(pl.UInt64)
        folded = as_wide if folded is None else folded * count + as_wide
    return folded


def _span(codes: list[tuple[pl.Series, int]]) -> int:
    span = 1
    for _, count in codes:
        span *= count
    return span


def _joined(keys: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """Distinct rows by a join of the rows on their own distinct values (nulls equal to nulls);
    every row distinct when the columns cannot be compared."""
    place = "__projection"
    try:
        distinct = keys.unique(maintain_order=True).with_row_index(place)
        index = keys.join(distinct, on=keys.columns, how="left", nulls_equal=True, maintain_order="left")
        return distinct.drop(place), index.get_column(place)
    except pl.exceptions.PolarsError:
        return keys, pl.Series(range(keys.height), dtype=pl.UInt32)
