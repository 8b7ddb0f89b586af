"""Escalation deadlines: the level a matter sits at and until when, and where it goes when that
date passes (小事不出村、大事不出乡; 承诺制 answer deadlines; monthly meetings).

The policy's `[escalation]` section gives the ladder; a policy's rows give a matter its first level
and answer deadline (`tiaojie.rules.kinds.escalation`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence


class Ladder(Protocol):
    """The levels in order, the days each has to answer, and whether an unanswered matter moves up."""

    @property
    def levels(self) -> Sequence[str]: ...

    @property
    def deadlines(self) -> Mapping[str, int]: ...

    @property
    def on_overdue(self) -> str: ...


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


def track(section: Ladder, start_level: str, answer_days: int, received: dt.date, as_of: dt.date,
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
