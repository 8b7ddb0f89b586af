"""Conditions (`when = {...}`): parsed once into a small tree that three readers share —

* `holds(case)`: the plain-Python reading, the reference the engine is tested against;
* `to_engine()`: the durable-rules condition the policy compiles to;
* `describe()`: the words an explanation uses ("严重程度为「重大」").

A missing field makes every comparison false, except `exists = false`; the engine behaves the same
(`$neq` on an absent field does not match), and the differential test keeps both readings equal.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..i18n import Lang, Localized, did_you_mean
from ..vocabulary import ORDERED_TYPES, FieldDef, InvalidValue
from . import regex
from .checklist import complete_key, item_key

OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "matches", "complete", "has", "lacks")
# A checklist (a case file's materials) is read only through these: `complete = true` (every
# required item ticked), `has = [...]` (every listed item ticked), `lacks = [...]` (one of them not).
CHECKLIST_OPS = ("complete", "has", "lacks")
GROUPS = ("any", "all")

Loc = tuple[str | int, ...]


@dataclass
class Problem:
    """An error found while parsing a condition: where (key path) and what (message key + params)."""

    loc: Loc
    key: str
    params: dict


def engine_name(name: str) -> str:
    """The engine sees every case field under `c`, dots flattened, so no case field can collide
    with the engine's own keys (`sid`, `id`) or be read as a nested path by accident."""
    return "c." + fact_key(name)


def fact_key(name: str) -> str:
    """The key of a field inside the fact's `c` object."""
    return name.replace(".", "__")


# The engine matches `$mt` patterns against a string's JSON text, so `"`, `\` and control
# characters (newline, tab, …) reach its matcher as escape sequences (`\n` is two characters).
# A `matches` condition therefore reads its own keys: `<field>__re`, the text when the engine sees
# it as it is, and otherwise `<field>__re_<pattern hash>`, the match decided by Python's `re`.
# The engine wrapper fills both in (see `regex_keys`).


def engine_faithful(text: str) -> bool:
    """Whether the engine's pattern matcher sees this text character for character."""
    return not any(c in '"\\' or ord(c) < 0x20 for c in text)


def regex_text_key(name: str) -> str:
    return fact_key(name) + "__re"


def regex_flag_key(name: str, pattern: str) -> str:
    return fact_key(name) + "__re_" + hashlib.sha1(pattern.encode("utf-8")).hexdigest()[:12]


# --- the tree ----------------------------------------------------------------------------------


