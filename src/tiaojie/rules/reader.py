"""Reading one rule file: its bytes, its TOML, its content hash and where each key sits, with every
problem kept as a located error (`path:line: message`) — pydantic's validation errors included.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..i18n import Localized, did_you_mean
from .errors import Loc, RuleError
from .locate import key_lines, line_of


class FileReader:
    """Collects located errors for one file."""

    def __init__(self, path: Path, display: Path | None = None):
        self.path = path
        self.display = display or path
        self.errors: list[RuleError] = []
        self.text = ""
        self.lines: dict[Loc, int] = {}
        self.data: dict[str, Any] | None = None
        self.hash = ""

    def error(self, loc: Loc, key: str, /, **params: object) -> None:
        # positional-only: many messages have a parameter named `key` (the offending key)
        self.errors.append(RuleError(self.display, line_of(self.lines, loc) or 1, key, params, tuple(loc)))

    def read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except OSError as err:
            self.errors.append(RuleError(self.display, None, "file_unreadable", {"detail": str(err)}))
            return None
        self.hash = "sha256:" + hashlib.sha256(raw).hexdigest()
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            self.errors.append(RuleError(self.display, line, "not_utf8", {}))
            return None
        try:
            self.data = tomllib.loads(self.text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as err:
            message = str(err)
            m = re.search(r"\(at line (\d+), column (\d+)\)", message)
            at = int(m.group(1)) if m else None
            detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
            if m:
                detail += f"（第 {m.group(2)} 列 / column {m.group(2)}）"
            self.errors.append(RuleError(self.display, at, "toml_syntax", {"detail": detail}))
            return None
        self.lines = key_lines(self.text)
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
            elif kind == "literal_error":
                allowed = re.findall(r"'([^']*)'", str(item["ctx"]["expected"]))
                self.error(loc, "bad_choice", key=key, value=item.get("input"), choices=" | ".join(allowed))
            elif kind.startswith("date") or kind.startswith("datetime"):
                self.error(loc, "bad_date", key=key, value=item.get("input"))
            elif kind == "string_pattern_mismatch":
                self.error(loc, "bad_value", key=key, detail=Localized("id_pattern", value=item.get("input")))
            elif kind.endswith("_type") or kind.endswith("_parsing") or kind in ("decimal_type", "list_type", "dict_type", "model_type"):
                expected = _type_word(kind)
                self.error(loc, "wrong_type", key=key, expected=expected, actual=repr(item.get("input")))
            else:
                self.error(loc, "bad_value", key=key, detail=item["msg"])


def _type_word(kind: str) -> Localized:
    base = kind.split("_")[0]
    return Localized("type_word_" + base) if ("type_word_" + base) in _TYPE_WORDS else Localized("type_word_value")


_TYPE_WORDS = {"type_word_" + k for k in ("string", "int", "decimal", "float", "bool", "list", "dict", "date", "model", "value")}


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
        return annotation
