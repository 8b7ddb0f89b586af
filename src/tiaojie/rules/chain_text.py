"""A review chain in words: a step as `rules show` and the rules screen list it (who acts, at which
unit, in how many days), the checks of the claims, and what changed between two versions — a step
added, removed, moved or changed, a check changed."""

from __future__ import annotations

from ..i18n import Lang, Localized, pick, tr
from . import chain_messages  # noqa: F401 - the words below are the chain's messages
from .policy import Policy
from .schema import ChainChecksDef, ChainStepDef

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
    """`[first-review] 初审：上级乡（镇）的财务或管理员审核，限 15 天`, as `rules show` prints it."""
    return tr("chain_step_line", lang, id=step.id, title=step_title(step, lang), words=step_words(step, lang))


def step_title(step: ChainStepDef, lang: Lang = "zh") -> str:
    return pick(step.title, step.title_en, lang)


def step_words(step: ChainStepDef, lang: Lang = "zh") -> str:
    """Who acts at the step, at which unit, and in how many days, in words:
    `上级乡（镇）的财务或管理员审核，限 15 天` / `reviewed by clerk or admin of the township above
    it, within 15 days`."""
    return tr("chain_step_and", lang, words=step_who(step, lang), more=step_days(step, lang))


def step_who(step: ChainStepDef, lang: Lang = "zh") -> str:
    """Who acts at the step and at which unit: `上级乡（镇）的财务或管理员审核`."""
    roles = [tr(f"chain_role_{role}", lang) for role in step.roles]
    who = roles[-1] if len(roles) == 1 else tr("chain_either", lang, some=("、" if lang != "en" else ", ").join(roles[:-1]),
                                                last=roles[-1])
    return tr(f"chain_step_{step.action}", lang, roles=who, level=tr(f"chain_level_{step.unit_level}", lang))


def step_days(step: ChainStepDef, lang: Lang = "zh") -> str:
    """The step's days: `限 15 天`; a notice step's also how long the list is published; `不限天数`
    when the file sets none."""
    days = []
    if step.days is not None:
        days.append(tr("chain_step_days", lang, days=step.days))
    if step.notice_days is not None:
        days.append(tr("chain_step_notice_days", lang, days=step.notice_days))
    if not days:
        return tr("chain_step_no_limit", lang)
    return days[0] if len(days) == 1 else tr("chain_step_and", lang, words=days[0], more=days[1])


def checks_lines(checks: ChainChecksDef | None, lang: Lang = "zh") -> list[str]:
    """The checks of a period's claims in words: the follow-up draw and near-duplicates."""
    if checks is None:
        return []
    share = f"{checks.follow_up_share * 100:f}"
    share = (share.rstrip("0").rstrip(".") if "." in share else share) + "%"
    return [tr("chain_check_follow_up", lang, share=share, minimum=checks.follow_up_minimum),
            tr("chain_check_duplicate", lang, days=checks.duplicate_within_days)]


def chain_lines(policy: Policy, lang: Lang = "zh") -> list[str]:
    """A chain policy's steps in order, then its checks, each under its heading (the lines under a
    heading indented two spaces), as `rules show` prints them; nothing for a policy of another kind."""
    if not policy.steps:
        return []
    lines = [tr("chain_steps_heading", lang)]
    lines += ["  " + step_line(step, lang) for step in policy.steps]
    checks = checks_lines(policy.checks, lang)
    if checks:
        lines.append(tr("chain_checks_heading", lang))
        lines += ["  " + line for line in checks]
    return lines
