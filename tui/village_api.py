"""The village-affairs services as the 村务 screen needs them: residents' matters and meetings,
visit duties, and the cadres' satisfaction reviews. Like `ledger_api`, everything here calls the
ledger's services and reads; each function runs in a worker thread and returns plain rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tiaojie.ledger import matters as matter_service
from tiaojie.ledger import meetings as meeting_service
from tiaojie.ledger import people as people_service
from tiaojie.ledger import reviews as review_service
from tiaojie.ledger import visits as visit_service
from tiaojie.ledger.errors import LedgerError
from tiaojie.ledger.matter_stats import matter_stats, shown_rate
from tiaojie.ledger.reviews_export import review_table, shown
from tiaojie.ledger.visit_duty import visit_duty

from .ledger_api import Session, _ledger, _user
from .strings import tr

Row = list[str]


@dataclass(frozen=True)
class Table:
    """A tab's summary line and its table."""

    summary: str
    header: list[str]
    rows: list[Row]
    marked: set[int]  # rows to draw as needing attention (an overdue measure, a visit due)


def _label(session: Session, enum: str, value: str | None) -> str:
    return session.label(enum, value) if value else ""


def matters(session: Session) -> Table:
    ledger, user, lang = _ledger(session), _user(session), session.lang
    lines = matter_service.list_matters(ledger, user)
    _, total = matter_stats(ledger, user, as_of=session.date())
    summary = tr("v_matters_summary", lang, raised=total.raised, resolved=total.resolved,
                 rate=shown_rate(total.rate), open=total.open, overdue=total.overdue_measures)
    header = [tr(k, lang) for k in ("v_number", "v_unit", "v_raised_on", "v_urgency", "v_summary", "v_meeting_by",
                                     "v_status")]
    rows: list[Row] = []
    for line in lines:
        m = line.matter
        rows.append([m.number, line.unit, m.raised_on.isoformat(), _label(session, "urgency", m.urgency), m.summary,
                     m.meeting_by.isoformat() if m.meeting_by else "", tr(f"v_matter_{m.status}", lang)])
    return Table(summary, header, rows, set())


def _policy_title(session: Session, policy_id: str) -> str:
    """A policy as people know it: by its title in the UI language, not its id."""
    book = _ledger(session).rules.book
    return book.versions(policy_id)[-1].title(session.lang) if policy_id in book.ids() else policy_id


def measures(session: Session) -> Table:
    ledger, user, lang = _ledger(session), _user(session), session.lang
    meetings = meeting_service.list_meetings(ledger, user)
    lines = meeting_service.list_measures(ledger, user, as_of=session.date())
    overdue = sum(1 for line in lines if line.state == "overdue")
    summary = tr("v_meetings_summary", lang, meetings=len(meetings), measures=len(lines), overdue=overdue)
    header = [tr(k, lang) for k in ("v_measure", "v_matter", "v_action", "v_owner", "v_due", "v_state")]
    rows = [[line.ref, line.matter, line.measure.action, line.measure.owner, line.measure.due_on.isoformat(),
             tr(f"v_state_{line.state}", lang)] for line in lines]
    return Table(summary, header, rows, {i for i, line in enumerate(lines) if line.state == "overdue"})


def duties(session: Session) -> Table:
    ledger, user, lang = _ledger(session), _user(session), session.lang
    try:
        report = visit_duty(ledger, user, session.date())
    except LedgerError as err:  # no visit-duty policy in force on the day: said, not a traceback
        return Table(err.msg.render(lang), [], [], set())
    # the counts first, the duty's long text last: an 80-column terminal shows what is owed
    header = [tr(k, lang) for k in ("v_unit", "v_person", "v_times", "v_households", "v_covered", "v_done", "v_due_visits",
                                     "v_missed", "v_unvisited", "v_duty")]
    rows: list[Row] = []
    marked: set[int] = set()
    for line in [*report.villages, *report.people]:
        if line.due or line.missed:
            marked.add(len(rows))
        per = line.duty.per
        times = (tr(f"v_per_{per}", lang, times=line.duty.times) if per in ("year", "half", "quarter", "month")
                 else f"{line.duty.times}/{per}")
        rows.append([line.unit, line.person or tr("v_whole_village", lang), times, str(line.households),
                     f"{line.covered}/{line.households}", str(line.done), str(line.due), str(line.missed),
                     "、".join(f"{h.code} {h.head}" for h in line.unvisited[:6]) + ("…" if len(line.unvisited) > 6
                                                                                    else ""),
                     line.duty.title.render(lang)])
    due = sum(line.due for line in report.people) + sum(line.due for line in report.villages)
    summary = tr("v_duty_summary", lang, as_of=report.as_of.isoformat(), policy=_policy_title(session, report.policy),
                 version=report.version, due=due)
    return Table(summary, header, rows, marked)


