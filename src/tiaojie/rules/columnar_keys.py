"""The distinct projections of a table of cases, found in columns: each key column coded as small
integers (a text column through a Polars Enum of its distinct texts, so each distinct text is seen
once in Python), the codes folded into one integer per row, and the rows grouped by it.

Values a policy cannot tell apart share a code: `重大` and `major` are the same value to every
version of the policy; two settlement dates in force under one version are the same to a policy
that reads the date only to pick its version; and two ids of an enumeration are the same to a
decision table that reads the field only through eq / ne / in / not_in / exists conditions and
no formula, when each of those conditions holds for both or for neither (the engine would match
the same rows). So a million rows are grouped by what the policy reads, not by how a clerk spelt
it. A value that does not read keeps a code of its own, so its row's error quotes it.

An Arrow table's dictionary columns (a Parquet file read with `read_dictionary`) are coded by
their dictionary indices, so no text of a million rows is hashed again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import polars as pl

from .batch_keys import raw_token, typed_token
from .engine_cache import EngineCache
from .plan import Plan

if TYPE_CHECKING:
    import pyarrow as pa

    from .service import Rules

# The kinds whose outcome is the rows that fire and what they set (`kinds.table.decide_table`):
# for them, a field read only by enumeration conditions matters only through those conditions.
_TABLE_KINDS = frozenset({"table", "reward"})

_LIMIT = 1 << 62  # folded codes stay below this, so an unsigned 64-bit key never wraps


def distinct_projections(rules: Rules, policy: str, keys: pl.DataFrame | pa.Table, by_value: bool = True,
                         as_of: dt.date | None = None) -> tuple[pl.DataFrame, pl.Series]:
    """(one row of `keys` for each distinct projection — the first that reads so — in order of
    first sight, each row's place among them as UInt32). With `by_value`, values the policy
    cannot tell apart are one projection: spellings every version reads as the same value,
    dates that pick the same version where nothing else reads the date (as the batch session
    shares their results), and enumeration ids every condition reading them tells apart from
    no other."""
    # An Arrow table keeps its dictionary columns (coded by their indices); else a Polars frame.
    source: pl.DataFrame | pa.Table = keys
    if not isinstance(keys, pl.DataFrame) and not any(_dictionary(keys.column(n)) for n in keys.column_names):
        source = pl.DataFrame(pl.from_arrow(keys))
    names = list(source.columns) if isinstance(source, pl.DataFrame) else list(source.column_names)
    height = source.height if isinstance(source, pl.DataFrame) else source.num_rows
    if not height:
        return _texts(source), pl.Series([], dtype=pl.UInt32)
    classifiers = _classifiers(rules, policy, as_of or dt.date.today()) if by_value else {}
    codes: list[Coded] = []
    for name in names:
        column = source.get_column(name) if isinstance(source, pl.DataFrame) else source.column(name)
        coded = _codes(column, classifiers.get(name))
        if coded is None:  # a column of lists or objects: the rows are compared as they are
            return _joined(_texts(source))
        codes.append(coded)
    folded = _folded(codes)
    if folded is None:  # too many distinct values to fold: group by the code columns
        distinct, index = _joined(pl.DataFrame([c.series().alias(n) for c, n in zip(codes, names)]))
        first = index.is_first_distinct()
        return _rows(source, first.arg_true()), index
    firsts = folded.arg_unique()  # the row where each projection is first seen, in order
    seen = folded.gather(firsts)
    places = pl.int_range(0, seen.len(), eager=True, dtype=pl.UInt32)
    span = _span(codes)
    if span <= 4 * height + 1024:  # few enough codes: a table from code to place, read by gather
        index = pl.zeros(span, dtype=pl.UInt32, eager=True).scatter(seen, places).gather(folded)
    else:
        index = folded.replace_strict(seen, places, return_dtype=pl.UInt32)
    return _rows(source, firsts), index


def _dictionary(column: pa.ChunkedArray) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_dictionary(column.type))


def _texts(table: pl.DataFrame | pa.Table) -> pl.DataFrame:
    """An Arrow table as a Polars frame, its dictionary columns as their texts."""
    if isinstance(table, pl.DataFrame):
        return table
    return pl.DataFrame(pl.from_arrow(table)).with_columns(
        pl.col(pl.Categorical, pl.Enum).cast(pl.String))


def _rows(keys: pl.DataFrame | pa.Table, at: pl.Series) -> pl.DataFrame:
    """The rows of `keys` at the places `at`, as a Polars frame of plain values."""
    if isinstance(keys, pl.DataFrame):
        return keys[at]
    return _texts(keys.take(at.to_arrow()))


Classify = Callable[[Any], Any]


def _classifiers(rules: Rules, policy: str, as_of: dt.date) -> dict[str, Classify]:
    """Field → a distinct value's class: values of one class give every row the same result."""
    versions = rules.book.versions(policy)
    plans = [rules.evaluator.plan(version) for version in versions]
    out: dict[str, Classify] = {}
    for name in {n for plan in plans for n in plan.names}:
        readers = [plan for plan in plans if name in plan.names]
        conditions = _enum_conditions(name, plans)
        out[name] = (_value_class(name, readers) if conditions is None
                     else _signature_class(name, readers, conditions))
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


def _enum_conditions(name: str, plans: list[Plan]) -> list[list[Any]] | None:
    """Per version reading `name`, the conditions that read it — when every version is a decision
    table that reads the enumeration `name` only through conditions the engine cache tells apart
    by their truth (no formula, no derived field, not the date that picks the version, no nested
    reading); else None."""
    out: list[list[Any]] = []
    for plan in plans:
        policy = plan.policy
        fdef = policy.fields.get(name)
        if policy.kind not in _TABLE_KINDS or plan.kind.reads_own_input or plan.dotted:
            return None
        if fdef is None:
            continue
        if fdef.type != "enum" or fdef.derived or name == policy.date_field or name in policy.formula_reads():
            return None
        atoms = [atom for row in policy.rows for atom in row.condition.atoms() if atom.field.name == name]
        if any(atom.op not in EngineCache.ENUM_OPS for atom in atoms):
            return None
        out.append(atoms)
    return out


def _signature_class(name: str, readers: list[Plan], conditions: list[list[Any]]) -> Classify:
    """An enumeration value's class: the truth, in every version, of each condition reading it
    (the engine cache's signature); a value that does not read keeps its own class."""
    def signature_class(value: Any) -> Any:
        truths: list[Any] = []
        try:
            for plan, atoms in zip(readers, conditions):
                typed = plan.field_value(name, value)
                if typed is None:  # read as no value: the engine cache keys it apart too
                    return ("raw", raw_token(value))
                probe = {name: plan.policy.fields[name].encode(typed)}
                truths.append(tuple(atom.holds(probe) for atom in atoms))
        except Exception:  # noqa: BLE001 - a value that does not read: its row's error quotes it
            return ("raw", raw_token(value))
        return ("signature", tuple(truths))

    return signature_class


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


@dataclass(frozen=True)
class Coded:
    """One column's codes: each row's code of its distinct value (null for a null), the class of
    each such code (None: each value its own class), and how many codes there are, the null's
    (the last) included. The codes are read through the classes in the one pass that folds
    the columns."""

    raw: pl.Series
    classes: pl.Series | None
    count: int

    def expr(self, name: str, dtype: Any = pl.UInt64) -> pl.Expr:
        coded = pl.col(name) if self.classes is None else pl.lit(self.classes).gather(pl.col(name))
        if self.raw.null_count():
            coded = coded.fill_null(self.count - 1)
        return coded.cast(dtype)

    def series(self) -> pl.Series:
        return pl.DataFrame([self.raw.alias("c")]).select(self.expr("c")).to_series()


def _codes(column: pl.Series | pa.ChunkedArray, classify: Classify | None) -> Coded | None:
    """One column coded, each distinct value classed once; None for a column that cannot be."""
    if isinstance(column, pl.Series):
        found = _series_codes(column)
    elif _dictionary(column):
        found = _dictionary_codes(column)
    else:
        found = _series_codes(pl.Series(pl.from_arrow(column)))
    if found is None:
        return None
    coded, values = found
    count = values.len()
    if classify is not None:
        classes: dict[Any, int] = {}
        class_of = [classes.setdefault(classify(value), len(classes)) for value in values.to_list()]
        if len(classes) < count:
            return Coded(coded, pl.Series(class_of, dtype=pl.UInt32), len(classes) + 1)
    return Coded(coded, None, count + 1)


def _series_codes(column: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """(each row's code, null where the row is null; the distinct values, by code)."""
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
    return coded, values


def _dictionary_codes(column: pa.ChunkedArray) -> tuple[pl.Series, pl.Series]:
    """A dictionary column's codes: its indices into one dictionary for all its chunks (Parquet
    gives one per row group). A dictionary holding a text twice, or a null, is coded by its
    distinct texts; entries no row uses stay (each is classed once, and codes nothing)."""
    import pyarrow as pa

    column = column.unify_dictionaries()
    if not column.num_chunks:
        return pl.Series([], dtype=pl.UInt32), pl.Series([], dtype=pl.String)
    dictionary = pl.Series(pl.from_arrow(column.chunks[0].dictionary))
    indices = pl.Series(pl.from_arrow(pa.chunked_array([chunk.indices for chunk in column.chunks],
                                                       type=column.type.index_type)))  # never negative
    if dictionary.null_count() or dictionary.n_unique() < dictionary.len():
        found = _series_codes(dictionary)
        if found is not None:
            per_entry, values = found
            return per_entry.gather(indices), values
    return indices, dictionary


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


def _folded(codes: list[Coded]) -> pl.Series | None:
    """The code columns as one integer per row (mixed radix), in one pass over the rows (in 32
    bits where the codes fit, half the memory to pass over); None when it would not fit."""
    span = _span(codes)
    if span >= _LIMIT:
        return None
    dtype = pl.UInt32 if span < 1 << 32 else pl.UInt64
    names = [f"c{i}" for i in range(len(codes))]
    folded: pl.Expr | None = None
    for name, coded in zip(names, codes):
        term = coded.expr(name, dtype)
        folded = term if folded is None else folded * coded.count + term
    assert folded is not None  # a projection has a column
    return pl.DataFrame([c.raw.alias(n) for c, n in zip(codes, names)]).select(folded.alias("folded")).to_series()


def _span(codes: list[Coded]) -> int:
    span = 1
    for coded in codes:
        span *= coded.count
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
