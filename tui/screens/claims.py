"""申报审核 Claims and their review: a unit claims a month or a quarter, each step of the county's
review chain (a rule file) accepts it, rejects a case with a reason or returns it, the list is
published and objections resolved, and the accepted lines are paid. The table lists the claims the
user sees; Enter shows one claim's cases (the rejected ones with why), its decisions and objections.
The ledger decides who may act at which step: a refusal here says why, in its words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ..widgets import plain
from .loaded_screen import LoadedScreen

# A decision's dialog: (fields as (name, label key, default: "claim" = the claim chosen, "home", "period",
# "case" = the case chosen in the detail, or "")). A decision with no fields but the claim asks no more.
FORMS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "submit": (("unit", "cl_f_unit", "home"), ("period", "cl_f_period", "period")),
    "accept": (("claim", "cl_f_claim", "claim"),),
    "reject_line": (("claim", "cl_f_claim", "claim"), ("case", "cl_f_case", "case"), ("reason", "cl_f_reason", "")),
    "return_claim": (("claim", "cl_f_claim", "claim"), ("reason", "cl_f_reason", "")),
    "publish": (("claim", "cl_f_claim", "claim"),),
    "object_to": (("claim", "cl_f_claim", "claim"), ("case", "cl_f_case", "case"), ("raised_by", "cl_f_raised_by", ""),
                  ("text", "cl_f_text", "")),
    "resolve": (("objection", "cl_f_objection", ""), ("upheld", "cl_f_upheld", "")),
    "pay": (("claim", "cl_f_claim", "claim"),),
    "export_notice": (("claim", "cl_f_claim", "claim"), ("path", "cl_f_path", "notice")),
}


# The chain's kind of step each decision takes: a role the chain does not name at any step of that
# kind is not offered its key (pressed anyway, it says why)
STEP_OF = {"submit": "claim", "accept": "review", "reject_line": "review", "return_claim": "review",
           "publish": "notice", "resolve": "notice", "pay": "pay"}


class ClaimsScreen(LoadedScreen):
    SCREEN_ID = "claims"
    KEYS = [("enter", "show_claim", "cl_f_claim"), ("s", "submit", "cl_submit"), ("a", "accept", "cl_accept"),
            ("r", "reject_line", "cl_reject_line"), ("b", "return_claim", "cl_return_claim"),
            ("g", "publish", "cl_publish"), ("o", "object_to", "cl_object_to"), ("v", "resolve", "cl_resolve"),
            ("y", "pay", "cl_pay"), ("x", "export_notice", "cl_export_notice"), ("ctrl+r", "reload", "refresh")]

    def __init__(self) -> None:
        super().__init__()
        self.home = ""  # the user's own unit, offered when claiming
        self.numbers: list[str] = []  # the claims in the table, in its order
        self.shown: str | None = None  # the claim whose detail is shown
        self.cases: list[str] = []  # that claim's case numbers, in the detail's order

    def role_may(self, action: str) -> bool:
        if not super().role_may(action) or action not in STEP_OF or not self.backend.has_ledger:
            return super().role_may(action)
        from .. import claims_api

        roles = claims_api.step_roles(self.backend).get(STEP_OF[action])
        return roles is None or self.backend.role in roles

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Vertical():
            yield Static("", id="cl-summary")
            yield DataTable(id="cl-claims", zebra_stripes=True, cursor_type="row")
            yield Static("", id="cl-title")
            yield DataTable(id="cl-lines", zebra_stripes=True, cursor_type="row")
            yield Static("", id="cl-history")
        yield footer

    def reload(self) -> None:
        self.load(self.shown)

    def load(self, number: str | None) -> None:
        from .. import claims_api, ledger_api

        def fetch() -> dict[str, Any]:
            data: dict[str, Any] = {"table": claims_api.claims_table(self.backend),
                                    "home": ledger_api.unit_name(self.backend)}
            chosen = number if number in data["table"].numbers else (data["table"].numbers or [None])[0]
            data["detail"] = claims_api.claim_detail(self.backend, chosen) if chosen else None
            return data

        self.fetch_in_background(fetch)

    def show(self, data: dict[str, Any]) -> None:
        self.home = data["home"]
        shown = data["table"]
        self.numbers = shown.numbers
        self.query_one("#cl-summary", Static).update(plain(shown.summary))
        table = self.query_one("#cl-claims", DataTable)
        table.clear(columns=True)
        for title in shown.header:
            table.add_column(plain(title, "bold"))
        for i, row in enumerate(shown.rows):
            table.add_row(*(plain(cell, "bold red" if i in shown.marked else "") for cell in row))
        self._show_detail(data["detail"])
        if self.shown in self.numbers:
            table.move_cursor(row=self.numbers.index(self.shown))

    def _show_detail(self, detail: Any) -> None:
        lines = self.query_one("#cl-lines", DataTable)
        lines.clear(columns=True)
        self.shown = detail.number if detail else None
        self.cases = [row[0] for row in detail.lines] if detail else []
        self.query_one("#cl-title", Static).update(plain(detail.title if detail else "", "bold"))
        self.query_one("#cl-history", Static).update(
            plain((detail.history or self.t("cl_history_none")) if detail else ""))
        if detail is None:
            return
        for title in detail.header:
            lines.add_column(plain(title, "bold"))
        for i, row in enumerate(detail.lines):
            lines.add_row(*(plain(cell, "red" if i in detail.rejected else "") for cell in row))

    @on(DataTable.RowSelected, "#cl-claims")
    def _claim_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.numbers):
            self.load(self.numbers[event.cursor_row])

    def action_show_claim(self) -> None:
        table = self.query_one("#cl-claims", DataTable)
        if 0 <= table.cursor_row < len(self.numbers):
            self.load(self.numbers[table.cursor_row])

    # --- decisions -------------------------------------------------------------------------------
    def action_submit(self) -> None:
        self._ask("submit")

    def action_accept(self) -> None:
        self._ask("accept")

    def action_reject_line(self) -> None:
        self._ask("reject_line")

    def action_return_claim(self) -> None:
        self._ask("return_claim")

    def action_publish(self) -> None:
        self._ask("publish")

    def action_object_to(self) -> None:
        self._ask("object_to")

    def action_resolve(self) -> None:
        self._ask("resolve")

    def action_pay(self) -> None:
        self._ask("pay")

    def action_export_notice(self) -> None:
        self._ask("export_notice")

    def _chosen_case(self) -> str:
        lines = self.query_one("#cl-lines", DataTable)
        return self.cases[lines.cursor_row] if 0 <= lines.cursor_row < len(self.cases) else ""

    def _under_cursor(self) -> str | None:
        table = self.query_one("#cl-claims", DataTable)
        return self.numbers[table.cursor_row] if 0 <= table.cursor_row < len(self.numbers) else None

    def _defaults(self) -> dict[str, str]:
        today = self.backend.date()
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")  # a month is claimed once over
        # the claim a person has moved to, whether or not its detail was opened; a case only of the
        # claim whose detail is shown
        claim = self._under_cursor() or self.shown
        case = self._chosen_case() if claim == self.shown else ""
        return {"home": self.home, "claim": claim or "", "case": case, "period": last_month,
                "notice": f"公示-{claim}.xlsx" if claim else "", "": ""}

    def _ask(self, action: str, typed: dict[str, str] | None = None, error: str | None = None) -> None:
        if not self.backend.has_ledger:
            self.notify(self.t("not_available"), severity="warning", markup=False)
            return
        defaults = self._defaults()
        if action != "submit" and action != "resolve" and not defaults["claim"] and typed is None:
            self.notify(self.t("cl_no_claim"), severity="warning", markup=False)
            return
        shown = [(name, self.t(label), (typed or {}).get(name, defaults[default])) for name, label, default in FORMS[action]]
        self.ask_in_dialog(action, self.t(f"cl_{action}"), shown, error)

    def ask_again(self, action: str, typed: dict[str, str], error: str) -> None:
        self._ask(action, typed, error)

    def write(self, action: str, values: dict[str, str]) -> str:
        from .. import claims_api

        return str(getattr(claims_api, action)(self.backend, values))

    def done_message(self, action: str, said: str) -> str:
        return self.t(f"cl_{action}_done", said=said)

    def written(self, action: str, values: dict[str, str], said: str) -> None:
        self.shown = said if action == "submit" else values.get("claim", self.shown)
