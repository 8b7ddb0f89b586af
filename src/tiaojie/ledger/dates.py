"""Dates a case cannot have: a received, accepted, settled or closed date after today, a later step
before an earlier one (received ≤ accepted ≤ settled ≤ closed), and a date typed in the right shape
for a day that does not exist (2026-02-30).

Plain functions of dates and titles, with no database: the services, the import and the entry form
ask the same questions here, and each names the field by its title in fields.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from ..i18n import Localized
from ..store.messages import Message

# The steps of a case in the order they happen; none of them can lie ahead of today.
ORDER = ("received_on", "accepted_on", "settled_on", "closed_on")
# Titles for a vocabulary that leaves one of these out (the model keeps the column either way).
_TITLES = {"received_on": ("受理日期", "received on"), "accepted_on": ("立案日期", "accepted on"),
           "settled_on": ("调处成功日期", "settled on"), "closed_on": ("结案日期", "closed on")}
_SHAPED = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def impossible(text: str) -> bool:
    """Shaped like a date (2026-02-30, 2026年13月1日) yet no such day: said as such, not as a
    wrong format, so the user looks at the day rather than at the way it was typed."""
    m = _SHAPED.match(text)
    if m is None:
        return False
    try:
        dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return True
    return False


def title_of(titles: Mapping[str, tuple[str, str | None]], name: str) -> Localized:
    """A date field's title in either language (the vocabulary's, else the built-in one)."""
    zh, en = titles.get(name) or _TITLES.get(name) or (name, name)
    return Localized("label", zh=zh, en=en or name)


def problems(dates: Mapping[str, dt.date | None], today: dt.date,
             title: Callable[[str], Localized]) -> dict[str, Message]:
    """What is wrong with a case's dates, by field: after `today`, or before a step that comes
    earlier. The first problem of each field only."""
    out: dict[str, Message] = {}
    for name in ORDER:
        day = dates.get(name)
        if day is not None and day > today:
            out[name] = Message("date_after_today", field=title(name), date=day, today=today)
    latest: tuple[str, dt.date] | None = None  # the latest earlier step: a step before it is out of order
    for name in ORDER:
        day = dates.get(name)
        if day is None:
            continue
        if latest is not None and day < latest[1] and name not in out:
            out[name] = Message("case_dates", later=title(name), later_date=day, earlier=title(latest[0]),
                                earlier_date=latest[1])
        if latest is None or day > latest[1]:
            latest = (name, day)
    return out


__all__ = ["ORDER", "impossible", "problems", "title_of"]
