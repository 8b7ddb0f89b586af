"""村务 Village affairs: residents' matters with the meetings that decide them and the measures that
follow, the households' visits each person still owes, and the cadres' half-yearly satisfaction
reviews — each tab read from the ledger, each rate and count computed, never typed."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ..backend import describe_error
from ..widgets import plain
from .loaded_screen import LoadedScreen

TABS = ("matters", "meetings", "measures", "duties", "reviews")

# A write's dialog: (fields as (name, label key, default key or ""), service function name)
FORMS: dict[str, tuple[tuple[tuple[str, str, str], ...], str]] = {
    "new_matter": ((("unit", "v_unit", "home"), ("raised_by", "v_raised_by", ""), ("summary", "v_summary", ""),
                    ("urgency", "v_urgency_hint", ""), ("parties", "v_parties_hint", ""),
                    ("raised_on", "v_raised_on", "today")), "add_matter"),
    "log_visit": ((("unit", "v_unit", "home"), ("person", "v_person", ""), ("household", "v_household", ""),
                   ("visit_on", "v_visit_on", "today"), ("kind", "v_kind_hint", ""), ("note", "v_note", "")),
                  "add_visit"),
    "record_review": ((("unit", "v_unit", "home"), ("cadre", "v_cadre", ""), ("review_on", "v_review_on", "today"),
                       ("respondents", "v_respondents", ""), ("dissatisfied", "v_dissatisfied", "")),
                      "record_review"),
    # a meeting's own steps, in the order a meeting takes them
    "plan_meeting": ((("unit", "v_unit", "home"), ("held_on", "v_held_on", "today"), ("kind", "v_kind_meeting", "")),
                     "plan_meeting"),
    "attend": ((("meeting", "v_meeting", ""), ("name", "v_attendee", ""), ("party", "v_party_hint", "")), "attend"),
    "decide": ((("meeting", "v_meeting", ""), ("matter", "v_matter", ""), ("consensus", "v_consensus", "")), "decide"),
    "add_measure": ((("meeting", "v_meeting", ""), ("matter", "v_matter", ""), ("action", "v_action", ""),
                     ("owner", "v_owner", ""), ("due_on", "v_due", "")), "add_measure"),
    "mark_done": ((("measure", "v_measure_ref", ""), ("done_on", "v_done_on", "today")), "mark_done"),
    "close_matter": ((("matter", "v_matter", ""), ("resolved", "v_resolved_hint", ""), ("reason", "v_reason", ""),
                      ("closed_on", "v_closed_on", "today")), "close_matter"),
    "export_minutes": ((("meeting", "v_meeting", ""), ("path", "v_minutes_path", "")), "export_minutes"),
    # a cadre or party member, whom visits and reviews name (as `tiaojie person add` does)
    "add_person": ((("unit", "v_unit", "home"), ("name", "v_person_name", ""), ("post", "v_post", ""),
                    ("committee", "v_committee_hint", "yes"), ("party_member", "v_party_member_hint", "no")),
                   "add_person"),
}


class VillageScreen(LoadedScreen):
    SCREEN_ID = "village"
    KEYS = [("ctrl+r", "reload", "refresh"), ("n", "new_matter", "v_new_matter"), ("v", "log_visit", "v_log_visit"),
            ("m", "record_review", "v_record_review"), ("p", "plan_meeting", "v_plan_meeting"),
            ("t", "attend", "v_attend"), ("d", "decide", "v_decide"), ("e", "add_measure", "v_add_measure"),
            ("o", "mark_done", "v_mark_done"), ("c", "close_matter", "v_close_matter"),
            ("w", "export_minutes", "v_export_minutes"), ("a", "add_person", "v_add_person")]

    # A tab by its number, as its label shows it: the tabs are not in the focus chain of the keyboard.
    BINDINGS = [Binding(str(number), f"show_tab({number})", show=False) for number in range(1, len(TABS) + 1)]

    def __init__(self) -> None:
        super().__init__()
        self.home = ""  # the user's own unit, offered in every dialog
        self.rows: dict[str, list[list[str]]] = {}  # each tab's rows as shown, for the row selected

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with TabbedContent(id="vl-tabs"):
            for number, tab in enumerate(TABS, start=1):
                with TabPane(f"{number} {self.t(f'v_tab_{tab}')}", id=f"vl-{tab}"):
                    yield Static("", id=f"vl-{tab}-summary")
                    yield DataTable(id=f"vl-{tab}-table", zebra_stripes=True, cursor_type="row")
        yield footer

    def reload(self) -> None:
        from .. import ledger_api, village_api

        def fetch() -> dict[str, Any]:
            data: dict[str, Any] = {tab: getattr(village_api, tab)(self.backend) for tab in TABS}
            data["home"] = ledger_api.unit_name(self.backend)
            return data

        self.fetch_in_background(fetch)

    def show(self, data: dict[str, Any]) -> None:
        self.home = data["home"]
        for tab in TABS:
            shown = data[tab]
            self.rows[tab] = shown.rows
            said = shown.summary
            if tab == "meetings" and self.role_may("plan_meeting"):  # the meeting's keys, to whom may use them
                said += self.t("v_meetings_keys")
            self.query_one(f"#vl-{tab}-summary", Static).update(plain(said))
            table = self.query_one(f"#vl-{tab}-table", DataTable)
            table.clear(columns=True)
            for title in shown.header:
                table.add_column(plain(title, "bold"))
            for i, row in enumerate(shown.rows):
                table.add_row(*(plain(cell, "bold red" if i in shown.marked else "") for cell in row))

    def action_show_tab(self, number: int) -> None:
        tab = TABS[number - 1]
        self.query_one("#vl-tabs", TabbedContent).active = f"vl-{tab}"
        self.query_one(f"#vl-{tab}-table", DataTable).focus()  # the arrow keys and Enter go to its rows

    # --- a meeting's agenda ------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a meeting: its agenda, consensus, measures and attendance."""
        rows = self.rows.get("meetings", [])
        if event.data_table.id == "vl-meetings-table" and 0 <= event.cursor_row < len(rows):
            event.stop()
            self.open_agenda(rows[event.cursor_row][0])

    @work(thread=True, exit_on_error=False, group="village-agenda")
    def open_agenda(self, number: str) -> None:
        from .. import village_api
        from .village_agenda import AgendaDialog

        try:
            agenda = village_api.agenda(self.backend, number)
        except Exception as exc:  # noqa: BLE001 - a meeting gone or out of reach is said, not raised
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.app.call_from_thread(self.app.push_screen, AgendaDialog(agenda, self.lang))

    # --- writes ----------------------------------------------------------------------------------
    def action_new_matter(self) -> None:
        self._ask("new_matter")

    def action_log_visit(self) -> None:
        self._ask("log_visit")

    def action_record_review(self) -> None:
        self._ask("record_review")

    def action_plan_meeting(self) -> None:
        self._ask("plan_meeting")

    def action_attend(self) -> None:
        self._ask("attend")

    def action_decide(self) -> None:
        self._ask("decide")

    def action_add_measure(self) -> None:
        self._ask("add_measure")

    def action_mark_done(self) -> None:
        self._ask("mark_done")

    def action_close_matter(self) -> None:
        self._ask("close_matter")

    def action_export_minutes(self) -> None:
        self._ask("export_minutes")

    def action_add_person(self) -> None:
        self._ask("add_person")

    def _ask(self, action: str, typed: dict[str, str] | None = None, error: str | None = None) -> None:
        if not self.backend.has_ledger:
            self.notify(self.t("not_available"), severity="warning", markup=False)
            return
        fields, _ = FORMS[action]
        defaults = {"home": self.home, "today": self.backend.date().isoformat(), "": "", "yes": self.t("v_yes"),
                    "no": self.t("v_no")}
        picked = self.selected()  # what was typed (a refused dialog's values) wins over the row selected
        shown = [(name, self.t(label), (typed or {}).get(name, picked.get(name, defaults[default])))
                 for name, label, default in fields]
        self.ask_in_dialog(action, self.t(f"v_{action}"), shown, error)

    def selected(self) -> dict[str, str]:
        """The fields the row under the cursor names, in the tab shown: a matter's number, a
        meeting's number, or a measure's reference (with its meeting and its matter)."""
        tab = (self.query_one("#vl-tabs", TabbedContent).active or "").removeprefix("vl-")
        rows = self.rows.get(tab, [])
        at = self.query_one(f"#vl-{tab}-table", DataTable).cursor_row if tab in TABS else -1
        if not 0 <= at < len(rows):
            return {}
        row = rows[at]
        if tab == "matters":
            return {"matter": row[0]}
        if tab == "meetings":
            return {"meeting": row[0]}
        if tab == "measures":  # HY-2026-001/2 of matter SQ-2026-0003
            return {"measure": row[0], "meeting": row[0].rpartition("/")[0], "matter": row[1]}
        return {}

    def ask_again(self, action: str, typed: dict[str, str], error: str) -> None:
        self._ask(action, typed, error)

    def write(self, action: str, values: dict[str, str]) -> str:
        from .. import village_api

        return str(getattr(village_api, FORMS[action][1])(self.backend, values))

    def done_message(self, action: str, said: str) -> str:
        return self.t(f"v_{action}_done", said=said)
