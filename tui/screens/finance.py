"""财务结算 Finance: pick a period, compute it in a worker (with a progress bar), per-payee totals
with caps, drill down to the cases, adjust with a reason, close behind a confirmation, export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static

from tiaojie.money import format_yuan

from ..backend import describe_error
from ..messages import Loaded
from ..widgets import ConfirmDialog, plain
from .base import BaseScreen
from .fit import side_or_under

ZERO = Decimal("0.00")
LINES_MIN_WIDTH = 40  # a case number, its amount and the policy, inside the panel's border


class FinanceScreen(BaseScreen):
    SCREEN_ID = "finance"
    KEYS = [("ctrl+r", "compute", "compute"), ("a", "adjust", "adjust"), ("ctrl+l", "close_period", "close_period"),
            ("x", "export", "export")]

    def __init__(self) -> None:
        super().__init__()
        self.report: Any = None  # the period shown: its rows, the status line, what `x` exports
        self.head: str | None = None  # the audit chain's head after a close, shown under it
        self.cases: dict[int, Any] = {}
        self.statuses: dict[str, str] = {}  # period key → open | closed
        self._seq = 0  # the latest request; answers to earlier ones are not shown

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
            with Horizontal(classes="body", id="fin-body"):
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
        self._follow_columns()
        self.load_periods()

    def on_resize(self) -> None:
        self.lay_out()

    def _follow_columns(self) -> None:
        # the table sizes its columns to what they hold when it next idles: lay out again then
        self.watch(self.query_one("#fin-payees", DataTable), "virtual_size", lambda _: self.lay_out(), init=False)

    def lay_out(self) -> None:
        """A payee's cases beside the payees when every payee column fits beside them, else under."""
        side_or_under(self.query_one("#fin-body"), self.query_one("#fin-payees", DataTable),
                      self.query_one("#fin-lines", DataTable), LINES_MIN_WIDTH, self.size.width)

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
            self.start("show", str(event.value))

    @on(Input.Submitted, "#fin-new")
    def _period_typed(self) -> None:
        self.action_compute()

    # --- service calls in workers ----------------------------------------------------------------
    def action_compute(self) -> None:
        key = self.period()
        if key:
            # a closed period is not computed again: it is shown as it was paid
            self.start("show" if self.statuses.get(key) == "closed" else "compute", key)

    def start(self, action: str, key: str, *args: Any) -> None:
        """Run a service for period `key`. Only the latest request's answer is shown: an earlier
        one still running when the clerk asks for another period is answered, then ignored."""
        self._seq += 1
        self.query_one("#fin-progress").display = True
        self.query_one("#fin-status", Static).update(plain(
            self.t("computing", period=key) if action == "compute" else self.t("busy")))
        self.run_service(self._seq, action, key, *args)

    @work(thread=True, exit_on_error=False, group="fin")
    def run_service(self, seq: int, action: str, key: str, *args: Any) -> None:
        from .. import ledger_api

        head = None
        try:
            if action == "compute":
                report = ledger_api.compute_period(self.backend, key)
            elif action == "close":
                ledger_api.close_period(self.backend, key)
                report = ledger_api.show_period(self.backend, key)
                head = _chain_head(self.backend, self.lang)
            elif action == "export":
                path = ledger_api.export_statement(self.backend, key, str(args[0]))
                self.post_message(Loaded("exported", str(path.resolve()), {"seq": seq}))
                return
            else:
                report = ledger_api.show_period(self.backend, key)
            ids = {line.case_id for line in report.lines} | {a.case_id for a in report.adjustments}
            cases = ledger_api.case_numbers(self.backend, ids)
        except OSError as exc:  # a file the system would not write: named, never a traceback
            from .export_dialog import write_failed

            text = write_failed(args[0], exc, self.lang) if action == "export" else describe_error(exc, self.lang)
            self.post_message(Loaded("failed", text, {"seq": seq}))
            return
        except Exception as exc:  # noqa: BLE001 - refused (closed period, role) or failed: say so
            self.post_message(Loaded("failed", describe_error(exc, self.lang), {"seq": seq}))
            return
        self.post_message(Loaded("report", report, {"action": action, "cases": cases, "head": head, "seq": seq}))

    def _done(self, seq: int | None) -> bool:
        """Whether an answer is the latest request's; if so the screen leaves its busy state — on
        success and on a refusal alike — and shows the period it shows."""
        if seq is not None and seq != self._seq:
            return False
        self.query_one("#fin-progress").display = False
        self._show_status()
        return True

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "periods":
            self._periods_loaded(message)
            return
        latest = self._done(message.extra.get("seq"))
        if message.what == "failed":
            self.fail(message.data)
        elif message.what == "report":
            report = message.data
            action = message.extra["action"]
            if latest:
                self.cases = message.extra["cases"]
                self.show_report(report, message.extra.get("head"))
            if action == "compute":
                self.notify(self.t("computed", period=report.period.key, payees=len(report.payees),
                                   total=format_yuan(report.total)), markup=False)
                if latest:
                    self.query_one("#fin-new", Input).value = ""
                    self.query_one("#fin-payees", DataTable).focus()  # so `a`, `x`, Ctrl+L act, not type
                self.load_periods(select=report.period.key)
            elif action == "show" and latest and self.query_one("#fin-new", Input).value.strip() == report.period.key:
                self.query_one("#fin-new", Input).value = ""  # the period typed is the one shown
                self.query_one("#fin-payees", DataTable).focus()  # as after a compute: `x`, `a` act, not type
                self.load_periods(select=report.period.key)
            elif action == "close":
                head = message.extra.get("head") or ""
                self.notify(f"{self.t('closed_ok', period=report.period.key)}\n{head}".strip(), markup=False)
                self.load_periods(select=report.period.key)
        elif message.what == "exported":
            self.notify(self.t("exported", path=message.data), markup=False)

    def _periods_loaded(self, message: Loaded) -> None:
        select = self.query_one("#fin-period", Select)
        self.statuses = dict(message.data)
        shown = self.report.period.key if self.report is not None else None
        current = message.extra.get("select") or shown or (None if select.is_blank() else select.value)
        options = [(plain(f"{key} {self.t('closed_mark')}" if status == "closed" else key), key)
                   for key, status in message.data]
        keys = [k for k, _ in message.data]
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current in keys:
                select.value = current
        if current is None and keys:
            open_keys = [k for k, status in message.data if status == "open"]
            select.value = (open_keys or keys)[-1]  # the latest open period: what a clerk works on

    def show_report(self, report: Any, head: str | None = None) -> None:
        self.report, self.head = report, head
        self._show_status()
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

    def _show_status(self) -> None:
        """The period shown, its state and total — the one line every request ends on."""
        report = self.report
        if report is None:
            self.query_one("#fin-status", Static).update("")
            return
        state = self.t("state_closed") if report.period.status == "closed" else self.t("state_open")
        # After a close the chain head stays on screen, not only in a toast: the clerk copies it
        # outside the ledger.
        self.query_one("#fin-status", Static).update(plain(
            f"{report.period.key}  {self.t('period_state', state=state)}  · "
            f"{self.t('total_row')} {format_yuan(report.total)}" + (f"\n{self.head}" if self.head else "")))

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
        """An adjustment corrects a case paid in a closed period: on a closed period its own cases
        are offered; on an open one, the cases every closed period paid (read in a worker), then
        the period's own cases, not paid yet — offered so that the ledger says why it refuses them
        when the clerk came from one (its line highlighted) or typed its number."""
        if self.report is None:
            return
        from .adjust import Candidate

        report = self.report
        if report.period.status != "closed":
            lines = self.query_one("#fin-lines", DataTable)
            self._paid_candidates(self._selected_case() if lines.has_focus else None)
            return
        payees = self.query_one("#fin-payees", DataTable)
        payee = None
        if payees.row_count:
            key = payees.coordinate_to_cell_key(payees.cursor_coordinate).row_key.value
            payee = None if key == "__total__" else str(key)
        seen: dict[int, Candidate] = {}
        for case_id, who, amount in [*((line.case_id, line.payee, line.amount) for line in report.lines),
                                     *((a.case_id, a.payee, a.amount) for a in report.adjustments)]:
            case = self.cases.get(case_id)
            if case_id not in seen:
                seen[case_id] = Candidate(case_id, case.number if case else str(case_id), who, format_yuan(amount),
                                          report.period.key)
        # the highlighted payee's cases first: the clerk came to the dialog from them
        candidates = sorted(seen.values(), key=lambda c: (c.payee != payee, c.payee, c.number))
        chosen = self._selected_case() if payee is not None else None
        if chosen is None and payee is not None:
            chosen = next((c.case_id for c in candidates if c.payee == payee), None)
        self._open_adjust(candidates, chosen)

    @work(thread=True, exit_on_error=False, group="fin-adjust")
    def _paid_candidates(self, chosen: int | None) -> None:
        from .. import ledger_api
        from .adjust import Candidate

        report = self.report
        assert report is not None
        candidates: list[Candidate] = []
        try:
            for key in sorted((k for k, s in self.statuses.items() if s == "closed"), reverse=True):
                paid = ledger_api.show_period(self.backend, key)
                numbers = ledger_api.case_numbers(self.backend, {line.case_id for line in paid.lines})
                candidates += [Candidate(line.case_id, numbers[line.case_id].number, line.payee,
                                         format_yuan(line.amount), key) for line in paid.lines]
        except Exception as exc:  # noqa: BLE001 - a refusal or a vanished ledger is said, not raised
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        offered = {c.case_id for c in candidates}
        for line in report.lines:
            case = self.cases.get(line.case_id)
            if line.case_id not in offered:
                offered.add(line.case_id)
                candidates.append(Candidate(line.case_id, case.number if case else str(line.case_id), line.payee,
                                            format_yuan(line.amount), report.period.key, paid=False))
        self.app.call_from_thread(self._open_adjust, candidates, chosen)

    def _open_adjust(self, candidates: list[Any], chosen: int | None) -> None:
        from .adjust import AdjustDialog

        report = self.report
        assert report is not None
        open_keys = [k for k, status in self.statuses.items() if status == "open"]
        book_in = report.period.key if report.period.status == "open" else (open_keys[-1] if open_keys else "")

        def book(period: str, case_id: int, amount: Decimal, reason: str) -> Any:
            from .. import ledger_api

            return ledger_api.adjust(self.backend, period, case_id, amount, reason)

        def done(adjustment: Any) -> None:
            if adjustment is not None:
                self.notify(self.t("adjusted", amount=format_yuan(adjustment.amount)), markup=False)
                self.start("show", report.period.key)
                self.load_periods()

        self.app.push_screen(AdjustDialog(candidates, chosen, book_in, book, self.lang), done)

    def action_close_period(self) -> None:
        key = self.report.period.key if self.report is not None else self.period()
        if not key:
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.start("close", key)

        self.app.push_screen(ConfirmDialog(self.t("close_confirm", period=key), self.lang, self.t("close_period")), done)

    def action_export(self) -> None:
        if self.report is None:  # the export is of the period shown, and none is shown yet
            return
        from .export_dialog import ExportDialog

        key = self.report.period.key

        def done(path: Path | None) -> None:
            if path is not None:
                self.start("export", key, path)

        self.app.push_screen(ExportDialog(self.t("export_title_of", period=key), self.t("export_path"),
                                          f"statement-{key}.xlsx", self.lang), done)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"fin-compute": self.action_compute, "fin-adjust": self.action_adjust,
                   "fin-close": self.action_close_period, "fin-export": self.action_export}
        if event.button.id in actions:
            actions[event.button.id]()


def _chain_head(backend: Any, lang: Any) -> str:
    """The audit chain's head after a close, in the words `tiaojie period close` prints."""
    from tiaojie.ledger.audit import head_line

    return head_line(backend.ledger, lang)
