"""上报 Escalation: one case moved up to the next level or a chosen one, with a reason, through the
ledger's own service (its history keeps who, when and why). Opened from the ledger and from a
case's detail; a refusal is said in the dialog, which stays open with what was typed."""

from __future__ import annotations

from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Select, Static

from ..backend import Backend, describe_error
from ..strings import tr
from ..widgets import plain


class EscalateDialog(ModalScreen[Any]):
    """Returns the case's detail after the step (`ledger.views.CaseDetail`), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, backend: Backend, case: Any, targets: list[tuple[str, str]]):
        super().__init__(classes="dialog")
        self.backend, self.case, self.targets = backend, case, targets

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self.backend.lang, **params)

    def compose(self) -> ComposeResult:
        level = self.backend.label("level", self.case.level)
        with Vertical(classes="dialog-box", id="esc-box"):
            yield Label(plain(self.t("esc_title", number=self.case.number, level=level), "bold"), classes="dialog-title")
            yield Label(plain(self.t("esc_level")))
            yield Select([(plain(label), level_id) for level_id, label in self.targets], value=self.targets[0][0],
                         allow_blank=False, id="esc-level", compact=True)
            yield Label(plain(self.t("esc_reason")))
            yield Input(id="esc-reason")
            yield Static("", id="esc-error", classes="field-error shown")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("escalate"), variant="primary", id="esc-ok")
                yield Button(self.t("cancel"), id="esc-cancel")

    def on_mount(self) -> None:
        self.query_one("#esc-reason", Input).focus()

    def _say(self, text: str) -> None:
        self.query_one("#esc-error", Static).update(plain(text))

    def _submit(self) -> None:
        reason = self.query_one("#esc-reason", Input).value.strip()
        if not reason:
            self._say(self.t("esc_reason_needed"))
            self.query_one("#esc-reason", Input).focus()
            return
        self._say(self.t("busy"))
        self.query_one("#esc-ok", Button).disabled = True
        self._escalate(str(self.query_one("#esc-level", Select).value), reason)

    @work(thread=True, exit_on_error=False, group="escalate")
    def _escalate(self, level: str, reason: str) -> None:
        from .. import ledger_api

        try:
            detail = ledger_api.escalate(self.backend, self.case.id, level, reason)
        except Exception as exc:  # noqa: BLE001 - the ledger's refusal, said here; the input stays
            self.app.call_from_thread(self._refused, describe_error(exc, self.backend.lang))
            return
        self.app.call_from_thread(self.dismiss, detail)

    def _refused(self, text: str) -> None:
        self._say(text)
        self.query_one("#esc-ok", Button).disabled = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "esc-ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_escalation(screen: Screen, backend: Backend, case: Any, done: Callable[[Any], None]) -> None:
    """Open the dialog for `case` from `screen`, or say at once why it cannot be escalated (a
    finished case, one at the top level); `done(detail)` after a stored escalation."""
    from .. import ledger_api

    lang = backend.lang
    if case.status not in backend.open_statuses():
        screen.notify(tr("esc_closed", lang, number=case.number, status=backend.label("status", case.status)),
                      severity="warning", markup=False)
        return
    targets = ledger_api.escalation_targets(backend, case)
    if not targets:
        screen.notify(tr("esc_top", lang, number=case.number, level=backend.label("level", case.level)),
                      severity="warning", markup=False)
        return

    def after(detail: Any) -> None:
        if detail is None:
            return
        screen.notify(tr("esc_done", lang, number=detail.case.number, level=backend.label("level", detail.case.level)),
                      markup=False)
        done(detail)

    screen.app.push_screen(EscalateDialog(backend, case, targets), after)
