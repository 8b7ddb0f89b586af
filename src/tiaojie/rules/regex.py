"""Translate a Python regular expression into the rules engine's pattern dialect, or refuse.

The engine's `$mt` patterns look like Lua's: `%d %w %s` classes, `%` escapes, and the pattern must
match the whole string. Rule files are written in Python syntax because that is what people know;
this module turns the common subset into the engine's form and names the part it cannot turn.
Python-side matching (the reference reading) uses `re.fullmatch(..., re.ASCII)` so that `\\d`,
`\\w` and `\\s` mean the same on both sides.
"""

from __future__ import annotations

import re

_ESCAPABLE = set(".*+?()[]{}|%")
_CLASS_ESCAPES = {"d": "%d", "s": "%s", "w": "%w_"}
_NEGATED = {"D": "[^%d]", "S": "[^%s]", "W": "[^%w_]"}
_LITERAL_ESCAPES = {"n": "\n", "t": "\t"}


class Untranslatable(ValueError):
    """A pattern the engine cannot express; `part` names the offending piece."""

    def __init__(self, part: str):
        self.part = part
        super().__init__(part)


def python_pattern(pattern: str) -> re.Pattern[str]:
    """The reference reading: compile for full-string ASCII matching. Raises re.error."""
    return re.compile(pattern, re.ASCII)


def to_engine(pattern: str) -> str:
    """Python pattern → engine pattern (full-string match)."""
    python_pattern(pattern)  # syntax errors surface as re.error first
    src = pattern
    if src.startswith("^"):
        src = src[1:]
    if src.endswith("$") and not src.endswith("\\$"):
        src = src[:-1]
    out: list[str] = []
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i, piece = _escape(src, i, in_class=False)
            out.append(piece)
            continue
        if c == "[":
            i, piece = _char_class(src, i)
            out.append(piece)
            continue
        if c == "(":
            if src.startswith("(?", i):
                raise Untranslatable(src[i : i + 3])
            out.append(c)
        elif c in "*+?}":
            out.append(c)
            # A lazy quantifier matches the same whole strings as a greedy one.
            if i + 1 < n and src[i + 1] == "?":
                i += 1
        elif c == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", src[i:])
            if m:
                out.append(m.group(0))
                i += len(m.group(0))
                if i < n and src[i] == "?":
                    i += 1
                continue
            out.append("%{")
        elif c in "^$":
            raise Untranslatable(c)
        elif c == "%":
            out.append("%%")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _escape(src: str, i: int, in_class: bool) -> tuple[int, str]:
    if i + 1 >= len(src):
        raise Untranslatable("\\")
    e = src[i + 1]
    if e in _CLASS_ESCAPES:
        inner = _CLASS_ESCAPES[e]
        return i + 2, inner if in_class else (f"[{inner}]" if e == "w" else inner)
    if e in _NEGATED and not in_class:
        return i + 2, _NEGATED[e]
    if e in _LITERAL_ESCAPES:
        return i + 2, _LITERAL_ESCAPES[e]
    if e in _ESCAPABLE:
        return i + 2, "%" + e
    if e == "\\":
        return i + 2, "\\"
    if e in "-/:#'\"@!,;<>=&~`_ " and not in_class:
        return i + 2, e
    raise Untranslatable("\\" + e)


def _char_class(src: str, i: int) -> tuple[int, str]:
    j = i + 1
    out = ["["]
    if j < len(src) and src[j] == "^":
        out.append("^")
        j += 1
    first = True
    while j < len(src):
        c = src[j]
        if c == "]" and not first:
            out.append("]")
            return j + 1, "".join(out)
        if c == "\\":
            j, piece = _escape(src, j, in_class=True)
            if piece.startswith("[") and len(piece) > 1:
                raise Untranslatable(src[j - 2 : j])
            out.append(piece)
        elif c == "]":
            out.append("%]")
            j += 1
        elif c == "-":
            prev_is_char = len(out) > 1 and out[-1] not in ("[", "^")
            nxt = src[j + 1] if j + 1 < len(src) else "]"
            if not prev_is_char or nxt == "]":
                raise Untranslatable("-")
            out.append("-")
            j += 1
        elif c in "%[":
            out.append("%" + c)
            j += 1
        else:
            out.append(c)
            j += 1
        first = False
    raise Untranslatable("[")
