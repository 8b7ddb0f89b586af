"""`tiaojie evaluate POLICY [FILE|-] [--batch FILE.jsonl|-]`: outcomes as JSON.

Whatever a line holds — bytes that are not in the file's encoding, a number of 1e300, a date of
9999-12-31, objects nested a hundred thousand deep — it is that line's error, in its place; every
other line is evaluated and written in order.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import io
import json
import re
import sys
from decimal import Decimal
from itertools import count, repeat
from pathlib import Path
from typing import IO, Any, Callable, Iterator, ParamSpec, Sequence, TypeVar

import typer

from ..i18n import Lang, Localized, tr
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .context import settings

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


def _codec(encoding: str | None, lang: Lang) -> str:
    """The name of an encoding that reads a file line by line (newlines and JSON's punctuation as
    in ASCII: utf-8, gb18030, gbk…); else a message and exit 2."""
    name = encoding or "utf-8"
    sample = b'\n{}[]":, 0123456789'
    try:
        codecs.lookup(name)
        readable = sample.decode(name) == sample.decode("ascii")
    except (LookupError, ValueError):  # an unknown name; an encoding that is not ASCII-compatible
        readable = False
    if not readable:
        typer.echo(tr("unknown_encoding", lang, encoding=name), err=True)
        raise typer.Exit(2)
    return name


def _open(path: str, lang: Lang) -> IO[bytes]:
    """The input's bytes (standard input for `-`); a file that cannot be read is a message, exit 2."""
    if path == "-":
        stdin = sys.stdin
        raw = getattr(stdin, "buffer", None)
        if raw is not None:
            return raw
        return io.BytesIO(stdin.read().encode("utf-8", "surrogateescape"))
    try:
        return open(Path(path), "rb")
    except OSError:
        typer.echo(tr("file_unreadable", lang, detail=path), err=True)
        raise typer.Exit(2) from None


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value} (YYYY-MM-DD)") from None


_JSON_MESSAGES = (  # the start of what the json module says → the catalog's key
    ("Expecting value", "json_value"),
    ("Expecting property name", "json_name"),
    ("Expecting ':'", "json_colon"),
    ("Expecting ','", "json_comma"),
    ("Unterminated string", "json_unterminated"),
    ("Invalid control character", "json_control"),
    ("Invalid \\", "json_escape"),
    ("Extra data", "json_extra"),
    ("Unexpected UTF-8 BOM", "json_bom"),
    ("Illegal trailing comma", "json_trailing_comma"),
)


def _json_error(err: BaseException, line: int) -> Localized:
    """What was wrong with the JSON of one line, as the catalog says it."""
    if isinstance(err, json.JSONDecodeError):
        detail = next((Localized(key, column=err.colno) for start, key in _JSON_MESSAGES if err.msg.startswith(start)),
                      Localized("json_other", column=err.colno, detail=err.msg))
    elif isinstance(err, RecursionError):
        detail = Localized("json_too_deep")
    elif isinstance(err, ValueError) and "digits" in str(err):  # an integer longer than Python reads
        detail = Localized("json_long_int")
    else:
        return Localized("input_failed", detail=type(err).__name__)
    return Localized("bad_json", line=line, detail=detail)


def _uncomputable(err: BaseException, case: Any) -> EvaluationError:
    """The error of a case whose evaluation raised something other than an EvaluationError."""
    from ..rules.plan import BEYOND, beyond

    if isinstance(err, RecursionError):
        return EvaluationError("input_failed", detail=Localized("json_too_deep"))
    if isinstance(err, BEYOND) and isinstance(case, dict):
        return beyond(case)
    return EvaluationError("input_failed", detail=type(err).__name__)


_UNWRITABLE = re.compile(r"[^\x00-\x7f]")


