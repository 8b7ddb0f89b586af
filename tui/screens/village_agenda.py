"""A meeting's agenda on the 村务 screen, read-only: the matters on it with the consensus and the
measures agreed, who attended for which party, and the unit's earlier measures — scrolled with the
arrow keys in a short terminal, closed with Esc, Enter or q."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..strings import Lang, tr
from ..village_api import Agenda
from ..widgets import lines_text, plain


class AgendaDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "close", show=False)]

    def __init__(self, agenda: Agenda, lang: Lang) -> None:
        super().__init__(classes="dialog")
        self.agenda, self.lang = agenda, lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="vl-agenda-box"):
            yield Static(plain(self.agenda.title, "bold"), classes="dialog-title")  # wraps when long
            with VerticalScroll(id="vl-agenda-body"):
                yield Static(lines_text(self.agenda.lines), id="vl-agenda-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("close", self.lang), variant="primary", id="vl-agenda-close")

    def on_mount(self) -> None:
        self.query_one("#vl-agenda-body", VerticalScroll).focus()  # the arrow keys scroll the agenda

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
