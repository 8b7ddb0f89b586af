"""案件登记 Case entry: a form for a new or existing case, with a live panel that shows — as the
mediator types — the reward the case would earn, its escalation level and due date, and why."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static

from tiaojie.money import format_yuan

from ..backend import LiveResult, PolicyResult, describe_error
from ..messages import LiveComputed, Loaded
from ..widgets import plain
from .case_form import REQUIRED, TYPED, FormField, FormGroup, form_groups, form_rows
from .entry_state import CaseFormState

if TYPE_CHECKING:
    from textual.timer import Timer

INPUT_MIN_WIDTH = len("YYYY-MM-DD") + 3  # the text, the cursor after it and the padding
# the labels' column (.field-label in tui/tiaojie.tcss): 17 cells, the last the space before the field
LABEL_CELLS = 16


class EntryScreen(CaseFormState):
    SCREEN_ID = "entry"
    KEYS = [("ctrl+s", "save", "save"), ("ctrl+n", "new_case", "new_case")]
    # Focus moves to the first field once the form is on the terminal (see on_mount): focusing
    # restyles the whole form, and the mediator sees the form a frame sooner without waiting for it.
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self._seq = 0
        self._shown = -1
        self._timer: Timer | None = None
        self._errors_shown: dict[str, str] = {}
        self._error_boxes: dict[str, Static] = {}
        self.groups: list[FormGroup] = []  # the form, from the vocabulary (see compose)
        self._carry: dict[str, Any] = {}  # what the form held when it is rebuilt for another vocabulary
        self._form_errors: dict[str, str] = {}  # the problems last found on the form, by field

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Drawn from the vocabulary's labels: those kept from an earlier start when the rules
        # are not loaded yet, so the form is on the terminal before the rules core is imported.
        self.groups = form_groups(self.backend.labels(), self.lang)
        self.specs = [spec for group in self.groups for spec in group.fields]
        rows, cut = form_rows(self.groups)
        header, footer = self.header_footer()
        yield header
        with Horizontal(id="entry"):
            with VerticalScroll(id="entry-form"):
                yield Static(self._title(), id="entry-title")
                if self.backend.has_ledger and self.backend.role != "mediator":
                    with Horizontal(classes="field-row"):
                        yield Label(plain(self.t("f_unit")), classes="field-label")
                        yield Select(self.tapp.unit_choices(), prompt=self.t("choose"), id="f-unit", compact=True)
                yield from self._rows(rows[:cut])
                # The rest of the form mounts right after the first paint, so the screen is there
                # at once; the fields above are what a mediator fills first.
                with Lazy(Vertical(id="entry-more")):
                    yield from self._rows(rows[cut:])
                    with Horizontal(classes="buttons"):
                        yield Button(self.t("save"), variant="primary", id="entry-save")
                        yield Button(self.t("new_case"), id="entry-new")
            with Vertical(id="live"):
                yield Static(plain(self.t("live_title"), "bold"), classes="panel-title")
                yield Static(plain(self.t("live_waiting"), "dim"), id="live-reward")
                yield Static("", id="live-level")
                yield Static("", id="live-due")
                yield Static("", id="live-derived")
                yield Static(plain(self.t("live_why"), "bold"), classes="panel-title")
                with VerticalScroll(id="live-why-box"):
                    yield Static("", id="live-why")
        yield footer

    def _rows(self, rows: list[FormField | str]) -> ComposeResult:
        heading = ""  # the group's title just above, when a field comes right after it
        for row in rows:
            if isinstance(row, FormField):
                yield from self._field(row, heading)
                heading = ""
            else:
                yield Static(plain(row, "bold"), classes="form-group")
                heading = row

    def _label(self, spec: FormField) -> str:
        if spec.label_key:
            return self.t(spec.label_key)
        return self.backend.field_title(spec.name)

    def _initial(self, spec: FormField) -> Any:
        """What a field holds when drawn: what it held before the form was rebuilt, else its default."""
        if spec.name not in self._carry:
            return self._default(spec)
        value = self._carry[spec.name]
        if spec.kind == "enum":
            return Select.NULL if value is None else value
        if spec.kind == "checklist":
            return frozenset(value or ())
        return bool(value) if spec.kind == "bool" else (value or "")

    def _field(self, spec: FormField, heading: str = "") -> ComposeResult:
        """One row: label, the widget, and the validation message beside it (shown when set).

        A title wider than the labels' column ("Suicides prevented (persons)", or whatever a county
        names its field) is on its own line above the field, the field still in the fields' column;
        a case file's checklist is under its title, its items whole at 80 columns (the title not
        said again when it is the group's title just above: "Case file")."""
        wid = f"f-{spec.name}"
        value = self._initial(spec)
        widget: Any
        if spec.kind == "bool":
            widget = Checkbox(self._label(spec), value=value, id=wid, compact=True, classes="field-check")
        elif spec.kind == "checklist":
            # a case file's materials: one line per item, ticked with the space bar or a click
            items = self.backend.choices(spec.enum or spec.name)
            widget = SelectionList(*[(label, item, item in value) for label, item in items], id=wid,
                                   compact=True, classes="field-checklist")
            widget.styles.width = "1fr"
        else:
            if spec.kind == "enum":
                choices = self.backend.choices(spec.enum or spec.name)
                if value not in [value_id for _, value_id in choices]:
                    value = Select.NULL  # an id the enumeration no longer has
                widget = Select(choices, prompt=self.t("choose"), id=wid, compact=True, value=value)
            else:
                placeholder = self.t(spec.placeholder_key) if spec.placeholder_key else ""
                widget = Input(value=value, placeholder=placeholder, id=wid, compact=True,
                               disabled=spec.name == "number" and self.editing is not None)
                # a date, a count or an amount stays whole beside the message saying what is wrong with it
                widget.styles.min_width = INPUT_MIN_WIDTH
        error = Static("", id=f"e-{spec.name}", classes="field-error")
        row = [widget, error]
        title = self._label(spec)
        if spec.kind == "bool":
            yield Horizontal(*row, classes="field-row")
        elif spec.kind == "checklist" or cell_len(title) > LABEL_CELLS:
            under = "field-list" if spec.kind == "checklist" else "field-under"
            with Vertical(classes="field-long"):
                if title != heading:
                    yield Label(plain(title), classes="field-label-above")
                yield Horizontal(*row, classes=f"field-row {under}")
        else:
            yield Horizontal(Label(plain(title), classes="field-label"), *row, classes="field-row")
        self._widgets[spec.name] = widget  # kept: reading the form must not search the DOM per key
        self._error_boxes[spec.name] = error

    def on_mount(self) -> None:
        first = self._widgets.get("number") or next(
            (w for w in self._widgets.values() if isinstance(w, Input)), None)
        if first is not None:
            self.call_after_refresh(first.focus)
        self._schedule()

    # --- reading and checking the form ---------------------------------------------------------
    def read(self, final: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
        """Typed values by vocabulary field id (and `parties`, `summary`), and the problems found,
        by field, each naming the field. `final` adds the required checks."""
        from tiaojie.ledger import dates
        from tiaojie.value_errors import InvalidValue
        raw = self.raw()
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for spec in self.specs:
            value = raw[spec.name]
            if spec.kind in TYPED:
                text = (value or "").strip()
                if not text:
                    values[spec.name] = None
                    continue
                fdef = self.backend.field(spec.name)
                try:
                    typed = fdef.coerce(text) if fdef is not None else text
                except InvalidValue:
                    impossible = spec.kind == "date" and dates.impossible(text)
                    errors[spec.name] = self.t("v_date_impossible_of" if impossible else f"v_{spec.kind}_of",
                                               field=self._label(spec), value=text)
                    continue
                if spec.kind in ("int", "money") and isinstance(typed, (int, Decimal)) and typed < 0:
                    errors[spec.name] = self.t(f"v_{spec.kind}_of", field=self._label(spec))
                    continue
                values[spec.name] = typed
            elif spec.kind == "text":
                values[spec.name] = (value or "").strip()
            elif spec.kind == "bool":
                values[spec.name] = bool(value)
            else:
                values[spec.name] = value
        if values.get("status") == "escalated" and getattr(self.editing, "status", None) != "escalated":
            # set by hand, the level would stay where it is: escalation records the level and why
            errors["status"] = self.t("v_use_escalate")
        if values.get("status") == "settled":
            for name in ("settled_on", "settled_by"):
                if name in values and not values.get(name) and name not in errors:
                    errors[name] = self.t("v_settled_needs")
        # the ledger's own date rules (none after today, none before an earlier step), said at the field
        labels = {spec.name: self._label(spec) for spec in self.specs}
        found = dates.problems({name: values.get(name) for name in dates.ORDER}, self.backend.date(),
                               lambda name: dates.title_of({n: (t, t) for n, t in labels.items()}, name))
        for name, problem in found.items():
            if name in labels and name not in errors:
                errors[name] = problem.render(self.lang)
        if final:
            for name in REQUIRED:
                if name in values and not values.get(name) and name not in errors:
                    errors[name] = self.t("v_required")
        return values, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for spec in self.specs:
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

    # --- live panel ----------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.08, self._recompute)

    def _recompute(self) -> None:
        self._timer = None
        if form_groups(self.backend.labels(), self.lang) != self.groups:
            self.run_worker(self._rebuild(), group="rebuild", exclusive=True)
            return
        values, errors = self.read()
        self.show_errors(errors)
        self._form_errors = errors
        self._seq += 1
        self.compute_live(self._seq, {k: v for k, v in values.items() if k not in errors}, self.unit(), self.editing)

    async def _rebuild(self) -> None:
        """The rules now in force have another vocabulary (reloaded, or activated in the ledger
        since the form was drawn from the labels kept from an earlier start): draw the form
        anew from it, keeping what was typed in the fields both forms have."""
        self._carry = self.raw()
        self._widgets.clear()
        self._error_boxes.clear()
        self._errors_shown.clear()
        try:
            await self.recompose()
        finally:
            self._carry = {}
        self._schedule()

    @work(thread=True, exit_on_error=False, group="live")
    def compute_live(self, seq: int, values: dict[str, Any], unit: Any, editing: Any) -> None:
        """The case as saving would store it, read by each policy through the projection."""
        backend = self.backend
        case = backend.form_case(values, editing)
        self.post_message(LiveComputed(seq, backend.live(case, backend.unit_code(unit, editing))))

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
            held = result.held
            if res.outcome is not None and held is not None:
                # the level the case is held at, its deadline there and the days past it: what
                # the ledger and the case's detail show once it is saved
                level.append(self.backend.label("level", held.level))
                due.append(held.due_on.isoformat() if held.due_on else self.t("none"))
                due.append("  ")
                if held.overdue > 0:
                    due.append(self.t("live_overdue", days=held.overdue), style="bold red")
                else:
                    due.append(self.t("live_not_overdue"), style="green")
            else:
                level.append(self.t("none"))
                due.append(self.t("live_cannot", detail=self._why_not(res)), style="yellow")
            self._why(why, res)
        derived = Text()
        for name, shown in result.derived:
            derived.append(("\n" if derived else "") + self.backend.field_title(name) + "  ", style="bold")
            derived.append(shown)
        self.query_one("#live-reward", Static).update(reward)
        self.query_one("#live-level", Static).update(level)
        self.query_one("#live-due", Static).update(due)
        self.query_one("#live-derived", Static).update(derived)
        self.query_one("#live-why", Static).update(why)

    def _why(self, why: Text, res: PolicyResult) -> None:
        if why:
            why.append("\n")
        why.append(res.title + " " + res.version, style="bold")
        if res.outcome is None:
            why.append("\n·" + self.t("live_cannot", detail=self._why_not(res)), style="yellow")
            return
        for line in res.outcome.explanation:
            why.append("\n·" + line.render(self.lang))
        for line in res.outcome.near_misses:
            why.append("\n·" + line.render(self.lang), style="dim")

    def _why_not(self, res: PolicyResult) -> str:
        """Why a policy cannot judge the form yet: what is wrong with the field it needs, as said
        beside that field (a mistyped date is not "missing"), else the policy's own words."""
        return self._form_errors.get(res.error_field or "") or res.error or ""

    # --- saving --------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.locked:
            self.notify(self.t("read_only", why=self.locked), severity="warning", timeout=8, markup=False)
            return
        values, errors = self.read(final=True)
        self.show_errors(errors)
        if errors:
            self.notify(self.t("v_fix_first", count=len(errors)), severity="warning", markup=False)
            first = next(spec.name for spec in self.specs if spec.name in errors)
            self.query_one(f"#f-{first}").focus()
            return
        if not self.backend.has_ledger:
            self.notify(self.t("saved_local"), severity="warning", markup=False)
            return
        self.save_case(values, self.unit(), self.editing, self._state())

    @work(thread=True, exit_on_error=False, group="save")
    def save_case(self, values: dict[str, Any], unit: Any, editing: Any, state: dict[str, Any] | None = None) -> None:
        from .. import ledger_api

        try:
            result = ledger_api.save_case(self.backend, values, unit, editing)
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing was saved; the form keeps it all
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded("saved", result, {"state": state}))

    def on_loaded(self, message: Loaded) -> None:
        if message.what == "saved":
            case, amount = message.data
            self._mark_clean(message.extra.get("state"))
            self.editing = case
            self.query_one("#entry-title", Static).update(self._title())
            self.query_one("#f-number", Input).disabled = True  # stored: further saves edit this case
            self.notify(self.t("saved", number=case.number, amount=amount), markup=False)
            self.tapp.case_changed()

    def action_new_case(self) -> None:
        self.ask_to_discard(self.new_case)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "entry-save":
            self.action_save()
        elif event.button.id == "entry-new":
            self.action_new_case()
