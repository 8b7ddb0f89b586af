"""Minutes (会议纪要) of a four-party meeting, as a spreadsheet or a printable web page, in Chinese
or English: the meeting, who attended for which party, each matter with its consensus, the
measures agreed (owner, due date, state), and the measures of earlier meetings — last period's
progress and its problems. The minutes go to all four parties, named by the vocabulary.

Every cell goes through the formula-safe writer (a resident's text beginning with `=` stays
text), and every text in the page is HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..i18n import Lang, tr
from .context import Ledger
from .meetings import MeasureLine, MeetingDetail
from .statements import Table, write_tables_xlsx

PARTY = "party"


def _parties(ledger: Ledger, ids: list[str], lang: Lang) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(ledger.label(PARTY, p, lang) for p in ids)


def _measure_rows(lines: list[MeasureLine], lang: Lang) -> list[list[object]]:
    return [[line.ref, line.matter, line.measure.action, line.measure.owner, line.measure.due_on.isoformat(),
             tr(f"measure_{line.state}", lang),
             # minutes as of a day say nothing of what was done after it
             line.measure.done_on.isoformat() if line.measure.done_on and line.state == "done" else ""]
            for line in lines]


def minutes_tables(ledger: Ledger, detail: MeetingDetail, lang: Lang = "zh") -> list[Table]:
    m = detail.meeting
    every_party = list(ledger.vocabulary.enums[PARTY].labels) if PARTY in ledger.vocabulary.enums else []
    present = {a.party for a in detail.attendees}
    overview = Table(tr("minutes_sheet_meeting", lang), [tr("th_mt_item", lang), tr("th_mt_content", lang)], [
        [tr("th_mt_meeting", lang), m.number],
        [tr("th_mt_kind", lang), tr(f"meeting_{m.kind}", lang)],
        [tr("th_mt_held_on", lang), m.held_on.isoformat()],
        [tr("th_unit", lang), detail.unit],
        [tr("minutes_absent", lang), _parties(ledger, [p for p in every_party if p not in present], lang) or "—"],
        [tr("minutes_to", lang), _parties(ledger, every_party, lang)],
        [tr("minutes_as_of", lang), detail.as_of.isoformat()],
    ], set())
    attendance = Table(tr("minutes_sheet_attendance", lang), [tr("th_mt_attendee", lang), tr("th_mt_party", lang)],
                       [[a.name, ledger.label(PARTY, a.party, lang)] for a in detail.attendees], set())
    agenda = Table(tr("minutes_sheet_agenda", lang),
                   [tr(k, lang) for k in ("th_mt_matter", "th_unit", "th_mt_raised_by", "th_mt_summary", "th_mt_urgency",
                                          "th_mt_parties", "th_mt_consensus")],
                   [[i.matter.number, i.unit, i.matter.raised_by, i.matter.summary,
                     ledger.label("urgency", i.matter.urgency, lang), _parties(ledger, i.matter.parties, lang),
                     i.consensus] for i in detail.items], set())
    header = [tr(k, lang) for k in ("th_mt_measure_ref", "th_mt_matter", "th_mt_measure", "th_mt_owner", "th_mt_due_on",
                                     "th_mt_state", "th_mt_done_on")]
    measures = Table(tr("minutes_sheet_measures", lang), header,
                     _measure_rows([line for i in detail.items for line in i.measures], lang), set())
    progress = Table(tr("minutes_sheet_progress", lang), header, _measure_rows(detail.earlier, lang), set())
    return [overview, attendance, agenda, measures, progress]


def minutes_title(detail: MeetingDetail, lang: Lang) -> str:
    m = detail.meeting
    return tr("minutes_title", lang, unit=detail.unit, date=m.held_on.isoformat(), kind=tr(f"meeting_{m.kind}", lang),
              number=m.number)


def minutes_html(ledger: Ledger, detail: MeetingDetail, lang: Lang = "zh") -> str:
    """A page to print: one heading and a table per section, every text escaped."""
    e = html.escape
    title = minutes_title(detail, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
        "th,td{border:1px solid #444;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}"
        "@media print{body{margin:0}h2{page-break-after:avoid}}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    for table in minutes_tables(ledger, detail, lang):
        parts.append(f"<h2>{e(table.title)}</h2><table><thead><tr>")
        parts += [f"<th>{e(str(h))}</th>" for h in table.header]
        parts.append("</tr></thead><tbody>")
        if not table.rows:
            parts.append(f'<tr><td colspan="{len(table.header)}">—</td></tr>')
        for row in table.rows:
            parts.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def export_minutes(ledger: Ledger, detail: MeetingDetail, path: Path, lang: Lang = "zh") -> Path:
    """The minutes as FILE.xlsx, or as a printable FILE.html (any other suffix is refused by the caller)."""
    if path.suffix.lower() in (".html", ".htm"):
        path.write_text(minutes_html(ledger, detail, lang), encoding="utf-8")
        return path
    write_tables_xlsx(path, minutes_title(detail, lang), minutes_tables(ledger, detail, lang))
    return path
