"""The four parties' meetings (四方共创): a monthly meeting (例会) or an emergency one (紧急会议)
in a unit. Planning a meeting builds its agenda from the open matters the rules routed to it;
the meeting then records who attended for which party, the consensus (共识) on each matter, and
the measures (措施) agreed with an owner and a due date, followed until done or overdue.

Which matters a meeting takes up (`on_agenda`): an emergency meeting, the urgent matters whose
emergency window (the escalation rule's days) it falls within; a monthly meeting, every open
matter whose meeting date has come — the normal ones routed to it and those still open from
before, so each month reports last month's progress.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import AgendaItem, Attendee, Matter, Measure, Meeting, User
from ..store.messages import Conflict, Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
from .matter_stats import measure_state
from .matters import day, find_matter, find_unit, parties_of
from .scope import narrowed, own_units, require_unit

KINDS = ("monthly", "emergency")
# What a person may type for a meeting's kind
KIND_WORDS = {"monthly": "monthly", "例会": "monthly", "月度例会": "monthly",
              "emergency": "emergency", "紧急会议": "emergency", "紧急": "emergency"}


def meeting_kind(text: str) -> str:
    """A meeting's kind as typed (例会, 紧急会议, monthly …) → its id; refused in words otherwise."""
    kind = KIND_WORDS.get(text.strip().lower())
    if kind is None:
        raise InvalidInput("meeting_kind", value=text)
    return kind


def on_agenda(matter: Matter, kind: str, held_on: dt.date) -> bool:
    """Whether a meeting of `kind` held on `held_on` takes up `matter`."""
    if matter.status != "open" or matter.raised_on > held_on:
        return False
    if kind == "emergency":
        return matter.meeting_kind == "emergency" and held_on <= matter.meeting_by
    return matter.meeting_by <= held_on


def _meeting(uow: SqlUnitOfWork, number: str, user: User | None) -> Meeting:
    """A meeting by its number; the hint on a miss names only meetings of `user`'s units."""
    found = uow.meetings.numbered(number.strip().upper())
    if found is None:
        known = [m.number for m in uow.meetings.list(unit_ids=own_units(uow, user))]
        raise NotFound("meeting_unknown", number=number, hint=did_you_mean(number, known))
    return found


