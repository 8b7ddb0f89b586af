"""The adjustment dialog: the case is picked (searched by its number among the period's cases),
the amount, reason and period to book it in are typed, and the ledger's service decides. A refusal
is shown in the dialog in the service's own words, with everything typed still there."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..backend import describe_error
from ..strings import Lang, tr
from ..widgets import plain


@dataclass(frozen=True)
class Candidate:
    """A case the adjustment may correct, as the period shows it."""

    case_id: int
    number: str
    payee: str
    amount: str  # as shown, in yuan
    period: str  # the period the case is shown in
    paid: bool = True  # paid in a closed period; an unpaid one is offered so the ledger can say why not


# (period to book in, case id, amount, reason) → what the service stored; raises its refusal
Book = Callable[[str, int, Decimal, str], Any]


class AdjustDialog(ModalScreen[Any]):
    """Returns what `book` stored, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = """
    AdjustDialog .adj-row { height: 1; }
    AdjustDialog .adj-label { color: $text-muted; }
    AdjustDialog .adj-row Input { width: 1fr; }
    AdjustDialog #adj-cases { height: 5; margin: 1 0 0 0; }
    AdjustDialog #adj-case { margin: 0 0 1 0; }
    AdjustDialog #adj-error { width: 1fr; }
    AdjustDialog .dialog-buttons { height: 1; }
    AdjustDialog .dialog-buttons Button { margin-right: 2; }
    """

    def __init__(self, candidates: list[Candidate], chosen: int | None, book_in: str, book: Book, lang: Lang = "zh"):
        super().__init__(classes="dialog")
        self._candidates, self._book_in, self._book, self._lang = candidates, book_in, book, lang
        self.chosen: int | None = chosen if any(c.case_id == chosen for c in candidates) else None
        self._busy = False

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self._lang, **params)

    def compose(self) -> ComposeResult:
        # one line a field: the whole dialog, buttons included, fits an 80×24 terminal
        with VerticalScroll(classes="dialog-box", id="adj-box"):
            yield Label(plain(self.t("adj_title"), "bold"), classes="dialog-title")
            with Horizontal(classes="adj-row"):
                yield Label(plain(self.t("adj_search")), classes="adj-label")
                yield Input(placeholder=self.t("adj_search_hint"), id="adj-search", compact=True)
            yield OptionList(id="adj-cases", compact=True)
            yield Static("", id="adj-case")
            for name, label, value in (("amount", "adjust_amount", ""), ("reason", "adjust_reason", ""),
                                       ("period", "adjust_period", self._book_in)):
                with Horizontal(classes="adj-row"):
                    yield Label(plain(self.t(label)), classes="adj-label")
                    yield Input(value=value, id=f"adj-{name}", compact=True)
            yield Static("", id="adj-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("ok"), variant="primary", id="adj-ok", compact=True)
                yield Button(self.t("cancel"), id="adj-cancel", compact=True)

    def on_mount(self) -> None:
        from rich.cells import cell_len

        labels = list(self.query(".adj-label").results(Label))
        width = max(cell_len(str(label.render())) for label in labels) + 2  # every label whole, inputs aligned
        for label in labels:
            label.styles.width = width
        # a refusal in the ledger's words is long: across the dialog, not the form's 40-cell column
        self.query_one("#adj-error").styles.max_width = "100%"
        self._list("")
        self._show_chosen()
        self.query_one("#adj-amount" if self.chosen is not None else "#adj-search", Input).focus()

    # --- the case --------------------------------------------------------------------------------
    def _list(self, typed: str) -> None:
        needle = typed.strip().lower()

        def offered(c: Candidate) -> bool:
            if needle:
                return needle in c.number.lower() or needle in c.payee.lower()
            return c.paid or c.case_id == self.chosen  # a case not paid yet only when asked for

        shown = [c for c in self._candidates if offered(c)]
        options = self.query_one("#adj-cases", OptionList)
        options.clear_options()
        options.add_options([Option(plain(f"{c.number}  {c.payee}  {c.amount}  ({c.period}"
                                          + ("" if c.paid else f" {self.t('adj_unpaid')}") + ")"), id=str(c.case_id))
                             for c in shown])
        ids = [c.case_id for c in shown]
        if ids:
            options.highlighted = ids.index(self.chosen) if self.chosen in ids else 0

    def _show_chosen(self) -> None:
        case = next((c for c in self._candidates if c.case_id == self.chosen), None)
        text = self.t("adj_case", number=case.number, payee=case.payee) if case else self.t("adj_no_case")
        self.query_one("#adj-case", Static).update(plain(text, "bold" if case else "yellow"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "adj-search":
            self._list(event.value)
            shown = self.query_one("#adj-cases", OptionList)
            ids = [int(str(shown.get_option_at_index(i).id)) for i in range(shown.option_count)]
            if len(ids) == 1:  # the number typed names one case: that is the one
                self.chosen = ids[0]
            elif self.chosen not in ids:  # what was chosen is no longer what the clerk typed
                self.chosen = None
            self._show_chosen()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The case is the one highlighted now, not the event's: typed fast, a highlight of a list
        # since narrowed by the search arrives late and would name a case no longer offered.
        options = self.query_one("#adj-cases", OptionList)
        if options.highlighted is None or not self.query_one("#adj-search", Input).value.strip():
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id is not None:
            self.chosen = int(option.id)
            self._show_chosen()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.chosen = int(event.option.id)
            self._show_chosen()
            self.query_one("#adj-amount", Input).focus()

    # --- booking -----------------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#adj-{name}", Input).value for name in ("search", "amount", "reason", "period")}

    def show_problem(self, text: str) -> None:
        error = self.query_one("#adj-error", Static)
        error.update(plain(text))
        error.set_class(bool(text), "shown")

    def _checked(self) -> tuple[int, Decimal, str, str] | str:
        """(case, amount, reason, period) as typed, or what is wrong with them; the rules of
        adjusting are the service's, not checked here."""
        values = self.values()
        if self.chosen is None:
            return self.t("adj_no_case")
        try:
            amount = Decimal(values["amount"].strip().replace("−", "-"))
        except (InvalidOperation, ValueError):
            return self.t("v_money")
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            return self.t("v_money")
        if not values["period"].strip():
            return self.t("adj_need_period")
        return self.chosen, amount, values["reason"], values["period"].strip()

    def _submit(self) -> None:
        if self._busy:
            return
        checked = self._checked()
        if isinstance(checked, str):
            self.show_problem(checked)
            return
        self.show_problem("")
        self._busy = True
        case_id, amount, reason, period = checked
        self._store(period, case_id, amount, reason)

    @work(thread=True, exit_on_error=False, group="adjust")
    def _store(self, period: str, case_id: int, amount: Decimal, reason: str) -> None:
        try:
            done = self._book(period, case_id, amount, reason)
        except Exception as exc:  # noqa: BLE001 - the service's refusal, shown where the input is
            self.app.call_from_thread(self._refused, describe_error(exc, self._lang))
            return
        self.app.call_from_thread(self.dismiss, done)

    def _refused(self, text: str) -> None:
        self._busy = False
        self.show_problem(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "adj-search":
            options = self.query_one("#adj-cases", OptionList)
            # only a search typed picks a case: Enter in an empty box (keys typed before the dialog
            # was up went elsewhere) must not book on the list's first case
            if options.highlighted is not None and event.value.strip():
                option = options.get_option_at_index(options.highlighted)
                if option.id is not None:
                    self.chosen = int(option.id)
                    self._show_chosen()
            self.query_one("#adj-amount", Input).focus()
            return
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "adj-ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
