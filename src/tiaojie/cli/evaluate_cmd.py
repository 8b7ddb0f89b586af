"""`tiaojie evaluate POLICY [FILE|-] [--batch FILE.jsonl|-]`: outcomes as JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from itertools import islice, repeat
from pathlib import Path
from typing import TextIO

import typer

from ..i18n import tr
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .context import settings


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
    allow_unknown: bool = typer.Option(False, "--allow-unknown",
                                       help="忽略词汇表中没有的字段（默认视为错误，以免拼错的字段被悄悄忽略） / "
                                            "ignore fields the vocabulary does not define (an error by default)"),
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

    known = None if allow_unknown else _known_keys(rules)
    if batch is not None:
        failures = _run_batch(rules, policy, batch, on, lang, known)
        raise typer.Exit(1 if failures else 0)

    source = _open(file or "-")
    text = source.read()
    try:
        case = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as err:
        typer.echo(json.dumps({"error": tr("bad_json", lang, line=err.lineno, detail=err.msg)}, ensure_ascii=False))
        raise typer.Exit(1) from None
    unknown = _unknown(case, known, lang)
    if unknown:
        typer.echo(json.dumps({"error": unknown}, ensure_ascii=False))
        raise typer.Exit(1) from None
    try:
        outcome = rules.evaluate(policy, case, on)
    except EvaluationError as err:
        typer.echo(json.dumps({"error": err.message(lang)}, ensure_ascii=False))
        raise typer.Exit(1) from None
    typer.echo(json.dumps(outcome.to_json(lang), ensure_ascii=False, indent=2))


_DECODER = json.JSONDecoder(parse_float=Decimal)
_SCAN = _DECODER.raw_decode  # what `decode` runs on a line with no leading whitespace
_CHUNK = 8192  # lines read, evaluated and written at a time (1 when typing at a terminal)


def _parse(line: str) -> object:
    """`json.loads(line, parse_float=Decimal)`, with one decoder for every line: the value,
    or raises JSONDecodeError with the same message."""
    try:
        value, end = _SCAN(line)
    except ValueError:  # leading whitespace, a BOM, bad JSON: the long way
        return json.loads(line, parse_float=Decimal)
    if end != len(line) and line[end:].strip(" \t\n\r"):  # extra data after the value
        return json.loads(line, parse_float=Decimal)
    return value


def _known_keys(rules) -> frozenset[str]:  # noqa: ANN001
    """The top-level keys a case may have: the vocabulary's field ids (the first part of dotted ones)."""
    return frozenset(name.split(".")[0] for name in rules.book.vocabulary.fields)


def _unknown(case: object, known: frozenset[str] | None, lang) -> str | None:  # noqa: ANN001
    """The message for the first key the vocabulary does not define (a typo would otherwise be
    silently ignored and the case judged without it); None when all are known or not checked."""
    if known is None or not isinstance(case, dict) or known.issuperset(case):
        return None
    from ..i18n import did_you_mean

    field = next(str(k) for k in case if k not in known)
    return tr("unknown_input_field", lang, field=field, hint=did_you_mean(field, sorted(known)))


def _run_batch(rules, policy: str, path: str, on: dt.date | None, lang, known: frozenset[str] | None = None) -> int:
    """Write one JSON line per non-blank input line, in order; return how many lines failed.

    Lines are taken a chunk at a time: the chunk's cases go to the batch session together, and
    each result is written beside the line it came from."""
    write = sys.stdout.write
    dumps = json.dumps
    session = rules.batch_session(policy, on)
    evaluate_many = session.evaluate_many
    # Outcomes for equal projections are one shared object: serialise each object once. The
    # object is kept with its text, so its id cannot be reused while the entry lives.
    rendered: dict[int, str] = {}
    kept: list[Outcome] = []
    failures = 0
    with _open(path) as stream:
        size = 1 if stream.isatty() else _CHUNK
        numbered = enumerate(stream, start=1)
        while True:
            lines = list(islice(numbered, size))
            if not lines:
                break
            numbers: list[int] = []
            cases: list[object] = []
            bad: dict[int, str] = {}  # position in the chunk → what was wrong with the JSON
            for number, line in lines:
                try:
                    case = _parse(line)
                except json.JSONDecodeError as err:
                    if not line.strip():
                        continue
                    bad[len(numbers)] = tr("bad_json", lang, line=number, detail=err.msg)
                    case = None
                else:
                    if known is not None and type(case) is dict and not known.issuperset(case):
                        bad[len(numbers)] = _unknown(case, known, lang) or ""
                        case = None
                numbers.append(number)
                cases.append(case)
            if bad:  # only the parsed cases go to the batch; the bad lines keep their place
                good = [c for i, c in enumerate(cases) if i not in bad]
                results = iter(evaluate_many(good))
                chunk_results: list[Outcome | EvaluationError | None] = [
                    None if i in bad else next(results) for i in range(len(cases))]
            else:
                chunk_results = evaluate_many(cases)
            texts = list(map(rendered.get, map(id, chunk_results), repeat("")))  # "": not written yet
            if "" in texts:  # errors, bad lines, outcomes not written yet
                for i, text in enumerate(texts):
                    if text:
                        continue
                    result = chunk_results[i]
                    number = numbers[i]
                    if result is None:  # the line was not JSON, or named a field nobody defined
                        failures += 1
                        texts[i] = dumps({"line": number, "error": bad[i]}, ensure_ascii=False) + "\n"
                    elif isinstance(result, EvaluationError):
                        failures += 1
                        texts[i] = dumps({"line": number, "error": result.message(lang)}, ensure_ascii=False) + "\n"
                    else:
                        if len(kept) > 100_000:
                            rendered.clear()
                            kept.clear()
                        text = texts[i] = dumps(result.to_json(lang), ensure_ascii=False) + "\n"
                        rendered[id(result)] = text
                        kept.append(result)
            write("".join(texts))
            if size == 1:
                sys.stdout.flush()
    sys.stdout.flush()
    return failures