def reviews(session: Session) -> Table:
    ledger, user, lang = _ledger(session), _user(session), session.lang
    lines = review_service.list_reviews(ledger, user)
    header, rows = review_table(lines, lang)
    # the policy's first decision is the one a review is for (可予提拔): a cadre it refuses is marked;
    # the others may be False for a cadre in good standing (诫勉谈话: 否)
    marked = {i for i, line in enumerate(lines) if line.outputs and line.outputs[0][1] is False}
    decision = lines[0].outputs[0][0].render(lang) if lines and lines[0].outputs else ""
    summary = tr("v_reviews_summary", lang, count=len(lines), flagged=len(marked), decision=decision)
    return Table(summary, header, [[str(c) for c in row] for row in rows], marked)


def add_matter(session: Session, values: dict[str, str]) -> str:
    matter = matter_service.add_matter(
        _ledger(session), _user(session), unit=values["unit"], raised_by=values["raised_by"],
        summary=values["summary"], raised_on=values["raised_on"] or session.date(),
        urgency=values["urgency"] or "normal", parties=split_parties(values.get("parties", "")),
    )
    if matter.meeting_kind is None or matter.meeting_by is None:
        return matter.number
    return tr("v_matter_routed", session.lang, number=matter.number, kind=tr(f"v_meeting_{matter.meeting_kind}",
              session.lang), by=matter.meeting_by.isoformat())


def split_parties(text: str) -> list[str]:
    """The parties typed in one field: 村、公司 · 村 公司 · village, company."""
    return [p for p in re.split(r"[\s、,，;；/]+", text) if p]


def add_visit(session: Session, values: dict[str, str]) -> str:
    visit = visit_service.add_visit(
        _ledger(session), _user(session), unit=values["unit"], person=values["person"],
        household=values["household"], visit_on=values["visit_on"] or session.date(), kind=values["kind"] or None,
        note=values["note"],
    )
    return f"{values['household']} {visit.visit_on.isoformat()}"


def record_review(session: Session, values: dict[str, str]) -> str:
    def count(name: str) -> int:
        text = values[name].strip()
        if not text.isdigit():
            from tiaojie.ledger.errors import InvalidInput

            raise InvalidInput("review_import_count", value=text,
                               field=review_service.field_title(_ledger(session), name))
        return int(text)

    line = review_service.record_review(
        _ledger(session), _user(session), unit=values["unit"], cadre=values["cadre"],
        review_on=values["review_on"] or session.date(), respondents=count("respondents"),
        dissatisfied=count("dissatisfied"),
    )
    lang = session.lang
    decisions = ("，" if lang == "zh" else ", ").join(f"{t.render(lang)} {shown(v, lang)}" for t, v in line.outputs)
    return f"{line.cadre}{'：' if lang == 'zh' else ': '}{decisions}"


# --- the meetings' own steps ---------------------------------------------------------------------

def meetings(session: Session) -> Table:
    ledger, user, lang = _ledger(session), _user(session), session.lang
    rows = meeting_service.list_meetings(ledger, user)
    header = [tr(k, lang) for k in ("v_number", "v_unit", "v_held_on", "v_kind", "v_agenda")]
    shown = [[m.number, unit, m.held_on.isoformat(), tr(f"v_meeting_{m.kind}", lang), str(items)]
             for m, unit, items in rows]
    return Table(tr("v_meetings_list_summary", lang, count=len(rows)), header, shown, set())


def plan_meeting(session: Session, values: dict[str, str]) -> str:
    meeting = meeting_service.plan_meeting(_ledger(session), _user(session), unit=values["unit"],
                                           held_on=values["held_on"] or session.date(), kind=values["kind"])
    return meeting.number


def attend(session: Session, values: dict[str, str]) -> str:
    meeting_service.attend(_ledger(session), _user(session), values["meeting"], name=values["name"],
                           party=values["party"])
    return f"{values['meeting']} {values['name']}"


def decide(session: Session, values: dict[str, str]) -> str:
    meeting_service.decide(_ledger(session), _user(session), values["meeting"], matter=values["matter"],
                           consensus=values["consensus"])
    return values["matter"]


def add_measure(session: Session, values: dict[str, str]) -> str:
    measure = meeting_service.add_measure(_ledger(session), _user(session), values["meeting"],
                                          matter=values["matter"], action=values["action"],
                                          owner=values["owner"], due_on=values["due_on"])
    return f"{values['meeting'].strip()}/{measure.seq} {measure.action}"


def mark_done(session: Session, values: dict[str, str]) -> str:
    meeting_service.mark_done(_ledger(session), _user(session), values["measure"],
                              done_on=values["done_on"] or session.date())
    return values["measure"]


def close_matter(session: Session, values: dict[str, str]) -> str:
    answer = values["resolved"].strip().lower()
    if answer not in YES + NO:
        from tiaojie.ledger.errors import InvalidInput

        raise InvalidInput("matter_resolved_answer", value=values["resolved"])
    matter_service.close_matter(_ledger(session), _user(session), values["matter"], resolved=answer in YES,
                                reason=values["reason"], closed_on=values["closed_on"] or session.date())
    return values["matter"]


