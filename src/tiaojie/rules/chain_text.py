"""A review chain in words: a step as `rules show` lists it, and what changed between two
versions — a step added, removed, moved or changed (who acts, where, in how many days), a check
changed."""

from __future__ import annotations

from ..i18n import Lang, Localized, pick, tr
from . import chain_messages  # noqa: F401 - the words below are the chain's messages
from .policy import Policy
from .schema import ChainStepDef

_STEP_KEYS = ("title", "action", "roles", "unit_level", "days", "notice_days")
_CHECK_KEYS = ("follow_up_share", "follow_up_minimum", "duplicate_within_days")


def chain_changes(old: Policy, new: Policy) -> list[Localized]:
    """Each difference of steps and checks, the new chain's steps in order."""
    changes: list[Localized] = []
    before = {s.id: s for s in old.steps}
    after = {s.id: s for s in new.steps}
    for step in new.steps:
        was = before.get(step.id)
        if was is None:
            changes.append(Localized("chain_diff_step_added", title=_title(step), step=_text(step)))
            continue
        for key in _STEP_KEYS:
            a, b = _shown(getattr(was, key)), _shown(getattr(step, key))
            if a != b:
                changes.append(Localized("chain_diff_step", title=_title(step), key=key, old=a, new=b))
    for step in old.steps:
        if step.id not in after:
            changes.append(Localized("chain_diff_step_removed", title=_title(step)))
    old_order = [s.id for s in old.steps if s.id in after]
    new_order = [s.id for s in new.steps if s.id in before]
    if old_order != new_order:
        changes.append(Localized("chain_diff_order", old=" → ".join(old_order), new=" → ".join(new_order)))
    for key in _CHECK_KEYS:
        a = _shown(getattr(old.checks, key, None))
        b = _shown(getattr(new.checks, key, None))
        if a != b:
            changes.append(Localized("chain_diff_check", key=key, old=a, new=b))
    return changes


def _title(step: ChainStepDef) -> Localized:
    return Localized("label", zh=step.title, en=step.title_en or step.title)


def _text(step: ChainStepDef) -> str:
    return ", ".join(f"{key} = {_shown(getattr(step, key))}" for key in _STEP_KEYS[1:] if getattr(step, key) is not None)


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)


def step_line(step: ChainStepDef, lang: Lang = "zh") -> str:
    """`[first-review] 初审: review · township · clerk/admin · 15 天`."""
    parts = [step.action, step.unit_level, "/".join(step.roles)]
    if step.days is not None:
        parts.append(tr("chain_step_days", lang, days=step.days))
    if step.notice_days is not None:
        parts.append(tr("chain_step_notice_days", lang, days=step.notice_days))
    return f"[{step.id}] {pick(step.title, step.title_en, lang)}: {' · '.join(parts)}"
