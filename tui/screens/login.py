"""Who is working: chosen once at start when `--user` was not given. The role decides the screens."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..host import host_of
from ..strings import tr
from ..widgets import plain


class LoginDialog(ModalScreen[Any]):
    BINDINGS = [Binding("escape", "quit_app", show=False)]

    def __init__(self, backend: Any):
        super().__init__(classes="dialog")
        self.backend = backend
        self.problem: str | None = None
        try:
            choices = backend.sign_in_choices
            if choices is None:
                from .. import ledger_api  # the store, only when the list was not read at a glance

                choices = ledger_api.list_users(backend.ledger)
            self.users = list(choices)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog instead of a traceback
            from ..backend import describe_error

            self.users = []
            self.problem = describe_error(exc, backend.lang)

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self.backend.lang, **params)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(plain(self.t("login_title"), "bold"), classes="dialog-title")
            yield Static(plain(self.problem or (self.t("login_hint") if self.users else self.t("login_empty")),
                               "dim" if self.users else "bold yellow"))
            options = [Option(plain(f"{u.name}  {self.t('role_' + u.role)}  {unit}"), id=str(i))
                       for i, (u, unit) in enumerate(self.users)]
            yield OptionList(*options, id="login-users")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("login_go"), variant="primary", id="login-go")
                yield Button(self.t("quit"), id="login-quit")

    def on_mount(self) -> None:
        users = self.query_one("#login-users", OptionList)
        users.highlighted = 0 if self.users else None
        users.focus()
        host_of(self.app).open_ledger_after_paint(self)

    def _choose(self) -> None:
        index = self.query_one("#login-users", OptionList).highlighted
        if index is not None:
            self.dismiss(self.users[index][0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login-go":
            self._choose()
        else:
            self.dismiss(None)

    def action_quit_app(self) -> None:
        self.dismiss(None)
