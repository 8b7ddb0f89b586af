"""`escalation` policies: the rows give a matter its first level, answer deadline and emergency
meeting; the `[escalation]` section's ladder says where it goes when a deadline passes
(the deadline arithmetic is `tiaojie.calc.escalation`'s)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from ...calc.escalation import next_monthly_meeting, track
from ...i18n import Localized, did_you_mean
from ...vocabulary import Vocabulary
from ..derived import derived_lines
from ..errors import EvaluationError
from ..outcome import Outcome
from ..policy import CompiledRow, Policy
from ..reader import FileReader
from ..schema import EscalationSection, OutputDef, PolicyFile
from .base import Decision, PolicyKind, Shadowing
from .common import near_misses, row_title


class EscalationKind(PolicyKind):
    """Where a matter is handled and by when: each output comes from the first row that sets it."""

    name = "escalation"
    section = "escalation"
    outputs = {
        "level": OutputDef(type="enum", title="处理层级", title_en="level", enum="level"),
        "answer_days": OutputDef(type="int", title="答复期限（天）", title_en="days to answer"),
        "emergency_days": OutputDef(type="int", title="紧急会议期限（天）", title_en="days to emergency meeting"),
    }
    date_field = "received_on"
    required_inputs = ("received_on", "status", "urgency", "level", "escalated_on")
    example_keys = frozenset({"fired", "level", "due_on", "days_overdue", "overdue", "meeting_by", "start_level"})
    decides_by_date = True

    def decides_without_rows(self, policy: Policy) -> bool:
        """The ladder itself decides: with no row, a matter starts on the first level with its deadline."""
        return True

    def check_section(self, spec: PolicyFile, reader: FileReader, vocab: Vocabulary) -> None:
        """Levels and statuses the vocabulary knows, a deadline for every level, rows that start a
        matter on one of the ladder's levels."""
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
            start = row.then.get("level")
            if isinstance(start, str) and start in known_levels and start not in section.levels:
                reader.error(("rule", i, "then", "level"), "unknown_level", level=start)

    def shadowing(self, policy: Policy) -> Shadowing | None:
        return "per_output"

    def decide(self, d: Decision) -> Outcome:
        policy = d.policy
        section = policy.escalation
        assert section is not None
        vocab = policy.vocabulary
        received: dt.date | None = d.typed.get("received_on")
        if received is None:
            raise EvaluationError("input_invalid", field="received_on", detail=Localized("missing_value"))
        chosen, fired = _first_per_output(d.matched)
        levels = section.levels
        start: str = chosen.get("level", levels[0])
        recorded = d.typed.get("level")
        answer_days: int
        clock_from = received
        sent_up_from: str | None = None  # the level the rules would start at, when sent above it by hand
        if recorded in levels and levels.index(recorded) > levels.index(start):
            sent_up_from = start
            # Sent higher by hand than the rules would start it: that level answers within its own
            # time limit from the day it was sent there (the village's 当场答复 is not its clock).
            start = recorded
            answer_days = section.deadlines[start]
            clock_from = d.typed.get("escalated_on") or received
        else:
            answer_days = chosen.get("answer_days", section.deadlines[start])
        status: str | None = d.typed.get("status")
        closed = status in section.closed_statuses
        steps = track(section, start, answer_days, clock_from, d.as_of, closed)

        explanation = derived_lines(policy.fields, d.typed)
        explanation += [Localized("explain_fired_plain", title=row_title(r)) for r in fired]
        deadline = Localized("on_the_spot") if answer_days == 0 else Localized("within_days", days=answer_days)
        if sent_up_from is None:
            explanation.append(Localized("esc_start", level=_label(vocab, "level", start), deadline=deadline,
                                         due=steps[0].due.isoformat()))
        else:
            explanation.append(Localized("esc_sent_up", date=clock_from.isoformat(), level=_label(vocab, "level", start),
                                         rule_level=_label(vocab, "level", sent_up_from), deadline=deadline,
                                         due=steps[0].due.isoformat()))
        if closed and status is not None:
            explanation.append(Localized("esc_closed", status=_label(vocab, "status", status)))
        for step in steps[1:]:
            explanation.append(Localized("esc_overdue", date=step.start.isoformat(),
                                         level=_label(vocab, "level", step.level), due=step.due.isoformat()))
        path = [{"level": s.level, "from": s.start.isoformat(), "due_on": s.due.isoformat()} for s in steps]
        level, due = steps[-1].level, steps[-1].due
        days_overdue = 0 if closed else max(0, (d.as_of - due).days)
        if days_overdue:
            explanation.append(Localized("esc_top_overdue", level=_label(vocab, "level", level), days=days_overdue))

        details: dict[str, Any] = {
            "level": level, "start_level": start, "due_on": due.isoformat(), "days_overdue": days_overdue,
            "overdue": days_overdue > 0, "path": path,
        }
        if clock_from != received:  # sent up by hand: the clock runs from that day, not receipt
            details["clock_from"] = clock_from.isoformat()
        meeting = _meeting(section, chosen.get("emergency_days"), received)
        if meeting is not None:
            details.update(meeting[0])
            explanation.append(meeting[1])

        return Outcome(
            policy=policy.id, version=policy.version, hash=policy.hash, kind=policy.kind, as_of=d.as_of,
            outputs={"level": level, "answer_days": answer_days, "due_on": due, "days_overdue": days_overdue},
            money_outputs=frozenset(),
            fired=tuple(r.id for r in fired),
            explanation=tuple(explanation),
            near_misses=partial(near_misses, policy, d.typed, d.matched, d.on),  # built when read (as table's)
            details=details,
        )


def _first_per_output(matched: list[CompiledRow]) -> tuple[dict[str, Any], list[CompiledRow]]:
    """Each output comes from the first matching row that sets it; rows that set nothing new do not fire."""
    chosen: dict[str, Any] = {}
    fired = []
    for row in matched:
        new = {k: v for k, v in row.then.items() if k not in chosen}
        if new:
            chosen.update(new)
            fired.append(row)
    return chosen, fired


def _meeting(section: EscalationSection, emergency_days: int | None,
             received: dt.date) -> tuple[dict[str, str], Localized] | None:
    """The meeting that takes the matter up — an emergency one within the days a row gave, else
    the next monthly one — as (details, explanation line); None when the policy holds none."""
    if emergency_days is not None:
        meeting_by = received + dt.timedelta(days=emergency_days)
        return ({"meeting": "emergency", "meeting_by": meeting_by.isoformat()},
                Localized("esc_emergency", days=emergency_days, date=meeting_by.isoformat()))
    if section.monthly_meeting_day:
        meeting_by = next_monthly_meeting(received, section.monthly_meeting_day)
        return ({"meeting": "monthly", "meeting_by": meeting_by.isoformat()},
                Localized("esc_monthly", date=meeting_by.isoformat()))
    return None


def _label(vocab: Vocabulary, enum: str, value: str) -> Localized:
    """An enumeration value in both languages."""
    labels = vocab.enums[enum]
    return Localized("label", zh=labels.label(value, "zh"), en=labels.label(value, "en"))
