"""The distinct projections of a table of cases, found in columns: each key column coded as small
integers (a text column through a Polars Enum of its distinct texts, so each distinct text is seen
once in Python), the codes folded into one integer per row, and the rows grouped by it.

Values a policy cannot tell apart share a code: `重大` and `major` are the same value to every
version of the policy, and two settlement dates in force under one version are the same to a
policy that reads the date only to pick its version; so a million rows are grouped by what the
policy reads, not by how a clerk spelt it. A value that does not read keeps a code of its own, so
its row's error quotes it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable

import polars as pl

from .batch_keys import raw_token, typed_token
from .plan import Plan

if TYPE_CHECKING:
    from .service import Rules

_LIMIT = 1 << 62  # folded codes stay below this, so an unsigned 64-bit key never wraps


def distinct_projections(rules: Rules, policy: str, keys: pl.DataFrame, by_value: bool = True,
                         as_of: dt.date | None = None) -> tuple[pl.DataFrame, pl.Series]:
    """(one row of `keys` for each distinct projection — the first that reads so — in order of
    first sight, each row's place among them as UInt32). With `by_value`, values the policy
    cannot tell apart are one projection: spellings every version reads as the same value, and
    dates that pick the same version where nothing else reads the date (as the batch session
    shares their results)."""
    if not keys.height:
        return keys, pl.Series([], dtype=pl.UInt32)
    classifiers = _classifiers(rules, policy, as_of or dt.date.today()) if by_value else {}
    codes: list[tuple[pl.Series, int]] = []
    for name in keys.columns:
        coded = _codes(keys.get_column(name), classifiers.get(name))
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


Classify = Callable[[Any], Any]


def _classifiers(rules: Rules, policy: str, as_of: dt.date) -> dict[str, Classify]:
    """Field → a distinct value's class: values of one class give every row the same result."""
    versions = rules.book.versions(policy)
    plans = [rules.evaluator.plan(version) for version in versions]
    out: dict[str, Classify] = {}
    for name in {n for plan in plans for n in plan.names}:
        out[name] = _value_class(name, [plan for plan in plans if name in plan.names])
    date_field = versions[-1].date_field
    if date_field:
        def version_class(value: Any) -> Any:
            return _version_class(rules, policy, date_field, value, as_of)

        out[date_field] = version_class
    return out


def _value_class(name: str, readers: list[Plan]) -> Classify:
    """A text's class is the id every version reads it as (`重大` → `major`); else the value."""
    def value_class(value: Any) -> Any:
        same = _same_value(readers, name, value) if type(value) is str else None
        return ("raw", raw_token(value)) if same is None else ("value", same)

    return value_class


def _version_class(rules: Rules, policy: str, date_field: str, value: Any, as_of: dt.date) -> Any:
    """The class of a date that picks the version: the version, when the version reads the date
    no other way (its results are the batch session's for any date it covers); else the date."""
    try:
        version, on = rules.evaluator.version_for(policy, {date_field: value}, as_of)
    except Exception:  # noqa: BLE001 - a date that does not read: its row's error quotes it
        return ("raw", raw_token(value))
    plan = rules.evaluator.plan(version)
    if plan.key_needs_on or date_field in plan.key_names:
        return ("on", on)
    return ("version", id(plan))


def _codes(column: pl.Series, classify: Classify | None) -> tuple[pl.Series, int] | None:
    """(each row's code, how many codes there are) for one column, each distinct value classed
    once; nulls take the last code."""
    if isinstance(column.dtype, (pl.Categorical, pl.Enum)):  # as pandas writes labels to Parquet: texts
        column = column.cast(pl.String)
    try:
        values = column.drop_nulls().unique()  # codes in any order: rows keep the order of first sight
        if column.dtype == pl.String:
            coded = column.cast(pl.Enum(values)).to_physical().cast(pl.UInt32)  # room for the null code
        else:
            coded = column.replace_strict(values, pl.int_range(0, values.len(), eager=True, dtype=pl.UInt32),
                                          default=None, return_dtype=pl.UInt32)
    except pl.exceptions.PolarsError:
        return None
    count = values.len()
    if classify is not None:
        classes: dict[Any, int] = {}
        class_of = [classes.setdefault(classify(value), len(classes)) for value in values.to_list()]
        if len(classes) < count:
            coded = pl.Series(class_of, dtype=pl.UInt32).gather(coded)
            count = len(classes)
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
