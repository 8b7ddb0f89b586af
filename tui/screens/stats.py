"""统计 Statistics: counts by category, unit and month, the settlement rate (computed from the
cases, never typed in), reward totals, and a monthly bar chart drawn in the terminal; and the
bureau's statistics form (统计表: the fifteen dispute categories with the 防激化 figures), shown
when chosen in the grouping and exported as XLSX with `x`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Select, Static

from tiaojie.money import format_yuan

from ..backend import describe_error
from ..messages import Loaded
from ..widgets import BarChart, plain
from .base import BaseScreen
from .fit import side_or_under

CHART_MIN_WIDTH = 34  # a month label, a bar worth reading and its count, inside the box's border
LABEL_WIDTH = 12  # the group column when an English category name wraps in it: as wide as 道路交通事故


class StatsScreen(BaseScreen):
    SCREEN_ID = "stats"
    KEYS = [("ctrl+r", "reload", "refresh"), ("x", "export_form", "s_export_form")]
    COLUMNS = ("s_key", "s_col_received", "s_settled", "s_failed", "s_col_escalated", "s_col_overdue", "s_col_rate",
               "s_paid", "s_col_due")
    # the bureau's columns; 调解不成 is in the exported sheet, left out here so English fits 80 columns
    FORM_COLUMNS = ("s_f_category", "s_f_received", "s_f_settled", "s_f_rate", "s_f_escalated")

    def __init__(self) -> None:
        super().__init__()
        self.stale = False
        self._label_width: int | None = None  # the group column's fixed width, None: as wide as its names

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Vertical():
            with Horizontal(classes="filters"):
                yield Select([(self.t("s_by_category"), "category"), (self.t("s_by_unit"), "unit"),
                              (self.t("s_by_month"), "month"), (self.t("s_by_form"), "form")],
                             value="category", allow_blank=False,
                             id="st-by", compact=True)
                yield Input(placeholder=self.t("filter_period_hint"), id="st-period", compact=True)
            yield Static("", id="st-summary")
            with Horizontal(classes="body", id="st-body"):
                yield DataTable(id="st-table", zebra_stripes=True, cursor_type="row", classes="wide")
                with VerticalScroll(id="stats-chart-box", classes="side"):
                    yield Static(plain(self.t("s_chart"), "bold"))
                    yield BarChart(id="st-chart")
        yield footer

    def on_mount(self) -> None:
        self._set_columns(list(self.COLUMNS))
        self._follow_columns()
        self.action_reload()

    def _set_columns(self, keys: list[str], label_width: int | None = None) -> None:
        table = self.query_one("#st-table", DataTable)
        if list(table.columns) == keys and self._label_width == label_width:
            return
        self._label_width = label_width
        table.clear(columns=True)  # a column only widens as it is filled: made afresh for each grouping
        for i, key in enumerate(keys):
            table.add_column(self.t(key), key=key, width=label_width if i == 0 else None)

    def on_resize(self) -> None:
        self.lay_out()

    def _follow_columns(self) -> None:
        # the table sizes its columns to what they hold when it next idles: lay out again then
        self.watch(self.query_one("#st-table", DataTable), "virtual_size", lambda _: self.lay_out(), init=False)

    def lay_out(self) -> None:
        """The chart beside the table when the table fits whole beside it (120 columns), else under
        it (80 columns): no column of the table is ever hidden behind the chart."""
        side_or_under(self.query_one("#st-body"), self.query_one("#st-table", DataTable),
                      self.query_one("#stats-chart-box"), CHART_MIN_WIDTH, self.size.width)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.stale:
            self.stale = False
            self.action_reload()

    def mark_stale(self) -> None:
        self.stale = True

    @on(Select.Changed, "#st-by")
    @on(Input.Submitted, "#st-period")
    def action_reload(self) -> None:
        by = str(self.query_one("#st-by", Select).value)
        period = self.query_one("#st-period", Input).value.strip()
        if by == "form":
            self.load_form(period)
        else:
            self.load(by, period)

    @work(thread=True, exit_on_error=False, exclusive=True, group="stats")
    def load_form(self, period: str) -> None:
        from .. import ledger_api, stats_form_api

        try:
            form = stats_form_api.stats_form(self.backend, period)
            _, monthly = ledger_api.statistics(self.backend, "month", period)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("stats_form", (form, monthly)))

    def action_export_form(self) -> None:
        """The bureau's form for the period typed (every case when none), as FILE.xlsx."""
        from .export_dialog import ExportDialog

        period = self.query_one("#st-period", Input).value.strip()
        shown = period or self.t("s_form_all")

        def done(path: Path | None) -> None:
            if path is not None:
                self.export_form(period, path)

        self.app.push_screen(ExportDialog(self.t("s_form_title", period=shown), self.t("s_form_path"),
                                          f"stats-form-{period or 'all'}.xlsx", self.lang), done)

    @work(thread=True, exit_on_error=False, group="stats-export")
    def export_form(self, period: str, path: Path) -> None:
        from .. import stats_form_api
        from .export_dialog import write_failed

        try:
            saved = stats_form_api.export_stats_form(self.backend, period, path, self.lang)
        except OSError as exc:  # a file the system would not write: named, never a traceback
            self.app.call_from_thread(self.fail, write_failed(path, exc, self.lang))
            return
        except Exception as exc:  # noqa: BLE001 - a period that does not exist, a suffix refused
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.app.call_from_thread(self.notify, self.t("exported", path=str(saved)), markup=False)

    @work(thread=True, exit_on_error=False, exclusive=True, group="stats")
    def load(self, by: str, period: str) -> None:
        from .. import ledger_api

        try:
            data = ledger_api.statistics(self.backend, by, period)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("stats", data, {"by": by}))

    def rate(self, row: Any) -> str:
        return "—" if row.rate is None else f"{row.rate}%"

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "stats_form":
            self.show_form(*message.data)
            return
        rows, monthly = message.data
        # a category is named in the UI's language (the ledger names it in Chinese); a unit's name
        # and a month are the same in either. English names are longer: they wrap in the group
        # column, so every column still fits 80 columns
        by_category = message.extra.get("by") == "category"
        wrap = by_category and self.lang != "zh"
        self._set_columns(list(self.COLUMNS), LABEL_WIDTH if wrap else None)
        if by_category:  # in the vocabulary's order, as the form and every list shows them, total last
            order = {key: i for i, (_, key) in enumerate(self.backend.labels().choices("category", self.lang))}
            rows = sorted(rows, key=lambda r: (r.key == "total", order.get(r.key, len(order))))
        table = self.query_one("#st-table", DataTable)
        table.clear()
        for row in rows:
            total = row.key == "total"
            style = "bold" if total else ""
            label = self.t("total_row") if total else (self.backend.label("category", row.key) if by_category
                                                         else row.label)
            table.add_row(*(plain(v, style) for v in (
                label, row.received, row.settled, row.failed, row.escalated, row.overdue, self.rate(row),
                format_yuan(row.paid), format_yuan(row.due))), height=None if wrap else 1)
        total = rows[-1] if rows else None
        if total is not None:
            self.query_one("#st-summary", Static).update(plain(self.t(
                "s_summary", received=total.received, settled=total.settled, rate=self.rate(total),
                paid=format_yuan(total.paid), due=format_yuan(total.due))))
        self.chart(monthly)

    def chart(self, monthly: list[Any]) -> None:
        self.query_one("#st-chart", BarChart).set_data(
            [(r.label[-5:] if len(r.label) > 5 else r.label, [r.received, r.settled]) for r in monthly],
            [(self.t("s_received"), "cyan"), (self.t("s_settled"), "green")])

    def show_form(self, form: Any, monthly: list[Any]) -> None:
        """The form by category; each 防激化 cell is cases/persons, so it fits 80 columns."""
        from tiaojie.ledger.stats_form import form_title

        self._set_columns([*self.FORM_COLUMNS, *(f"s_f_{p.field}" for p in form.preventions)])
        table = self.query_one("#st-table", DataTable)
        table.clear()
        side = 0 if self.lang == "zh" else 1
        for row in form.by_category:
            style = "bold" if row.key == "total" else ""
            table.add_row(*(plain(v, style) for v in (
                row.label[side], row.received, row.settled, self.rate(row), row.escalated,
                *(f"{cases}/{persons}" for cases, persons in row.prevented))))
        total = form.total
        self.query_one("#st-summary", Static).update(plain(self.t(
            "s_form_summary", title=form_title(form, self.lang), received=total.received, settled=total.settled,
            rate=self.rate(total))))
        self.chart(monthly)