class Condition:
    def holds(self, case: dict[str, Any]) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_engine(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def fields(self) -> set[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def atoms(self) -> Iterable["Atom"]:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, lang: Lang = "zh") -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class Atom(Condition):
    """One comparison of one field."""

    field: FieldDef
    op: str
    value: Any = None  # typed: a scalar, a list for in/not_in, a pair for between, a bool for exists
    pattern: str | None = None  # matches: the Python pattern as written
    engine_pattern: str | None = None
    compiled: re.Pattern[str] | None = None
    _test: Callable[[Any], bool] | None = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._test = self._make_test()

    def _make_test(self) -> Callable[[Any], bool]:
        op, v = self.op, self.value
        if op == "eq":
            return lambda x: x is not None and x == v
        if op == "ne":
            return lambda x: x is not None and x != v
        if op == "gt":
            return lambda x: x is not None and x > v
        if op == "gte":
            return lambda x: x is not None and x >= v
        if op == "lt":
            return lambda x: x is not None and x < v
        if op == "lte":
            return lambda x: x is not None and x <= v
        if op == "between":
            lo, hi = v
            return lambda x: x is not None and lo <= x <= hi
        if op == "in":
            members = list(v)
            return lambda x: x is not None and x in members
        if op == "not_in":
            members = list(v)
            return lambda x: x is not None and x not in members
        if op == "exists":
            return (lambda x: x is not None) if v else (lambda x: x is None)
        if op == "matches":
            compiled = self.compiled
            assert compiled is not None
            return lambda x: isinstance(x, str) and compiled.fullmatch(x) is not None
        # a checklist nobody has ticked is an empty one: these hold or fail on it like any other
        if op == "complete":
            required = frozenset(self.field.required_items())
            return lambda x: required.issubset(x or ()) == v
        if op == "has":
            wanted = frozenset(v)
            return lambda x: wanted.issubset(x or ())
        if op == "lacks":
            wanted = frozenset(v)
            return lambda x: not wanted.issubset(x or ())
        raise AssertionError(op)  # pragma: no cover

    def holds(self, case: dict[str, Any]) -> bool:
        return self._test(case.get(self.field.name))  # type: ignore[misc]

    def fields(self) -> set[str]:
        return {self.field.name}

    def atoms(self) -> Iterable["Atom"]:
        yield self

    def to_engine(self) -> dict:
        name = engine_name(self.field.name)
        enc = self.field.encode
        op, v = self.op, self.value
        if op == "eq":
            return {name: enc(v)}
        if op in ("ne", "gt", "gte", "lt", "lte"):
            engine_op = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}[op]
            return {engine_op: {name: enc(v)}}
        if op == "between":
            lo, hi = v
            return {"$and": [{"$gte": {name: enc(lo)}}, {"$lte": {name: enc(hi)}}]}
        if op == "in":
            if len(v) == 1:
                return {name: enc(v[0])}
            return {"$or": [{name: enc(item)} for item in v]}
        if op == "not_in":
            return {"$and": [{"$neq": {name: enc(item)}} for item in v]}
        if op == "exists":
            return {"$ex": {name: 1}} if v else {"$nex": {name: 1}}
        if op == "matches":
            text_key = "c." + regex_text_key(self.field.name)
            flag_key = "c." + regex_flag_key(self.field.name, self.pattern or "")
            return {"$or": [{"$mt": {text_key: self.engine_pattern}}, {flag_key: True}]}
        if op == "complete":
            return {"c." + complete_key(fact_key(self.field.name)): bool(v)}
        if op in ("has", "lacks"):
            flags = [{"c." + item_key(fact_key(self.field.name), item): op == "has"} for item in v]
            return flags[0] if len(flags) == 1 else {"$and" if op == "has" else "$or": flags}
        raise AssertionError(op)  # pragma: no cover

    def describe(self, lang: Lang = "zh") -> str:
        f = self.field
        show = lambda x: f.show(x, lang)  # noqa: E731
        op, v = self.op, self.value
        zh = lang != "en"
        if op == "eq":
            return f"为「{show(v)}」" if zh else f"= '{show(v)}'"
        if op == "ne":
            return f"不为「{show(v)}」" if zh else f"≠ '{show(v)}'"
        if op in ("in", "not_in"):
            items = ("、" if zh else ", ").join(show(x) for x in v)
            if op == "in":
                return f"为「{items}」之一" if zh else f"one of {items}"
            return f"不为「{items}」之一" if zh else f"none of {items}"
        words = {
            "gt": ("大于", "more than"),
            "gte": ("不少于", "at least"),
            "lt": ("小于", "less than"),
            "lte": ("不超过", "at most"),
        }
        if op in words:
            return f"{words[op][0]} {show(v)}" if zh else f"{words[op][1]} {show(v)}"
        if op == "between":
            return f"在 {show(v[0])} 至 {show(v[1])} 之间" if zh else f"between {show(v[0])} and {show(v[1])}"
        if op == "exists":
            if v:
                return "已填写" if zh else "filled in"
            return "未填写" if zh else "left empty"
        if op == "matches":
            return f"符合格式 {self.pattern}" if zh else f"matching {self.pattern}"
        if op == "complete":
            if v:
                return "必备项齐全" if zh else "with every required item"
            return "缺少必备项" if zh else "lacking a required item"
        if op in ("has", "lacks"):
            enum = f.enum_def
            items = ("、" if zh else ", ").join(enum.label(x, lang) if enum else x for x in v)
            if op == "has":
                return f"已有「{items}」" if zh else f"with {items}"
            if len(v) == 1:
                return f"缺少「{items}」" if zh else f"without {items}"
            return f"缺少「{items}」之一" if zh else f"without one of {items}"
        raise AssertionError(op)  # pragma: no cover

    def describe_full(self, lang: Lang = "zh") -> str:
        sep = " " if lang == "en" else ""
        return f"{self.field.label(lang)}{sep}{self.describe(lang)}"


