"""The subsidy cycle as the 申报审核 screen needs it: the claims the user sees, one claim's lines,
chain and objections, and each step's decision. Like `ledger_api`, everything here calls the
ledger's services; each function runs in a worker thread and returns plain rows and text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tiaojie.ledger import claim_steps, claims
from tiaojie.ledger.claims import ClaimView
from tiaojie.money import format_yuan

from .ledger_api import Session, _ledger, _user
from .strings import Lang, tr

Row = list[str]


@dataclass(frozen=True)
class ClaimsTable:
    """The claims the user sees: a summary line, one row per claim, the rows needing attention."""

    summary: str
    header: list[str]
    numbers: list[str]
    rows: list[Row]
    marked: set[int]  # claims whose awaited step is past its days


@dataclass(frozen=True)
class ClaimDetail:
    """One claim: its lines (rejected ones with the reason), the chain so far, its objections."""

    number: str
    title: str
    header: list[str]
    lines: list[Row]
    rejected: set[int]
    history: str


def _step_title(view: ClaimView, step_id: str, lang: Lang) -> str:
    step = view.claim.step_def(step_id)
    return step.title if lang == "zh" else (step.title_en or step.title)


def _state(view: ClaimView, lang: Lang) -> str:
    if view.claim.status == "open":  # the notice while it runs or an objection is open, else the step awaited
        return tr("cl_waiting", lang, step=_step_title(view, view.stage.id, lang))
    return tr(f"cl_status_{view.claim.status}", lang)


def claims_table(session: Session) -> ClaimsTable:
    lang = session.lang
    views = claims.list_claims(_ledger(session), _user(session))
    # the claim's number ends with its period (LSJ-02-01-2026Q3): no column of its own, so that the
    # amounts fit an 80-column terminal
    header = [tr(k, lang) for k in ("cl_number", "cl_unit", "cl_state", "cl_due", "cl_lines", "cl_claimed",
                                     "cl_rejected")]
    rows: list[Row] = []
    for view in views:
        due = view.due_on
        rows.append([view.claim.number, view.unit.name, _state(view, lang),
                     due.isoformat() if due else "", str(len(view.lines)),
                     format_yuan(view.accepted_total + view.rejected_total), format_yuan(view.rejected_total)])
    marked = {i for i, view in enumerate(views) if view.overdue}
    summary = tr("cl_summary", lang, count=len(views), open=sum(v.claim.status == "open" for v in views),
                 overdue=len(marked))
    return ClaimsTable(summary, header, [v.claim.number for v in views], rows, marked)


def claim_detail(session: Session, number: str) -> ClaimDetail:
    lang = session.lang
    view = claims.show(_ledger(session), _user(session), number)
    header = [tr(k, lang) for k in ("cl_case", "cl_category", "cl_severity", "cl_payee", "cl_amount",
                                     "cl_line_state", "cl_reason", "cl_notes")]
    lines: list[Row] = []
    rejected: set[int] = set()
    for line, case in view.lines:
        if line.status == "rejected":
            rejected.add(len(lines))
        step = _step_title(view, line.decided_step, lang) if line.decided_step else ""
        state = "paid" if line.status == "claimed" and view.claim.status == "paid" else line.status
        reason = f"{step}：{line.reason}" if line.status == "rejected" and step else line.reason
        lines.append([case.number, session.label("category", case.category), session.label("severity", case.severity),
                      line.payee, format_yuan(line.amount), tr(f"cl_line_{state}", lang), reason,
                      "；".join(note.render(lang) for note in view.notes.get(case.id or 0, []))])
    history = [tr("cl_decision_line", lang, on=d.decided_on.isoformat(), step=_step_title(view, d.step, lang),
                  who=d.by_user, what=tr(f"cl_decision_{d.decision}", lang),
                  case=view.case_number(d.case_id), reason=d.reason).rstrip(" ：:")
               for d in view.decisions]
    history += [tr("cl_objection_line", lang, number=o.number, case=view.case_number(
                    next((line.case_id for line, _ in view.lines if line.id == o.line_id), None)),
                    by=o.raised_by, on=o.raised_on.isoformat(), text=o.text, status=tr(f"cl_objection_{o.status}", lang))
                for o in view.objections]
    number, period = view.claim.number, view.claim.period_key
    shown = number if period in number else f"{number} · {period}"  # a number made of unit and period says it once
    title = tr("cl_detail_title", lang, number=shown, unit=view.unit.name,
               state=_state(view, lang), accepted=format_yuan(view.accepted_total),
               rejected=format_yuan(view.rejected_total))
    if view.claim.notice_ends_on is not None:
        title += tr("cl_notice_until", lang, day=view.claim.notice_ends_on.isoformat())
    return ClaimDetail(view.claim.number, title, header, lines, rejected, "\n".join(history))


# --- each step's decision ---------------------------------------------------------------------------
def submit(session: Session, values: dict[str, str]) -> str:
    return claims.submit(_ledger(session), _user(session), values["unit"], values["period"]).number


def accept(session: Session, values: dict[str, str]) -> str:
    return claim_steps.accept(_ledger(session), _user(session), values["claim"]).number


def reject_line(session: Session, values: dict[str, str]) -> str:
    claim_steps.reject_line(_ledger(session), _user(session), values["claim"], values["case"], values["reason"])
    return values["case"]


def return_claim(session: Session, values: dict[str, str]) -> str:
    return claim_steps.return_claim(_ledger(session), _user(session), values["claim"], values["reason"]).number


def publish(session: Session, values: dict[str, str]) -> str:
    claim = claim_steps.publish(_ledger(session), _user(session), values["claim"])
    return claim.notice_ends_on.isoformat() if claim.notice_ends_on else claim.number


def object_to(session: Session, values: dict[str, str]) -> str:
    return claim_steps.object_to(_ledger(session), _user(session), values["claim"], values["case"],
                                 values["raised_by"], values["text"]).number


def resolve(session: Session, values: dict[str, str]) -> str:
    upheld = values["upheld"].strip().lower() in {"成立", "是", "y", "yes", "upheld", "1"}
    objection = claim_steps.resolve(_ledger(session), _user(session), values["objection"], upheld=upheld)
    return f"{objection.number}（{tr('cl_objection_' + objection.status, session.lang)}）"


def pay(session: Session, values: dict[str, str]) -> str:
    return claims.pay(_ledger(session), _user(session), values["claim"]).number


def export_notice(session: Session, values: dict[str, str]) -> str:
    path = Path(values["path"]).expanduser()
    return str(claims.write_notice(_ledger(session), _user(session), values["claim"], path, session.lang))


def step_roles(session: Session) -> dict[str, set[str]]:
    """Which roles the review chain in force lets take each kind of step (claim, review, notice,
    pay); empty when the rules hold no chain in force, and the ledger says why at the step."""
    from tiaojie.rules.review_chain import review_chain

    try:
        chain = review_chain(_ledger(session).rules, session.date())
    except Exception:  # noqa: BLE001 - no chain in force: each step's refusal names it
        return {}
    roles: dict[str, set[str]] = {}
    for step in chain.steps:
        roles.setdefault(str(step.action), set()).update(step.roles)
    return roles
