"""`tiaojie evaluate POLICY [FILE|-] [--batch FILE.jsonl|-]`: outcomes as JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Iterator, TextIO

import typer

from ..i18n import tr
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .context import settings


class _BadLine:
    """Stands in the batch for a line that was not JSON, so results stay in input order."""

    __slots__ = ("line", "detail")

    def __init__(self, line: int, detail: str):
        self.line = line
        self.detail = detail


def _open(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    return open(Path(path), encoding="utf-8")


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value} (YYYY-MM-DD)") from None


def evaluate(
    ctx: typer.Context,
    policy: str = typer.Argument(..., help="政策编号 / policy id, e.g. mediation-reward"),
    file: str = typer.Argument(None, help="一个案件的 JSON 文件，- 为标准输入 / a JSON object; - for stdin"),
    as_of: str = typer.Option(None, "--as-of", help="按此日期计算 / evaluate as of this date (YYYY-MM-DD)"),
    batch: str = typer.Option(None, "--batch", help="JSONL 文件，每行一个案件；- 为标准输入 / one case per line"),
) -> None:
    """对案件求值，输出 JSON 结果 / evaluate cases and print outcomes as JSON."""
    cfg = settings(ctx)
    lang = cfg.lang
    on = _parse_date(as_of)
    rules = cfg.open_rules()
    try:
        rules.book.versions(policy)
    except EvaluationError as err:
        typer.echo(err.message(lang), err=True)
        raise typer.Exit(2) from None

    if batch is not None:
        failures = _run_batch(rules, policy, batch, on, lang)
        raise typer.Exit(1 if failures else 0)

    source = _open(file or "-")
    text = source.read()
    try:
        case = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as err:
        typer.echo(json.dumps({"error": tr("bad_json", lang, line=err.lineno, detail=err.msg)}, ensure_ascii=False))
        raise typer.Exit(1) from None
    try:
        outcome = rules.evaluate(policy, case, on)
    except EvaluationError as err:
        typer.echo(json.dumps({"error": err.message(lang)}, ensure_ascii=False))
        raise typer.Exit(1) from None
    typer.echo(json.dumps(outcome.to_json(lang), ensure_ascii=False, indent=2))


def _read_lines(stream: TextIO, blank: set[int]) -> Iterator[object]:
    loads = json.loads
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            blank.add(number)
            continue
        try:
            yield loads(line, parse_float=Decimal)
        except json.JSONDecodeError as err:
            yield _BadLine(number, err.msg)


def _run_batch(rules, policy: str, path: str, on: dt.date | None, lang) -> int:
    """Write one JSON line per input line, in order; return how many lines failed."""
    write = sys.stdout.write
    dumps = json.dumps
    blank: set[int] = set()
    line_numbers = _line_numbers(blank)
    current: list[object] = [None]

    def remembered(cases: Iterator[object]) -> Iterator[object]:
        # evaluate_batch takes one case and yields its result before taking the next.
        for case in cases:
            current[0] = case
            yield case

    # Outcomes for equal projections are one shared object: serialise each object once.
    rendered: dict[int, tuple[Outcome, str]] = {}
    failures = 0
    with _open(path) as stream:
        for result in rules.evaluate_batch(policy, remembered(_read_lines(stream, blank)), on):
            number = next(line_numbers)
            case = current[0]
            if isinstance(case, _BadLine):
                failures += 1
                error = tr("bad_json", lang, line=case.line, detail=case.detail)
                write(dumps({"line": case.line, "error": error}, ensure_ascii=False) + "\n")
            elif isinstance(result, EvaluationError):
                failures += 1
                write(dumps({"line": number, "error": result.message(lang)}, ensure_ascii=False) + "\n")
            else:
                entry = rendered.get(id(result))
                if entry is None or entry[0] is not result:
                    if len(rendered) > 100_000:
                        rendered.clear()
                    entry = (result, dumps(result.to_json(lang), ensure_ascii=False) + "\n")
                    rendered[id(result)] = entry
                write(entry[1])
    sys.stdout.flush()
    return failures


def _line_numbers(blank: set[int]) -> Iterator[int]:
    number = 0
    while True:
        number += 1
        while number in blank:
            number += 1
        yield number
