"""案件登记 Case entry: a form for a new or existing case, with a live panel that shows — as the
mediator types — the reward the case would earn, its escalation level and due date, and why."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tiaojie.money import format_yuan

from ..backend import LiveResult, describe_error
from ..messages import LiveComputed, Loaded
from ..widgets import plain
from .base import BaseScreen


@dataclass(frozen=True)
class FormField:
    name: str  # the case field (vocabulary name where there is one)
    kind: str  # text | enum | date | int | money | bool
    label_key: str | None = None  # UI catalog key; None: the vocabulary's title
    enum: str | None = None
    vocab: str | None = None  # vocabulary field to coerce through
    placeholder_key: str | None = None


FORM: tuple[FormField, ...] = (
    FormField("number", "text", "f_number"),
    FormField("parties", "text", "f_parties", placeholder_key="f_parties_hint"),
    FormField("category", "enum", enum="category", vocab="category"),
    FormField("severity", "enum", enum="severity", vocab="severity"),
    FormField("status", "enum", enum="status", vocab="status"),
    FormField("settled_by", "enum", enum="settled_by", vocab="settled_by"),
    FormField("received_on", "date", "f_received_on", vocab="received_on", placeholder_key="f_date_hint"),
    FormField("settled_on", "date", "f_settled_on", vocab="settled_on", placeholder_key="f_date_hint"),
    FormField("urgency", "enum", enum="urgency", vocab="urgency"),
    FormField("source", "enum", enum="source", vocab="source"),
    FormField("persons_involved", "int", "f_persons", vocab="persons_involved"),
    FormField("amount_involved", "money", "f_amount", vocab="amount_involved", placeholder_key="f_amount_hint"),
    FormField("needs_verification", "bool", "f_needs_verification"),
    FormField("agreement_kind", "enum", enum="agreement", vocab="agreement"),
    FormField("agreement_fulfilled", "bool", "f_agreement_fulfilled"),
    FormField("follow_up_done", "bool", "f_follow_up"),
    FormField("file_complete", "bool", "f_file_complete"),
    FormField("summary", "text", "f_summary"),
)
PRIMARY = 8  # the fields shown first; the others mount right after the first paint
REQUIRED = ("number", "category", "received_on")
DEFAULTS = {"severity": "ordinary", "status": "received", "urgency": "normal", "source": "application"}
_SPLIT = re.compile(r"[、,，;；]+")


def split_names(text: str) -> list[str]:
    return [name.strip() for name in _SPLIT.split(text or "") if name.strip()]


class EntryScreen(BaseScreen):
    SCREEN_ID = "entry"
    KEYS = [("ctrl+s", "save", "save"), ("ctrl+n", "new_case", "new_case")]
    # Focus moves to the first field once the form is on the terminal (see on_mount): focusing
    # restyles the whole form, and the mediator sees the form a frame sooner without waiting for it.
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self._seq = 0
        self._shown = -1
        self._timer = None
        self.editing: Any | None = None  # the stored case being edited (ledger model), if any
        self.unit_ref: Any | None = None
        self._errors_shown: dict[str, str] = {}
        self._widgets: dict[str, Any] = {}
        self._error_boxes: dict[str, Static] = {}

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Horizontal(id="entry"):
            with VerticalScroll(id="entry-form"):
                yield Static(plain(self.t("new_case"), "bold"), id="entry-title")
                if self.backend.has_ledger and self.backend.role != "mediator":
                    with Horizontal(classes="field-row"):
                        yield Label(plain(self.t("f_unit")), classes="field-label")
                        yield Select(self.tapp.unit_choices(), prompt=self.t("choose"), id="f-unit", compact=True)
                for spec in FORM[:PRIMARY]:
                    yield from self._field(spec)
                # The rest of the form mounts right after the first paint, so the screen is there
                # at once; the fields above are what a mediator fills first.
                with Lazy(Vertical(id="entry-more")):
                    for spec in FORM[PRIMARY:]:
                        yield from self._field(spec)
                    with Horizontal(classes="buttons"):
                        yield Button(self.t("save"), variant="primary", id="entry-save")
                        yield Button(self.t("new_case"), id="entry-new")
            with Vertical(id="live"):
                yield Static(plain(self.t("live_title"), "bold"), classes="panel-title")
                yield Static(plain(self.t("live_waiting"), "dim"), id="live-reward")
                yield Static("", id="live-level")
                yield Static("", id="live-due")
                yield Static(plain(self.t("live_why"), "bold"), classes="panel-title")
                with VerticalScroll(id="live-why-box"):
                    yield Static("", id="live-why")
        yield footer

    def _label(self, spec: FormField) -> str:
        if spec.label_key:
            return self.t(spec.label_key)
        return self.backend.field_title(spec.vocab or spec.name)

    def _field(self, spec: FormField) -> ComposeResult:
        """One row: label, the widget, and the validation message beside it (shown when set)."""
        wid = f"f-{spec.name}"
        with Horizontal(classes="field-row"):
            widget: Any
            if spec.kind == "bool":
                widget = Checkbox(self._label(spec), id=wid, compact=True, classes="field-check")
            else:
                yield Label(plain(self._label(spec)), classes="field-label")
                if spec.kind == "enum":
                    widget = Select(self.backend.choices(spec.enum or spec.name), prompt=self.t("choose"), id=wid,
                                    compact=True, value=DEFAULTS.get(spec.name, Select.NULL))
                else:
                    value = self.backend.date().isoformat() if spec.name == "received_on" else ""
                    placeholder = self.t(spec.placeholder_key) if spec.placeholder_key else ""
                    widget = Input(value=value, placeholder=placeholder, id=wid, compact=True)
            yield widget
            error = Static("", id=f"e-{spec.name}", classes="field-error")
            yield error
        self._widgets[spec.name] = widget  # kept: reading the form must not search the DOM per key
        self._error_boxes[spec.name] = error

    def on_mount(self) -> None:
        self.call_after_refresh(self.query_one("#f-number", Input).focus)
        self._schedule()

    # --- reading and checking the form ---------------------------------------------------------
    def raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in FORM:
            widget = self._widgets.get(spec.name)
            if widget is None or not widget.is_mounted:  # the lazy part of the form: its default
                out[spec.name] = False if spec.kind == "bool" else DEFAULTS.get(spec.name, "")
                continue
            if isinstance(widget, Select):
                out[spec.name] = None if widget.is_blank() else widget.value
            elif isinstance(widget, Checkbox):
                out[spec.name] = widget.value
            else:
                out[spec.name] = widget.value  # type: ignore[attr-defined]
        return out

    def read(self, final: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
        """Typed values and the problems found, by field. `final` adds the required checks."""
        from tiaojie.value_errors import InvalidValue
        raw = self.raw()
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for spec in FORM:
            value = raw[spec.name]
            if spec.kind in ("date", "int", "money"):
                text = (value or "").strip()
                if not text:
                    values[spec.name] = None
                    continue
                try:
                    typed = self.backend.field(spec.vocab).coerce(text) if self.backend.field(spec.vocab or "") \
                        else text
                except InvalidValue:
                    errors[spec.name] = self.t({"date": "v_date", "int": "v_int", "money": "v_money"}[spec.kind])
                    continue
                if spec.kind in ("int", "money") and typed < 0:
                    errors[spec.name] = self.t("v_int" if spec.kind == "int" else "v_money")
                    continue
                values[spec.name] = typed
            elif spec.kind == "text":
                values[spec.name] = (value or "").strip()
            else:
                values[spec.name] = value
        if values.get("status") == "settled":
            for name in ("settled_on", "settled_by"):
                if not values.get(name) and name not in errors:
                    errors[name] = self.t("v_settled_needs")
        received, settled = values.get("received_on"), values.get("settled_on")
        if received and settled and settled < received and "settled_on" not in errors:
            errors["settled_on"] = self.t("v_settled_before")
        if final:
            for name in REQUIRED:
                if not values.get(name) and name not in errors:
                    errors[name] = self.t("v_required")
        return values, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for spec in FORM:
            text = errors.get(spec.name, "")
            if self._errors_shown.get(spec.name, "") == text:
                continue
            self._errors_shown[spec.name] = text
            box = self._error_boxes.get(spec.name)
            if box is None or not box.is_mounted:
                self._errors_shown.pop(spec.name, None)
                continue
            box.update(plain(text))
            box.set_class(bool(text), "shown")

    def case_input(self, values: dict[str, Any]) -> dict[str, Any]:
        """The form's values as the rules will read the saved case (`Case.evaluation_input`):
        vocabulary names, typed, empty fields left out, an unchecked box read as no — so the
        panel shows what saving stores."""
        case = {k: v for k, v in values.items() if v not in (None, "") and k not in ("number", "parties", "summary")}
        if "agreement_kind" in case:
            case["agreement"] = case.pop("agreement_kind")
        editing = self.editing
        case["parties_count"] = len(split_names(values.get("parties") or ""))
        case["mediators_count"] = len(getattr(editing, "mediators", None) or ())
        case["escalation_count"] = len(getattr(editing, "escalations", None) or ())
        case["sessions"] = case["escalation_count"] + 1
        if getattr(editing, "level", None):
            case["level"] = editing.level
        return case

    # --- live panel ----------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.08, self._recompute)

    def _recompute(self) -> None:
        self._timer = None
        values, errors = self.read()
        self.show_errors(errors)
        self._seq += 1
        case = self.case_input({k: v for k, v in values.items() if k not in errors})
        self.compute_live(self._seq, case)

    @work(thread=True, exit_on_error=False, group="live")
    def compute_live(self, seq: int, case: dict[str, Any]) -> None:
        self.post_message(LiveComputed(seq, self.backend.live(case)))

    def on_live_computed(self, message: LiveComputed) -> None:
        if message.seq < self._shown:
            return  # an older computation finished late
        self._shown = message.seq
        self.render_live(message.result)

    def render_live(self, result: LiveResult) -> None:
        reward = Text()
        why = Text()
        for res in result.rewards:
            reward.append(self.t("live_reward") + "  ", style="bold")
            if res.outcome is not None:
                amount = res.outcome.outputs.get("amount", Decimal(0))
                reward.append(format_yuan(Decimal(amount)) + (" 元" if self.lang == "zh" else " yuan"),
                              style="bold green" if Decimal(amount) > 0 else "bold")
            else:
                reward.append(self.t("none"))
            reward.append("\n  " + self.t("live_policy", title=res.title, version=res.version), style="dim")
            self._why(why, res)
            break  # the first reward policy is the headline; the others are in the explanation
        for res in result.rewards[1:]:
            self._why(why, res)
        level = Text()
        due = Text()
        for res in result.escalations[:1]:
            level.append(self.t("live_level") + "  ", style="bold")
            due.append(self.t("live_due") + "  ", style="bold")
            if res.outcome is not None:
                out = res.outcome.outputs
                level.append(self.backend.label("level", out.get("level")))
                due_on = out.get("due_on")
                due.append(due_on.isoformat() if isinstance(due_on, dt.date) else str(due_on or self.t("none")))
                days = int(out.get("days_overdue") or 0)
                due.append("  ")
                if days > 0:
                    due.append(self.t("live_overdue", days=days), style="bold red")
                else:
                    due.append(self.t("live_not_overdue"), style="green")
            else:
                level.append(self.t("none"))
                due.append(self.t("live_cannot", detail=res.error or ""), style="yellow")
            self._why(why, res)
        self.query_one("#live-reward", Static).update(reward)
        self.query_one("#live-level", Static).update(level)
        self.query_one("#live-due", Static).update(due)
        self.query_one("#live-why", Static).update(why)

    def _why(self, why: Text, res) -> None:  # noqa: ANN001
        if why:
            why.append("\n")
        why.append(res.title + " " + res.version, style="bold")
        if res.outcome is None:
            why.append("\n·" + self.t("live_cannot", detail=res.error or ""), style="yellow")
            return
        for line in res.outcome.explanation:
            why.append("\n·" + line.render(self.lang))
        for line in res.outcome.near_misses:
            why.append("\n·" + line.render(self.lang), style="dim")

    # --- saving --------------------------------------------------------------------------------
    def action_save(self) -> None:
        values, errors = self.read(final=True)
        self.show_errors(errors)
        if errors:
            self.notify(self.t("v_fix_first", count=len(errors)), severity="warning", markup=False)
            first = next(spec.name for spec in FORM if spec.name in errors)
            self.query_one(f"#f-{first}").focus()
            return
        if not self.backend.has_ledger:
            self.notify(self.t("saved_local"), severity="warning", markup=False)
            return
        unit = None
        if self.query("#f-unit"):
            select = self.query_one("#f-unit", Select)
            unit = None if select.is_blank() else select.value
        self.save_case(values, unit, self.editing)

    @work(thread=True, exit_on_error=False, group="save")
    def save_case(self, values: dict[str, Any], unit: Any, editing: Any) -> None:
        from .. import ledger_api

        try:
            result = ledger_api.save_case(self.backend, values, unit, editing)
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing was saved
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("saved", result))

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "saved":
            case, amount = message.data
            self.editing = case
            self.query_one("#entry-title", Static).update(plain(self.t("editing", number=case.number), "bold"))
            self.query_one("#f-number", Input).disabled = True  # stored: further saves edit this case
            self.notify(self.t("saved", number=case.number, amount=amount), markup=False)
            self.tapp.case_changed()

    def action_new_case(self) -> None:
        self.editing = None
        self.query_one("#entry-title", Static).update(plain(self.t("new_case"), "bold"))
        for spec in FORM:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, Select):
                if spec.name in DEFAULTS:
                    widget.value = DEFAULTS[spec.name]
                else:
                    widget.clear()
            elif isinstance(widget, Checkbox):
                widget.value = False
            else:
                widget.value = self.backend.date().isoformat() if spec.name == "received_on" else ""  # type: ignore[attr-defined]
        self.query_one("#f-number", Input).disabled = False
        self.query_one("#f-number", Input).focus()

    def load_case(self, case: Any) -> None:
        """Fill the form from a stored case (ledger model) to edit it."""
        self.editing = case
        self.query_one("#entry-title", Static).update(plain(self.t("editing", number=case.number), "bold"))
        for spec in FORM:
            widget = self.query_one(f"#f-{spec.name}")
            value = getattr(case, spec.name, None)
            if isinstance(widget, Select):
                if value is None:
                    widget.clear()
                else:
                    widget.value = value
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif spec.name == "parties":
                widget.value = "、".join(value or [])  # type: ignore[attr-defined]
            elif isinstance(value, dt.date):
                widget.value = value.isoformat()  # type: ignore[attr-defined]
            elif isinstance(value, Decimal):
                widget.value = format_yuan(value) if value else ""  # type: ignore[attr-defined]
            else:
                widget.value = "" if value in (None, 0) else str(value)  # type: ignore[attr-defined]
        self.query_one("#f-number", Input).disabled = True
        self._schedule()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "entry-save":
            self.action_save()
        elif event.button.id == "entry-new":
            self.action_new_case()
