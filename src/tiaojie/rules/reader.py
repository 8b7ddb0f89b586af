"""Reading one rule file: its bytes, its TOML, its content hash and where each key sits, with every
problem kept as a located error (`path:line: message`) — pydantic's validation errors included,
each said in the user's language through one translation table (`validation_messages`).

TOML syntax errors come from tomllib in English and with a position only. They are said again in
words, at the line (and column) tomllib gives — or where the list, inline table or text that was
left open began — with a hint found by looking at the offending line: full-width punctuation and
digits, curly quotes, an unquoted value, a key written in Chinese, a date or number written the
way it is said, a backslash in double quotes. A UTF-8 byte order mark (Notepad's) is accepted.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..i18n import Localized, did_you_mean
from ..validation_messages import explain
from .errors import Loc, RuleError
from .locate import key_lines, line_of
from .schema import PATTERNS
from .toml_syntax import Titles, explain_toml, is_number, toml_text

MAX_DEPTH = 32  # tables and lists inside each other; `any`/`all` a few levels deep is plenty


def key_titles(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """A file's own keys by their Chinese names, as `Titles`."""
    return [("key", title, key) for key, names in table.items() for title in names]


class FileReader:
    """Collects located errors for one file."""

    def __init__(self, path: Path, display: Path | None = None, titles: Titles = ()):
        self.path = path
        self.display = display or path
        self.errors: list[RuleError] = []
        self.text = ""
        self.lines: dict[Loc, int] = {}
        self.data: dict[str, Any] | None = None
        self.hash = ""
        self.titles = list(titles)

    def error(self, loc: Loc, key: str, /, **params: object) -> None:
        # positional-only: many messages have a parameter named `key` (the offending key)
        params = {name: _as_written(value) for name, value in params.items()}
        if key == "regex_invalid" and isinstance(params.get("detail"), str):
            params["detail"] = _regex_error(str(params["detail"]))
        self.errors.append(RuleError(self.display, line_of(self.lines, loc) or 1, key, params, tuple(loc)))

    def read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except OSError as err:
            self.errors.append(RuleError(self.display, None, "file_unreadable", {"detail": err.strerror or str(err)},
                                         text=_os_error(err)))
            return None
        self.hash = "sha256:" + hashlib.sha256(raw).hexdigest()
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.errors.append(RuleError(self.display, 1, "not_utf8", text=Localized("utf16")))
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            said = Localized("not_utf8_gbk") if _is_gbk(raw) else None
            self.errors.append(RuleError(self.display, line, "not_utf8", text=said))
            return None
        self.text = text[1:] if text.startswith("\ufeff") else text  # what Notepad writes first
        try:
            self.data = tomllib.loads(self.text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as err:
            line, message = explain_toml(self.text, str(err), self.titles)
            self.errors.append(RuleError(self.display, line, "toml_syntax", text=message))
            return None
        except RecursionError:
            self.errors.append(RuleError(self.display, _deepest_line(self.text), "toml_too_deep", {"limit": MAX_DEPTH}))
            return None
        self.lines = key_lines(self.text)
        deep = _too_deep(self.data, ())
        if deep is not None:
            self.error(deep, "toml_too_deep", limit=MAX_DEPTH)
            self.data = None
        return self.data

    def validation(self, err: ValidationError, model: type[BaseModel]) -> None:
        for item in err.errors():
            loc = tuple(item["loc"])
            kind = item["type"]
            key = str(next((p for p in reversed(loc) if isinstance(p, str)), ""))
            if kind == "extra_forbidden":
                allowed = _allowed_keys(model, loc[:-1])
                self.error(loc, "unknown_key", key=key, hint=did_you_mean(key, allowed))
            elif kind == "missing":
                self.error(loc[:-1] or loc, "missing_key", key=key)
            else:
                detail = explain(item, _field_name(model, loc), PATTERNS)
                if "input" in item and kind not in ("too_short", "too_long"):
                    text = Localized("schema_value", detail=detail, actual=shown(item["input"]),
                                     hint=_shape_hint(model, loc, kind, item["input"]))
                else:
                    text = Localized("schema_invalid", detail=detail)
                line = line_of(self.lines, loc) or 1
                self.errors.append(RuleError(self.display, line, _category(kind), {"key": key}, loc, text))


def _category(kind: str) -> str:
    """The kind of problem a pydantic error type is, as a rule-file error's key."""
    if kind == "literal_error":
        return "bad_choice"
    if kind.startswith("date"):
        return "bad_date"
    if kind.endswith(("_type", "_parsing")) or kind in ("int_from_float", "finite_number"):
        return "wrong_type"
    return "bad_value"


def _as_written(value: object) -> object:
    """A yes/no or a number that is not finite, as the file writes it (`true`, not Python's `True`);
    a word given in both languages at once (`字符串/string`), as one message that shows each its half."""
    if isinstance(value, bool) or isinstance(value, Decimal) and not value.is_finite():
        return toml_text(value)
    if isinstance(value, str):
        both = re.fullmatch(r"([^/A-Za-z]*[\u4e00-\u9fff][^/A-Za-z]*)/([A-Za-z][A-Za-z ]*)", value)
        if both:
            return Localized("label", zh=both.group(1), en=both.group(2))
    return value


# Python's `re` errors (the start of its message) → the catalog
_REGEX_ERRORS = (
    ("unterminated character set", "regex_unterminated_set"), ("missing )", "regex_unterminated_group"),
    ("unbalanced parenthesis", "regex_unbalanced"), ("nothing to repeat", "regex_nothing_to_repeat"),
    ("multiple repeat", "regex_multiple_repeat"), ("bad escape", "regex_bad_escape"),
    ("bad character range", "regex_bad_range"), ("min repeat greater than max", "regex_repeat_order"),
)


def _regex_error(detail: str) -> Localized:
    """A regular expression's error from Python's `re`, in words, with the character it is at."""
    what = Localized(next((key for start, key in _REGEX_ERRORS if detail.startswith(start)), "regex_other"))
    at = re.search(r"at position (\d+)", detail)
    return Localized("regex_error", what=what, column=int(at.group(1)) + 1) if at else what


def _os_error(err: OSError) -> Localized:
    if isinstance(err, PermissionError):
        return Localized("file_no_permission")
    if isinstance(err, FileNotFoundError):
        return Localized("file_missing")
    if isinstance(err, IsADirectoryError):
        return Localized("file_is_directory")
    return Localized("file_os_error", errno=err.errno or 0)


def _is_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _field_name(model: type[BaseModel], loc: Loc) -> object:
    """A rule file's key as its writer sees it: `priority`, `deadlines.village`, `inputs 的第 2 项`."""
    parts = [p for p in loc if isinstance(p, str)]
    if not parts:
        return "?"
    name = parts[-1]
    if isinstance(loc[-1], int):
        return Localized("schema_item", key=name, n=loc[-1] + 1)
    if len(parts) > 1 and name not in _allowed_keys(model, loc[:-1]):  # a key of a table the file names
        return f"{parts[-2]}.{name}"
    return name


def _too_deep(value: object, loc: Loc) -> Loc | None:
    """The key path where tables and lists nest deeper than MAX_DEPTH, if they do."""
    if len(loc) > MAX_DEPTH:
        return loc
    children: Iterable[tuple[str | int, object]]
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return None
    for part, child in children:
        found = _too_deep(child, loc + (part,))
        if found is not None:
            return found
    return None


def _deepest_line(text: str) -> int:
    """The line with the most open brackets (where nesting ran too deep for the parser)."""
    depth, best, best_line, line = 0, -1, 1, 1
    for c in text:
        if c == "\n":
            line += 1
        elif c in "[{":
            depth += 1
            if depth > best:
                best, best_line = depth, line
        elif c in "]}":
            depth -= 1
    return best_line


# --- values as the file writes them -------------------------------------------------------------


def shown(value: object, limit: int = 60) -> str:
    """A value as TOML writes it (`"重大"`, `500`, `true`, `2026-01-01`, `{ a = 1 }`), shortened."""
    text = toml_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shape_hint(model: type[BaseModel], loc: Loc, kind: str, value: object) -> Localized | str:
    """How to write a table or a list of tables that was written as something else."""
    key = str(loc[-1]) if loc else ""
    if kind == "list_type" and len(loc) == 1 and _is_model_list(model, key):
        return Localized("schema_hint_array_section", key=key)
    if kind not in ("dict_type", "model_type", "model_attributes_type") or isinstance(value, dict):
        return ""
    if len(loc) == 1:
        return Localized("schema_hint_section", key=key)
    if isinstance(loc[-1], int):
        return Localized("schema_hint_table", example="{ … = …, … }")
    if isinstance(value, str):
        pairs = _pairs(value)
        if pairs:
            return Localized("schema_hint_table", example=f"{key} = {{ {pairs} }}")
    return Localized("schema_hint_table", example=f"{key} = {{ … = …, … }}")


def _pairs(text: str) -> str:
    """`status = settled, severity = 重大` as an inline table's inside: `status = "settled", …`."""
    out = []
    for part in re.split(r"[,，;；]|\band\b|且|并且", text):
        m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*(?:==?|＝)\s*(.+?)\s*", part)
        if not m:
            return ""
        value = m.group(2).strip("\"'“”")
        out.append(f"{m.group(1)} = {value if is_number(value) else toml_text(value)}")
    return ", ".join(out)


def _is_model_list(model: type[BaseModel], key: str) -> bool:
    field = model.model_fields.get(key)
    if field is None or typing.get_origin(field.annotation) is not list:
        return False
    (item,) = typing.get_args(field.annotation)
    return isinstance(item, type) and issubclass(item, BaseModel)


# --- pydantic's models, for "did you mean" ------------------------------------------------------


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys a table at `loc` may hold, for 'did you mean'."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = _unwrap(current.model_fields[part].annotation)
        else:
            current = _unwrap(current)
            if typing.get_origin(current) is dict:
                current = _unwrap(typing.get_args(current)[1])
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (list, typing.Union) or str(origin) == "<class 'types.UnionType'>":
            annotation = args[0] if args else annotation
            if origin is list or len(args) == 1:
                continue
            return annotation
        if isinstance(annotation, types.UnionType):
            annotation = args[0]
            continue
        if origin is typing.Annotated:
            annotation = args[0]
            continue
        return annotation


__all__ = ["FileReader", "Titles", "key_titles", "shown", "MAX_DEPTH"]
