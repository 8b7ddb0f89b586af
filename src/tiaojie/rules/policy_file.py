"""Reading one policy file into a checked `Policy`, against the vocabulary and the policy's kind.

The steps, in the order their problems are reported: the file's layout (dates, the sections its
kind needs or forbids), the fields it may read, its outputs, its rows (conditions, outputs and what
its kind asks of a row), its default, the date that picks the version, the kinds' own sections, the
fields it reads and its examples. A file with any problem gives no policy.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from pydantic import ValidationError

from ..i18n import Localized, did_you_mean
from ..vocabulary import NUMERIC_TYPES, TYPE_NAMES, FieldDef, InvalidValue, Vocabulary
from .conditions import ConditionParser
from .derived import formula_inputs
from .errors import RuleError
from .kinds.base import PolicyKind
from .locate import line_of
from .outputs import OutputReader
from .policy import CompiledRow, LocatedExample, Policy
from .reader import FileReader, key_titles, shown
from .schema import KEY_TITLES, OutputDef, PolicyFile
from .scope import FieldScope


def read_policy(path: Path, vocab: Vocabulary, kinds: Mapping[str, PolicyKind],
                display: Path | None = None) -> tuple[Policy | None, list[RuleError]]:
    """The policy a file holds, or None and every problem found, located."""
    reader = FileReader(path, display, _titles(vocab, kinds))
    data = reader.read()
    if data is None:
        return None, reader.errors
    try:
        spec = PolicyFile.model_validate(data)
    except ValidationError as err:
        reader.validation(err, PolicyFile)
        return None, reader.errors
    policy = build_policy(spec, reader, vocab, kinds)
    return (policy, []) if policy is not None else (None, reader.errors)


def _titles(vocab: Vocabulary, kinds: Mapping[str, PolicyKind]) -> list[tuple[str, str, str]]:
    """The titles of the fields and outputs a file may name, for a key written in Chinese."""
    titles = key_titles(KEY_TITLES) + [("field", f.title, name) for name, f in vocab.fields.items()]
    for kind in kinds.values():
        titles += [("field", f.title, name) for name, f in kind.fields.items()]
        titles += [("output", o.title, name) for name, o in kind.outputs.items()]
    return titles


def build_policy(spec: PolicyFile, reader: FileReader, vocab: Vocabulary,
                 kinds: Mapping[str, PolicyKind]) -> Policy | None:
    """The checked policy of a file already read, or None with the problems left in `reader`."""
    header = spec.policy
    kind = kinds[header.kind]
    _check_layout(spec, reader, kind, kinds)
    scope = FieldScope.read(spec, reader, vocab, kind.fields, kind.required_inputs)
    parser = ConditionParser(scope.resolve, scope.known)
    outputs = kind.output_defs(spec, reader, vocab)
    values = OutputReader(outputs, scope, vocab, kind.non_negative_money)
    rows = _rows(spec, kind, scope, parser, values)
    _report_conditions(parser, scope)
    default = values.values(spec.default, ("default",))
    date_field = _date_field(spec, kind, scope)
    for other in kinds.values():  # a section is checked whenever a file has it, whatever its kind
        if other.section is not None and getattr(spec, other.section) is not None:
            other.check_section(spec, reader, vocab)
    for name in kind.required_inputs:
        if name not in scope.available:
            reader.error(("policy", "kind"), "unknown_field", field=name, hint="")
    fields = scope.reads()
    examples = _check_examples(spec, reader, outputs, fields, {r.id for r in rows}, kind)
    if reader.errors:
        return None
    return Policy(
        header=header.model_copy(update={"date_field": date_field}),
        path=reader.display, hash=reader.hash, rows=rows, fields=fields, outputs=outputs,
        default=default, caps=spec.cap, dividend=spec.dividend, escalation=spec.escalation,
        examples=examples, vocabulary=vocab, lines=reader.lines, steps=spec.step or [], checks=spec.checks,
    )


def _check_layout(spec: PolicyFile, reader: FileReader, kind: PolicyKind, kinds: Mapping[str, PolicyKind]) -> None:
    """Dates in order; the section the kind needs, and none another kind's; caps and declared
    outputs only where the kind takes them."""
    header = spec.policy
    if header.effective_until and header.effective_until < header.effective_from:
        reader.error(("policy", "effective_until"), "until_before_from",
                     until=header.effective_until, start=header.effective_from)
    own = kind.sections()
    for section in own:
        if getattr(spec, section) is None:
            reader.error(("policy", "kind"), "kind_section", kind=kind.name, section=section)
    for other in kinds.values():
        for other_section in other.sections():
            if other_section not in own and getattr(spec, other_section) is not None:
                reader.error((other_section,), "kind_forbids", key=other_section, kind=kind.name)
    if spec.cap and not kind.caps:
        reader.error(("cap",), "kind_forbids", key="cap", kind=kind.name)
    if spec.outputs and not kind.declares_outputs:
        reader.error(("outputs",), "kind_forbids", key="outputs", kind=kind.name)


def _rows(spec: PolicyFile, kind: PolicyKind, scope: FieldScope, parser: ConditionParser,
          values: OutputReader) -> list[CompiledRow]:
    """The rows in salience order: explicit priority first (lower fires first), then file order.
    Their conditions' problems stay with `parser`."""
    reader = scope.reader
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
        scope.used |= condition.fields()
        then = values.values(raw.then, loc + ("then",))
        kind.check_row(raw, loc, scope)
        rows.append(CompiledRow(
            id=raw.id, title=raw.title, title_en=raw.title_en, condition=condition, then=then, order=index,
            line=line, message=raw.message, message_en=raw.message_en,
            effective_from=raw.effective_from, effective_until=raw.effective_until,
        ))
    priorities = [raw.priority or 0 for raw in spec.rule]
    rows.sort(key=lambda r: (priorities[r.order], r.order))
    for order, row in enumerate(rows):
        row.order = order
    return rows