@dataclass
class Group(Condition):
    """`all` (every child holds) or `any` (at least one holds)."""

    kind: str  # "all" | "any"
    children: list[Condition]

    def holds(self, case: dict[str, Any]) -> bool:
        if self.kind == "all":
            return all(child.holds(case) for child in self.children)
        return any(child.holds(case) for child in self.children)

    def fields(self) -> set[str]:
        out: set[str] = set()
        for child in self.children:
            out |= child.fields()
        return out

    def atoms(self) -> Iterable[Atom]:
        for child in self.children:
            yield from child.atoms()

    def to_engine(self) -> dict:
        if len(self.children) == 1:
            return self.children[0].to_engine()
        key = "$and" if self.kind == "all" else "$or"
        return {key: [child.to_engine() for child in self.children]}

    def describe(self, lang: Lang = "zh") -> str:
        parts = [
            c.describe_full(lang) if isinstance(c, Atom) else f"({c.describe(lang)})" for c in self.children
        ]
        if self.kind == "all":
            return ("且" if lang != "en" else " and ").join(parts) or ("无条件" if lang != "en" else "always")
        return ("或" if lang != "en" else " or ").join(parts)


ALWAYS = Group("all", [])


# --- parsing -----------------------------------------------------------------------------------


class ConditionParser:
    """Reads a `when` table against the fields a policy may read, collecting located problems."""

    def __init__(self, resolve: Callable[[str], FieldDef | None], known: Callable[[], Iterable[str]]):
        self.resolve = resolve
        self.known = known
        self.problems: list[Problem] = []

    def problem(self, loc: Loc, key: str, /, **params: object) -> None:
        # positional-only: some messages have a parameter named `key` (the offending key)
        self.problems.append(Problem(loc, key, params))

    def parse(self, when: object, loc: Loc) -> Condition:
        if when is None:
            return ALWAYS
        if not isinstance(when, dict):
            self.problem(loc, "wrong_type", key=str(loc[-1]) if loc else "when", expected="表/table", actual=repr(when))
            return ALWAYS
        return Group("all", self._table(when, loc, prefix=""))

    def _table(self, table: dict, loc: Loc, prefix: str) -> list[Condition]:
        out: list[Condition] = []
        for key, value in table.items():
            here = loc + (key,)
            if not prefix and key in GROUPS:
                out.append(self._group(key, value, here))
                continue
            name = prefix + key
            fdef = self.resolve(name)
            if fdef is None:
                if isinstance(value, dict) and not _looks_like_operators(value):
                    out.extend(self._table(value, here, prefix=name + "."))
                    continue
                self.problem(here, "unknown_field", field=name, hint=did_you_mean(name, self.known()))
                continue
            out.extend(self._field(fdef, value, here))
        return out

    def _group(self, kind: str, value: object, loc: Loc) -> Condition:
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.problem(loc, "any_list")
            return ALWAYS
        children: list[Condition] = [Group("all", self._table(v, loc + (i,), prefix="")) for i, v in enumerate(value)]
        return Group(kind, children)

    def _field(self, fdef: FieldDef, value: object, loc: Loc) -> list[Condition]:
        if fdef.type == "checklist" and not isinstance(value, dict):
            atom = self._operator(fdef, "has", value, loc)  # `case_file = ["调解协议书"]`: the file has it
            return [atom] if atom is not None else []
        if isinstance(value, dict):
            atoms: list[Condition] = []
            for op, operand in value.items():
                atom = self._operator(fdef, op, operand, loc + (op,))
                if atom is not None:
                    atoms.append(atom)
            return atoms
        if isinstance(value, list):
            atom = self._operator(fdef, "in", value, loc)
        else:
            atom = self._operator(fdef, "eq", value, loc)
        return [atom] if atom is not None else []

    def _literal(self, fdef: FieldDef, value: object, loc: Loc):
        try:
            return fdef.coerce(value)
        except InvalidValue as err:
            if isinstance(err.detail, Localized) and err.detail.key == "unknown_enum_value":
                self.problems.append(Problem(loc, err.detail.key, dict(err.detail.params)))
                return _INVALID
            self.problems.append(Problem(loc, "bad_literal", {
                "field": fdef.name, "type": Localized("type_" + fdef.type), "value": repr(value), "detail": err.detail,
            }))
            return _INVALID

    def _operator(self, fdef: FieldDef, op: str, operand: object, loc: Loc) -> Atom | None:
        if op not in OPERATORS:
            self.problem(loc, "unknown_operator", op=op, hint=did_you_mean(op, OPERATORS), choices=", ".join(OPERATORS))
            return None
        if fdef.type == "checklist" or op in CHECKLIST_OPS:
            return self._checklist(fdef, op, operand, loc)
        ordered = fdef.type in ORDERED_TYPES
        if op in ("gt", "gte", "lt", "lte", "between") and not ordered:
            self.problem(loc, "operator_type", op=op, field=fdef.name, type=Localized("type_" + fdef.type))
            return None
        if op == "matches" and fdef.type not in ("text", "enum"):
            self.problem(loc, "operator_type", op=op, field=fdef.name, type=Localized("type_" + fdef.type))
            return None
        if op == "exists":
            if not isinstance(operand, bool):
                self.problem(loc, "exists_bool")
                return None
            return Atom(fdef, op, operand)
        if op == "matches":
            if not isinstance(operand, str):
                self.problem(loc, "wrong_type", key=op, expected="字符串/string", actual=repr(operand))
                return None
            try:
                compiled = regex.python_pattern(operand)
            except re.error as err:
                self.problem(loc, "regex_invalid", detail=str(err))
                return None
            try:
                engine_pattern = regex.to_engine(operand)
            except regex.Untranslatable as err:
                self.problem(loc, "regex_untranslatable", part=err.part)
                return None
            return Atom(fdef, op, None, pattern=operand, engine_pattern=engine_pattern, compiled=compiled)
        if op in ("in", "not_in"):
            if not isinstance(operand, list):
                operand = [operand]
            if not operand:
                self.problem(loc, "empty_list")
                return None
            values = [self._literal(fdef, item, loc + (i,)) for i, item in enumerate(operand)]
            if any(v is _INVALID for v in values):
                return None
            unique = list(dict.fromkeys(values))
            return Atom(fdef, op, unique)
        if op == "between":
            if not isinstance(operand, list) or len(operand) != 2:
                self.problem(loc, "between_arity")
                return None
            lo = self._literal(fdef, operand[0], loc + (0,))
            hi = self._literal(fdef, operand[1], loc + (1,))
            if lo is _INVALID or hi is _INVALID:
                return None
            if lo > hi:
                self.problem(loc, "between_order", low=lo, high=hi)
                return None
            return Atom(fdef, op, (lo, hi))
        value = self._literal(fdef, operand, loc)
        if value is _INVALID:
            return None
        return Atom(fdef, op, value)


    def _checklist(self, fdef: FieldDef, op: str, operand: object, loc: Loc) -> Atom | None:
        if fdef.type != "checklist":
            self.problem(loc, "operator_type", op=op, field=fdef.name, type=Localized("type_" + fdef.type))
            return None
        if op not in CHECKLIST_OPS:
            self.problem(loc, "checklist_operator", field=fdef.name, op=op)
            return None
        if op == "complete":
            if not isinstance(operand, bool):
                self.problem(loc, "checklist_complete_bool")
                return None
            return Atom(fdef, op, operand)
        items = operand if isinstance(operand, list) else [operand]
        if not items:
            self.problem(loc, "empty_list")
            return None
        found: set[str] = set()
        for i, item in enumerate(items):
            try:
                found |= fdef.coerce([item])
            except InvalidValue as err:
                here = loc + (i,) if isinstance(operand, list) else loc
                detail = err.detail
                if isinstance(detail, Localized):
                    self.problems.append(Problem(here, detail.key, dict(detail.params)))
                else:  # pragma: no cover - the vocabulary always says it with a key
                    self.problem(here, "bad_value", key=fdef.name, detail=detail)
                return None
        return Atom(fdef, op, tuple(item for item in fdef.items() if item in found))


_INVALID = object()


def _looks_like_operators(value: dict) -> bool:
    return any(k in OPERATORS for k in value)
