"""Which dividend policy a collective's runs use: policy staff choose among the dividend policies
of the ledger's rules, the one bound now marked. Runs already stored keep the policy they used."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..strings import Lang, tr
from ..widgets import plain


class BindPolicyDialog(ModalScreen[str | None]):
    """Returns the policy id chosen, or None when cancelled or the binding is left as it is."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = "BindPolicyDialog #bind-policies { height: auto; max-height: 8; margin: 1 0; }"

    def __init__(self, collective: str, policies: list[tuple[str, str]], bound: str | None, lang: Lang = "zh"):
        super().__init__(classes="dialog")
        self._collective, self._policies, self._bound, self._lang = collective, policies, bound, lang

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self._lang, **params)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(plain(self.t("div_bind_title", collective=self._collective), "bold"), classes="dialog-title")
            yield OptionList(*[Option(plain(label + (f"  ← {self.t('div_bound_now')}" if pid == self._bound else "")),
                                      id=pid) for pid, label in self._policies], id="bind-policies")
            yield Static(plain(self.t("div_bind_note"), "dim"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("ok"), variant="primary", id="bind-ok")
                yield Button(self.t("cancel"), id="bind-cancel")

    def on_mount(self) -> None:
        choices = self.query_one("#bind-policies", OptionList)
        ids = [pid for pid, _ in self._policies]
        if ids:
            choices.highlighted = ids.index(self._bound) if self._bound in ids else 0
        choices.focus()

    def _choose(self, policy_id: str | None) -> None:
        self.dismiss(policy_id if policy_id and policy_id != self._bound else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id != "bind-ok":
            self.dismiss(None)
            return
        choices = self.query_one("#bind-policies", OptionList)
        highlighted = choices.highlighted
        self._choose(choices.get_option_at_index(highlighted).id if highlighted is not None else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
