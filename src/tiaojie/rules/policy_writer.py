"""Writing a policy back to its TOML file, from the content model (`PolicyFile`) the reader
parsed: what the rule editor and the spreadsheet import save.

Every value is written by `tomli-w`; what it cannot be asked for — a row's `when` and `then` as
one-line inline tables, as policy staff write them, instead of `[rule.when]` sub-tables — is
put together here from the pieces it writes. The file's header comment block (its first lines,
up to the first key or table) is kept byte for byte, and so are the comments written just above
a section (`[default]`, `[outputs.price]`, a `[[rule]]` by its id, an `[[example]]` by its
place). Keys are written as the file set them, in the file's order: a default left out stays
left out, and a table's keys stay where the writer put them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tomli_w

from .schema import PolicyFile

LINE_WIDTH = 100  # an inline list of tables longer than this is written one table a line

# the order sections are written in: the header, what the policy reads and yields, its
# default, its kind's section, then its rows, caps and examples
_TABLES = ("fields", "outputs")
_SECTIONS = ("default", "dividend", "escalation", "checks")
_ARRAYS = ("rule", "step", "cap", "example")


@dataclass
class Layout:
    """What of a policy file's text the writer keeps: its header comment block, the comment
    lines just above a section, by the section's key (`default`, `outputs.price`, `rule:major`,
    `example:2`), and the order of its keys (the file as read)."""

    header: str = ""
    above: dict[str, str] = field(default_factory=dict)
    order: dict[str, Any] = field(default_factory=dict)


_TABLE_LINE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ID_LINE = re.compile(r'^\s*id\s*=\s*"([^"]*)"')


def read_layout(text: str) -> Layout:
    """The header block (every line before the first key or table, as written), the comment
    lines just above each section and the order of the keys."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    try:
        order = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        order = {}
    comments = Layout(header="".join(lines[:start]), order=order)
    pending: list[str] = []
    counts: dict[str, int] = {}
    waiting: str | None = None  # a [[rule]] whose id comes on a later line
    for line in lines[start:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(line)
            continue
        if waiting is not None and (m := _ID_LINE.match(line)):
            if waiting in comments.above:
                comments.above[f"rule:{m.group(1)}"] = comments.above.pop(waiting)
            waiting = None
            continue
        table = _TABLE_LINE.match(line)
        if table:
            name = table.group(2)
            if table.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                key = f"{name}:{index}"
                if name == "rule":  # a row's comment goes with its id, on a later line
                    key = waiting = f"rule:#{index}"
            else:
                key = name
            if pending:
                comments.above[key] = "".join(pending)
            pending = []
        elif stripped:
            pending = []  # a comment inside a table, above a key: not kept
    return comments


def write_policy(spec: PolicyFile, layout: Layout | None = None) -> str:
    """The TOML text of a policy, with the comments and key order of `layout` (the file it was
    read from)."""
    comments = layout or Layout()
    data = _ordered(_written(spec), comments.order)
    parts: list[str] = []
    parts.append(comments.header)

    def section(key: str, title: str, body: Mapping[str, Any]) -> None:
        parts.append(comments.above.get(key, "") + title + "\n" + _body(body) + "\n")

    section("policy", "[policy]", data["policy"])
    for name in _TABLES:
        for key, table in data.get(name, {}).items():
            section(f"{name}.{key}", f"[{name}.{_key(key)}]", table)
    for name in _SECTIONS:
        if name in data:
            section(name, f"[{name}]", data[name])
    for name in _ARRAYS:
        for index, table in enumerate(data.get(name, [])):
            key = f"rule:{table.get('id')}" if name == "rule" else f"{name}:{index}"
            section(key, f"[[{name}]]", table)
    return "".join(parts).rstrip("\n") + "\n"


def _written(spec: PolicyFile) -> dict[str, Any]:
    """The keys the file sets, as plain values (a whole Decimal as the integer it was written)."""
    return _plain(spec.model_dump(exclude_unset=True))


def _ordered(value: Any, like: Any) -> Any:
    """`value` with each table's keys in the order `like` (the file as read) has them; keys it
    lacks come after, in the model's order. A list of rows follows `like` by row id, else place."""
    if isinstance(value, dict):
        known = like if isinstance(like, dict) else {}
        keys = [k for k in known if k in value] + [k for k in value if k not in known]
        return {k: _ordered(value[k], known.get(k)) for k in keys}
    if isinstance(value, list):
        previous = like if isinstance(like, list) else []
        by_id = {t.get("id"): t for t in previous if isinstance(t, dict) and "id" in t}
        return [_ordered(v, by_id.get(v.get("id")) if isinstance(v, dict) and v.get("id") in by_id
                         else previous[i] if i < len(previous) else None) for i, v in enumerate(value)]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal) and value.is_finite() and int(value.as_tuple().exponent) >= 0:
        return int(value)  # pydantic's Decimal of `max = 10000`: written as the file wrote it
    return value


def _body(table: Mapping[str, Any]) -> str:
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in table.items())


def _key(key: str) -> str:
    """A key as tomli-w writes it: bare when it can be, quoted otherwise."""
    return tomli_w.dumps({key: 0}).rpartition(" = ")[0]


def _literal(value: Any) -> str:
    """One value that is not a table or a list, as tomli-w writes it."""
    return tomli_w.dumps({"v": value}).removeprefix("v = ").removesuffix("\n")


def inline_value(value: Any) -> str:
    """A value as TOML writes it on one line (for a spreadsheet cell)."""
    return _value(value, -1)


def inline_table_body(table: Mapping[str, Any]) -> str:
    """The inside of an inline table on one line: `a = 1, b = { gt = 0 }`."""
    return ", ".join(f"{_key(k)} = {inline_value(v)}" for k, v in table.items())


def _value(value: Any, width: int = LINE_WIDTH) -> str:
    """A value inline: tables as `{ a = 1, b = "x" }`, lists of tables one a line when longer
    than `width` (negative: never)."""
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v, width)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        items = [_value(v, width) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if width < 0 or len(one_line) <= width or not any(isinstance(v, Mapping) for v in value):
            return one_line
        return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
    return _literal(value)


__all__ = ["Layout", "inline_table_body", "inline_value", "read_layout", "write_policy"]
