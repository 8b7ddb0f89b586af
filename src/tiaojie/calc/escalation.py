"""`escalation` policies: the level a matter starts at, when it must be answered, and where it goes
when that date passes (小事不出村、大事不出乡; 承诺制 answer deadlines; emergency meetings)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from ..i18n import Localized
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
    due = received + dt.timedelta(days=answer_days)

    explanation = [Localized("explain_fired_plain", title=row_title(r)) for r in fired]
    deadline = Localized("on_the_spot") if answer_days == 0 else Localized("within_days", days=answer_days)
    explanation.append(Localized("esc_start", level=level_label(start), deadline=deadline, due=due.isoformat()))
    path = [{"level": start, "from": received.isoformat(), "due_on": due.isoformat()}]

    level = start
    status = d.typed.get("status")
    closed = status in section.closed_statuses
    if closed:
        explanation.append(Localized("esc_closed", status=Localized(
            "label", zh=vocab.enums["status"].label(status, "zh"), en=vocab.enums["status"].label(status, "en"))))
    elif section.on_overdue == "next_level":
        while d.as_of > due and levels.index(level) + 1 < len(levels):
            overdue_on = due + dt.timedelta(days=1)
            level = levels[levels.index(level) + 1]
            due = due + dt.timedelta(days=section.deadlines[level])
            path.append({"level": level, "from": overdue_on.isoformat(), "due_on": due.isoformat()})
            explanation.append(Localized("esc_overdue", date=overdue_on.isoformat(), level=level_label(level), due=due.isoformat()))
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