def plan_meeting(ledger: Ledger, by: User, *, unit: str, held_on: dt.date | str, kind: str) -> Meeting:
    """A meeting of `kind` in `unit` on a day, its agenda the open matters of the unit (and the units
    under it) routed to it."""
    check(by, "matter")
    kind = meeting_kind(kind)
    when = day(held_on, "th_mt_held_on")
    with ledger.uow() as uow:
        found = find_unit(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        for other in uow.meetings.list(unit_ids={found.id}):
            if other.kind == kind and other.held_on == when and other.unit_id == found.id:
                raise Conflict("meeting_exists", number=other.number, unit=found.name, date=when.isoformat(),
                               kind=Message(f"meeting_{kind}"))
        meeting = uow.meetings.add(Meeting(number=uow.meetings.next_number(when.year), unit_id=found.id,
                                           kind=kind, held_on=when, by_user=by.name))
        assert meeting.id is not None
        agenda = [m for m in uow.matters.list(unit_ids=uow.units.subtree_ids(found.id), status="open",
                                              raised_by_date=when) if on_agenda(m, kind, when)]
        for matter in agenda:
            assert matter.id is not None
            uow.meetings.add_item(AgendaItem(meeting_id=meeting.id, matter_id=matter.id, unit_id=found.id))
        uow.audit(by.name, "meeting.plan", "meeting", meeting.number, None,
                  {**meeting.model_dump(mode="json"), "agenda": [m.number for m in agenda]})
        uow.commit()
        return meeting


def refresh_agenda(ledger: Ledger, by: User, number: str) -> list[Matter]:
    """Add to a planned meeting's agenda the matters routed to it since it was planned (raised
    later, before the meeting day); nothing is taken off — a matter closed since keeps its place
    and its consensus in the minutes. Returns the matters added."""
    check(by, "matter")
    with ledger.uow() as uow:
        meeting = _meeting(uow, number, by)
        require_unit(uow, by, meeting.unit_id)
        assert meeting.id is not None
        present = {i.matter_id for i in uow.meetings.items(meeting.id)}
        added = [m for m in uow.matters.list(unit_ids=uow.units.subtree_ids(meeting.unit_id), status="open",
                                             raised_by_date=meeting.held_on)
                 if m.id not in present and on_agenda(m, meeting.kind, meeting.held_on)]
        for matter in added:
            assert matter.id is not None
            uow.meetings.add_item(AgendaItem(meeting_id=meeting.id, matter_id=matter.id, unit_id=meeting.unit_id))
        if added:
            uow.audit(by.name, "meeting.agenda", "meeting", meeting.number, None,
                      {"added": [m.number for m in added]})
        uow.commit()
        return added


def attend(ledger: Ledger, by: User, number: str, *, name: str, party: str) -> Attendee:
    """Record that `name` attended the meeting for `party` (company, village, government, experts)."""
    check(by, "matter")
    name = name.strip()
    if not name:
        raise InvalidInput("matter_empty", field=Message("th_mt_attendee"))
    (pid,) = parties_of(ledger, [party])
    with ledger.uow() as uow:
        meeting = _meeting(uow, number, by)
        require_unit(uow, by, meeting.unit_id)
        assert meeting.id is not None
        if any(a.name == name for a in uow.meetings.attendees(meeting.id)):
            raise Conflict("meeting_attended_already", name=name, number=meeting.number)
        attendee = uow.meetings.add_attendee(Attendee(meeting_id=meeting.id, unit_id=meeting.unit_id, name=name,
                                                      party=pid))
        uow.audit(by.name, "meeting.attend", "meeting", meeting.number, None, attendee)
        uow.commit()
        return attendee


def _item(uow: SqlUnitOfWork, meeting: Meeting, matter_number: str, user: User) -> tuple[AgendaItem, Matter]:
    """The agenda item of a matter on the meeting; refused, with the agenda, if it is not on it."""
    matter = find_matter(uow, matter_number, user)
    assert meeting.id is not None
    items = uow.meetings.items(meeting.id)
    for item in items:
        if item.matter_id == matter.id:
            return item, matter
    numbers = [m.number for m in uow.matters.get_many(i.matter_id for i in items).values()]
    raise InvalidInput("meeting_not_on_agenda", matter=matter.number, number=meeting.number,
                       agenda="、".join(sorted(numbers)) or "—")


def decide(ledger: Ledger, by: User, number: str, *, matter: str, consensus: str) -> AgendaItem:
    """Record the consensus (共识) the meeting reached on a matter of its agenda (again: corrected)."""
    check(by, "matter")
    consensus = consensus.strip()
    if not consensus:
        raise InvalidInput("matter_empty", field=Message("th_mt_consensus"))
    with ledger.uow() as uow:
        meeting = _meeting(uow, number, by)
        require_unit(uow, by, meeting.unit_id)
        item, _ = _item(uow, meeting, matter, by)
        assert item.id is not None
        after = uow.meetings.set_consensus(item.id, consensus)
        uow.audit(by.name, "meeting.decide", "meeting", meeting.number, item, after)
        uow.commit()
        return after


def add_measure(ledger: Ledger, by: User, number: str, *, matter: str, action: str, owner: str,
                due_on: dt.date | str) -> Measure:
    """A measure (措施) the meeting agreed for a matter of its agenda, with who carries it out and by when."""
    check(by, "matter")
    action, owner = action.strip(), owner.strip()
    for text, key in ((action, "th_mt_measure"), (owner, "th_mt_owner")):
        if not text:
            raise InvalidInput("matter_empty", field=Message(key))
    due = day(due_on, "th_mt_due_on")
    with ledger.uow() as uow:
        meeting = _meeting(uow, number, by)
        require_unit(uow, by, meeting.unit_id)
        assert meeting.id is not None
        item, found = _item(uow, meeting, matter, by)
        if due < meeting.held_on:
            raise InvalidInput("measure_due_before_meeting", due=due.isoformat(), number=meeting.number,
                               held=meeting.held_on.isoformat())
        assert found.id is not None
        measure = uow.meetings.add_measure(Measure(meeting_id=meeting.id, seq=1, matter_id=found.id,
                                                   unit_id=meeting.unit_id, action=action, owner=owner, due_on=due))
        uow.audit(by.name, "measure.add", "measure", measure_ref(meeting, measure), None, measure)
        uow.commit()
        return measure


def measure_ref(meeting: Meeting, measure: Measure) -> str:
    """How a person names a measure: its meeting's number and its place there (HY-2026-001/2)."""
    return f"{meeting.number}/{measure.seq}"


def mark_done(ledger: Ledger, by: User, ref: str, *, done_on: dt.date | str | None = None) -> Measure:
    """Record that a measure (HY-2026-001/2) was carried out."""
    check(by, "matter")
    number, _, seq = ref.strip().rpartition("/")
    if not number or not seq.isdigit():
        raise InvalidInput("measure_ref", value=ref)
    when = day(done_on, "th_mt_done_on") if done_on is not None else ledger.date()
    if when > ledger.date():
        raise InvalidInput("measure_done_future", date=when.isoformat(), today=ledger.date().isoformat())
    with ledger.uow() as uow:
        meeting = _meeting(uow, number, by)
        require_unit(uow, by, meeting.unit_id)
        assert meeting.id is not None
        before = uow.meetings.measure(meeting.id, int(seq))
        if before is None or before.id is None:
            raise NotFound("measure_unknown", ref=ref, number=meeting.number)
        if when < meeting.held_on:
            raise InvalidInput("measure_done_before_meeting", date=when.isoformat(), number=meeting.number,
                               held=meeting.held_on.isoformat())
        after = uow.meetings.mark_done(before.id, when)
        uow.audit(by.name, "measure.done", "measure", measure_ref(meeting, after), before, after)
        uow.commit()
        return after


# --- reads ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureLine:
    ref: str
    measure: Measure
    matter: str  # the matter's number
    state: str  # done | overdue | open, as of the date asked


@dataclass(frozen=True)
class ItemLine:
    matter: Matter
    unit: str
    consensus: str
    measures: list[MeasureLine]


@dataclass(frozen=True)
class MeetingDetail:
    """A meeting as its minutes show it; measures' states as of `as_of`."""

    meeting: Meeting
    unit: str
    as_of: dt.date
    attendees: list[Attendee]
    items: list[ItemLine]
    earlier: list[MeasureLine]  # measures of earlier meetings of the unit: last period's progress


def list_meetings(ledger: Ledger, user: User | None, *, unit: str | None = None) -> list[tuple[Meeting, str, int]]:
    """(meeting, unit name, matters on its agenda) of `unit` and below, within `user`'s units."""
    with ledger.uow() as uow:
        asked = find_unit(uow, unit).id if unit else None
        names = {u.id: u.name for u in uow.units.list()}
        meetings = uow.meetings.list(unit_ids=narrowed(uow, user, asked))
        return [(m, names[m.unit_id], len(uow.meetings.items(m.id))) for m in meetings if m.id is not None]


def list_measures(ledger: Ledger, user: User | None, *, as_of: dt.date | None = None, unit: str | None = None,
                  state: str | None = None) -> list[MeasureLine]:
    """Every measure of `unit` and below within `user`'s units, with its state as of a date (today)."""
    as_of = as_of or ledger.date()
    if state is not None and state not in ("done", "overdue", "open"):
        raise InvalidInput("measure_state", value=state)
    with ledger.uow() as uow:
        asked = find_unit(uow, unit).id if unit else None
        measures = uow.meetings.measures(unit_ids=narrowed(uow, user, asked))
        meetings = uow.meetings.get_many(m.meeting_id for m in measures)
        matters = uow.matters.get_many(m.matter_id for m in measures)
    lines = [MeasureLine(measure_ref(meetings[m.meeting_id], m), m, matters[m.matter_id].number,
                         measure_state(m, as_of)) for m in measures]
    return [line for line in lines if state is None or line.state == state]


def meeting_detail(ledger: Ledger, user: User | None, number: str, *, as_of: dt.date | None = None) -> MeetingDetail:
    """Attendance, the agenda with consensus and measures, and the measures of the unit's earlier
    meetings (their state as of this meeting's day unless another date is asked)."""
    with ledger.uow() as uow:
        meeting = _meeting(uow, number, user)
        if user is not None:
            require_unit(uow, user, meeting.unit_id)
        assert meeting.id is not None
        as_of = as_of or meeting.held_on
        names = {u.id: u.name for u in uow.units.list()}
        items = uow.meetings.items(meeting.id)
        own = uow.meetings.measures(meeting_id=meeting.id)
        before = {m.id for m in uow.meetings.list(unit_ids={meeting.unit_id}) if m.held_on < meeting.held_on}
        since = _month_before(meeting.held_on)  # what was done long before this meeting is no longer news
        earlier = [m for m in uow.meetings.measures(unit_ids={meeting.unit_id})
                   if m.meeting_id in before and not (m.done_on is not None and m.done_on < since)]
        meetings = uow.meetings.get_many([meeting.id, *(m.meeting_id for m in earlier)])
        matters = uow.matters.get_many([i.matter_id for i in items] + [m.matter_id for m in earlier])
        attendees = uow.meetings.attendees(meeting.id)

    def line(m: Measure) -> MeasureLine:
        return MeasureLine(measure_ref(meetings[m.meeting_id], m), m, matters[m.matter_id].number,
                           measure_state(m, as_of))

    lines = [ItemLine(matters[i.matter_id], names[matters[i.matter_id].unit_id], i.consensus,
                      [line(m) for m in own if m.matter_id == i.matter_id]) for i in items]
    return MeetingDetail(meeting, names[meeting.unit_id], as_of, attendees, lines, [line(m) for m in earlier])


def _month_before(day_: dt.date) -> dt.date:
    """The same day a month earlier (the last day of that month when it has fewer days)."""
    year, month = (day_.year - 1, 12) if day_.month == 1 else (day_.year, day_.month - 1)
    for d in range(day_.day, 0, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
