"""What the case-entry form holds, apart from how it is drawn and what it computes: the case it
is editing, whether that case is read-only (a closed period holds it), whether anything typed is
not saved yet, and filling the form from a stored case or emptying it for a new one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from rich.text import Text
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static

from tiaojie.money import format_yuan

from ..backend import ATTRIBUTE
from ..widgets import plain
from .base import BaseScreen
from .case_form import DEFAULTS, TYPED, FormField


class CaseFormState(BaseScreen):
    """A screen holding one case's form: its fields (`specs`, drawn into `_widgets` by the
    subclass) and their state. The subclass recomputes what it shows in `_schedule`."""

    def __init__(self) -> None:
        super().__init__()
        self.editing: Any | None = None  # the stored case being edited (ledger model), if any
        self.locked: str | None = None  # why the case on the form cannot be edited (a closed period), or None
        self.specs: list[FormField] = []
        self._widgets: dict[str, Any] = {}  # kept: reading the form must not search the DOM per key
        self._clean: dict[str, Any] | None = None  # what the form held when last new, loaded or saved (None: defaults)

    def _schedule(self) -> None:
        """The form was changed from code (a case loaded): what the screen shows from it is
        computed again. The case-entry screen recomputes its live panel."""

    # --- what the fields hold ------------------------------------------------------------------
    def _default(self, spec: FormField) -> Any:
        """What a field holds on a new case."""
        if spec.kind == "bool":
            return False
        if spec.kind == "checklist":
            return frozenset()
        if spec.kind == "enum":
            return DEFAULTS.get(spec.name, Select.NULL)
        return self.backend.date().isoformat() if spec.name == "received_on" else ""

    def raw(self) -> dict[str, Any]:
        """Each field's value as it stands in its widget (a field not mounted yet: its default)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self._widgets.get(spec.name)
            if widget is None or not widget.is_mounted:  # the lazy part of the form: its default
                default = self._default(spec)
                out[spec.name] = None if default is Select.NULL else default
                continue
            if isinstance(widget, Select):
                out[spec.name] = None if widget.is_blank() else widget.value
            elif isinstance(widget, SelectionList):
                out[spec.name] = frozenset(widget.selected)
            else:
                out[spec.name] = widget.value
        return out

    def unit(self) -> Any:
        """The unit chosen on the form (a code), for users who choose one."""
        if self.query("#f-unit"):
            select = self.query_one("#f-unit", Select)
            return None if select.is_blank() else select.value
        return None

    def _title(self) -> Text:
        if self.editing is None:
            return plain(self.t("new_case"), "bold")
        title = plain(self.t("editing", number=self.editing.number), "bold")
        if self.locked:
            title.append("\n" + self.t("read_only", why=self.locked), style="bold yellow")
        return title

    # --- unsaved changes -----------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {**self.raw(), "#unit": self.unit()}

    def _defaults(self) -> dict[str, Any]:
        out = {}
        for spec in self.specs:
            default = self._default(spec)
            out[spec.name] = None if default is Select.NULL else default
        return {**out, "#unit": None}

    def has_unsaved_changes(self) -> bool:
        """Whether the form holds anything typed since it was last new, loaded or saved."""
        if not self.specs or self.locked:
            return False
        clean = self._clean if self._clean is not None else self._defaults()
        return self._state() != clean

    def _mark_clean(self, state: dict[str, Any] | None = None) -> None:
        self._clean = state if state is not None else self._state()

    def ask_to_discard(self, then: Callable[[], None]) -> None:
        """Run `then()` at once on a clean form; else after the user agrees to discard the changes."""
        from .confirm import confirm_discard

        confirm_discard(self, self.has_unsaved_changes(), then)

    # --- a new case, a stored one, read-only ---------------------------------------------------
    def new_case(self) -> None:
        """An empty form for a new case, whatever it held."""
        self.editing = None
        self._set_locked(None)
        self.query_one("#entry-title", Static).update(self._title())
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.name}")
            default = self._default(spec)
            if isinstance(widget, Select):
                if default is Select.NULL:
                    widget.clear()
                else:
                    widget.value = default
            elif isinstance(widget, (Input, Checkbox)):
                widget.value = default
            elif isinstance(widget, SelectionList):
                widget.deselect_all()
        self.query_one("#f-number", Input).disabled = False
        self.query_one("#f-number", Input).focus()
        self._clean = None

    def open_case(self, case: Any, locked: str | None = None) -> None:
        """Load a stored case, asking first when the form holds unsaved changes. Called as the
        screen is first opened, it waits for the whole form (its lazy part too) to be mounted."""
        if not (self.is_mounted and self._widgets and all(w.is_mounted for w in self._widgets.values())):
            self.app.call_after_refresh(self.open_case, case, locked)
            return
        self.ask_to_discard(lambda: self.load_case(case, locked))

    def _set_locked(self, why: str | None) -> None:
        """Read-only (a closed period holds the case), said at once; or editable again."""
        self.locked = why
        for spec in self.specs:
            widget = self._widgets.get(spec.name)
            if widget is not None:
                widget.disabled = bool(why) or (spec.name == "number" and self.editing is not None)
        if self.query("#f-unit"):
            self.query_one("#f-unit", Select).disabled = bool(why)
        if self.query("#entry-save"):
            self.query_one("#entry-save", Button).disabled = bool(why)
        if why:
            self.notify(self.t("read_only", why=why), severity="warning", timeout=10, markup=False)

    def load_case(self, case: Any, locked: str | None = None) -> None:
        """Fill the form from a stored case (ledger model) to edit it: its columns, and the
        vocabulary fields kept in `case.extra`, typed by the projection. `locked` says why it is
        read-only (a closed period holds it): the form shows it and saves nothing."""
        self.editing = case
        self.locked = locked
        self.query_one("#entry-title", Static).update(self._title())
        projection = self.backend.projection()
        extra = projection.extra_values(case)
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.name}")
            kept_apart = projection.is_extra(spec.name)
            value = extra.get(spec.name) if kept_apart else getattr(case, ATTRIBUTE.get(spec.name, spec.name), None)
            if isinstance(widget, Select):
                try:
                    if value is None:
                        widget.clear()
                    else:
                        widget.value = value
                except Exception:  # noqa: BLE001 - a stored id the enumeration no longer has
                    widget.clear()
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, SelectionList):
                self._tick(widget, value)
            elif isinstance(widget, Input):
                widget.value = self._shown_value(spec, value, kept_apart)
        self.query_one("#f-number", Input).disabled = True
        self._set_locked(locked)
        self.query_one("#entry-title", Static).update(self._title())
        self._mark_clean()
        self._schedule()

    @staticmethod
    def _tick(widget: SelectionList, ticked: Any) -> None:
        """A stored checklist on its list: its items ticked, the others not (an item fields.toml
        no longer lists is left out)."""
        widget.deselect_all()
        listed = {widget.get_option_at_index(i).value for i in range(widget.option_count)}
        for item in ticked or ():
            if item in listed:
                widget.select(item)

    @staticmethod
    def _shown_value(spec: FormField, value: Any, kept_apart: bool) -> str:
        """A stored value as typed into its box (a column's 0 — its default — left empty)."""
        if value is None or (value == 0 and not kept_apart and spec.kind in TYPED):
            return ""
        if spec.name == "parties":
            return "、".join(value or [])
        if isinstance(value, dt.date):
            return value.isoformat()
        if spec.kind == "money" and isinstance(value, Decimal):
            return format_yuan(value)
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)
