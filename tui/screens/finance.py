"""财务结算 Finance: pick a period, compute it in a worker (with a progress bar), per-payee totals
with caps, drill down to the cases, adjust with a reason, close behind a confirmation, export."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static

from tiaojie.money import format_yuan

from ..backend import describe_error
from ..messages import Loaded
from ..widgets import ConfirmDialog, FormDialog, plain
from .base import BaseScreen

ZERO = Decimal("0.00")


class FinanceScreen(BaseScreen):
    SCREEN_ID = "finance"
    KEYS = [("ctrl+r", "compute", "compute"), ("a", "adjust", "adjust"), ("ctrl+l", "close_period", "close_period"),
            ("x", "export", "export")]

    def __init__(self) -> None:
        super().__init__()
        self.report: Any = None
        self.cases: dict[int, Any] = {}

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Vertical():
            with Horizontal(classes="filters"):
                yield Select([], prompt=self.t("period"), id="fin-period", compact=True)
                yield Input(placeholder=self.t("filter_period_hint"), id="fin-new", compact=True)
                yield Button(self.t("compute"), id="fin-compute", variant="primary", compact=True)
                yield Button(self.t("adjust"), id="fin-adjust", compact=True)
                yield Button(self.t("close_period"), id="fin-close", variant="error", compact=True)
                yield Button(self.t("export"), id="fin-export", compact=True)
            yield ProgressBar(total=None, show_eta=False, id="fin-progress")
            yield Static("", id="fin-status", classes="page-line")
            with Horizontal(classes="body"):
                yield DataTable(id="fin-payees", cursor_type="row", zebra_stripes=True, classes="wide")
                yield DataTable(id="fin-lines", cursor_type="row", zebra_stripes=True, classes="side")
        yield footer

    def on_mount(self) -> None:
        self.query_one("#fin-progress").display = False
        self.query_one("#fin-status").styles.height = "auto"  # a second line for the chain head after a close
        payees = self.query_one("#fin-payees", DataTable)
        for key in ("col_payee", "col_cases", "col_computed", "col_capped", "col_adjust", "col_total"):
            payees.add_column(self.t(key), key=key)
        lines = self.query_one("#fin-lines", DataTable)
        for key in ("col_case", "col_amount", "col_policy", "col_note"):
            lines.add_column(self.t(key), key=key)
        self.load_periods()

    # --- periods -------------------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="fin-periods")
    def load_periods(self, select: str | None = None) -> None:
        from .. import ledger_api

        try:
            keys = ledger_api.period_keys(self.backend)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("periods", keys, {"select": select}))

    def period(self) -> str | None:
        typed = self.query_one("#fin-new", Input).value.strip()
        if typed:
            return typed
        select = self.query_one("#fin-period", Select)
        return None if select.is_blank() else str(select.value)

    @on(Select.Changed, "#fin-period")
    def _period_chosen(self, event: Select.Changed) -> None:
        if not self.query_one("#fin-period", Select).is_blank():
            self.query_one("#fin-new", Input).value = ""
            self.run_service("show", str(event.value))

    # --- service calls in workers ----------------------------------------------------------------
    def action_compute(self) -> None:
        key = self.period()
        if key:
            self.run_service("compute", key)

    @work(thread=True, exit_on_error=False, exclusive=True, group="fin")
    def run_service(self, action: str, key: str, *args: Any) -> None:
        from .. import ledger_api

        self.app.call_from_thread(self._busy, True, self.t("computing", period=key) if action == "compute" else self.t("busy"))
        head = None
        try:
            if action == "compute":
                report = ledger_api.compute_period(self.backend, key)
            elif action == "close":
                ledger_api.close_period(self.backend, key)
                report = ledger_api.show_period(self.backend, key)
                head = _chain_head(self.backend, self.lang)
            elif action == "adjust":
                book_in, case_id, amount, reason = args
                ledger_api.adjust(self.backend, book_in, case_id, amount, reason)
                report = ledger_api.show_period(self.backend, key)
            elif action == "export":
                path = ledger_api.export_statement(self.backend, key, args[0])
                self.post_message(Loaded("exported", str(path.resolve())))
                return
            else:
                report = ledger_api.show_period(self.backend, key)
            ids = {line.case_id for line in report.lines} | {a.case_id for a in report.adjustments}
            cases = ledger_api.case_numbers(self.backend, ids)
        except Exception as exc:  # noqa: BLE001 - refused (closed period, role) or failed: say so
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        finally:
            self.app.call_from_thread(self._busy, False, None)
        extra = {"action": action, "cases": cases, "head": head}
        if action == "adjust":
            extra["amount"] = format_yuan(args[2])
        self.post_message(Loaded("report", report, extra))

    def _busy(self, busy: bool, text: str | None) -> None:
        self.query_one("#fin-progress").display = busy
        if text is not None:
            self.query_one("#fin-status", Static).update(plain(text))

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "periods":
            select = self.query_one("#fin-period", Select)
            current = message.extra.get("select") or (None if select.is_blank() else select.value)
            options = [(plain(f"{key} {self.t('closed_mark')}" if status == "closed" else key), key)
                       for key, status in message.data]
            keys = [k for k, _ in message.data]
            first_load = not select._options or len(select._options) <= 1
            with select.prevent(Select.Changed):
                select.set_options(options)
                if current in keys:
                    select.value = current
            if first_load and current is None and keys:
                open_keys = [k for k, status in message.data if status == "open"]
                select.value = (open_keys or keys)[-1]  # the latest open period: what a clerk works on
        elif message.what == "report":
            self.cases = message.extra["cases"]
            self.show_report(message.data, message.extra.get("head"))
            action = message.extra["action"]
            if action == "compute":
                r = message.data
                self.notify(self.t("computed", period=r.period.key, payees=len(r.payees), total=format_yuan(r.total)),
                            markup=False)
                self.load_periods(select=r.period.key)
                self.query_one("#fin-new", Input).value = ""
            elif action == "close":
                head = message.extra.get("head") or ""
                self.notify(f"{self.t('closed_ok', period=message.data.period.key)}\n{head}".strip(), markup=False)
                self.load_periods(select=message.data.period.key)
            elif action == "adjust":
                self.notify(self.t("adjusted", amount=message.extra.get("amount", "")), markup=False)
                self.load_periods()
        elif message.what == "exported":
            self.notify(self.t("exported", path=message.data), markup=False)

    def show_report(self, report: Any, head: str | None = None) -> None:
        self.report = report
        state = self.t("state_closed") if report.period.status == "closed" else self.t("state_open")
        # After a close the chain head stays on screen, not only in a toast: the clerk copies it
        # outside the ledger.
        self.query_one("#fin-status", Static).update(plain(
            f"{report.period.key}  {self.t('period_state', state=state)}  · "
            f"{self.t('total_row')} {format_yuan(report.total)}" + (f"\n{head}" if head else "")))
        table = self.query_one("#fin-payees", DataTable)
        table.clear()
        cases = 0
        sums = [ZERO, ZERO, ZERO, ZERO]  # gross, capped, adjustments, total
        for p in report.payees:
            capped = p.gross - p.paid
            table.add_row(plain(p.payee), plain(str(p.cases)), plain(format_yuan(p.gross)), plain(format_yuan(capped)),
                          plain(format_yuan(p.adjustments)), plain(format_yuan(p.total), "bold"), key=p.payee)
            cases += p.cases
            for i, v in enumerate((p.gross, capped, p.adjustments, p.total)):
                sums[i] += v
        table.add_row(plain(self.t("total_row"), "bold"), plain(str(cases), "bold"),
                      *(plain(format_yuan(v), "bold") for v in sums), key="__total__")
        self.show_lines(report.payees[0].payee if report.payees else None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "fin-payees" and event.row_key is not None and self.report is not None:
            key = str(event.row_key.value)
            self.show_lines(None if key == "__total__" else key)

    def show_lines(self, payee: str | None) -> None:
        table = self.query_one("#fin-lines", DataTable)
        table.clear()
        if self.report is None or payee is None:
            return
        for line in self.report.lines:
            if line.payee == payee:
                case = self.cases.get(line.case_id)
                note = line.capped_by or ""
                table.add_row(plain(case.number if case else str(line.case_id)), plain(format_yuan(line.amount)),
                              plain(f"{self.backend.policy_title(line.policy_id)} {line.version}"), plain(note, "yellow"), key=f"l{line.id}:{line.case_id}")
        for adj in self.report.adjustments:
            if adj.payee == payee:
                case = self.cases.get(adj.case_id)
                table.add_row(plain(case.number if case else str(adj.case_id)), plain(format_yuan(adj.amount)),
                              plain(self.t("adjust")), plain(adj.reason), key=f"a{adj.id}:{adj.case_id}")

    # --- adjust, close, export -------------------------------------------------------------------
    def _selected_case(self) -> int | None:
        table = self.query_one("#fin-lines", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(str(key).split(":")[1])

    def action_adjust(self) -> None:
        if self.report is None:
            return
        case_id = self._selected_case()
        if case_id is None:
            self.notify(self.t("pick_payee"), severity="warning", markup=False)
            return
        case = self.cases.get(case_id)
        default_period = self.report.period.key if self.report.period.status == "open" else ""

        def check(values: dict) -> str | None:
            try:
                amount = Decimal(values["amount"].strip())
            except (InvalidOperation, ValueError):
                return self.t("v_money")
            if amount == amount.quantize(Decimal("0.01")) and values["reason"].strip():
                return None
            return self.t("adjust_need_reason") if not values["reason"].strip() else self.t("v_money")

        def done(values: dict | None) -> None:
            if values:
                amount = Decimal(values["amount"].strip())
                self.run_service("adjust", self.report.period.key, values["period"].strip(), case_id, amount,
                                 values["reason"].strip())

        self.app.push_screen(FormDialog(
            self.t("adjust_title", case=case.number if case else case_id),
            [("amount", self.t("adjust_amount"), ""), ("reason", self.t("adjust_reason"), ""),
             ("period", self.t("adjust_period"), default_period)],
            self.lang, check=check), done)

    def action_close_period(self) -> None:
        key = self.report.period.key if self.report is not None else self.period()
        if not key:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.run_service("close", key)

        self.app.push_screen(ConfirmDialog(self.t("close_confirm", period=key), self.lang, self.t("close_period")), done)

    def action_export(self) -> None:
        key = self.report.period.key if self.report is not None else self.period()
        if not key:
            return

        def done(values: dict | None) -> None:
            if values and values["path"].strip():
                self.run_service("export", key, values["path"].strip())

        self.app.push_screen(FormDialog(self.t("export_title"), [("path", self.t("export_path"), f"statement-{key}.xlsx")],
                                        self.lang), done)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"fin-compute": self.action_compute, "fin-adjust": self.action_adjust,
                   "fin-close": self.action_close_period, "fin-export": self.action_export}
        if event.button.id in actions:
            actions[event.button.id]()


def _chain_head(backend: Any, lang: Any) -> str:
    """The audit chain's head after a close, in the words `tiaojie period close` prints."""
    from tiaojie.ledger.audit import head_line

    return head_line(backend.ledger, lang)
