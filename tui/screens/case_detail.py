"""One case in full, opened from the ledger: its fields, the outcomes with their explanations,
the history of its levels and the path its deadlines take, its payouts; escalation from here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tiaojie.i18n import MESSAGES
from tiaojie.i18n import tr as core_tr
from tiaojie.money import format_yuan

from ..strings import STRINGS, tr


class CaseDetailScreen(ModalScreen[None]):
    """One case: its fields, outcomes with their explanations, escalation history and path, payouts."""

    BINDINGS = [Binding("escape,enter,q", "dismiss_detail", show=False), Binding("u", "escalate", show=False)]

    def __init__(self, detail, backend, on_escalated=None) -> None:  # noqa: ANN001
        super().__init__(classes="dialog")
        self.detail, self.backend = detail, backend
        self.on_escalated = on_escalated  # told of the case's detail after an escalation from here

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self.backend.lang, **params)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="detail-box"):
            with VerticalScroll(classes="detail-body"):
                yield Static(self._text(), id="detail-text")
            with Horizontal(classes="dialog-buttons"):
                if self.detail.case.status in self.backend.open_statuses():  # a finished case goes no higher
                    yield Button(self.t("escalate") + " (u)", id="detail-escalate")
                yield Button(self.t("close"), variant="primary", id="detail-close")

    def _text(self) -> Text:
        d = self.detail
        case = d.case
        lab = self.backend.label
        out = Text()
        out.append(self.t("detail_title", number=case.number) + "\n", style="bold")
        rows = [
            (self.t("col_unit"), d.unit), (self.t("col_parties"), "、".join(case.parties)),
            (self.t("col_category"), lab("category", case.category)), (self.t("col_severity"), lab("severity", case.severity)),
            (self.t("col_status"), lab("status", case.status)), (self.t("col_received"), case.received_on.isoformat()),
            (self.t("col_settled"), case.settled_on.isoformat() if case.settled_on else "—"),
            (self.t("col_level"), lab("level", d.state.level)),
            (self.t("f_summary"), case.summary or "—"),
        ]
        fields = self.backend.ledger.vocabulary.fields
        for name, value in d.extra.items():
            fdef = fields.get(name)
            rows.append((fdef.label(self.backend.lang) if fdef else name,
                         fdef.show(value, self.backend.lang) if fdef else str(value)))
        for name, value in rows:
            out.append(f"{name}：", style="dim")
            out.append(str(value) + "\n")
        if d.state.due_on is not None:
            out.append(f"{self.t('live_due')}：", style="dim")
            out.append(d.state.due_on.isoformat() + "\n")
        if d.state.overdue > 0:
            out.append(self.t("live_overdue", days=d.state.overdue) + "\n", style="bold red")
        out.append("\n" + self.t("detail_history") + "\n", style="bold")
        if not case.escalations:
            out.append("  " + self.t("detail_none") + "\n")
        for step in case.escalations:  # who moved it, when, from where to where, and why
            out.append(self.t("detail_history_line", on=step.escalated_on.isoformat(), from_level=lab("level", step.from_level),
                              to_level=lab("level", step.to_level), by=step.by_user, reason=step.reason or "—") + "\n")
        out.append("\n" + self.t("detail_path") + "\n", style="bold")
        for step in d.state.path:
            out.append(f"  {lab('level', step.get('level'))}  {step.get('from', '')} → {step.get('due_on', '')}\n")
        out.append("\n" + self.t("detail_outcomes") + "\n", style="bold")
        for outcome in d.outcomes:
            now = f"  {self.t('detail_computed_now')}" if outcome.policy_id in d.judged_now else ""
            out.append(f"  {self.backend.policy_title(outcome.policy_id, outcome.hash)} {outcome.version} ({outcome.as_of}){now}\n", style="cyan")
            for line in outcome.explanation:
                text = line.get(self.backend.lang) if isinstance(line, dict) else line
                out.append(f"    ·{text}\n")
        if d.history:
            out.append("\n" + self.t("detail_replaced") + "\n", style="bold")
        sep = "、" if self.backend.lang == "zh" else ", "
        for entry in d.history:
            old = entry.outcome
            at = old.replaced_at.strftime("%Y-%m-%d %H:%M") if old.replaced_at else "?"
            changed = sep.join(self._field(name) for name in entry.changed) or "—"
            said = f"case_action_{entry.action}"  # the core's word for it, as `tiaojie case show` says it
            action = core_tr(said, self.backend.lang) if said in MESSAGES else entry.action
            out.append(self.t("detail_replaced_line", at=at, by=old.replaced_by or "?", action=action, changed=changed) + "\n",
                       style="dim")
            colon = "：" if self.backend.lang == "zh" else ": "
            out.append(f"    {self.backend.policy_title(old.policy_id, old.hash)} {old.version}{colon}"
                       f"{self._outputs(old.policy_id, old.hash, old.outputs)}\n")
        if d.payouts or d.adjustments:
            out.append("\n" + self.t("col_reward") + "\n", style="bold")
            for key, amount, capped in d.payouts:
                out.append(f"  {key}  {format_yuan(amount)}" + (f"  ({capped})" if capped else "") + "\n")
            for key, amount, reason in d.adjustments:
                out.append(f"  {key}  {format_yuan(amount)}  {self.t('adjust')}: {reason}\n")
        return out

    def _outputs(self, policy_id: str, content_hash: str | None, outputs: dict[str, Any]) -> str:
        """An outcome's outputs by their titles, enumerations by their labels, money in yuan."""

        book = self.backend.rules.book
        policy = book.by_hash(policy_id, content_hash) if content_hash else None
        if policy is None and policy_id in book.policies:
            policy = book.versions(policy_id)[-1]
        declared = getattr(policy, "outputs", None) or {}
        labels, lang = self.backend.labels(), self.backend.lang
        parts = []
        for name, value in outputs.items():
            if name.startswith("_"):
                continue
            spec = declared.get(name)
            title = ((spec.title_en or spec.title) if lang == "en" else spec.title) if spec else (
                self.t(f"out_{name}") if f"out_{name}" in STRINGS else labels.title(name, lang) or name)
            enum = (spec.enum if spec else None) or (labels.kinds.get(name, ("", ""))[1] or (name if name in labels.enums else None))
            if value is None:
                shown = "—"
            elif enum:
                shown = self.backend.label(enum, str(value))
            elif spec is not None and spec.type == "money":
                shown = format_yuan(Decimal(str(value)))
            else:
                shown = str(value)
            parts.append(f"{title} {shown}")
        return ("，" if lang == "zh" else ", ").join(parts) or "—"

    def _field(self, name: str) -> str:
        fdef = self.backend.ledger.vocabulary.fields.get({"agreement_kind": "agreement"}.get(name, name))
        if fdef is None:
            return self.t(f"fld_{name}") if f"fld_{name}" in STRINGS else name
        return fdef.label(self.backend.lang)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "detail-escalate":
            self.action_escalate()
        else:
            self.dismiss(None)

    def action_escalate(self) -> None:
        from ..ledger_api import may_write_cases
        from .escalate import ask_escalation

        if not may_write_cases(self.backend):
            self.notify(self.t("not_allowed", screen=self.t("escalate")), severity="warning", markup=False)
            return
        ask_escalation(self, self.backend, self.detail.case, self._escalated)

    def _escalated(self, detail) -> None:  # noqa: ANN001
        self.detail = detail
        self.query_one("#detail-text", Static).update(self._text())
        if self.on_escalated is not None:
            self.on_escalated(detail)

    def action_dismiss_detail(self) -> None:
        self.dismiss(None)
