"""`escalation` policies: the level a matter starts at, when it must be answered, and where it goes
when that date passes (小事不出村、大事不出乡; 承诺制 answer deadlines; emergency meetings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..i18n import Localized
from ..rules.derived import derived_lines
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .common import Decision, near_misses, row_title


def _first_per_output(d: Decision) -> tuple[dict[str, Any], list]:
    """Each output comes from the first matching row that sets it; rows that set nothing new do not fire."""
    chosen: dict[str, Any] = {}
    fired = []
    for row in d.matched:
        new = {k: v for k, v in row.then.items() if k not in chosen}
        if new:
            chosen.update(new)
            fired.append(row)
    return chosen, fired


def next_monthly_meeting(after: dt.date, day: int) -> dt.date:
    meeting = after.replace(day=day)
    if meeting < after:
        year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
        meeting = dt.date(year, month, day)
    return meeting


@dataclass(frozen=True)
class Step:
    """One level's clock: the matter sits at `level` from `start` and must be answered by `due`."""

    level: str
    start: dt.date
    due: dt.date


def track(section: Any, start_level: str, answer_days: int, received: dt.date, as_of: dt.date,
          closed: bool) -> list[Step]:
    """Where a matter received on `received` has been by `as_of`: its first level with the answer
    deadline the rules gave it, then — when the policy moves unanswered matters up — one step
    per deadline passed, until the top level. A closed matter stays where it started."""
    levels = section.levels
    due = received + dt.timedelta(days=answer_days)
    steps = [Step(start_level, received, due)]
    if closed or section.on_overdue != "next_level":
        return steps
    level = start_level
    while as_of > due and levels.index(level) + 1 < len(levels):
        overdue_on = due + dt.timedelta(days=1)
        level = levels[levels.index(level) + 1]
        due = due + dt.timedelta(days=section.deadlines[level])
        steps.append(Step(level, overdue_on, due))
    return steps


def days_overdue_at(steps: list[Step], level: str | None, as_of: dt.date, closed: bool) -> int:
    """Days past the deadline of the level that holds the case: a case still recorded at a lower
    level is overdue from that level's deadline on, even if the next level's clock still runs."""
    due = None
    for step in steps:
        if step.level == level:
            due = step.due
    if due is not None and as_of > due:
        return (as_of - due).days
    return 0 if closed else max(0, (as_of - steps[-1].due).days)


def decide(d: Decision) -> Outcome:
    policy = d.policy
    section = policy.escalation
    assert section is not None
    vocab = policy.vocabulary
    level_label = lambda lv: Localized("label", zh=vocab.enums["level"].label(lv, "zh"), en=vocab.enums["level"].label(lv, "en"))  # noqa: E731

    received = d.typed.get("received_on")
    if received is None:
        raise EvaluationError("input_invalid", field="received_on", detail=Localized("missing_value"))
    chosen, fired = _first_per_output(d)
    levels = section.levels
    start = chosen.get("level", levels[0])
    recorded = d.typed.get("level")
    if recorded in levels and levels.index(recorded) > levels.index(start):
        start = recorded  # the matter already went higher than the rules would start it
    answer_days = chosen.get("answer_days", section.deadlines[start])
    status = d.typed.get("status")
    closed = status in section.closed_statuses
    steps = track(section, start, answer_days, received, d.as_of, closed)

    explanation = derived_lines(policy.fields, d.typed)
    explanation += [Localized("explain_fired_plain", title=row_title(r)) for r in fired]
    deadline = Localized("on_the_spot") if answer_days == 0 else Localized("within_days", days=answer_days)
    explanation.append(Localized("esc_start", level=level_label(start), deadline=deadline, due=steps[0].due.isoformat()))
    if closed:
        explanation.append(Localized("esc_closed", status=Localized(
            "label", zh=vocab.enums["status"].label(status, "zh"), en=vocab.enums["status"].label(status, "en"))))
    for step in steps[1:]:
        explanation.append(Localized("esc_overdue", date=step.start.isoformat(), level=level_label(step.level),
                                     due=step.due.isoformat()))
    path = [{"level": s.level, "from": s.start.isoformat(), "due_on": s.due.isoformat()} for s in steps]
    level, due = steps[-1].level, steps[-1].due
    days_overdue = 0 if closed else max(0, (d.as_of - due).days)
    if days_overdue:
        explanation.append(Localized("esc_top_overdue", level=level_label(level), days=days_overdue))

    details: dict[str, Any] = {
        "level": level, "start_level": start, "due_on": due.isoformat(), "days_overdue": days_overdue,
        "overdue": days_overdue > 0, "path": path,
    }
    emergency_days = chosen.get("emergency_days")
    if emergency_days is not None:
        meeting_by = received + dt.timedelta(days=emergency_days)
        details["meeting"] = "emergency"
        details["meeting_by"] = meeting_by.isoformat()
        explanation.append(Localized("esc_emergency", days=emergency_days, date=meeting_by.isoformat()))
    elif section.monthly_meeting_day:
        meeting_by = next_monthly_meeting(received, section.monthly_meeting_day)
        details["meeting"] = "monthly"
        details["meeting_by"] = meeting_by.isoformat()
        explanation.append(Localized("esc_monthly", date=meeting_by.isoformat()))

    return Outcome(
        policy=policy.id, version=policy.version, hash=policy.hash, kind=policy.kind, as_of=d.as_of,
        outputs={"level": level, "answer_days": answer_days, "due_on": due, "days_overdue": days_overdue},
        money_outputs=frozenset(),
        fired=tuple(r.id for r in fired),
        explanation=tuple(explanation),
        near_misses=partial(near_misses, policy, d.typed, d.matched),  # built when read (as table's)
        details=details,
    )
