"""Load a rules directory: the vocabulary, then every policy file, checked and located.

Nothing is half-loaded: `load_rules` returns a complete `RuleBook` or raises `RuleSetError` with
every problem found, each as `path:line: message`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from ..i18n import Localized, did_you_mean
from ..vocabulary import CASE, DERIVABLE_TYPES, NUMERIC_TYPES, RESERVED_FIELDS, FieldDef, InvalidValue, Vocabulary
from .conditions import ConditionParser
from .errors import EvaluationError, RuleError, RuleSetError
from .derived import formula_inputs, with_inputs
from .expressions import Expression, ExpressionError, parse_expression
from .locations import VOCABULARY_FILE
from .locate import key_lines, line_of
from .policy import CompiledRow, LocatedExample, OutputValue, Policy
from .schema import KIND_OUTPUTS, PolicyFile


# Fields the built-in kinds read besides those of the vocabulary.
KIND_FIELDS: dict[str, dict[str, dict]] = {
    "dividend": {
        "year": {"type": "int", "title": "年度", "title_en": "year"},
        "income": {"type": "money", "title": "其他收入", "title_en": "other income"},
        "costs": {"type": "money", "title": "成本", "title_en": "costs"},
        "gross": {"type": "money", "title": "可分配收益", "title_en": "distributable income"},
        "member_count": {"type": "int", "title": "成员数", "title_en": "members"},
    },
}
KIND_DATE_FIELD = {"reward": "settled_on", "banquet": "date", "escalation": "received_on"}
KIND_REQUIRED_INPUTS = {"escalation": ["received_on", "status", "urgency", "level"]}
KIND_SECTIONS = {"dividend": "dividend", "escalation": "escalation"}
# Keys an example may expect, besides the policy's outputs.
EXAMPLE_KEYS = {
    "reward": {"fired"},
    "table": {"fired", "error"},
    "banquet": {"fired", "violations", "compliant"},
    "dividend": {"fired", "pool", "allocations", "retained", "fixed_return", "gross"},
    "escalation": {"fired", "level", "due_on", "days_overdue", "overdue", "meeting_by", "start_level"},
}


@dataclass
class RuleBook:
    """A complete, checked rule set: every version of every policy, and the vocabulary."""

    directory: Path
    vocabulary: Vocabulary
    policies: dict[str, list[Policy]]  # id → versions by effective_from
    # Information for whoever checks the set, neither warnings nor errors: e.g. a newer version
    # that ends an open-ended earlier one (`version_superseded`), located at the newer file.
    notices: list[RuleError] = field(default_factory=list)

    def ids(self) -> list[str]:
        return sorted(self.policies)

    def versions(self, policy_id: str) -> list[Policy]:
        if policy_id not in self.policies:
            raise EvaluationError("unknown_policy", policy=policy_id, hint=did_you_mean(policy_id, self.policies))
        return self.policies[policy_id]

    def select(self, policy_id: str, on: dt.date) -> Policy:
        """The version in force on a date."""
        for policy in self.versions(policy_id):
            if policy.in_force(on):
                return policy
        raise EvaluationError("no_version_in_force", policy=policy_id, date=on.isoformat())

    def all(self) -> Iterable[Policy]:
        for policy_id in self.ids():
            yield from self.policies[policy_id]

    def by_hash(self, policy_id: str, content_hash: str) -> Policy | None:
        return next((p for p in self.policies.get(policy_id, []) if p.hash == content_hash), None)


# --- reading files -----------------------------------------------------------------------------


class _FileReader:
    """Collects located errors for one file."""

    def __init__(self, path: Path, display: Path | None = None):
        self.path = path
        self.display = display or path
        self.errors: list[RuleError] = []
        self.text = ""
        self.lines: dict = {}
        self.data: dict | None = None
        self.hash = ""

    def error(self, loc: tuple, key: str, /, **params: object) -> None:
        # positional-only: many messages have a parameter named `key` (the offending key)
        self.errors.append(RuleError(self.display, line_of(self.lines, loc) or 1, key, params, tuple(loc)))

    def read(self) -> dict | None:
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
            line = int(m.group(1)) if m else None
            detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
            if m:
                detail += f"（第 {m.group(2)} 列 / column {m.group(2)}）"
            self.errors.append(RuleError(self.display, line, "toml_syntax", {"detail": detail}))
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


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
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
        import types as _types

        if isinstance(annotation, _types.UnionType):
            annotation = args[0]
            continue
        return annotation


# --- the vocabulary ----------------------------------------------------------------------------


def read_vocabulary(path: Path, display: Path | None = None) -> tuple[Vocabulary | None, list[RuleError]]:
    reader = _FileReader(path, display)
    data = reader.read()
    if data is None:
        return None, reader.errors
    try:
        vocab = Vocabulary.model_validate(data)
    except ValidationError as err:
        reader.validation(err, Vocabulary)
        return None, reader.errors
    for name, fdef in vocab.fields.items():
        if name in RESERVED_FIELDS:
            reader.error(("fields", name), "reserved_field", field=name)
        if fdef.type == "enum" and fdef.enum not in vocab.enums:
            reader.error(("fields", name, "enum"), "unknown_enum", field=name, enum=fdef.enum)
    if reader.errors:
        return None, reader.errors
    vocab.resolved()
    _check_formulas(vocab, reader)
    _check_form(vocab, reader)
    if reader.errors:
        return None, sorted(reader.errors, key=lambda e: e.line or 0)
    return vocab, []


def _check_formulas(vocab: Vocabulary, reader: _FileReader) -> None:
    """Every derived field's formula: its type, syntax, inputs (dates only subtracted), and no
    cycles between derived fields. A checked formula is kept, parsed, on its field."""
    fields = vocab.fields
    dates = [n for n, f in fields.items() if f.type == "date"]
    parsed: dict[str, Expression] = {}
    for name, fdef in fields.items():
        if fdef.formula is None:
            continue
        loc = ("fields", name, "formula")
        if fdef.type not in DERIVABLE_TYPES:
            reader.error(loc, "derived_type", field=name, type=Localized("type_" + fdef.type))
            continue
        try:
            expr = parse_expression(fdef.formula)
        except ExpressionError as err:
            reader.error(loc, "expr_syntax", expr=fdef.formula, detail=Localized("label", zh=err.zh, en=err.en))
            continue
        ok = True
        for ref in sorted(expr.names):
            other = fields.get(ref)
            if other is None:
                reader.error(loc, "unknown_field", field=ref, hint=did_you_mean(ref, fields))
                ok = False
            elif other.type not in NUMERIC_TYPES + ("bool", "date"):
                reader.error(loc, "expr_type", field=ref)
                ok = False
        if not ok:
            continue
        try:
            expr = parse_expression(fdef.formula, dates=[n for n in dates if n in expr.names])
        except ExpressionError as err:
            reader.error(loc, "expr_syntax", expr=fdef.formula, detail=Localized("label", zh=err.zh, en=err.en))
            continue
        parsed[name] = expr
    for cycle in _cycles({n: [r for r in sorted(e.names) if fields[r].derived] for n, e in parsed.items()}):
        reader.error(("fields", cycle[0], "formula"), "derived_cycle", cycle=" → ".join(cycle + [cycle[0]]))
        for name in cycle:
            parsed.pop(name, None)
    for name, expr in parsed.items():
        fdef = fields[name]
        fdef._expression = expr
        fdef._where = f"{VOCABULARY_FILE}:{line_of(reader.lines, ('fields', name, 'formula')) or 1}"


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The cycles of a graph (each reported once, from its first node in the graph's order)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return found


def _check_form(vocab: Vocabulary, reader: _FileReader) -> None:
    """`[[form]]`: every name a declared case field that is entered (not derived), listed once."""
    seen: dict[str, str] = {}
    for g, group in enumerate(vocab.form):
        for i, name in enumerate(group.fields):
            loc = ("form", g, "fields", i)
            fdef = vocab.fields.get(name)
            if fdef is None:
                reader.error(loc, "form_unknown_field", group=group.title, field=name,
                             hint=did_you_mean(name, [f.name for f in vocab.case_fields()]))
            elif fdef.subject != CASE:
                reader.error(loc, "form_not_case", group=group.title, field=name, subject=fdef.subject)
            elif fdef.derived:
                reader.error(loc, "form_derived", group=group.title, field=name, formula=fdef.formula)
            elif name in seen:
                reader.error(loc, "form_duplicate", field=name, other=seen[name])
            else:
                seen[name] = group.title


# --- one policy file ---------------------------------------------------------------------------


def read_policy(path: Path, vocab: Vocabulary, display: Path | None = None) -> tuple[Policy | None, list[RuleError]]:
    reader = _FileReader(path, display)
    data = reader.read()
    if data is None:
        return None, reader.errors
    try:
        spec = PolicyFile.model_validate(data)
    except ValidationError as err:
        reader.validation(err, PolicyFile)
        return None, reader.errors
    return _build(spec, reader, vocab)


def _build(spec: PolicyFile, reader: _FileReader, vocab: Vocabulary) -> tuple[Policy | None, list[RuleError]]:
    header = spec.policy
    kind = header.kind
    if header.effective_until and header.effective_until < header.effective_from:
        reader.error(("policy", "effective_until"), "until_before_from",
                     until=header.effective_until, start=header.effective_from)
    section = KIND_SECTIONS.get(kind)
    if section and getattr(spec, section) is None:
        reader.error(("policy", "kind"), "kind_section", kind=kind, section=section)
    for other_section in ("dividend", "escalation"):
        if other_section != section and getattr(spec, other_section) is not None:
            reader.error((other_section,), "kind_forbids", key=other_section, kind=kind)
    if spec.cap and kind != "reward":
        reader.error(("cap",), "kind_forbids", key="cap", kind=kind)
    if spec.outputs and kind != "table":
        reader.error(("outputs",), "kind_forbids", key="outputs", kind=kind)

    # The fields this policy may read: vocabulary, the kind's own, then the file's [fields].
    available: dict[str, FieldDef] = dict(vocab.fields)
    for name, raw in KIND_FIELDS.get(kind, {}).items():
        available[name] = FieldDef(name=name, **raw)
    for name, fdef in spec.fields.items():
        if name in RESERVED_FIELDS:
            reader.error(("fields", name), "reserved_field", field=name)
            continue
        fdef = fdef.model_copy()
        fdef.name = name
        if fdef.formula is not None:
            reader.error(("fields", name, "formula"), "derived_local", field=name)
            continue
        if fdef.type == "enum":
            if fdef.enum not in vocab.enums:
                reader.error(("fields", name, "enum"), "unknown_enum", field=name, enum=fdef.enum)
                continue
            fdef.enum_def = vocab.enums[fdef.enum]
        available[name] = fdef

    declared = header.inputs
    if declared is not None:
        for i, name in enumerate(declared):
            if name not in available:
                reader.error(("policy", "inputs", i), "unknown_field", field=name, hint=did_you_mean(name, available))

    def resolve(name: str) -> FieldDef | None:
        if declared is not None and name not in declared:
            return None
        return available.get(name)

    def known() -> list[str]:
        return list(declared) if declared is not None else list(available)

    def missing_field(loc: tuple, name: str) -> None:
        if declared is not None and name in available:
            reader.error(loc, "undeclared_input", field=name)
        else:
            reader.error(loc, "unknown_field", field=name, hint=did_you_mean(name, known()))

    parser = ConditionParser(resolve, known)
    used: set[str] = set(KIND_REQUIRED_INPUTS.get(kind, []))

    outputs = dict(KIND_OUTPUTS.get(kind, {}))
    if kind == "table":
        if not spec.outputs:
            reader.error(("policy", "kind"), "kind_section", kind=kind, section="outputs")
        outputs = dict(spec.outputs)
        for name, out in outputs.items():
            if out.type == "enum" and out.enum not in vocab.enums:
                reader.error(("outputs", name, "enum"), "unknown_enum", field=name, enum=out.enum)

    def output_value(name: str, value: object, loc: tuple) -> OutputValue | None:
        out = outputs.get(name)
        if out is None:
            reader.error(loc, "unknown_output", output=name, hint=did_you_mean(name, outputs))
            return None
        if out.type in ("money", "decimal", "int"):
            if isinstance(value, str):
                try:
                    expr = parse_expression(value)
                except ExpressionError as err:
                    reader.error(loc, "expr_syntax", expr=value, detail=Localized("label", zh=err.zh, en=err.en))
                    return None
                ok = True
                dates = []
                for ref in sorted(expr.names):
                    fdef = resolve(ref)
                    if fdef is None:
                        missing_field(loc, ref)
                        ok = False
                    elif fdef.type not in NUMERIC_TYPES + ("bool", "date"):
                        reader.error(loc, "expr_type", field=ref)
                        ok = False
                    else:
                        used.add(ref)
                        if fdef.type == "date":
                            dates.append(ref)
                if ok and dates:  # dates may only be subtracted from one another
                    try:
                        expr = parse_expression(value, dates=dates)
                    except ExpressionError as err:
                        reader.error(loc, "expr_syntax", expr=value, detail=Localized("label", zh=err.zh, en=err.en))
                        return None
                return expr if ok else None
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                reader.error(loc, "output_value", output=name, value=repr(value), type=Localized("type_" + out.type))
                return None
            number = Decimal(value)
            if out.type == "int" and number != number.to_integral_value():
                reader.error(loc, "output_value", output=name, value=repr(value), type=Localized("type_int"))
                return None
            if out.type == "money" and number < 0 and kind == "reward":
                reader.error(loc, "negative", key=name, value=value)
                return None
            return int(number) if out.type == "int" else number
        if out.type == "text":
            if not isinstance(value, str):
                reader.error(loc, "output_value", output=name, value=repr(value), type=Localized("type_text"))
                return None
            return value
        if out.type == "bool":
            if not isinstance(value, bool):
                reader.error(loc, "output_value", output=name, value=repr(value), type=Localized("type_bool"))
                return None
            return value
        if out.type == "enum":
            enum = vocab.enums.get(out.enum or "")
            if enum is None:
                return None
            fdef = FieldDef(name=name, type="enum", title=out.title, enum=out.enum)
            fdef.enum_def = enum
            try:
                return fdef.coerce(value)
            except InvalidValue as err:
                reader.errors.append(RuleError(reader.display, line_of(reader.lines, loc) or 1, "bad_literal", {
                    "field": name, "type": Localized("type_enum"), "value": repr(value), "detail": err.detail}, loc))
                return None
        return None  # pragma: no cover

    rows: list[CompiledRow] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(spec.rule):
        loc = ("rule", index)
        line = line_of(reader.lines, loc)
        if raw.id in seen_ids:
            reader.error(loc + ("id",), "duplicate_rule_id", id=raw.id, first=seen_ids[raw.id])
        seen_ids.setdefault(raw.id, line_of(reader.lines, loc + ("id",)) or line or 0)
        if raw.effective_from and raw.effective_until and raw.effective_until < raw.effective_from:
            reader.error(loc + ("effective_until",), "until_before_from", until=raw.effective_until, start=raw.effective_from)
        condition = parser.parse(raw.when, loc + ("when",))
        used |= condition.fields()
        then: dict[str, OutputValue] = {}
        for name, value in raw.then.items():
            converted = output_value(name, value, loc + ("then", name))
            if converted is not None:
                then[name] = converted
        if kind == "banquet":
            if not raw.message:
                reader.error(loc, "missing_key", key="message")
            else:
                for ref in re.findall(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}", raw.message):
                    if resolve(ref) is None:
                        missing_field(loc + ("message",), ref)
                    else:
                        used.add(ref)
            if raw.then:
                reader.error(loc + ("then",), "kind_forbids", key="then", kind=kind)
        elif raw.message:
            reader.error(loc + ("message",), "kind_forbids", key="message", kind=kind)
        rows.append(CompiledRow(
            id=raw.id, title=raw.title, title_en=raw.title_en, condition=condition, then=then, order=index,
            line=line, message=raw.message, message_en=raw.message_en,
            effective_from=raw.effective_from, effective_until=raw.effective_until,
        ))
        rows[-1].priority = raw.priority  # type: ignore[attr-defined]
    for problem in parser.problems:
        if problem.key == "unknown_field" and declared is not None and problem.params.get("field") in available:
            # a field the vocabulary knows, left out of the policy's `inputs`
            reader.error(problem.loc, "undeclared_input", field=problem.params["field"])
            continue
        reader.error(problem.loc, problem.key, **problem.params)

    # Salience: explicit priority first (lower fires first), then file order.
    rows.sort(key=lambda r: (r.priority if r.priority is not None else 0, r.order))  # type: ignore[attr-defined]
    for order, row in enumerate(rows):
        row.order = order

    default: dict[str, OutputValue] = {}
    for name, value in spec.default.items():
        converted = output_value(name, value, ("default", name))
        if converted is not None:
            default[name] = converted

    date_field = header.date_field or KIND_DATE_FIELD.get(kind)
    if header.date_field and resolve(header.date_field) is None:
        reader.error(("policy", "date_field"), "unknown_field", field=header.date_field, hint=did_you_mean(header.date_field, known()))
    elif date_field and available.get(date_field) is not None and (declared is None or date_field in declared):
        used.add(date_field)
    else:
        date_field = None

    _check_dividend(spec, reader)
    _check_escalation(spec, reader, vocab)
    for name in KIND_REQUIRED_INPUTS.get(kind, []):
        if name not in available:
            reader.error(("policy", "kind"), "unknown_field", field=name, hint="")

    if declared is not None:
        reads = [n for n in declared if n in available]
    else:
        reads = [n for n in available if n in used]
    # A derived field is computed from its formula's inputs: the policy reads those too.
    closure = with_inputs(reads, available)
    if declared is None:
        reads = [n for n in available if n in closure]  # vocabulary order
    else:
        reads += [n for n in available if n in closure and n not in reads]
    fields = {name: available[name] for name in reads}

    examples = _check_examples(spec, reader, outputs, fields, {r.id for r in rows}, kind)

    if reader.errors:
        return None, reader.errors
    policy = Policy(
        header=header.model_copy(update={"date_field": date_field}),
        path=reader.display, hash=reader.hash, rows=rows, fields=fields, outputs=outputs,
        default=default, caps=spec.cap, dividend=spec.dividend, escalation=spec.escalation,
        examples=examples, vocabulary=vocab, lines=reader.lines,
    )
    return policy, []


def _check_dividend(spec: PolicyFile, reader: _FileReader) -> None:
    section = spec.dividend
    if section is None:
        return
    if not (0 <= section.fixed_rate <= 1):
        reader.error(("dividend", "fixed_rate"), "rate_range", value=section.fixed_rate)
    if section.revenue_share is not None and not (0 <= section.revenue_share <= 1):
        reader.error(("dividend", "revenue_share"), "rate_range", value=section.revenue_share)
    ids: set[str] = set()
    for i, share_class in enumerate(section.share_classes):
        if share_class.id in ids:
            reader.error(("dividend", "share_classes", i, "id"), "duplicate_class", id=share_class.id)
        ids.add(share_class.id)
        if share_class.weight < 0:
            reader.error(("dividend", "share_classes", i, "weight"), "negative", key="weight", value=share_class.weight)
    if section.default_class and section.default_class not in ids:
        reader.error(("dividend", "default_class"), "unknown_class", id=section.default_class)
    for i, row in enumerate(spec.rule):
        rate = row.then.get("retain_rate")
        if isinstance(rate, Decimal) and not (0 <= rate <= 1):
            reader.error(("rule", i, "then", "retain_rate"), "rate_range", value=rate)


def _check_escalation(spec: PolicyFile, reader: _FileReader, vocab: Vocabulary) -> None:
    section = spec.escalation
    if section is None:
        return
    known_levels = list(vocab.enums["level"].labels) if "level" in vocab.enums else []
    for i, level in enumerate(section.levels):
        if level not in known_levels:
            reader.error(("escalation", "levels", i), "unknown_enum_value", field="level", value=level,
                         hint=did_you_mean(level, known_levels), choices=", ".join(known_levels))
    for level, days in section.deadlines.items():
        if level not in section.levels:
            reader.error(("escalation", "deadlines", level), "unknown_level", level=level)
        if days < 0:
            reader.error(("escalation", "deadlines", level), "negative", key=level, value=days)
    for level in section.levels:
        if level not in section.deadlines and level in known_levels:
            reader.error(("escalation", "deadlines"), "missing_key", key=level)
    statuses = list(vocab.enums["status"].labels) if "status" in vocab.enums else []
    for i, status in enumerate(section.closed_statuses):
        if status not in statuses:
            reader.error(("escalation", "closed_statuses", i), "unknown_enum_value", field="status", value=status,
                         hint=did_you_mean(status, statuses), choices=", ".join(statuses))
    for i, row in enumerate(spec.rule):
        level = row.then.get("level")
        if isinstance(level, str) and level in known_levels and level not in section.levels:
            reader.error(("rule", i, "then", "level"), "unknown_level", level=level)


def _check_examples(spec, reader, outputs, fields, row_ids, kind) -> list[LocatedExample]:
    located = []
    allowed = set(outputs) | EXAMPLE_KEYS.get(kind, set())
    givable = set(fields) | ({"investments", "members", "year", "income", "costs"} if kind == "dividend" else set())
    for index, example in enumerate(spec.example):
        loc = ("example", index)
        for key in example.expect:
            if key not in allowed:
                reader.error(loc + ("expect", key), "example_unknown_output", output=key, hint=did_you_mean(key, allowed))
        for listed in ("fired", "violations"):
            ids = example.expect.get(listed)
            if isinstance(ids, list):
                for j, rid in enumerate(ids):
                    if rid not in row_ids:
                        reader.error(loc + ("expect", listed, j), "unknown_rule_ref", id=rid, hint=did_you_mean(rid, row_ids))
        for key, value in example.given.items():
            if key not in givable:
                nested = key in {n.split(".")[0] for n in givable} and isinstance(value, dict)
                if not nested:
                    reader.error(loc + ("given", key), "unknown_field", field=key, hint=did_you_mean(key, givable))
                continue
            fdef = fields.get(key)
            if fdef is not None and fdef.derived:
                inputs = sorted(formula_inputs(fdef))
                reader.error(loc + ("given", key), "derived_given", field=key, formula=fdef.formula,
                             inputs=Localized("label", zh="、".join(inputs), en=", ".join(inputs)))
                continue
            if fdef is not None:
                try:
                    fdef.coerce(value)
                except InvalidValue as err:
                    reader.error(loc + ("given", key), "example_bad_input", detail=err.detail)
        located.append(LocatedExample(example, index, line_of(reader.lines, loc)))
    return located


# --- a whole directory -------------------------------------------------------------------------


def load_rules(directory: Path | str) -> RuleBook:
    """Read and check every file; return the book or raise with every located error."""
    directory = Path(directory)
    errors: list[RuleError] = []
    vocab_path = directory / VOCABULARY_FILE
    if not vocab_path.is_file():
        raise RuleSetError([RuleError(vocab_path, None, "no_vocabulary", {})])
    vocab, vocab_errors = read_vocabulary(vocab_path, vocab_path)
    if vocab is None:
        raise RuleSetError(vocab_errors)
    files = sorted(p for p in directory.glob("*.toml") if p.name != VOCABULARY_FILE)
    if not files:
        raise RuleSetError([RuleError(directory, None, "no_policies", {"dir": directory})])
    policies: dict[str, list[Policy]] = {}
    for path in files:
        policy, file_errors = read_policy(path, vocab)
        errors.extend(file_errors)
        if policy is not None:
            policies.setdefault(policy.id, []).append(policy)
    notices = _supersede(policies)
    errors.extend(_check_versions(policies))
    if errors:
        raise RuleSetError(sorted(errors, key=lambda e: (str(e.path), e.line or 0)))
    for versions in policies.values():
        versions.sort(key=lambda p: p.effective_from)
    return RuleBook(directory=directory, vocabulary=vocab, policies=policies, notices=notices)


def _supersede(policies: dict[str, list[Policy]]) -> list[RuleError]:
    """A version with a later `effective_from` ends an open-ended earlier version of the same
    policy the day before it starts (in the loaded policy; the file is not rewritten). Each such
    ending is returned as a notice located at the later version's `effective_from`."""
    notices = []
    for policy_id, versions in policies.items():
        ordered = sorted(versions, key=lambda p: p.effective_from)
        for i, earlier in enumerate(ordered):
            if earlier.effective_until is not None:
                continue
            later = next((p for p in ordered[i + 1:] if p.effective_from > earlier.effective_from), None)
            if later is None or later.version == earlier.version:
                continue
            until = later.effective_from - dt.timedelta(days=1)
            earlier.header = earlier.header.model_copy(update={"effective_until": until})
            notices.append(RuleError(later.path, line_of(later.lines, ("policy", "effective_from")), "version_superseded", {
                "policy": policy_id, "version": earlier.version, "new_version": later.version,
                "start": later.effective_from.isoformat(), "until": until.isoformat()}))
    return sorted(notices, key=lambda e: (str(e.path), e.line or 0))


def _check_versions(policies: dict[str, list[Policy]]) -> list[RuleError]:
    """Versions of one policy: distinct version names, one kind, and ranges that do not overlap
    (an open-ended version ended by a later one, see `_supersede`, no longer overlaps it)."""
    errors = []
    for policy_id, versions in policies.items():
        for i, a in enumerate(versions):
            for b in versions[:i]:
                line = line_of(a.lines, ("policy", "version"))
                if a.version == b.version:
                    errors.append(RuleError(a.path, line, "duplicate_version", {
                        "policy": policy_id, "version": a.version, "other": b.path}))
                    continue
                if a.kind != b.kind:
                    errors.append(RuleError(a.path, line_of(a.lines, ("policy", "kind")), "bad_choice", {
                        "key": "kind", "value": a.kind, "choices": b.kind}))
                a_end = a.effective_until or dt.date.max
                b_end = b.effective_until or dt.date.max
                if a.effective_from <= b_end and b.effective_from <= a_end:
                    errors.append(RuleError(a.path, line_of(a.lines, ("policy", "effective_from")), "overlapping_versions", {
                        "policy": policy_id, "version": a.version, "range": a.range_text(),
                        "other": b.path, "other_version": b.version, "other_range": b.range_text()}))
    return errors
