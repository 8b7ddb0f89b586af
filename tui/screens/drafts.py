"""The rule-draft chooser of the rules screen: the ledger's drafts (named copies of its activated
set, `tiaojie.ledger.drafts`) to open one, or a name to make a new one. A refused name is said
in the dialog and the typed name stays."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tiaojie.i18n import Lang

from ..strings import tr
from ..widgets import plain


class DraftDialog(ModalScreen[str | None]):
    """Returns the name of the draft to open (made here when new), or None."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = """
    DraftDialog .dialog-title { width: 100%; }  /* wrapped on a narrow terminal, not cut */
    """

    def __init__(self, drafts: list[tuple[str, str]], create: Callable[[str], str | None], lang: Lang = "zh"):
        """`drafts`: (name, line shown) of each; `create(name)`: makes the draft, returns a
        refusal's text or None."""
        super().__init__(classes="dialog")
        self._drafts, self._create, self._lang = drafts, create, lang

    def compose(self) -> ComposeResult:
        t = self._lang
        with Vertical(classes="dialog-box", id="drafts-box"):
            yield Label(plain(tr("r_drafts_title", t), "bold"), classes="dialog-title")
            if self._drafts:
                yield OptionList(*[Option(plain(line), id=name) for name, line in self._drafts], id="drafts-list")
            else:
                yield Static(plain(tr("r_drafts_none", t)), id="drafts-list-empty")
            yield Input(placeholder=tr("r_drafts_name", t), id="drafts-name")
            yield Static("", id="drafts-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                if self._drafts:
                    yield Button(tr("r_drafts_open", t), variant="primary", id="drafts-open")
                yield Button(tr("r_drafts_new", t), variant="success", id="drafts-new")
                yield Button(tr("cancel", t), id="drafts-cancel")

    def on_mount(self) -> None:
        if self._drafts:
            listing = self.query_one("#drafts-list", OptionList)
            listing.highlighted = 0
            listing.focus()
        else:
            self.query_one("#drafts-name", Input).focus()

    def _say(self, text: str) -> None:
        self.query_one("#drafts-error", Static).update(plain(text))

    def _open(self) -> None:
        listing = self.query("#drafts-list")
        index = listing.first(OptionList).highlighted if listing else None
        if index is None:
            self._say(tr("r_drafts_pick", self._lang))
            return
        self.dismiss(self._drafts[index][0])

    def _new(self) -> None:
        name = self.query_one("#drafts-name", Input).value.strip()
        refused = self._create(name)
        if refused:
            self._say(refused)  # the typed name stays, to be corrected
            return
        self.dismiss(name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._new()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "drafts-open":
            self._open()
        elif event.button.id == "drafts-new":
            self._new()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
