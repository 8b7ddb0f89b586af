"""What changed between two rule sets, row by row, in words a policy officer reads:
「成功调处重大矛盾纠纷」奖励金额 500.00 元 → 600.00 元.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..i18n import Lang, Localized
from ..money import format_yuan
from .book import RuleBook
from .chain_text import chain_changes
from .expressions import Expression
from .policy import CompiledRow, Policy


@dataclass
class Change:
    policy: str
    message: Localized

    def render(self, lang: Lang = "zh") -> str:
        return f"{self.policy}: {self.message.render(lang)}"


def _label(zh: str, en: str | None) -> Localized:
    return Localized("label", zh=zh, en=en or zh)


def _value(policy: Policy, name: str, value: Any) -> str:
    if isinstance(value, Expression):
        return value.source
    out = policy.outputs.get(name)
    if out is not None and out.type == "money" and isinstance(value, (Decimal, int)):
        return format_yuan(Decimal(value))
    return str(value)


def _pair(old: Policy, new: Policy) -> list[Localized]:
    changes: list[Localized] = []
    if old.version != new.version:
        changes.append(Localized("diff_version", old=old.version, new=new.version,
                                 old_range=old.range_text(), new_range=new.range_text()))
    elif old.range_text() != new.range_text():
        changes.append(Localized("diff_range", old=old.range_text(), new=new.range_text()))
    if old.header.hit != new.header.hit:
        changes.append(Localized("diff_hit", old=old.header.hit, new=new.header.hit))
    old_rows = {r.id: r for r in old.rows}
    new_rows = {r.id: r for r in new.rows}
    for row in new.rows:
        before = old_rows.get(row.id)
        if before is None:
            changes.append(Localized("diff_row_added", title=_label(row.title, row.title_en),
                                     when=_label(row.condition.describe("zh"), row.condition.describe("en")),
                                     effect=_effects(new, row)))
            continue
        changes.extend(_row_changes(old, new, before, row))
    for row in old.rows:
        if row.id not in new_rows:
            changes.append(Localized("diff_row_removed", title=_label(row.title, row.title_en)))
    old_order = [r.id for r in old.rows if r.id in new_rows]
    new_order = [r.id for r in new.rows if r.id in old_rows]
    if old_order != new_order:
        changes.append(Localized("diff_order", old=" > ".join(old_order), new=" > ".join(new_order)))
    for name in sorted(set(old.default) | set(new.default)):
        a, b = old.default.get(name), new.default.get(name)
        if _value(old, name, a) != _value(new, name, b):
            changes.append(Localized("diff_default", output=name, old=_value(old, name, a) if a is not None else "—",
                                     new=_value(new, name, b) if b is not None else "—"))
    old_caps = {c.id: c for c in old.caps}
    for cap in new.caps:
        before_cap = old_caps.get(cap.id)
        if before_cap is None or before_cap.model_dump() != cap.model_dump():
            changes.append(Localized("diff_cap", title=_label(cap.title, cap.title_en),
                                     old=_cap_text(before_cap), new=_cap_text(cap)))
    changes.extend(chain_changes(old, new))  # a review chain's steps and checks (none for other kinds)
    changes.extend(_example_changes(old, new))
    if not changes and old.hash != new.hash:  # comments, source, descriptions: nothing that decides
        changes.append(Localized("diff_wording"))
    return changes


def _example_changes(old: Policy, new: Policy) -> list[Localized]:
    """Examples added, removed or changed, each by its title (or its number when it has none)."""
    def named(examples: list) -> dict[str, dict]:
        return {e.example.title or f"#{i}": e.example.model_dump(mode="json")
                for i, e in enumerate(examples, 1)}

    before, after = named(old.examples), named(new.examples)
    changes = [Localized("diff_example_added", title=t) for t in after if t not in before]
    changes += [Localized("diff_example_removed", title=t) for t in before if t not in after]
    changes += [Localized("diff_example_changed", title=t) for t in after if t in before and before[t] != after[t]]
    return changes


def _cap_text(cap) -> str:
    if cap is None:
        return "—"
    parts = [cap.period, cap.per]
    if cap.max is not None:
        parts.append(format_yuan(Decimal(cap.max)))
    if cap.max_cases is not None:
        parts.append(f"≤{cap.max_cases}")
    return " ".join(parts)


def _effects(policy: Policy, row: CompiledRow) -> Localized:
    parts = []
    for name, value in row.then.items():
        out = policy.outputs.get(name)
        parts.append(Localized("effect_set", output=_label(out.title if out else name, out.title_en if out else name),
                               value=_value(policy, name, value)))
    if row.message:
        parts.append(_label(row.message, row.message_en))
    return Localized("joined", items=tuple(parts))


def _row_changes(old: Policy, new: Policy, a: CompiledRow, b: CompiledRow) -> list[Localized]:
    title = _label(b.title, b.title_en)
    out: list[Localized] = []
    if a.title != b.title:
        out.append(Localized("diff_title", old=a.title, new=b.title))
    for name in list(dict.fromkeys(list(a.then) + list(b.then))):
        before = _value(old, name, a.then[name]) if name in a.then else "—"
        after = _value(new, name, b.then[name]) if name in b.then else "—"
        if before != after:
            spec = new.outputs.get(name) or old.outputs.get(name)
            out.append(Localized("diff_output", title=title,
                                 output=_label(spec.title if spec else name, spec.title_en if spec else name),
                                 old=before, new=after))
    if a.condition.describe("en") != b.condition.describe("en"):
        out.append(Localized("diff_when", title=title,
                             old=_label(a.condition.describe("zh"), a.condition.describe("en")),
                             new=_label(b.condition.describe("zh"), b.condition.describe("en"))))
    if (a.message or "") != (b.message or ""):
        out.append(Localized("diff_message", title=title, old=a.message or "—", new=b.message or "—"))
    if (a.effective_from, a.effective_until) != (b.effective_from, b.effective_until):
        out.append(Localized("diff_row_range", title=title,
                             old=f"{a.effective_from or '…'} ~ {a.effective_until or '…'}",
                             new=f"{b.effective_from or '…'} ~ {b.effective_until or '…'}"))
    return out


def diff_books(old: RuleBook, new: RuleBook) -> list[Change]:
    """Policies added and removed; for each policy, each new or changed version against the
    version it follows (the same version in the old set, else the old set's latest)."""
    changes: list[Change] = []
    for policy_id in sorted(set(old.policies) | set(new.policies)):
        before = old.policies.get(policy_id, [])
        after = new.policies.get(policy_id, [])
        if not before:
            for p in after:
                changes.append(Change(policy_id, Localized("diff_policy_added", title=_label(p.header.title, p.header.title_en),
                                                           version=p.version, range=p.range_text())))
            continue
        if not after:
            changes.append(Change(policy_id, Localized("diff_policy_removed", title=_label(before[-1].header.title, before[-1].header.title_en))))
            continue
        by_version = {p.version: p for p in before}
        for p in after:
            base = by_version.get(p.version) or before[-1]
            if base.hash == p.hash:
                continue
            for message in _pair(base, p):
                changes.append(Change(policy_id, message))
        new_versions = {p.version for p in after}
        for p in before:
            if p.version not in new_versions and p is not before[-1]:
                changes.append(Change(policy_id, Localized("diff_version_removed", version=p.version)))
    return changes