def _report_conditions(parser: ConditionParser, scope: FieldScope) -> None:
    """The conditions' problems; a field the vocabulary knows but the policy's `inputs` leave out
    is reported as such."""
    for problem in parser.problems:
        field = problem.params.get("field")
        if problem.key == "unknown_field" and scope.declared is not None and field in scope.available:
            scope.reader.error(problem.loc, "undeclared_input", field=field)
            continue
        scope.reader.error(problem.loc, problem.key, **problem.params)


def _date_field(spec: PolicyFile, kind: PolicyKind, scope: FieldScope) -> str | None:
    """The field whose date picks the version in force: the file's, else the kind's — when the
    policy may read it (and so reads it)."""
    header = spec.policy
    date_field = header.date_field or kind.date_field
    if header.date_field and scope.resolve(header.date_field) is None:
        scope.reader.error(("policy", "date_field"), "unknown_field", field=header.date_field,
                           hint=did_you_mean(header.date_field, scope.known()))
    elif date_field and scope.available.get(date_field) is not None and (
            scope.declared is None or date_field in scope.declared):
        scope.used.add(date_field)
    else:
        date_field = None
    return date_field


def _as_written(detail: object, value: object) -> object:
    """A refusal that quotes the value, quoting it as the file writes it (`1.5`, not `Decimal('1.5')`)."""
    if isinstance(detail, Localized) and "actual" in detail.params:
        return Localized(detail.key, **{**detail.params, "actual": shown(value)})
    return detail


def _expectable(out_type: str, value: object) -> bool:
    """Whether an example may expect `value` of an output of this type: a number (or text that is
    one) of a number, yes/no of yes/no; text and enumerations are compared as written."""
    if out_type == "bool":
        return isinstance(value, bool)
    if out_type in NUMERIC_TYPES:
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float, Decimal)):
            return True
        if isinstance(value, str):
            try:
                return Decimal(value.strip()).is_finite()
            except InvalidOperation:
                return False
        return False
    return True


def _check_examples(spec: PolicyFile, reader: FileReader, outputs: Mapping[str, OutputDef],
                    fields: Mapping[str, FieldDef], row_ids: set[str], kind: PolicyKind) -> list[LocatedExample]:
    """Each example expects only outputs (or what its kind reports), names rows that exist and
    gives fields the policy reads (not derived ones), with values that read."""
    located = []
    allowed = set(outputs) | kind.example_keys
    givable = set(fields) | kind.given_keys
    for index, example in enumerate(spec.example):
        loc = ("example", index)
        for key, expected in example.expect.items():
            if key not in allowed:
                reader.error(loc + ("expect", key), "example_unknown_output", output=key, hint=did_you_mean(key, allowed))
            elif key in outputs and not _expectable(outputs[key].type, expected):
                out = outputs[key]
                zh, en = TYPE_NAMES[out.type]
                reader.error(loc + ("expect", key), "example_bad_expect", value=shown(expected),
                             output=Localized("label", zh=out.title, en=out.title_en or out.title),
                             type=Localized("label", zh=zh, en=en))
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
                    reader.error(loc + ("given", key), "example_bad_input", detail=_as_written(err.detail, value))
        located.append(LocatedExample(example, index, line_of(reader.lines, loc)))
    return located
