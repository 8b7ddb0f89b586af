"""Signing in: a name and a password, nobody chosen in advance. The role of the user signed in
decides the screens.

The password is checked by the ledger (`tiaojie.ledger.auth.sign_in`: argon2id on SQLite, the
database's own sign-in on PostgreSQL) in a worker thread, so the dialog stays responsive while
the ledger finishes opening and the hash is computed; argon2 is first imported then, never
before the first frame. A refusal is shown in the dialog, the name stays, the password is cleared.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..host import host_of
from ..strings import tr
from ..widgets import plain


class LoginDialog(ModalScreen[Any]):
    BINDINGS = [Binding("escape", "quit_app", show=False)]

    def __init__(self, backend: Any, name: str | None = None):
        super().__init__(classes="dialog")
        self.backend = backend
        self.prefill = name or ""
        self.problem: str | None = None
        self.checking = False

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self.backend.lang, **params)

    def compose(self) -> ComposeResult:
        empty = self.backend.sign_in_choices == []  # a glance found no users at all
        with Vertical(classes="dialog-box"):
            yield Label(plain(self.t("login_title"), "bold"), classes="dialog-title")
            yield Static(plain(self.t("login_empty") if empty else self.t("login_hint"), "bold yellow" if empty else "dim"),
                         id="login-message")
            yield Input(value=self.prefill, placeholder=self.t("login_name"), id="login-name")
            yield Input(placeholder=self.t("login_password"), password=True, id="login-password")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("login_go"), variant="primary", id="login-go")
                yield Button(self.t("quit"), id="login-quit")

    def on_mount(self) -> None:
        self.query_one("#login-password" if self.prefill else "#login-name", Input).focus()
        host_of(self.app).open_ledger_after_paint(self)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login-name":
            self.query_one("#login-password", Input).focus()
        else:
            self._sign_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login-go":
            self._sign_in()
        else:
            self.dismiss(None)

    def action_quit_app(self) -> None:
        self.dismiss(None)

    def _sign_in(self) -> None:
        name = self.query_one("#login-name", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        if not name:
            self.query_one("#login-name", Input).focus()
            return
        if self.checking:
            return
        self.checking = True
        self._say(self.t("login_checking"), "dim")
        self._check(name, password)

    @work(thread=True, exit_on_error=False, group="sign-in")
    def _check(self, name: str, password: str) -> None:
        try:
            user = self.backend.sign_in(name, password)
        except Exception as exc:  # noqa: BLE001 - a refusal (or a ledger that cannot open) is shown here
            from ..backend import describe_error

            self.app.call_from_thread(self._refused, describe_error(exc, self.backend.lang))
            return
        self.app.call_from_thread(self._accepted, user)

    def _accepted(self, user: Any) -> None:
        self.checking = False
        self.dismiss(user)

    def _refused(self, message: str) -> None:
        self.checking = False
        self.problem = message
        self._say(message, "bold red")
        password = self.query_one("#login-password", Input)
        password.value = ""
        password.focus()

    def _say(self, text: str, style: str) -> None:
        self.query_one("#login-message", Static).update(plain(text, style))
