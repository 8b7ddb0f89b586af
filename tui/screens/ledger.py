"""案件台账 Ledger: the cases of the user's unit (all units for clerks), filtered, sorted, paged;
overdue cases stand out; Enter opens a case's detail."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tiaojie.money import format_yuan

from ..backend import describe_error
from ..messages import Loaded
from ..strings import Lang, tr
from ..widgets import plain
from .base import BaseScreen
from .case_detail import CaseDetailScreen

PAGE_SIZE = 100
# What a mediator looks at most comes first: which case and whose, where it stands, how late, what
# it pays. Those fit an 80-column terminal in either language (English titles are wider, and so are
# its category labels); the level, the kind of dispute and the dates follow, a scroll to the right.
COLUMNS = [("number", "col_number"), ("unit", "col_unit"), ("parties", "col_parties"), ("status", "col_status"),
           ("overdue", "col_overdue"), ("reward", "col_reward"), ("level", "col_level"), ("category", "col_category"),
           ("severity", "col_severity"), ("received", "col_received"), ("settled", "col_settled")]
# Every column but the unit and the parties; enumerations go in the vocabulary's order, reward
# and overdue by what the ledger shows for each case (`ledger.views.page_cases`).
SORTABLE = {"number", "category", "severity", "status", "overdue", "reward", "received", "settled", "level"}


def short_parties(parties: list[str], lang: str, width: int = 16) -> str:
    """The parties as one cell: names joined, cut to `width` columns with the count kept."""
    from rich.cells import cell_len

    sep = "、" if lang == "zh" else ", "
    text = sep.join(parties)
    if cell_len(text) <= width:
        return text
    more = f"等{len(parties)}人" if lang == "zh" else f" ({len(parties)})"  # how many in all, not how many more
    out = ""
    for ch in text:
        if cell_len(out + ch) + cell_len(more) + 1 > width:
            break
        out += ch
    return out.rstrip(sep.strip() + " ") + "…" + more


class LedgerScreen(BaseScreen):
    SCREEN_ID = "ledger"
    KEYS = [("enter", "open_case", "open_case"), ("e", "edit_case", "edit_case"), ("u", "escalate", "escalate"),
            ("s", "sort", "sort"), ("n", "next_page", "next_page"), ("p", "prev_page", "prev_page"),
            ("ctrl+r", "reload", "refresh")]

    def __init__(self) -> None:
        super().__init__()
        self.page = 1
        self.pages: int | None = None
        self.seq = 0  # the newest load asked for; older answers are dropped
        self.memo: dict = {}  # the overdue filter's judgement of the open cases, kept across pages
        self.sort = "received"
        self.reverse = False  # a ledger reads in order of receipt, like the book it replaces
        self.stale = False
        self.row_ids: list[int] = []
        self._headed: tuple[str, bool] | None = None  # the sort the column headers mark
        self.columns = COLUMNS

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Vertical():
            with Horizontal(classes="filters"):
                yield Select(self._all(self.backend.choices("status")), prompt=self.t("filter_status"), id="flt-status", compact=True)
                yield Select(self._all(self.backend.choices("category")), prompt=self.t("filter_category"), id="flt-category", compact=True)
                yield Select(self._all(self.backend.choices("severity")), prompt=self.t("filter_severity"), id="flt-severity", compact=True)
                yield Input(placeholder=self.t("filter_period_hint"), id="flt-period", compact=True)
                yield Checkbox(self.t("filter_overdue"), id="flt-overdue", compact=True)
            yield DataTable(id="cases", cursor_type="row", zebra_stripes=True, classes="main-table")
            yield Static("", id="page-line", classes="page-line")
        yield footer

    @staticmethod
    def _all(choices: list[tuple[Text, str]]) -> list[tuple[Text, str]]:
        return choices

    def on_mount(self) -> None:
        from ..ledger_api import unit_choices

        # A user of one unit has its name in the header: the column would repeat it on every row and
        # push the reward and overdue days off an 80-column terminal.
        try:
            one_unit = len(unit_choices(self.backend)) <= 1
        except Exception:  # noqa: BLE001 - a ledger that cannot be read: the load below says why
            one_unit = False
        if one_unit:
            self.columns = [column for column in COLUMNS if column[0] != "unit"]
        table = self.query_one("#cases", DataTable)
        self._head(table)
        table.focus()
        self.reload()

    def _head(self, table: DataTable) -> None:
        """The column headers, the one sorted by marked ▲ (going up) or ▼ (going down).

        Once the columns are there only their labels change: columns made anew are as narrow as
        their labels until the table next measures its rows, and a frame drawn in between would
        keep showing the first few characters of every cell."""
        from rich.cells import cell_len

        self._headed = (self.sort, self.reverse)
        labels = {}
        for key, label in self.columns:
            mark = f" {self.t('sort_down' if self.reverse else 'sort_up')}" if key == self.sort else ""
            labels[key] = Text(self.t(label) + mark)
        if [str(column_key.value) for column_key in table.columns] == list(labels):
            for column_key, column in table.columns.items():
                column.label = labels[str(column_key.value)]
                column.content_width = max(column.content_width, cell_len(column.label.plain))
            table.refresh()
            return
        table.clear(columns=True)
        for key, label_text in labels.items():
            table.add_column(label_text, key=key)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.stale:
            self.stale = False
            self.memo = {}
            self.reload(keep_page=True)

    def mark_stale(self) -> None:
        self.stale = True

    # --- loading -------------------------------------------------------------------------------
    def filters(self):  # noqa: ANN201
        from ..ledger_api import CaseFilters

        def sel(wid: str) -> Any:
            widget = self.query_one(wid, Select)
            return None if widget.is_blank() else widget.value

        return CaseFilters(
            status=sel("#flt-status"), category=sel("#flt-category"), severity=sel("#flt-severity"),
            period=self.query_one("#flt-period", Input).value.strip() or None,
            overdue=self.query_one("#flt-overdue", Checkbox).value,
        )

    def reload(self, keep_page: bool = False) -> None:
        if not keep_page:
            self.page = 1
        self.query_one("#page-line", Static).update(plain(self.t("busy")))
        self.seq += 1
        self.load(self.filters(), self.sort, self.reverse, self.page, self.seq)

    @work(thread=True, exit_on_error=False, exclusive=True, group="ledger-load")
    def load(self, filters, sort: str, reverse: bool, page: int, seq: int = 0) -> None:  # noqa: ANN001
        """One page from the store, in a worker: the database filters, orders and cuts it, so a
        page, a sort or a filter costs the same on 100 cases as on 100,000."""
        from ..ledger_api import case_page

        try:
            result = case_page(self.backend, filters, sort, reverse, page, PAGE_SIZE, self.memo)
        except Exception as exc:  # noqa: BLE001 - a bad period or a database error: say so
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            self.app.call_from_thread(self.query_one("#page-line", Static).update, "")
            return
        self.post_message(Loaded("page", result, {"seq": seq}))

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "page":
            if message.extra.get("seq", self.seq) != self.seq:
                return  # an older request, overtaken by a newer page, sort or filter
            self.pages = message.data.pages
            self.show_page(message.data)
        elif message.what == "detail":
            self.app.push_screen(CaseDetailScreen(message.data, self.backend, self.escalated))
        elif message.what == "escalate":
            from .escalate import ask_escalation

            ask_escalation(self, self.backend, message.data.case, self.escalated)
        elif message.what == "edit":
            from .entry import EntryScreen

            self.tapp.action_goto("entry")
            entry = self.tapp.screen_of("entry")
            if isinstance(entry, EntryScreen) and message.data is not None:
                case, locked = message.data
                entry.open_case(case, locked)

    def escalated(self, detail: Any) -> None:
        """A case moved up: its row shows the new level, due date and overdue days."""
        self.memo = {}
        self.reload(keep_page=True)
        self.tapp.case_changed()

    def show_page(self, page) -> None:  # noqa: ANN001
        self.page = page.page
        table = self.query_one("#cases", DataTable)
        # the case under the cursor stays under it when it is still shown; a new sort starts at the top
        kept = None if self._headed != (self.sort, self.reverse) else self._current_id()
        if self._headed != (self.sort, self.reverse):
            self._head(table)
        table.clear()
        self.row_ids = []
        lab = self.backend.label
        for row in page.rows:
            case = row.case
            state = row.state
            style = "bold red" if state.overdue > 0 else ""
            cells = {
                "number": case.number, "unit": row.unit, "parties": short_parties(case.parties, self.lang),
                "category": lab("category", case.category), "severity": lab("severity", case.severity),
                "status": lab("status", case.status),
                "overdue": self.t("days_unit", days=state.overdue) if state.overdue > 0 else "",
                "reward": format_yuan(state.reward) if state.reward is not None else "",
                "received": case.received_on.isoformat(),
                "settled": case.settled_on.isoformat() if case.settled_on else "",
                "level": lab("level", state.level),
            }
            table.add_row(*(plain(cells[key], style) for key, _ in self.columns), key=str(case.id))
            self.row_ids.append(case.id)
        if kept in self.row_ids:
            table.move_cursor(row=self.row_ids.index(kept))
        else:
            table.move_cursor(row=0)
            table.scroll_home(animate=False)
        table.refresh(layout=True)
        self.query_one("#page-line", Static).update(
            plain(self.t("page", page=page.page, pages=page.pages, total=page.total)))
        self.refresh_bindings()  # the page keys follow the page shown

    # --- filters and sorting -------------------------------------------------------------------
    @on(Select.Changed, ".filters Select")
    @on(Checkbox.Changed, "#flt-overdue")
    @on(Input.Submitted, "#flt-period")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Changed, "#flt-period")
    def _period_typed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if text == "" or len(text) in (4, 6, 7):  # 2026, 2026Q2, 2026-05
            self.reload()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    def sort_by(self, key: str | None) -> None:
        """Sort by a column; the column sorted by already goes the other way."""
        if key not in SORTABLE:
            return
        self.reverse = not self.reverse if self.sort == key else False
        self.sort = key
        self.reload()

    def action_sort(self) -> None:
        """The columns to sort by, for a keyboard: a click on a header does the same."""
        choices = [(key, self.t(label)) for key, label in self.columns if key in SORTABLE]
        self.app.push_screen(SortDialog(choices, self.sort, self.reverse, self.lang), self.sort_by)

    # --- actions -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The page keys are offered only where there is a page to go to.
        if action == "next_page" and (self.pages is None or self.page >= self.pages):
            return False
        if action == "prev_page" and self.page <= 1:
            return False
        return super().check_action(action, parameters)

    def action_next_page(self) -> None:
        if self.pages is not None and self.page >= self.pages:
            return
        self.page += 1
        self.reload(keep_page=True)

    def action_prev_page(self) -> None:
        if self.page <= 1:
            return
        self.page -= 1
        self.reload(keep_page=True)

    def action_reload(self) -> None:
        self.memo = {}
        self.reload(keep_page=True)

    def _current_id(self) -> int | None:
        table = self.query_one("#cases", DataTable)
        if not self.row_ids or table.cursor_row is None or table.cursor_row >= len(self.row_ids):
            return None
        return self.row_ids[table.cursor_row]

    def action_open_case(self) -> None:
        case_id = self._current_id()
        if case_id is not None:
            self.fetch("detail", case_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_case()

    def action_escalate(self) -> None:
        from ..ledger_api import may_write_cases

        if not may_write_cases(self.backend):
            self.notify(self.t("not_allowed", screen=self.t("escalate")), severity="warning", markup=False)
            return
        case_id = self._current_id()
        if case_id is None:
            self.notify(self.t("esc_pick"), severity="warning", markup=False)
            return
        self.fetch("escalate", case_id)

    def action_edit_case(self) -> None:
        if "entry" not in self.tapp.offered:
            self.notify(self.t("not_allowed", screen=self.t("screen_entry")), severity="warning", markup=False)
            return
        case_id = self._current_id()
        if case_id is not None:
            self.fetch("edit", case_id)

    @work(thread=True, exit_on_error=False, group="ledger-detail")
    def fetch(self, what: str, case_id: int) -> None:
        from .. import ledger_api

        try:
            data = ledger_api.case_to_edit(self.backend, case_id) if what == "edit" else ledger_api.case_detail(self.backend, case_id)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded(what, data))


class SortDialog(ModalScreen[str | None]):
    """Which column the ledger is sorted by: arrows and Enter; the column sorted by now is marked
    and chosen again sorts the other way. Returns the column's key, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, choices: list[tuple[str, str]], current: str, reverse: bool, lang: Lang) -> None:
        super().__init__(classes="dialog")
        self.choices, self.current, self.reverse, self.lang = choices, current, reverse, lang

    def compose(self) -> ComposeResult:
        mark = tr("sort_down" if self.reverse else "sort_up", self.lang)
        options = [Option(plain(f"{label} {mark}" if key == self.current else label), id=key) for key, label in self.choices]
        with Vertical(classes="dialog-box", id="sort-box"):
            yield Label(plain(tr("sort_title", self.lang), "bold"), classes="dialog-title")
            yield OptionList(*options, id="sort-columns")

    def on_mount(self) -> None:
        columns = self.query_one("#sort-columns", OptionList)
        keys = [key for key, _ in self.choices]
        columns.highlighted = keys.index(self.current) if self.current in keys else 0
        columns.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