YES = ("是", "已解决", "y", "yes")
NO = ("否", "未解决", "n", "no")


def add_person(session: Session, values: dict[str, str]) -> str:
    """A cadre or party member of a unit, as `tiaojie person add` keeps one."""
    from tiaojie.ledger.errors import InvalidInput

    def answer(name: str) -> bool:
        text = values[name].strip().lower()
        if text not in YES + NO:
            raise InvalidInput("person_yes_no", value=values[name], field=tr(f"v_{name}_hint", session.lang))
        return text in YES

    person = people_service.add_person(_ledger(session), _user(session), unit=values["unit"], name=values["name"],
                                       post=values["post"], committee=answer("committee"),
                                       party_member=answer("party_member"))
    return f"{person.name}（{values['unit'].strip()}）" if session.lang == "zh" else f"{person.name} ({values['unit'].strip()})"


def export_minutes(session: Session, values: dict[str, str]) -> str:
    from pathlib import Path

    from tiaojie.ledger.minutes import export_minutes as write

    path = Path(values["path"]).expanduser()
    if path.suffix.lower() not in (".xlsx", ".html", ".htm"):
        from tiaojie.ledger.errors import InvalidInput

        raise InvalidInput("minutes_suffix", path=values["path"])
    if not path.parent.is_dir():
        from tiaojie.ledger.errors import InvalidInput

        raise InvalidInput("minutes_folder", folder=str(path.parent))
    ledger = _ledger(session)
    detail = meeting_service.meeting_detail(ledger, _user(session), values["meeting"], as_of=session.date())
    return str(write(ledger, detail, path, session.lang).resolve())


# --- a meeting's agenda, read -------------------------------------------------------------------

@dataclass(frozen=True)
class Agenda:
    """A meeting's agenda as the screen shows it: a title and lines of (text, style)."""

    title: str
    lines: list[tuple[str, str]]


def agenda(session: Session, number: str) -> Agenda:
    """The matters on a meeting's agenda (number, summary, urgency, who raised it and the parties
    concerned), its attendance, the consensus on each matter and its measures with owner, due day
    and state as of today; then the unit's earlier measures still news at the meeting."""
    lang = session.lang
    detail = meeting_service.meeting_detail(_ledger(session), _user(session), number, as_of=session.date())
    m, sep = detail.meeting, "、" if lang == "zh" else ", "

    def parties(ids: list[str]) -> str:
        return sep.join(session.label("party", p) for p in ids) or "—"

    def measure(line: meeting_service.MeasureLine) -> tuple[str, str]:
        done = line.measure.done_on
        state = tr(f"v_state_{line.state}", lang) + (f" {done.isoformat()}" if done else "")
        return (tr("v_ag_measure", lang, ref=line.ref, action=line.measure.action, owner=line.measure.owner,
                   due=line.measure.due_on.isoformat(), state=state), "bold red" if line.state == "overdue" else "")

    lines: list[tuple[str, str]] = [(tr("v_ag_as_of", lang, date=detail.as_of.isoformat()), "dim"), ("", ""),
                                    (tr("v_ag_items", lang, count=len(detail.items)), "bold")]
    for item in detail.items:
        matter = item.matter
        lines.append((f"{matter.number}  [{_label(session, 'urgency', matter.urgency)}]  {matter.summary}", "bold"))
        lines.append((tr("v_ag_raised", lang, by=matter.raised_by, unit=item.unit, parties=parties(matter.parties),
                         status=tr(f"v_matter_{matter.status}", lang)), ""))
        lines.append((tr("v_ag_consensus", lang, text=item.consensus) if item.consensus
                      else tr("v_ag_no_consensus", lang), "" if item.consensus else "yellow"))
        lines += [measure(line) for line in item.measures]
    if not detail.items:
        lines.append((tr("v_ag_none", lang), "dim"))
    lines += [("", ""), (tr("v_ag_attendance", lang, count=len(detail.attendees)), "bold")]
    lines += [(f"  {a.name}（{session.label('party', a.party)}）" if lang == "zh"
               else f"  {a.name} ({session.label('party', a.party)})", "") for a in detail.attendees]
    present = {a.party for a in detail.attendees}
    every = _ledger(session).vocabulary.enums.get(matter_service.PARTY)
    absent = [p for p in (every.labels if every else ()) if p not in present]
    lines.append((tr("v_ag_absent", lang, parties=parties(absent)), "yellow" if absent else "dim"))
    if detail.earlier:
        lines += [("", ""), (tr("v_ag_earlier", lang), "bold")]
        lines += [measure(line) for line in detail.earlier]
    title = tr("v_ag_title", lang, unit=detail.unit, kind=tr(f"v_meeting_{m.kind}", lang), date=m.held_on.isoformat(),
               number=m.number)
    return Agenda(title, lines)
