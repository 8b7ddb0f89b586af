"""Reading the vocabulary (`fields.toml`): case fields, enumerations, derived fields' formulas and
the case form, each problem located in the file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..i18n import Localized, did_you_mean
from ..vocabulary import CASE, DERIVABLE_TYPES, NUMERIC_TYPES, RESERVED_FIELDS, Vocabulary
from .errors import RuleError
from .expressions import Expression, ExpressionError, parse_expression
from .locate import line_of
from .locations import VOCABULARY_FILE
from .reader import FileReader, key_titles
from .schema import VOCABULARY_KEY_TITLES


def read_vocabulary(path: Path, display: Path | None = None) -> tuple[Vocabulary | None, list[RuleError]]:
    reader = FileReader(path, display, key_titles(VOCABULARY_KEY_TITLES))
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
        if fdef.type == "checklist" and fdef.enum is None:
            reader.error(("fields", name), "checklist_needs_enum", field=name)
        elif fdef.type in ("enum", "checklist") and fdef.enum not in vocab.enums:
            reader.error(("fields", name, "enum"), "unknown_enum", field=name, enum=fdef.enum)
        elif fdef.required is not None:
            _check_required(vocab, name, reader)
    if reader.errors:
        return None, reader.errors
    vocab.resolved()
    _check_formulas(vocab, reader)
    _check_form(vocab, reader)
    if reader.errors:
        return None, sorted(reader.errors, key=lambda e: e.line or 0)
    return vocab, []


def _check_required(vocab: Vocabulary, name: str, reader: FileReader) -> None:
    """A checklist's `required`: only on a checklist, each an item of its enumeration, once."""
    fdef = vocab.fields[name]
    if fdef.type != "checklist":
        reader.error(("fields", name, "required"), "checklist_only", key="required", field=name)
        return
    enum = vocab.enums[fdef.enum or ""]
    lookup = enum.lookup()
    seen: set[str] = set()
    for i, item in enumerate(fdef.required or []):
        found = lookup.get(item)
        if found is None:
            reader.error(("fields", name, "required", i), "checklist_unknown_required", field=name, item=item,
                         enum=fdef.enum, hint=did_you_mean(item, list(lookup)),
                         choices="、".join(f"{label}（{k}）" for k, label in enum.labels.items()))
        elif found in seen:
            reader.error(("fields", name, "required", i), "checklist_duplicate_required", field=name, item=item)
        else:
            seen.add(found)


def _check_formulas(vocab: Vocabulary, reader: FileReader) -> None:
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


def _check_form(vocab: Vocabulary, reader: FileReader) -> None:
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
