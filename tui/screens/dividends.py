"""分红 Dividends: pick a collective and a year, see the dividend policy bound to the collective
(runs use no other; policy staff change the binding here, with p), the pool, retentions and each
member's allocation; run and store it (clerks); export the allocations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tiaojie.money import format_yuan

from ..backend import describe_error
from ..messages import Loaded
from ..widgets import plain
from .base import BaseScreen


class DividendScreen(BaseScreen):
    SCREEN_ID = "dividends"
    KEYS = [("ctrl+r", "run", "run_dividend"), ("x", "export", "export"), ("p", "set_policy", "div_set_policy")]

    def __init__(self) -> None:
        super().__init__()
        self.run_shown: Any = None
        self.shown_for: tuple[str, int] | None = None  # (collective code, year) of the run shown
        self.asked: tuple[str, int] | None = None  # (collective code, year) last asked for: its answer is shown
        self.member_names: dict[int, Any] = {}
        self.collectives: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Vertical():
            with Horizontal(classes="filters"):
                yield Select([], prompt=self.t("collective"), id="div-collective", compact=True)
                yield Input(str(self.backend.date().year), placeholder=self.t("year"), id="div-year", compact=True)
            yield Static("", id="div-policy")
            with Horizontal(classes="filters"):
                # labelled beside, not only by a hint: once typed, the hint is gone
                yield Label(plain(self.t("income_hint")), classes="field-label")
                yield Input(placeholder="0", id="div-income", compact=True)
                yield Label(plain(self.t("costs_hint")), classes="field-label")
                yield Input(placeholder="0", id="div-costs", compact=True)
                yield Button(self.t("run_dividend"), id="div-run", variant="primary", compact=True)
                yield Button(self.t("export"), id="div-export", compact=True)
            yield Static("", id="div-summary")
            yield DataTable(id="div-allocations", cursor_type="row", zebra_stripes=True, classes="main-table")
        yield footer

    def on_mount(self) -> None:
        table = self.query_one("#div-allocations", DataTable)
        for key in ("col_member", "col_shares", "col_amount"):
            table.add_column(self.t(key), key=key)
        self.query_one("#div-run", Button).display = self.role_may("run")  # policy staff bind, clerks run
        for label in self.query(".filters .field-label"):
            # as wide as its words: the form's fixed label width wrapped 其他收入（元） onto two lines
            label.styles.width = "auto"
            label.styles.padding = (0, 1)
        self.call_service("collectives")

    def selection(self) -> tuple[str | None, int | None]:
        select = self.query_one("#div-collective", Select)
        code = None if select.is_blank() else str(select.value)
        try:
            year = int(self.query_one("#div-year", Input).value.strip())
        except ValueError:
            year = None
        return code, year

    @on(Select.Changed, "#div-collective")
    def _collective_chosen(self) -> None:
        # income and costs are one collective's year: typed for another, they are not this one's
        for selector in ("#div-income", "#div-costs"):
            self.query_one(selector, Input).value = ""
        self._chosen()

    @on(Input.Submitted, "#div-year")
    def _chosen(self) -> None:
        code, year = self.selection()
        self.show_policy(self.collectives.get(code) if code else None)
        if code and year:
            self.asked = (code, year)
            self.call_service("runs", code, year)
        else:  # no collective (the list's prompt) or no year: no run is shown, none exported
            self.asked = None
            self.show_run(None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="div")
    def call_service(self, what: str, *args: Any) -> None:
        from .. import ledger_api

        try:
            if what == "collectives":
                loaded = Loaded(what, ledger_api.collectives(self.backend))
            else:
                if what == "runs":
                    code, year = args
                    runs = ledger_api.dividend_runs(self.backend, code, year)
                    run = runs[-1] if runs else None
                else:  # run
                    code, year, income, costs = args
                    run = ledger_api.run_dividend(self.backend, code, year, income, costs)
                names = ledger_api.members(self.backend, run.collective_id) if run else {}
                loaded = Loaded(what, run, {"members": names, "for": (code, year)})
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(loaded)

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "collectives":
            self.collectives = {c.code: c for c in message.data}
            select = self.query_one("#div-collective", Select)
            select.set_options([(plain(f"{c.name}（{c.code}）"), c.code) for c in message.data])
            if message.data:
                select.value = message.data[0].code
            return
        if message.what == "bound":
            collective = message.data
            self.collectives[collective.code] = collective
            if self.selection()[0] == collective.code:
                self.show_policy(collective)
            self.notify(self.t("div_rebound", collective=collective.name, policy=message.extra["label"]), markup=False)
            return
        code, year = message.extra["for"]
        if message.extra["for"] == self.asked:  # not an answer for a collective or year since left
            self.member_names = message.extra["members"]
            self.show_run(message.data, message.extra["for"])
        if message.what == "run" and message.data is not None:
            self.notify(self.t("dividend_done", collective=code, year=year, pool=format_yuan(message.data.pool)),
                        markup=False)

    def show_policy(self, collective: Any) -> None:
        """The policy a run of this collective uses, shown before the run."""
        label = self.query_one("#div-policy", Static)
        if collective is None:
            label.update("")
        elif collective.policy_id is None:
            label.update(Text(self.t("div_unbound"), style="bold red"))
        else:
            label.update(Text(self.t("div_policy", title=self.backend.policy_title(collective.policy_id),
                                     policy=collective.policy_id), style="bold"))

    def show_run(self, run: Any, shown_for: tuple[str, int] | None = None) -> None:
        self.run_shown, self.shown_for = run, (shown_for if run is not None else None)
        table = self.query_one("#div-allocations", DataTable)
        table.clear()
        summary = Text()
        if run is None:
            self.query_one("#div-summary", Static).update(summary)
            return
        summary.append(f"{self.backend.policy_title(run.policy_id)} {run.version} · #{run.run_no}\n", style="dim")
        costs = Decimal(str(run.detail.get("costs", "0")))
        # gross − costs − retained = pool: every term of the sum on the screen
        for key, value in (("gross", run.income), ("div_costs", costs), ("retained", run.retained), ("pool", run.pool),
                           ("leftover", run.leftover)):
            summary.append(f"{self.t(key)} ", style="bold")
            summary.append(f"{format_yuan(value)}   ")
        for line in run.detail.get("explanation", []):
            text = line.get(self.lang) if isinstance(line, dict) else str(line)
            summary.append("\n·" + str(text))
        self.query_one("#div-summary", Static).update(summary)
        for alloc in run.allocations:
            member = self.member_names.get(alloc.member_id)
            name = f"{member.member_no} {member.name}" if member else str(alloc.member_id)
            table.add_row(plain(name), plain(str(alloc.weighted_shares.normalize())), plain(format_yuan(alloc.amount)))
        total = sum((a.amount for a in run.allocations), Decimal(0))
        table.add_row(plain(self.t("total_row"), "bold"), plain(""), plain(format_yuan(total), "bold"))

    def action_run(self) -> None:
        code, year = self.selection()
        if not code or not year:
            self.notify(self.t("v_required"), severity="warning", markup=False)
            return
        try:
            income = Decimal(self.query_one("#div-income", Input).value.strip() or "0")
            costs = Decimal(self.query_one("#div-costs", Input).value.strip() or "0")
        except InvalidOperation:
            self.notify(self.t("v_money"), severity="warning", markup=False)
            return
        self.asked = (code, year)
        self.call_service("run", code, year, income, costs)

    def action_export(self) -> None:
        """The run shown, to a file typed in the export dialog: a missing folder is named, an
        existing file replaced only after asking."""
        run, shown_for = self.run_shown, self.shown_for
        if run is None or shown_for is None:
            return
        from .export_dialog import ExportDialog, write_failed

        code, year = shown_for  # the run on screen, whatever is typed in the boxes since

        def done(path: Path | None) -> None:
            if path is None:
                return
            try:
                written = self.write_export(path, run)
            except OSError as exc:  # no permission, disk full: the file named, never a traceback
                self.fail(write_failed(path, exc, self.lang))
                return
            self.notify(self.t("exported", path=str(written.resolve())), markup=False)

        self.app.push_screen(ExportDialog(self.t("div_export_title", collective=code, year=run.year),
                                          self.t("export_path"), f"dividend-{code}-{year}.csv", self.lang), done)

    # --- the collective's policy (policy staff) ---------------------------------------------------
    def action_set_policy(self) -> None:
        code, _ = self.selection()
        if not code or code not in self.collectives:
            self.notify(self.t("v_required"), severity="warning", markup=False)
            return
        self._bind_policy(code)

    @work(thread=True, exit_on_error=False, group="div-bind")
    def _bind_policy(self, code: str, policy_id: str | None = None) -> None:
        """Without `policy_id`: the policies to choose from, then the dialog; with it: the binding."""
        from .. import ledger_api

        try:
            if policy_id is None:
                policies = ledger_api.dividend_policies(self.backend)
                self.app.call_from_thread(self._ask_policy, code, policies)
                return
            bound = ledger_api.set_collective_policy(self.backend, code, policy_id)
            label = ledger_api.dividend_policies(self.backend)
        except Exception as exc:  # noqa: BLE001 - the service's refusal, said
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("bound", bound, {"label": dict(label).get(policy_id, policy_id)}))

    def _ask_policy(self, code: str, policies: list[tuple[str, str]]) -> None:
        from .bind_policy import BindPolicyDialog

        collective = self.collectives[code]

        def chosen(policy_id: str | None) -> None:
            if policy_id is not None:
                self._bind_policy(code, policy_id)

        self.app.push_screen(BindPolicyDialog(f"{collective.name}（{code}）", policies, collective.policy_id, self.lang),
                             chosen)

    def write_export(self, path: Path, run: Any) -> Path:
        from tiaojie.ledger.dividend_export import export_run

        return export_run(run, self.member_names, path, self.lang)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "div-run":
            self.action_run()
        elif event.button.id == "div-export":
            self.action_export()
