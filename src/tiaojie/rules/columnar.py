"""A table of cases at once (a Polars frame or an Arrow table), one row a case.

The rows' distinct projections — their values in the columns the policy reads — are found in
columns (`columnar_keys`: Polars, no Python loop over the rows), each distinct projection goes once
through the batch session that `Rules.evaluate_batch` uses (so a row's result is the one the
per-case path gives for the row as a dict; the engine is asked about them many at a time, per
version), and the results are gathered back as columns by each row's place among the
projections: the policy's outputs, the rules that fired, the version, and the row's error named by
row and column (messages built for the bad rows alone). A million rows of grassroots cases are a
few thousand distinct projections.

A Parquet file (`evaluate_parquet`) is read for the columns the policy reads only, its texts as
the file's own dictionaries, and only the result columns are written.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import string
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

import polars as pl

from ..i18n import MESSAGES, Lang, Localized
from . import columnar_messages  # noqa: F401 - joins the batch's messages into the catalog
from .columnar_keys import distinct_projections
from .errors import EvaluationError
from .outcome import Outcome, _render
from .plan import BEYOND, beyond

if TYPE_CHECKING:
    import pyarrow as pa

    from .service import Rules

# The result columns beside the policy's outputs.
FIRED = "fired"  # the rules that fired, comma-separated, in the order the outcome lists them
VERSION = "version"  # the policy version that decided the row
ERROR = "error"  # what was wrong with the row, named by row and column; null for a good row
DETAILS = "details"  # a kind's details (violations, allocations, a path) as JSON, when it gives any
RESULT_COLUMNS = (FIRED, VERSION, ERROR, DETAILS)


@dataclass(frozen=True)
class ColumnarResult:
    """The result columns of a frame, and what the caller reports. The results are kept per
    distinct projection with each row's place among them, and gathered into one row per row
    only when asked (`results`); a Parquet file is written from them as dictionary columns."""

    projections: pl.DataFrame  # outputs, fired, version (and details): one row per distinct projection
    index: pl.Series  # each row's place among the projections (UInt32)
    error: pl.Series  # each row's error, named by row and column; null for a good row
    outputs: tuple[str, ...]  # the result columns holding the policy's outputs, in order
    distinct: int  # how many distinct projections were evaluated
    failed: int  # how many rows carry an error

    @cached_property
    def results(self) -> pl.DataFrame:
        """outputs, fired, version, (details,) error: one row per row of the frame."""
        return _gathered(self.projections, self.index, self.error.len()).with_columns(self.error)


def evaluate_frame(rules: Rules, policy: str, frame: pl.DataFrame | pa.Table, on: dt.date | None = None, *,
                   lang: Lang = "zh", first_row: int = 1, column_titles: Mapping[str, str] | None = None,
                   ) -> pl.DataFrame:
    """The frame (or Arrow table) with the policy's results as columns, rows in their order.

    Columns are read by field id; a column the policy does not read is carried through untouched
    (a result column of an earlier run is replaced). `on` is the date to evaluate as of (today by
    default), as `Rules.evaluate_batch` takes it. A row's error names its row (`first_row` for
    the first; a sheet with a header row passes 2) and its column (by `column_titles[field]` when
    given, else by the column's name)."""
    df = as_frame(frame)
    result = evaluate_columns(rules, policy, df, on, lang=lang, first_row=first_row, column_titles=column_titles)
    kept = df.drop([c for c in result.results.columns if c in df.columns])
    return kept.hstack(result.results)


def as_frame(frame: pl.DataFrame | pa.Table) -> pl.DataFrame:
    """A Polars frame of a frame or an Arrow table (Arrow's buffers shared, not copied)."""
    return frame if isinstance(frame, pl.DataFrame) else pl.DataFrame(pl.from_arrow(frame))


def evaluate_columns(rules: Rules, policy: str, frame: pl.DataFrame | pa.Table, on: dt.date | None = None, *,
                     lang: Lang = "zh", first_row: int = 1, row_numbers: pl.Series | None = None,
                     column_titles: Mapping[str, str] | None = None, reserved: Iterable[str] = (),
                     ) -> ColumnarResult:
    """The result columns alone, one row per row of the frame, with what a caller reports.

    `row_numbers`, when given, numbers the rows as their source does (a sheet whose blank rows
    were left out); else they count from `first_row`. An output takes the name `policy.output`
    where a column the policy reads, or one of `reserved`, has its name. An Arrow table's
    dictionary columns are grouped by their dictionary indices (see `read_cases`)."""
    columns = list(frame.columns) if isinstance(frame, pl.DataFrame) else list(frame.column_names)
    height = frame.height if isinstance(frame, pl.DataFrame) else frame.num_rows
    session = rules.batch_session(policy, on)
    # The columns a case's result depends on: every field a version of the policy reads (and the
    # date that picks the version). A kind that reads its cases itself, or nested fields, may read
    # any column: then every column is the projection.
    keys = [n for n in session.names if n in columns] if session.by_whole else columns
    cases: list[dict[str, Any]]
    if keys and height:
        distinct, index = distinct_projections(rules, policy, frame.select(keys), by_value=session.by_whole, as_of=on)
        cases = distinct.to_dicts()
    else:  # the policy reads none of the columns: every row is the same empty case
        cases, index = [{}], pl.zeros(height, dtype=pl.UInt32, eager=True)
    with _collector_paused():
        try:  # every projection typed once, the engine asked about them at once, per version
            primed = session.prime(cases)
        except Exception:  # noqa: BLE001 - only a head start: each projection is still evaluated below
            primed = [None] * len(cases)
        rest = [place for place, found in enumerate(primed) if found is None]
        results: list[Result] = primed  # type: ignore[assignment] # each None is filled in below
        for place, found in zip(rest, _evaluated(session.evaluate_many, [cases[i] for i in rest])):
            results[place] = found

    titles = dict(column_titles or {})
    vocabulary = rules.book.vocabulary.fields
    outputs = _output_names(results)
    table = _result_table(results, outputs, lang, lambda name: titles.get(name) or (
        name if name in columns or name not in vocabulary else vocabulary[name].label(lang)))
    reasons = table.select("__reason", "__column")
    projections = table.drop("__reason", "__column")
    bad = reasons.get_column("__reason").is_not_null()
    if bad.any():  # only the bad rows' messages are built, each naming its row
        rows = row_numbers if row_numbers is not None else pl.int_range(first_row, first_row + height, eager=True)
        at = bad.gather(index).arg_true()
        located = reasons[index.gather(at)].with_columns(rows.gather(at).cast(pl.String).alias("__row"))
        error = _nulls(height).scatter(at, located.select(_located(lang)).get_column(ERROR))
    else:
        error = _nulls(height)
    names = _result_names(outputs, [*keys, *reserved], policy)
    projections = projections.rename(dict(zip(outputs, names)))
    failed = height - error.null_count()
    return ColumnarResult(projections, index, error, tuple(names), len(cases), failed)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while the distinct projections are evaluated: the
    pass makes tens of thousands of small objects that hold no cycles, and each collection they
    set off walks every object the process holds (a caller's million case dicts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _nulls(height: int) -> pl.Series:
    """An error column with no error in it."""
    return pl.repeat(None, height, dtype=pl.String, eager=True).alias(ERROR)


def _gathered(table: pl.DataFrame, index: pl.Series, height: int) -> pl.DataFrame:
    """The distinct projections' results, one row per row (a gather: texts are shared, not
    copied, by Polars' string views)."""
    return table[index] if height else table.clear()


def read_cases(rules: Rules, policy: str, source: Any) -> pa.Table:
    """The columns of a Parquet file the policy reads (every column where a version reads its
    cases itself), texts as dictionary columns: Parquet's own dictionaries, not the texts of
    every row, are what `evaluate_columns` groups by."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(source)
    session = rules.batch_session(policy)
    columns = [n for n in schema.names if n in session.names] if session.by_whole else list(schema.names)
    texts = [n for n in columns if str(schema.field(n).type) in ("string", "large_string")]
    return read_parquet(source, columns, texts)


def read_parquet(source: Any, columns: list[str] | None, texts: list[str]) -> pa.Table:
    """Columns of one Parquet file, `texts` as dictionary columns; read as one file, which spares
    a command the import of pyarrow's datasets (a seventh of a second)."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(source, read_dictionary=texts) as file:
        return file.read(columns=columns)


def evaluate_parquet(rules: Rules, policy: str, source: Any, target: Any, on: dt.date | None = None, *,
                     lang: Lang = "zh") -> ColumnarResult:
    """A Parquet file of cases evaluated as columns, its result columns (one row per row, in
    order: outputs, fired, version, error) written to `target` as Parquet."""
    result = evaluate_columns(rules, policy, read_cases(rules, policy, source), on, lang=lang)
    write_result(result, target)
    return result


def write_result(result: ColumnarResult, target: Any) -> None:
    """A result's columns as a Parquet file (`result_table`, written by `write_arrow`)."""
    write_arrow(result_table(result), target)


def result_table(result: ColumnarResult) -> pa.Table:
    """A result's columns as an Arrow table, without gathering its values row by row: each
    column is handed to the writer as a dictionary column (its distinct values among the few
    thousand projections, each row's code among them, null for a bad row's null), which Parquet
    writes as its own dictionary page and codes; a column without a null is marked so (Parquet
    then writes no null flags for it)."""
    import pyarrow as pa

    dictionaries = [_distinct_values(series) for series in result.projections.iter_columns()]
    # every column's codes gathered in one Polars pass over the rows, the columns side by side
    codes = pl.DataFrame([result.index.alias("i")]).select(
        pl.lit(code).gather(pl.col("i")).alias(f"c{n}") for n, (code, _) in enumerate(dictionaries))
    columns: list[Any] = []
    fields: list[pa.Field] = []
    for series, (_, values), coded in zip(result.projections.iter_columns(), dictionaries, codes.iter_columns()):
        dictionary = values.to_arrow()
        if dictionary.type == pa.large_string():
            dictionary = dictionary.cast(pa.string())
        column = pa.DictionaryArray.from_arrays(coded.to_arrow(), dictionary)
        columns.append(column)
        fields.append(pa.field(series.name, column.type, nullable=bool(series.null_count())))
    columns.append(pa.nulls(result.error.len(), pa.string()) if not result.failed else result.error.to_arrow())
    fields.append(pa.field(ERROR, columns[-1].type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _distinct_values(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(each projection's code among the column's distinct values, null for a null; those
    values): Parquet's writer takes a dictionary that holds a value twice, or a null, as no
    dictionary at all, and writes every value out."""
    values = series.drop_nulls().unique(maintain_order=True)
    codes = (series.to_frame("v").join(values.to_frame("v").with_row_index("i"), on="v", how="left",
                                       maintain_order="left").get_column("i").cast(pl.UInt32))
    return codes, values


def write_results(results: pl.DataFrame, target: Any) -> None:
    """Result columns (one row per row) as a Parquet file, written as `write_result` writes."""
    write_arrow(results.to_arrow(), target)


def write_arrow(table: pa.Table, target: Any, compressed: Iterable[str] = ()) -> None:
    """An Arrow table as a Parquet file, written uncompressed but for the `compressed` columns
    (a result column's pages are dictionary codes already: snappy saved under 0.1 % of a million
    rows' results and cost more than it saved; a case number in every row is another matter),
    without statistics (a million rows are one row group: its minima and maxima let a reader
    skip nothing) and without the Arrow schema (every reader reads a dictionary column's texts
    as texts)."""
    import pyarrow.parquet as pq

    codecs = dict.fromkeys(table.column_names, "none") | dict.fromkeys(compressed, "snappy")
    pq.write_table(table, target, compression=codecs, write_statistics=False, store_schema=False)


Result = Outcome | EvaluationError


def _evaluated(evaluate_many: Any, cases: list[dict[str, Any]]) -> list[Result]:
    """One result per case through the batch session; a case that breaks the session is
    evaluated alone and its failure is its result."""
    try:
        return list(evaluate_many(cases))
    except Exception:  # noqa: BLE001 - a case nothing foresaw: find it, alone
        return [_alone(evaluate_many, case) for case in cases]


def _alone(evaluate_many: Any, case: dict[str, Any]) -> Result:
    try:
        return evaluate_many([case])[0]
    except Exception as err:  # noqa: BLE001 - whatever it was, it is this case's error
        if isinstance(err, BEYOND):
            return beyond(case)
        return EvaluationError("input_failed", detail=type(err).__name__)


def _output_names(results: Iterable[Result]) -> list[str]:
    names: dict[str, None] = {}
    for result in results:
        if isinstance(result, Outcome):
            names.update(dict.fromkeys(result.outputs))
    return list(names)


def _result_names(outputs: list[str], keys: list[str], policy: str) -> list[str]:
    """The column of each output: its name, or `policy.name` where a column the policy reads (or
    a result column) has that name."""
    taken = set(keys) | set(RESULT_COLUMNS)
    return [f"{policy}.{name}" if name in taken else name for name in outputs]


def _result_table(results: list[Result], outputs: list[str], lang: Lang, title_of: Any) -> pl.DataFrame:
    """One row per distinct projection: outputs, fired, version, details, and the error's reason
    and column (located by row once gathered)."""
    values: dict[str, list[Any]] = {name: [] for name in outputs}
    money: set[str] = set()
    fired: list[str | None] = []
    version: list[str | None] = []
    details: list[str | None] = []
    reason: list[str | None] = []
    column: list[str | None] = []
    for result in results:
        if isinstance(result, Outcome):
            try:
                detail = json.dumps(_render(result.details, lang), ensure_ascii=False) if result.details else None
            except Exception as err:  # noqa: BLE001 - details that do not render are the row's error
                result = EvaluationError("input_failed", detail=type(err).__name__)
            else:
                for name in outputs:
                    values[name].append(result.outputs.get(name))
                money |= result.money_outputs
                fired.append(",".join(result.fired))
                version.append(result.version)
                details.append(detail)
                reason.append(None)
                column.append(None)
                continue
        for name in outputs:
            values[name].append(None)
        fired.append(None)
        version.append(None)
        details.append(None)
        reason.append(_reason(result, lang))
        field = result.params.get("field")
        column.append(title_of(field) if isinstance(field, str) else None)
    columns = [_column(name, values[name], name in money) for name in outputs]
    columns += [pl.Series(FIRED, fired, dtype=pl.String), pl.Series(VERSION, version, dtype=pl.String),
                pl.Series("__reason", reason, dtype=pl.String), pl.Series("__column", column, dtype=pl.String)]
    if any(d is not None for d in details):
        columns.append(pl.Series(DETAILS, details, dtype=pl.String))
    return pl.DataFrame(columns)


def _reason(error: EvaluationError, lang: Lang) -> str:
    try:
        return error.message(lang)
    except Exception as err:  # noqa: BLE001 - a message that does not render still names the row
        return EvaluationError("input_failed", detail=type(err).__name__).message(lang)


def _column(name: str, values: list[Any], money: bool) -> pl.Series:
    """An output's values as a typed column: money and decimals exact (never floats), whole
    numbers, yes/no, dates, text; values of mixed types as the text an outcome shows."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pl.Series(name, values, dtype=pl.String)
    if kinds <= {Decimal, int} and Decimal in kinds or money and kinds <= {Decimal, int}:
        numbers = [None if v is None else Decimal(v) for v in values]
        scale = 2 if money else max(_places(n) for n in numbers if n is not None)
        return pl.Series(name, numbers, dtype=pl.Decimal(38, min(scale, 18)))
    if kinds == {int}:
        return pl.Series(name, values, dtype=pl.Int64)
    if kinds == {bool}:
        return pl.Series(name, values, dtype=pl.Boolean)
    if kinds == {dt.date}:
        return pl.Series(name, values, dtype=pl.Date)
    if kinds == {str}:
        return pl.Series(name, values, dtype=pl.String)
    return pl.Series(name, [None if v is None else _text(v) for v in values], dtype=pl.String)


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Localized):
        return value.render()
    return str(value)


def _located(lang: Lang) -> pl.Expr:
    """The error column: each bad row's reason, named by its row (`__row`) and (when the reason
    is about a field) its column, in the catalog's words."""
    parts = {"row": pl.col("__row"), "column": pl.col("__column"), "reason": pl.col("__reason")}
    return (pl.when(pl.col("__reason").is_null()).then(pl.lit(None, dtype=pl.String))
            .when(pl.col("__column").is_null()).then(_formatted("batch_row", lang, parts))
            .otherwise(_formatted("batch_row_column", lang, parts))).alias(ERROR)


def _formatted(key: str, lang: Lang, parts: Mapping[str, pl.Expr]) -> pl.Expr:
    """A catalog message as a column expression: its literal text around the columns that fill
    its placeholders."""
    template = MESSAGES[key][1 if lang == "en" else 0]
    pieces: list[pl.Expr] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if name:
            pieces.append(parts[name])
    return pl.concat_str(pieces)
