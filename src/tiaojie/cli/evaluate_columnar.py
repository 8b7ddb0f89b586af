"""`tiaojie evaluate POLICY --batch FILE.csv|.parquet|.xlsx -o OUT`: a sheet of cases, one row a
case, evaluated as columns; OUT's suffix (.csv, .parquet, .xlsx, .jsonl) chooses how the rows are
written back, each with its results beside it (the policy's outputs, the rules that fired, the
version, and what was wrong with a bad row, named by row and column).

Headers are read as the case import reads them (卷号, 纠纷类型, 调处成功日期 … or field ids), plus
every vocabulary field by its id or title; cells as a clerk types them (labels, 2026年3月2日, 是/否).
A bad row is that row's error alone; the others are evaluated and every row is written, in order.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import polars as pl
import typer

from ..i18n import Lang, Localized, did_you_mean, tr
from ..ledger.exports import FORMULA_STARTS, risky
from ..rules.columnar import ERROR, RESULT_COLUMNS, evaluate_columns, read_parquet, result_table, write_arrow
from ..value_errors import InvalidValue

# The case import (`ledger.import_sheet`) is imported where a sheet needs it: it brings the
# ledger's database layer, a second or more to start, which a Parquet file of field ids never needs.

READS = (".csv", ".parquet", ".xlsx")
WRITES = (".csv", ".parquet", ".xlsx", ".jsonl")
XLSX_ROWS = 1_048_575  # a worksheet's rows, less the header: what Excel and WPS open
SHOWN_ERRORS = 20  # bad rows named on the terminal; the output's error column names them all
# The case import's name of a column → the vocabulary's, where the two differ.
IMPORT_FIELD = {"agreement_kind": "agreement"}


def is_columnar(path: str | None) -> bool:
    """Whether `--batch` names a sheet this module reads (rather than JSON lines)."""
    return path is not None and Path(path).suffix.lower() in READS


class SheetRefused(Exception):
    """The sheet as a whole cannot be evaluated: its messages, and nothing is written."""

    def __init__(self, *messages: Localized):
        super().__init__(messages)
        self.messages = messages


@dataclass
class Sheet:
    frame: pl.DataFrame  # the columns under the headers as the file spells them
    rows: pl.Series  # each row's number as the file numbers it (the header is row 1)


def run_columnar(rules: Any, policy: str, path: str, output: str | None, on: dt.date | None, lang: Lang,
                 allow_unknown: bool = False, encoding: str | None = None) -> int:
    """Evaluate a sheet and write it with its results; report bad rows on standard error and
    return how many there were. A sheet that cannot be read, or an output that cannot be written,
    is a message and exit 2."""
    try:
        target = _output_path(output)
        done = _parquet_to_parquet(rules, policy, Path(path), target, on, lang, allow_unknown)
        if done is None:
            sheet = read_table(Path(path), encoding)
            fields = header_fields(list(sheet.frame.columns), rules.book.vocabulary, allow_unknown)
            result = evaluate_sheet(rules, policy, sheet, fields, on, lang)
            write_table(result, target)
            done = result.get_column(ERROR), result.height
    except SheetRefused as refused:
        for message in refused.messages:
            typer.echo(message.render(lang), err=True)
        raise typer.Exit(2) from None
    error, height = done
    errors = error.filter(error.is_not_null())
    for message in errors.head(SHOWN_ERRORS):
        typer.echo(message, err=True)
    if errors.len() > SHOWN_ERRORS:
        typer.echo(tr("batch_more_errors", lang, count=errors.len() - SHOWN_ERRORS), err=True)
    if target is not None:
        typer.echo(tr("batch_summary", lang, rows=height, bad=errors.len(), path=target), err=True)
    return errors.len()


def _parquet_to_parquet(rules: Any, policy: str, source: Path, target: Path | None, on: dt.date | None, lang: Lang,
                        allow_unknown: bool) -> tuple[pl.Series, int] | None:
    """A Parquet file written back as Parquet, through Arrow: the texts the policy reads read as
    the file's own dictionaries (grouped by their codes, never made a text per row), a date or
    yes/no column's dictionary read the case import's way, and its columns written back as read
    beside the result columns. (each row's error, the rows); None where the general path is
    needed: another suffix, a file it cannot read, a column of labels as pandas writes them
    (written back as such there), or a row that may be wholly blank (the general path leaves
    such rows out)."""
    if target is None or source.suffix.lower() != ".parquet" or target.suffix.lower() != ".parquet":
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not source.is_file():
        raise SheetRefused(Localized("batch_no_file", path=source))
    try:
        schema = pq.read_schema(source)
    except (OSError, pa.ArrowException):  # unreadable, or not Parquet: the general path says which
        return None
    if not schema.names or len(set(schema.names)) < len(schema.names):
        return None
    if any(pa.types.is_dictionary(f.type) for f in schema):  # labels as pandas writes them: kept as such there
        return None
    fields = header_fields(list(schema.names), rules.book.vocabulary, allow_unknown)
    if not fields:
        return None
    # The columns the policy reads as the file's dictionaries; the others as they are (a case
    # number in every row is no dictionary: made one, a million texts would be hashed twice).
    texts = [h for h in fields if pa.types.is_string(schema.field(h).type) or pa.types.is_large_string(schema.field(h).type)]
    try:
        table = read_parquet(source, None, texts)
    except (OSError, pa.ArrowException):
        return None
    if all(table.column(i).null_count for i in range(table.num_columns)) or not table.num_rows:
        return None  # a row may be blank everywhere
    # One dictionary per column, not one per row group: Parquet's writer writes a column whose
    # dictionary changes from one row group to the next without any.
    table = pa.table([c.unify_dictionaries() if pa.types.is_dictionary(c.type) else c for c in table.columns],
                     names=table.column_names)
    vocabulary = rules.book.vocabulary.fields
    read = pa.table([_spelt(table.column(header), vocabulary[name]) for header, name in fields.items()],
                    names=list(fields.values()))
    result = evaluate_columns(rules, policy, read, on, lang=lang,
                              column_titles={name: header for header, name in fields.items()},
                              reserved=list(table.column_names))
    results = result_table(result)
    kept = table.drop_columns([c for c in results.column_names if c in table.column_names])
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        write_arrow(pa.table([*kept.columns, *results.columns], names=[*kept.column_names, *results.column_names]),
                    partial, compressed=kept.column_names)  # the sheet's own columns as compressed as they came
        os.replace(partial, target)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise SheetRefused(Localized("batch_unwritable", path=target, detail=err.strerror or type(err).__name__)) from None
    return result.error, table.num_rows


def _spelt(column: Any, fdef: Any) -> Any:
    """A dictionary column of a date or yes/no field with each dictionary entry read the case
    import's way (`_spellings`), the codes untouched; any other column as it is."""
    import pyarrow as pa

    spell = _spellings(fdef)
    if spell is None or not pa.types.is_dictionary(column.type):
        return column
    column = column.unify_dictionaries()
    if not column.num_chunks:
        return column
    entries = column.chunks[0].dictionary.to_pylist()
    spelt = [text if text is None or (new := spell(text)) is None else new for text in entries]
    if spelt == entries:
        return column
    dictionary = pa.array(spelt, type=pa.string())
    return pa.chunked_array([pa.DictionaryArray.from_arrays(chunk.indices, dictionary) for chunk in column.chunks])


def _output_path(output: str | None) -> Path | None:
    if output is None or output == "-":
        return None
    target = Path(output)
    if target.suffix.lower() not in WRITES:
        raise SheetRefused(Localized("batch_bad_format", suffix=target.suffix or target.name, choices=" ".join(WRITES)))
    if not target.parent.is_dir():  # said before a million rows are read, not after
        raise SheetRefused(Localized("batch_no_folder", path=target.parent))
    return target


# --- reading ---------------------------------------------------------------------------------


def read_table(path: Path, encoding: str | None = None) -> Sheet:
    """The sheet's columns as strings (Parquet's as typed), rows that are wholly blank left out."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetRefused(Localized("batch_no_file", path=path))
    try:
        if suffix == ".csv":
            frame, first = _read_csv(path, encoding), 2
        elif suffix == ".parquet":
            frame, first = pl.read_parquet(path), 1
        elif suffix == ".xlsx":
            return _read_xlsx(path)
        else:
            raise SheetRefused(Localized("batch_bad_format", suffix=suffix or path.name, choices=" ".join(READS)))
    except OSError as err:
        raise SheetRefused(Localized("file_unreadable", detail=f"{path} ({err.strerror or type(err).__name__})")) from None
    except pl.exceptions.PolarsError as err:
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise SheetRefused(Localized("batch_bad_file", path=path, detail=detail)) from None
    rows = pl.int_range(first, first + frame.height, eager=True)
    blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series() if frame.width else None
    if blank is not None and blank.any():
        frame, rows = frame.filter(~blank), rows.filter(~blank)
    return Sheet(frame, rows)


def _read_csv(path: Path, encoding: str | None) -> pl.DataFrame:
    """Every cell as text (a case number 007 stays 007), an empty cell as missing; the header
    row read as written, so two columns of one name are seen."""
    data = path.read_bytes()
    codec = encoding or "utf-8-sig"
    try:
        text = data.decode(codec)
    except LookupError:
        raise SheetRefused(Localized("unknown_encoding", encoding=codec)) from None
    except UnicodeDecodeError as err:
        start = data.rfind(b"\n", 0, err.start) + 1
        raise SheetRefused(Localized("line_not_decodable", line=data.count(b"\n", 0, err.start) + 1,
                                     encoding=encoding or "utf-8", column=err.start - start + 1)) from None
    utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if codec.replace("_", "-").lower() not in ("utf-8", "utf8", "utf-8-sig"):
        utf8 = text.encode("utf-8")
    if not utf8.strip():
        raise SheetRefused(Localized("batch_bad_file", path=path, detail=tr("imp_empty")))
    raw = pl.read_csv(utf8, has_header=False, infer_schema=False)
    header = ["" if h is None else str(h) for h in raw.row(0)]
    return _named(raw.slice(1), header)


def _read_xlsx(path: Path) -> Sheet:
    """The first worksheet, read by the case import's reader; dates as ISO text, numbers as
    written."""
    from ..ledger.import_sheet import read_sheet

    read = read_sheet(path)
    if read.problems:
        raise SheetRefused(*(Localized("batch_bad_file", path=path, detail=p.reason) for p in read.problems))
    width = len(read.header)
    rows = list(read.rows)  # taken once: the reader may give them one at a time
    columns = [[_cell(cells[j]) if j < len(cells) else None for _, cells in rows] for j in range(width)]
    frame = pl.DataFrame({f"column_{j}": pl.Series(values, dtype=pl.String) for j, values in enumerate(columns)})
    return Sheet(_named(frame, read.header), pl.Series("row", [n for n, _ in rows], dtype=pl.Int64))


def _cell(value: Any) -> str | None:
    from ..ledger.import_sheet import _text

    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    return text or None


def _named(frame: pl.DataFrame, header: list[str]) -> pl.DataFrame:
    """The frame under the sheet's headers; an unnamed column with nothing in it is left out, two
    columns of one name are refused."""
    keep: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, title in zip(frame.columns, header):
        title = title.strip().lstrip("\ufeff")
        if not title:
            if frame.get_column(name).null_count() == frame.height:
                continue
            title = f"#{len(keep) + 1}"
        if title in seen:
            raise SheetRefused(Localized("batch_duplicate_column", column=title, other=title, field=title))
        seen[title] = name
        keep[name] = title
    return frame.select(list(keep)).rename(keep)


# --- headers and cells -----------------------------------------------------------------------


def header_fields(headers: list[str], vocabulary: Any, allow_unknown: bool) -> dict[str, str]:
    """Header → the field it holds, as the case import reads headers (and every vocabulary field
    by its id or titles); refused when two headers are one field or, unless `allow_unknown`, a
    header is neither. Columns the import knows but the vocabulary does not (summary, parties…)
    are carried through unread, and so are result columns of an earlier run."""
    own = {alias: f.name for f in vocabulary.fields.values() for alias in (f.name, f.title, f.title_en) if alias}
    fields = {header: own[header] for header in headers if header in own}
    others = [header for header in headers if header not in own]
    if all(header in RESULT_COLUMNS for header in others) and len(set(fields.values())) == len(fields):
        return fields  # every header a field's id or title as written, each field once
    from ..ledger.import_sheet import HEADERS, LOOKUP, norm

    lookup = {alias: IMPORT_FIELD.get(name, name) for alias, name in LOOKUP.items()}
    for alias, name in own.items():
        lookup.setdefault(norm(alias), name)
    fields = {}
    holder: dict[str, str] = {}
    problems: list[Localized] = []
    for header in headers:
        name = lookup.get(norm(header))
        if name is None:
            if header not in RESULT_COLUMNS and not allow_unknown:
                aliases = [a for names in HEADERS.values() for a in names]
                aliases += [a for f in vocabulary.fields.values() for a in (f.name, f.title, f.title_en) if a]
                problems.append(Localized("batch_unknown_column", column=header, hint=did_you_mean(header, aliases)))
            continue
        if name in holder:
            problems.append(Localized("batch_duplicate_column", column=header, other=holder[name], field=name))
            continue
        holder[name] = header
        if name in vocabulary.fields:
            fields[header] = name
    if problems:
        raise SheetRefused(*problems)
    return fields


def _spellings(fdef: Any) -> Callable[[str], str | None] | None:
    """How the case import reads a cell of this field's type where the vocabulary reads less
    (2026年3月2日, 2026/3/2; √, ×, 已, 未): the vocabulary's spelling, or None to leave the cell
    (a cell the vocabulary reads itself, or one neither reads: the vocabulary's message names it)."""
    if fdef.type not in ("date", "bool"):
        return None

    def spelt(text: str) -> str | None:
        try:
            fdef.coerce(text)
            return None  # read as it is
        except InvalidValue:
            pass
        from ..ledger.import_sheet import _bool, _date  # only for a cell the vocabulary does not read

        try:
            if fdef.type == "date":
                return _date(text).isoformat()
            return "true" if _bool(text) else "false"
        except ValueError:
            return None

    return spelt


def evaluate_sheet(rules: Any, policy: str, sheet: Sheet, fields: dict[str, str], on: dt.date | None,
                   lang: Lang) -> pl.DataFrame:
    """The sheet as read, with the result columns after its own; each distinct cell of a date or
    yes/no column is read once the case import's way."""
    vocabulary = rules.book.vocabulary.fields
    columns = []
    for header, name in fields.items():
        column = sheet.frame.get_column(header)
        spell = _spellings(vocabulary[name]) if column.dtype == pl.String else None
        if spell is not None:
            seen = column.drop_nulls().unique().to_list()
            changed = {text: new for text in seen if (new := spell(text)) is not None and new != text}
            if changed:
                column = column.replace(list(changed), list(changed.values()))
        columns.append(column.alias(name))
    frame = pl.DataFrame(columns, height=sheet.frame.height) if columns else pl.DataFrame(height=sheet.frame.height)
    result = evaluate_columns(rules, policy, frame, on, lang=lang, row_numbers=sheet.rows,
                              column_titles={name: header for header, name in fields.items()},
                              reserved=list(sheet.frame.columns))
    kept = sheet.frame.drop([c for c in result.results.columns if c in sheet.frame.columns])
    return kept.hstack(result.results)


# --- writing ---------------------------------------------------------------------------------


def write_table(frame: pl.DataFrame, target: Path | None) -> None:
    """The rows with their results, by the target's suffix (CSV on standard output when there is
    no target); written beside the target and put in its place whole."""
    if target is None:
        sys.stdout.write(_defused(frame).write_csv())
        sys.stdout.flush()
        return
    suffix = target.suffix.lower()
    if suffix == ".xlsx" and frame.height > XLSX_ROWS:
        raise SheetRefused(Localized("batch_xlsx_rows", rows=frame.height, most=XLSX_ROWS))
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        if suffix == ".csv":
            _defused(frame).write_csv(partial, include_bom=True)  # a BOM: spreadsheet programs read it as UTF-8
        elif suffix == ".parquet":
            frame.write_parquet(partial)
        elif suffix == ".jsonl":
            frame.write_ndjson(partial)
        else:
            _write_xlsx(frame, partial)
        os.replace(partial, target)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise SheetRefused(Localized("batch_unwritable", path=target, detail=err.strerror or type(err).__name__)) from None


_FORMULA = "^[" + re.escape("".join(FORMULA_STARTS)) + "]"


def _defused(frame: pl.DataFrame) -> pl.DataFrame:
    """Text a spreadsheet would run as a formula, prefixed with a quote (as the ledger's exports
    write it, and as the case import reads it back)."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text)


def _write_xlsx(frame: pl.DataFrame, target: Path) -> None:
    """One worksheet: the headers, then the rows; formula-like text stored as text, exact
    decimals with their places."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(frame.columns))
    formats = {i: "0." + "0" * dtype.scale if dtype.scale else "0" for i, dtype in enumerate(frame.dtypes)
               if isinstance(dtype, pl.Decimal)}
    for row in frame.iter_rows():
        cells: list[Any] = list(row)
        for i, value in enumerate(cells):
            if risky(value):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # a string cell: shown as typed, never evaluated
                cells[i] = cell
            elif i in formats and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[i]
                cells[i] = cell
        sheet.append(cells)
    book.save(target)
