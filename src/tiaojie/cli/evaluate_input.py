"""What `tiaojie evaluate` reads and how it names what is wrong with it: the input's encoding and
file, a date option, the JSON of a case (parsed as the standard library does, floats as
Decimal), the fields a case may have, and the message for each kind of bad input.
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
from pathlib import Path
from typing import IO, Any

import typer

from ..i18n import Lang, Localized, tr
from ..rules.errors import EvaluationError


def input_codec(encoding: str | None, lang: Lang) -> str:
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


def open_input(path: str, lang: Lang) -> IO[bytes]:
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


def parse_date(value: str | None) -> dt.date | None:
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


def json_error(err: BaseException, line: int) -> Localized:
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


def uncomputable(err: BaseException, case: Any) -> EvaluationError:
    """The error of a case whose evaluation raised something other than an EvaluationError."""
    from ..rules.plan import BEYOND, beyond

    if isinstance(err, RecursionError):
        return EvaluationError("input_failed", detail=Localized("json_too_deep"))
    if isinstance(err, BEYOND) and isinstance(case, dict):
        return beyond(case)
    return EvaluationError("input_failed", detail=type(err).__name__)


_UNWRITABLE = re.compile(r"[^\x00-\x7f]")


def escaped(text: str, encoding: str) -> str:
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


def encoded(text: str, encoding: str) -> bytes:
    """JSON text as the output's bytes, escaping what its encoding cannot take."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return escaped(text, encoding).encode(encoding)


_DECODER = json.JSONDecoder(parse_float=Decimal)
_SCAN = _DECODER.raw_decode  # what `decode` runs on a line with no leading whitespace


def parse_case(line: str) -> object:
    """`json.loads(line, parse_float=Decimal)`, with one decoder for every line: the value,
    or raises JSONDecodeError with the same message."""
    try:
        value, end = _SCAN(line)
    except ValueError:  # leading whitespace, a BOM, bad JSON: the long way
        return json.loads(line, parse_float=Decimal)
    if end != len(line) and line[end:].strip(" \t\n\r"):  # extra data after the value
        return json.loads(line, parse_float=Decimal)
    return value


def known_keys(rules) -> frozenset[str]:  # noqa: ANN001
    """The top-level keys a case may have: the vocabulary's field ids (the first part of dotted ones)."""
    return frozenset(name.split(".")[0] for name in rules.book.vocabulary.fields)


def unknown_message(case: object, known: frozenset[str] | None, lang: Lang) -> str | None:
    """The message for the first key the vocabulary does not define (a typo would otherwise be
    silently ignored and the case judged without it); None when all are known or not checked."""
    if known is None or not isinstance(case, dict) or known.issuperset(case):
        return None
    return _unknown_field(next(str(k) for k in case if k not in known), known, lang)


@functools.lru_cache(maxsize=1024)  # a batch repeats its typos: each is looked up once
def _unknown_field(field: str, known: frozenset[str], lang: Lang) -> str:
    from ..i18n import did_you_mean

    return tr("unknown_input_field", lang, field=field, hint=did_you_mean(field, sorted(known)))
