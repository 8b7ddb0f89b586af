"""`tiaojie evaluate POLICY [FILE|-] [--batch FILE.jsonl|-] [-o FILE]`: outcomes as JSON.

One case (a JSON object) gives its outcome, indented; a batch gives one line per case, in order
(see `evaluate_batch`). Whatever the input holds, it is that case's error, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from typing import Any, Callable, ParamSpec, TypeVar

import typer

from ..i18n import Lang, tr
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .context import settings
from .evaluate_input import input_codec, json_error, known_keys, open_input, parse_date, uncomputable, unknown_message
from .evaluate_output import Output

P = ParamSpec("P")
R = TypeVar("R")


def utf8_args(fn: Callable[P, R]) -> Callable[P, R]:
    """Refuse a command-line value holding bytes that were not UTF-8 (Python reads them as lone
    surrogates, which neither a database nor a terminal takes), naming the option; exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for key, value in kwargs.items():
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, str) and not _utf8(item):
                    ctx: Any = next((a for a in (*args, *kwargs.values()) if hasattr(a, "find_root")), None)
                    name = key
                    for param in getattr(getattr(ctx, "command", None), "params", ()):
                        if param.name == key:  # as the help shows it: --unit, HOUSEHOLD
                            option = getattr(param, "param_type_name", "") == "option" and param.opts
                            name = param.opts[0] if option else str(param.human_readable_name).upper()
                    lang: Lang = settings(ctx).lang if ctx is not None else "zh"
                    typer.echo(tr("arg_not_utf8", lang, name=name), err=True)
                    raise typer.Exit(2)
        return fn(*args, **kwargs)

    return wrapper


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@utf8_args
def evaluate(
    ctx: typer.Context,
    policy: str = typer.Argument(..., help="政策编号 / policy id, e.g. mediation-reward"),
    file: str = typer.Argument(None, help="一个案件的 JSON 文件，- 为标准输入 / a JSON object; - for stdin"),
    as_of: str = typer.Option(None, "--as-of", help="按此日期计算 / evaluate as of this date (YYYY-MM-DD)"),
    batch: str = typer.Option(None, "--batch", help="JSONL 文件，每行一个案件；- 为标准输入；.csv/.parquet/.xlsx 表格"
                                                   "按列求值，-o 的后缀定输出格式 / one case per line; a .csv, .parquet "
                                                   "or .xlsx sheet is evaluated as columns, written as -o's suffix says"),
    output: str = typer.Option(None, "-o", "--output",
                               help="写入此文件（写完整后才替换），默认标准输出 / write to this file "
                                    "(put in place when whole); standard output by default"),
    allow_unknown: bool = typer.Option(False, "--allow-unknown",
                                       help="忽略词汇表中没有的字段（默认视为错误，以免拼错的字段被悄悄忽略） / "
                                            "ignore fields the vocabulary does not define (an error by default)"),
    encoding: str = typer.Option(None, "--encoding", help="输入的编码，如 gb18030（默认 UTF-8） / the input's encoding"),
) -> None:
    """对案件求值，输出 JSON 结果 / evaluate cases and print outcomes as JSON."""
    cfg = settings(ctx)
    lang = cfg.lang
    on = parse_date(as_of)
    codec = input_codec(encoding, lang)
    rules = cfg.open_rules()
    try:
        rules.book.decided_versions(policy)  # an unknown policy, or a review chain, refused before any case
    except EvaluationError as err:
        typer.echo(err.message(lang), err=True)
        raise typer.Exit(2) from None

    known = None if allow_unknown else known_keys(rules)
    if batch is not None:
        if batch.lower().endswith((".csv", ".parquet", ".xlsx")):  # a sheet: evaluated as columns
            from .evaluate_columnar import run_columnar

            raise typer.Exit(1 if run_columnar(rules, policy, batch, output, on, lang, allow_unknown, encoding) else 0)
        from .evaluate_batch import run_batch  # deferred: the rules core loads only when a batch runs

        with Output(output, lang) as out:
            failures = run_batch(rules, policy, batch, on, lang, known, codec, out)
        raise typer.Exit(1 if failures else 0)

    with open_input(file or "-", lang) as source:
        data = source.read()
    outcome = _evaluate_one(rules, policy, data, codec, on, lang, known)
    with Output(output, lang) as out:
        if isinstance(outcome, Outcome):
            out.write(out.bytes_of(json.dumps(outcome.to_json(lang), ensure_ascii=False, indent=2) + "\n"))
        else:
            out.write(out.bytes_of(json.dumps({"error": outcome}, ensure_ascii=False) + "\n"))
    if not isinstance(outcome, Outcome):
        raise typer.Exit(1)


def _evaluate_one(rules, policy: str, data: bytes, codec: str, on: dt.date | None, lang: Lang,  # noqa: ANN001
                  known: frozenset[str] | None) -> Outcome | str:
    """The outcome of one case given as the bytes of a JSON object, or what was wrong with it."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        start = data.rfind(b"\n", 0, err.start) + 1
        return tr("line_not_decodable", lang, line=data.count(b"\n", 0, err.start) + 1, encoding=codec,
                  column=err.start - start + 1)
    try:
        case = json.loads(text.removeprefix("\ufeff").rstrip(), parse_float=Decimal)
    except (ValueError, RecursionError) as err:
        return json_error(err, err.lineno if isinstance(err, json.JSONDecodeError) else 1).render(lang)
    unknown = unknown_message(case, known, lang)
    if unknown:
        return unknown
    try:
        return rules.evaluate(policy, case, on)
    except EvaluationError as err:
        return err.message(lang)
    except (ArithmeticError, ValueError, RecursionError) as err:  # a value nothing could calculate with
        return uncomputable(err, case).message(lang)