def _escaped(text: str, encoding: str) -> str:
    """JSON text with each character the output cannot take written as a \\u escape (a lone
    surrogate from a `\\ud800` in the input, a character a GBK console lacks)."""
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        try:
            char.encode(encoding)
            return char
        except UnicodeEncodeError:
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
            return f"\\u{code:04x}"

    return _UNWRITABLE.sub(escape, text)


def _write(text: str) -> None:
    """Write JSON text to standard output, escaping what its encoding cannot take."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.write(_escaped(text, getattr(sys.stdout, "encoding", None) or "utf-8"))


@utf8_args
def evaluate(
    ctx: typer.Context,
    policy: str = typer.Argument(..., help="政策编号 / policy id, e.g. mediation-reward"),
    file: str = typer.Argument(None, help="一个案件的 JSON 文件，- 为标准输入 / a JSON object; - for stdin"),
    as_of: str = typer.Option(None, "--as-of", help="按此日期计算 / evaluate as of this date (YYYY-MM-DD)"),
    batch: str = typer.Option(None, "--batch", help="JSONL 文件，每行一个案件；- 为标准输入 / one case per line"),
    allow_unknown: bool = typer.Option(False, "--allow-unknown",
                                       help="忽略词汇表中没有的字段（默认视为错误，以免拼错的字段被悄悄忽略） / "
                                            "ignore fields the vocabulary does not define (an error by default)"),
    encoding: str = typer.Option(None, "--encoding", help="输入的编码，如 gb18030（默认 UTF-8） / the input's encoding"),
) -> None:
    """对案件求值，输出 JSON 结果 / evaluate cases and print outcomes as JSON."""
    cfg = settings(ctx)
    lang = cfg.lang
    on = _parse_date(as_of)
    codec = _codec(encoding, lang)
    rules = cfg.open_rules()
    try:
        rules.book.versions(policy)
    except EvaluationError as err:
        typer.echo(err.message(lang), err=True)
        raise typer.Exit(2) from None

    known = None if allow_unknown else _known_keys(rules)
    if batch is not None:
        failures = _run_batch(rules, policy, batch, on, lang, known, codec)
        raise typer.Exit(1 if failures else 0)

    with _open(file or "-", lang) as source:
        data = source.read()
    outcome = _evaluate_one(rules, policy, data, codec, on, lang, known)
    if isinstance(outcome, Outcome):
        _write(json.dumps(outcome.to_json(lang), ensure_ascii=False, indent=2) + "\n")
        return
    _write(json.dumps({"error": outcome}, ensure_ascii=False) + "\n")
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
        return _json_error(err, err.lineno if isinstance(err, json.JSONDecodeError) else 1).render(lang)
    unknown = _unknown(case, known, lang)
    if unknown:
        return unknown
    try:
        return rules.evaluate(policy, case, on)
    except EvaluationError as err:
        return err.message(lang)
    except (ArithmeticError, ValueError, RecursionError) as err:  # a value nothing could calculate with
        return _uncomputable(err, case).message(lang)


_DECODER = json.JSONDecoder(parse_float=Decimal)
_SCAN = _DECODER.raw_decode  # what `decode` runs on a line with no leading whitespace


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
    return _unknown_field(next(str(k) for k in case if k not in known), known, lang)


@functools.lru_cache(maxsize=1024)  # a batch repeats its typos: each is looked up once
def _unknown_field(field: str, known: frozenset[str], lang: Lang) -> str:
    from ..i18n import did_you_mean

    return tr("unknown_input_field", lang, field=field, hint=did_you_mean(field, sorted(known)))


_UNDECODED = "\x00"  # in place of a line whose bytes did not decode: never JSON, never blank
_BLOCK = 1 << 20  # bytes read at a time: some thousands of lines (one line at a time from a terminal)


def _chunks(stream: IO[bytes], codec: str, lang: Lang) -> Iterator[tuple[int, list[str], dict[int, str]]]:
    """The input's lines, a block at a time: (the number of the block's first line, the text of
    each line, line number → what was wrong with the bytes of a line that did not decode). A
    byte order mark at the start, as Notepad saves, is dropped."""
    read = stream.readline if stream.isatty() else functools.partial(stream.read, _BLOCK)
    first = 1
    held: list[bytes] = []  # the start of a line longer than what was read so far
    while True:
        block = read()
        if not block:
            break
        cut = block.rfind(b"\n") + 1
        if not cut:
            held.append(block)
            continue
        data = block[:cut]
        if held:
            data = b"".join([*held, data])
            held.clear()
        if cut < len(block):
            held.append(block[cut:])
        lines, undecodable = _decode(data, codec, first, lang)
        if first == 1 and lines and lines[0].startswith("\ufeff"):
            lines[0] = lines[0][1:]
        yield first, lines, undecodable
        first += len(lines)
    if held:  # the last line, with no newline after it
        lines, undecodable = _decode(b"".join(held) + b"\n", codec, first, lang)
        if first == 1 and lines[0].startswith("\ufeff"):
            lines[0] = lines[0][1:]
        yield first, lines, undecodable


_ESCAPED = re.compile("[\udc80-\udcff]")  # what the surrogateescape handler makes of a byte that does not decode


def _decode(data: bytes, codec: str, first: int, lang: Lang) -> tuple[list[str], dict[int, str]]:
    """Whole lines (each ending in a newline) decoded at once: (the text of each line without its
    newline, `_UNDECODED` where it did not decode; line number → what was wrong with its bytes)."""
    try:
        lines = data.decode(codec).split("\n")
    except UnicodeDecodeError:  # again, each byte that does not decode kept as a lone surrogate
        text = data.decode(codec, "surrogateescape")
        lines = text.split("\n")
        undecodable: dict[int, str] = {}
        index = counted = 0  # the line of the text up to `counted`
        marked = -1  # the last line found
        for match in _ESCAPED.finditer(text):
            at = match.start()
            index += text.count("\n", counted, at)
            counted = at
            if index == marked:  # another byte of a line already found
                continue
            marked = index
            begins = text.rfind("\n", 0, at) + 1
            column = len(text[begins:at].encode(codec, "surrogateescape")) + 1
            undecodable[first + index] = tr("line_not_decodable", lang, line=first + index, encoding=codec, column=column)
            lines[index] = _UNDECODED
    else:
        undecodable = {}
    lines.pop()  # the empty text after the last newline
    if len(lines) != data.count(b"\n"):  # a codec that makes newlines of other bytes: line by line
        return _decode_each(data, codec, first, lang)
    return lines, undecodable


def _decode_each(data: bytes, codec: str, first: int, lang: Lang) -> tuple[list[str], dict[int, str]]:
    """`_decode`, one line at a time."""
    texts: list[str] = []
    undecodable: dict[int, str] = {}
    raws = data.split(b"\n")
    raws.pop()
    for number, raw in enumerate(raws, start=first):
        try:
            texts.append(raw.decode(codec))
        except UnicodeDecodeError as err:
            texts.append(_UNDECODED)
            undecodable[number] = tr("line_not_decodable", lang, line=number, encoding=codec, column=err.start + 1)
    return texts, undecodable


def _run_batch(rules, policy: str, path: str, on: dt.date | None, lang: Lang,  # noqa: ANN001
               known: frozenset[str] | None = None, codec: str = "utf-8") -> int:
    """Write one JSON line per non-blank input line, in order; return how many lines failed.

    Lines are taken a chunk at a time: the chunk's cases go to the batch session together, and
    each result is written beside the line it came from. A line whose bytes do not decode, whose
    JSON does not parse or whose case cannot be evaluated is that line's error alone."""
    dumps = json.dumps
    session = rules.batch_session(policy, on)
    evaluate_many = session.evaluate_many
    # Outcomes for equal projections are one shared object: serialise each object once. The
    # object is kept with its text, so its id cannot be reused while the entry lives.
    rendered: dict[int, str] = {}
    kept: list[Outcome] = []
    failures = 0
    with _open(path, lang) as stream:
        interactive = stream.isatty()
        for first, lines, undecodable in _chunks(stream, codec, lang):
            numbers: list[int] = []
            cases: list[object] = []
            bad: dict[int, str] = {}  # position in the chunk → what was wrong with the line
            for number, line in zip(count(first), lines):
                try:
                    case = _parse(line)
                except Exception as err:  # noqa: BLE001 - whatever the line holds, it is this line's error
                    if not line.strip():
                        continue
                    bad[len(numbers)] = (undecodable.get(number) if undecodable else None) or _json_error(
                        err, number).render(lang)
                    case = None
                else:
                    if type(case) is not dict:  # kept out of the batch, whose chunks are then all objects
                        bad[len(numbers)] = tr("input_not_object", lang)
                        case = None
                    elif known is not None and not known.issuperset(case):
                        bad[len(numbers)] = _unknown(case, known, lang) or ""
                        case = None
                numbers.append(number)
                cases.append(case)
            places = sorted(bad)
            good = _without(cases, places)
            try:
                results: list[Outcome | EvaluationError] = evaluate_many(good)
            except Exception:  # noqa: BLE001 - a case nothing foresaw: find it, alone
                results = [_evaluated_alone(evaluate_many, case) for case in good]
            # only the cases that read went to the batch; the bad lines keep their place
            chunk_results: Sequence[Outcome | EvaluationError | None] = _with_gaps(results, places)
            texts = list(map(rendered.get, map(id, chunk_results), repeat("")))  # "": not written yet
            if "" in texts:  # errors, bad lines, outcomes not written yet
                for i, text in enumerate(texts):
                    if text:
                        continue
                    result = chunk_results[i]
                    number = numbers[i]
                    if result is None:  # the line did not read, or named a field nobody defined
                        failures += 1
                        texts[i] = dumps({"line": number, "error": bad[i]}, ensure_ascii=False) + "\n"
                        continue
                    try:
                        if isinstance(result, EvaluationError):
                            failures += 1
                            texts[i] = dumps({"line": number, "error": result.message(lang)}, ensure_ascii=False) + "\n"
                            continue
                        text = dumps(result.to_json(lang), ensure_ascii=False) + "\n"
                    except Exception as err:  # noqa: BLE001 - an outcome or message that does not render
                        failures += 1
                        message = _uncomputable(err, None).message(lang)
                        texts[i] = dumps({"line": number, "error": message}, ensure_ascii=False) + "\n"
                        continue
                    if len(kept) > 100_000:
                        rendered.clear()
                        kept.clear()
                    texts[i] = text
                    rendered[id(result)] = text
                    kept.append(result)
            _write("".join(texts))
            if interactive:
                sys.stdout.flush()
    sys.stdout.flush()
    return failures


def _without(items: list[Any], places: list[int]) -> list[Any]:
    """`items` without those at `places` (in order), copied a run at a time."""
    if not places:
        return items
    kept: list[Any] = []
    begin = 0
    for place in places:
        kept += items[begin:place]
        begin = place + 1
    kept += items[begin:]
    return kept


def _with_gaps(results: list[Any], places: list[int]) -> list[Any]:
    """`results` with a None put back at each of `places` (in order)."""
    if not places:
        return results
    out: list[Any] = []
    taken = 0
    for place in places:
        run = place - len(out)
        out += results[taken:taken + run]
        out.append(None)
        taken += run
    out += results[taken:]
    return out


def _evaluated_alone(evaluate_many: Callable[[list[Any]], list[Outcome | EvaluationError]],
                     case: Any) -> Outcome | EvaluationError:
    """One case through the batch, its failure its result."""
    try:
        return evaluate_many([case])[0]
    except Exception as err:  # noqa: BLE001 - whatever it was, it is this case's error
        return _uncomputable(err, case)
