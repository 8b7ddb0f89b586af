"""酒席报备 Banquets: file a banquet and see its violations at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tiaojie.value_errors import InvalidValue

from ..backend import describe_error
from ..messages import Loaded
from ..widgets import plain
from .base import BaseScreen

if TYPE_CHECKING:
    from textual.timer import Timer

# (name, kind, label key or None for the vocabulary field's title, vocabulary field or None for free text)
BANQUET_FORM = (
    ("household", "text", "b_household", None),
    ("occasion", "enum", "b_occasion", "occasion"),
    ("host_age", "int", None, "host_age"),
    ("date", "date", "b_date", "date"),
    ("days", "int", "b_days", "days"),
    ("tables", "int", "b_tables", "tables"),
    ("gift", "money", "b_gift", "gift"),
    ("filed_on", "date", "b_filed_on", "date"),
)


class BanquetScreen(BaseScreen):
    SCREEN_ID = "banquets"
    KEYS = [("ctrl+s", "file", "b_file")]

    def __init__(self) -> None:
        super().__init__()
        self._seq = 0
        self._shown = -1
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Horizontal(id="banquet"):
            with VerticalScroll(id="banquet-form"):
                for name, kind, key, vocab in BANQUET_FORM:
                    if key:
                        label = self.t(key)
                    else:
                        assert vocab is not None, f"{name}: a row without a label key takes its field's title"
                        label = self.backend.field_title(vocab)
                    with Horizontal(classes="field-row"):
                        yield Label(plain(label), classes="field-label")
                        if kind == "enum":
                            assert vocab is not None, f"{name}: a choice lists its field's values"
                            yield Select(self.backend.choices(vocab), prompt=self.t("choose"), id=f"b-{name}",
                                         compact=True)
                        else:
                            value = self.backend.date().isoformat() if name == "filed_on" else ""
                            yield Input(value=value, id=f"b-{name}", compact=True,
                                        placeholder=self.t("f_date_hint") if kind == "date" else "")
                        yield Static("", id=f"be-{name}", classes="field-error")
                with Horizontal(classes="buttons"):
                    yield Button(self.t("b_file"), variant="primary", id="banquet-file")
            with Vertical(id="banquet-result"):
                yield Static("", id="banquet-verdict")
                if self.backend.has_ledger:
                    yield Static(plain(self.t("b_recent"), "bold"), classes="panel-title")
                    yield DataTable(id="banquet-recent", cursor_type="row")
        yield footer

    def on_mount(self) -> None:
        self.call_after_refresh(self.query_one("#b-household", Input).focus)
        if self.backend.has_ledger:
            table = self.query_one("#banquet-recent", DataTable)
            for key in ("b_household", "b_occasion", "b_date", "b_violations"):
                table.add_column(self.t(key, count="") if key == "b_violations" else self.t(key))
            self.load_recent()

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, kind, _, vocab in BANQUET_FORM:
            if kind == "enum":
                select = self.query_one(f"#b-{name}", Select)
                values[name] = None if select.is_blank() else select.value
                continue
            text = self.query_one(f"#b-{name}", Input).value.strip()
            if vocab is None or not text:  # free text, or nothing entered
                values[name] = text or None
                continue
            try:
                values[name] = self.backend.field(vocab).coerce(text)
            except InvalidValue:
                errors[name] = self.t({"date": "v_date", "int": "v_int", "money": "v_money"}[kind])
        return values, errors

    @staticmethod
    def case_input(values: dict[str, Any]) -> dict[str, Any]:
        """The form as the banquet policy will read the filing once stored (the ledger's one mapping)."""
        from tiaojie.ledger.banquets import filing_input

        return filing_input(occasion=values.get("occasion"), held_on=values.get("date"), days=values.get("days"),
                            tables=values.get("tables"), gift=values.get("gift"), filed_on=values.get("filed_on"),
                            host_age=values.get("host_age"))

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.08, self._recompute)

    def _recompute(self) -> None:
        self._timer = None
        values, errors = self.read()
        for name, *_ in BANQUET_FORM:
            box = self.query_one(f"#be-{name}", Static)
            box.update(plain(errors.get(name, "")))
            box.set_class(name in errors, "shown")
        self._seq += 1
        self.check(self._seq, self.case_input({k: v for k, v in values.items() if k not in errors}))

    @work(thread=True, exit_on_error=False, group="banquet-check")
    def check(self, seq: int, case: dict[str, Any]) -> None:
        results = [self.backend.evaluate(pid, case, case.get("date")) for pid in self.backend.policies_of("banquet")]
        self.post_message(Loaded("verdict", results, {"seq": seq}))

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "verdict":
            if message.extra["seq"] < self._shown:
                return
            self._shown = message.extra["seq"]
            self.show_verdict(message.data)
        elif message.what == "recent":
            table = self.query_one("#banquet-recent", DataTable)
            table.clear()
            for row in message.data:
                table.add_row(*(plain(cell) for cell in row))
        elif message.what == "filed":
            household, count = message.data
            self.notify(self.t("b_filed", household=household, count=count), markup=False,
                        severity="warning" if count else "information")
            self.load_recent()

    def show_verdict(self, results) -> None:  # noqa: ANN001
        out = Text()
        values, _ = self.read()
        if not values.get("occasion") or not values.get("date"):
            self.query_one("#banquet-verdict", Static).update(plain(self.t("b_waiting"), "dim"))
            return
        for res in results:
            out.append(f"{res.title} {res.version}\n", style="bold")
            if res.outcome is None:
                out.append(self.t("live_cannot", detail=res.error or "") + "\n", style="yellow")
                continue
            violations = res.outcome.details.get("violations") or []
            if not violations:
                out.append("✓ " + self.t("b_ok") + "\n", style="bold green")
            else:
                out.append(self.t("b_violations", count=len(violations)) + "\n", style="bold red")
                for v in violations:
                    out.append("✗ ", style="red")
                    out.append(v["message"].render(self.lang) if hasattr(v["message"], "render") else str(v["message"]))
                    out.append("\n")
        self.query_one("#banquet-verdict", Static).update(out)

    def action_file(self) -> None:
        values, errors = self.read()
        missing = [n for n in ("household", "occasion", "date") if not values.get(n)]
        for name in missing:
            errors.setdefault(name, self.t("v_required"))
        for name, *_ in BANQUET_FORM:
            box = self.query_one(f"#be-{name}", Static)
            box.update(plain(errors.get(name, "")))
            box.set_class(name in errors, "shown")
        if errors:
            self.notify(self.t("v_fix_first", count=len(errors)), severity="warning", markup=False)
            return
        if not self.backend.has_ledger:
            self.notify(self.t("saved_local"), severity="warning", markup=False)
            return
        self.file_banquet(values)

    @work(thread=True, exit_on_error=False, group="banquet-file")
    def file_banquet(self, values: dict[str, Any]) -> None:
        from .. import ledger_api

        try:
            count = ledger_api.file_banquet(self.backend, values)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("filed", (values["household"], count)))

    @work(thread=True, exit_on_error=False, group="banquet-recent")
    def load_recent(self) -> None:
        from .. import ledger_api

        try:
            rows = ledger_api.recent_banquets(self.backend)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("recent", rows))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "banquet-file":
            self.action_file()

