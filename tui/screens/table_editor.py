"""编辑规则表: a draft's table policy edited as a table — its rules (conditions under the
vocabulary's labels, outputs as money or formulas) and its examples, a row each. Enter edits a
cell (the dialog says what the column takes: an enum's labels, a comparison, an amount or a
formula); rows are added, removed and moved; saving writes the policy file through the policy
writer (`tiaojie.rules.table_grid`), or says each bad cell by sheet, row and column and writes
nothing; after a save the draft is checked and its examples run."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Label, SelectionList, Static

from tiaojie.i18n import Lang

from ..footer_fit import fit_footer
from ..messages import RulesReport
from ..strings import STRINGS, tr
from ..widgets import ConfirmDialog, FormDialog, plain


class ChoiceDialog(ModalScreen[str | None]):
    """An enum condition's values chosen from the vocabulary's labels: the cell's text (labels
    joined by 、), "" for none (any value), or "?" to type the cell instead (a comparison)."""

    # a binding, as in every dialog: Escape closes this one only, never the editor under it too
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, labels: list[str], chosen: set[str], lang: Lang = "zh",
                 shown: dict[str, str] | None = None):
        """`shown`: how each label is said in the UI's language (the labels themselves are the
        workbook's Chinese ones, which the cell keeps)."""
        super().__init__(classes="dialog")
        self._title, self._labels, self._chosen, self._lang = title, labels, chosen, lang
        self._shown = shown or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(plain(self._title, "bold"), classes="dialog-title")
            yield Label(plain(tr("te_choose", self._lang)))
            yield SelectionList[str](*[(self._shown.get(label, label), label, label in self._chosen)
                                       for label in self._labels], id="te-choices")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("ok", self._lang), variant="primary", id="te-choices-ok")
                yield Button(tr("te_as_text", self._lang), id="te-choices-text")
                yield Button(tr("cancel", self._lang), id="te-choices-cancel")

    def on_mount(self) -> None:
        self.query_one("#te-choices", SelectionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "te-choices-ok":
            chosen = set(self.query_one("#te-choices", SelectionList).selected)
            self.dismiss("、".join(label for label in self._labels if label in chosen))
        elif event.button.id == "te-choices-text":
            self.dismiss("?")
        else:
            self.dismiss(None)


class TableEditor(Screen[bool]):
    """Returns True when something was saved."""

    # saving and switching sheets first: a narrow footer keeps a screen's first keys
    KEYS = [("enter", "edit", "te_edit"), ("s", "save", "te_save"), ("g", "switch", "te_switch"),
            ("n", "add", "te_add"), ("x", "remove", "te_remove"), ("ctrl+up", "move(-1)", "te_up"),
            ("ctrl+down", "move(1)", "te_down"), ("escape", "close", "te_close")]

    def __init__(self, grid: Any, policy: Any, draft: Any, lang: Lang = "zh"):
        """`grid`: a `TableGrid` of `policy`, saved into `draft` (a `Draft`)."""
        super().__init__()
        self.grid, self.policy, self.draft, self.lang = grid, policy, draft, lang
        self.sheet = "规则"
        self.saved = False
        self._bad: tuple[str, int, int | None] | None = None  # the first bad cell of a refused save
        for key, action, label in self.KEYS:  # the footer says each key in the UI's language
            self._bindings.bind(key, action, description=tr(label, lang))

    def compose(self) -> ComposeResult:
        with Vertical(id="table-editor"):
            yield Static(plain(tr("te_title", self.lang, policy=self.policy.id, version=self.policy.version,
                                  draft=self.draft.name), "bold"), id="te-title")
            yield Static("", id="te-showing")
            yield DataTable(id="te-grid", cursor_type="cell", zebra_stripes=True)
            with VerticalScroll(id="te-output-box"):
                yield Static("", id="te-output")
        yield Footer(compact=True)  # as on every screen: the keys fitted to the width are as wide as counted

    def on_mount(self) -> None:
        self.show()
        self.query_one("#te-grid", DataTable).focus()

    def role_may(self, action: str) -> bool:
        """Every key here is the policy staff's (only they open the editor): the palette lists them."""
        return True

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, Textual's own (the palette's) in the UI's language, and the footer
        fitted to the terminal's width as on every screen."""
        bindings = super().active_bindings
        if self.lang != "en":
            for key, active in bindings.items():
                said = STRINGS.get(f"textual:{active.binding.description}")
                if said is not None:
                    bindings[key] = active._replace(binding=replace(active.binding, description=said[0]))
        app = self.app
        return fit_footer(bindings, self.size.width, "rules", app.get_key_display,  # the rules screen's editor
                          app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None,
                          lambda screen_id: tr(f"fkey_{screen_id}", self.lang))

    def on_resize(self) -> None:
        self.refresh_bindings()  # the footer's keys are fitted to the width anew

    def has_unsaved_changes(self) -> bool:
        return bool(self.grid.changed)

    # --- the table ---------------------------------------------------------------------------------
    def show(self, row: int | None = None, column: int | None = None) -> None:
        table = self.query_one("#te-grid", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        groups, titles = self.grid.groups(self.sheet), self.grid.titles(self.sheet)
        for index, (group, title) in enumerate(zip(groups, titles)):
            group, title = self._said(group), self._said(title)
            table.add_column(Text(f"{group}·{title}" if group else title), key=str(index))
        rows = self.grid.rows(self.sheet)
        names = [self._label_names(c) for c in range(len(titles))]
        for r in range(len(rows)):
            table.add_row(*[Text(self._cell_text(r, c, names[c])) for c in range(len(titles))])
        name = tr("te_rules" if self.sheet == "规则" else "te_examples", self.lang)
        self.query_one("#te-showing", Static).update(plain(tr("te_showing", self.lang, sheet=name, rows=len(rows))))
        if rows:
            table.move_cursor(row=min(cursor.row if row is None else row, len(rows) - 1),
                              column=min(cursor.column if column is None else column, len(titles) - 1))

    def _said(self, heading: str) -> str:
        """A heading of the workbook (Chinese, as in Excel/WPS) in the UI's language."""
        if self.lang != "en" or not heading:
            return heading
        from tiaojie.rules import table_sheet as ts

        words = dict([ts.RULE, ts.CONDITION, ts.OUTPUT, ts.EXAMPLE, ts.GIVEN, ts.EXPECT, ts.FIRED, ts.ERROR,
                      ts.OTHER_CONDITIONS, *ts.ROW_KEYS.values(), *ts.EXAMPLE_KEYS.values()])
        for named in (*self.policy.vocabulary.fields.values(), *self.policy.outputs.values()):
            if named.title == heading and named.title_en:
                return str(named.title_en)
        return words.get(heading, heading)

    def _at(self) -> tuple[int, int]:
        coordinate = self.query_one("#te-grid", DataTable).cursor_coordinate
        return coordinate.row, coordinate.column

    def _hint(self, column: int) -> str:
        """What a column takes, in words: an enum's labels, a comparison, an amount or a formula."""
        group, title = self.grid.groups(self.sheet)[column], self.grid.titles(self.sheet)[column]
        if group in ("结果", "期望"):
            out = next((o for o in self.policy.outputs.values() if o.title == title), None)
            if out is not None and out.type == "bool":
                return tr("te_hint_bool", self.lang)
            return tr("te_hint_output", self.lang) if group == "结果" else tr("te_hint_text", self.lang)
        fdef = next((f for f in self.policy.vocabulary.fields.values() if f.title == title), None)
        if fdef is None:
            return tr("te_hint_text", self.lang)
        if fdef.enum_def is not None:
            labels = list(fdef.enum_def.labels.values()) if self.lang != "en" else \
                [fdef.enum_def.label(v, "en") for v in fdef.enum_def.labels]
            return tr("te_hint_enum", self.lang, labels="、".join(labels))
        if fdef.type == "bool":
            return tr("te_hint_bool", self.lang)
        if fdef.type in ("int", "decimal", "money", "date"):
            return tr("te_hint_number", self.lang)
        return tr("te_hint_text", self.lang)

    # --- actions -------------------------------------------------------------------------------------
    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()  # Enter on a cell: the table says so, and the cell is edited
        self.action_edit()

    def action_edit(self) -> None:
        if not self.grid.rows(self.sheet):
            self.action_add()
            return
        row, column = self._at()
        title = self.grid.titles(self.sheet)[column]
        labels = self._labels(column)
        current = self.grid.text(self.sheet, row, column)
        chosen = {part.strip() for part in current.split("、") if part.strip()}
        if labels and chosen <= set(labels):  # a value or several: chosen from the labels
            def picked(text: str | None) -> None:
                if text == "?":
                    self._type_cell(row, column, title)
                elif text is not None:
                    self.grid.set(self.sheet, row, column, text)
                    self.show(row, column)

            self.app.push_screen(ChoiceDialog(tr("te_cell", self.lang, row=row + 1, title=self._said(title)), labels, chosen,
                                              self.lang, self._label_names(column)), picked)
            return
        self._type_cell(row, column, title)

    def _label_names(self, column: int) -> dict[str, str]:
        """An enum condition column's labels as the UI says them: the English name of each
        Chinese label in the English UI (none in the Chinese one, nor for other columns)."""
        if self.lang != "en" or self.grid.groups(self.sheet)[column] != "条件":
            return {}
        title = self.grid.titles(self.sheet)[column]
        fdef = next((f for f in self.policy.vocabulary.fields.values() if f.title == title), None)
        if fdef is None or fdef.enum_def is None:
            return {}
        enum = fdef.enum_def
        return {label: str(enum.label(value, "en") or label) for value, label in enum.labels.items()}

    def _cell_text(self, row: int, column: int, names: dict[str, str]) -> str:
        """A cell as shown: an enum condition's labels in the UI's language, joined as typed."""
        text = self.grid.text(self.sheet, row, column)
        if not names or not text:
            return text
        return "、".join(names.get(part.strip(), part.strip()) for part in text.split("、"))

    def _labels(self, column: int) -> list[str]:
        """The labels an enum condition column chooses from (none for other columns)."""
        if self.grid.groups(self.sheet)[column] != "条件":
            return []
        title = self.grid.titles(self.sheet)[column]
        fdef = next((f for f in self.policy.vocabulary.fields.values() if f.title == title), None)
        return list(fdef.enum_def.labels.values()) if fdef is not None and fdef.enum_def is not None else []

    def _type_cell(self, row: int, column: int, title: str) -> None:
        def done(values: dict | None) -> None:
            if values is not None:
                self.grid.set(self.sheet, row, column, values["value"])
                self.show(row, column)

        self.app.push_screen(FormDialog(tr("te_cell", self.lang, row=row + 1, title=self._said(title)),
                                        [("value", self._hint(column), self.grid.text(self.sheet, row, column))],
                                        self.lang), done)

    def action_add(self) -> None:
        row = self._at()[0] if self.grid.rows(self.sheet) else None
        added = self.grid.add_row(self.sheet, row)
        self.show(added, 0)

    def action_remove(self) -> None:
        if self.grid.rows(self.sheet):
            row, column = self._at()
            self.grid.remove_row(self.sheet, row)
            self.show(max(0, row - 1) if row >= len(self.grid.rows(self.sheet)) else row, column)

    def action_move(self, by: int) -> None:
        row, column = self._at()
        self.show(self.grid.move_row(self.sheet, row, by), column)

    def action_switch(self) -> None:
        self.sheet = "示例" if self.sheet == "规则" else "规则"
        self.show(0, 0)

    def action_close(self) -> None:
        if not self.grid.changed:
            self.dismiss(self.saved)
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.saved)

        self.app.push_screen(ConfirmDialog(tr("te_unsaved", self.lang), self.lang, tr("te_close", self.lang)), done)

    def action_save(self) -> None:
        self.save()

    @work(thread=True, exit_on_error=False, exclusive=True, group="table-editor")
    def save(self) -> None:
        self.post_message(self._save())

    def _save(self) -> RulesReport:
        from tiaojie.rules.errors import RuleSetError
        from tiaojie.rules.examples import run_examples
        from tiaojie.rules.service import open_rules
        from tiaojie.rules.table_sheet import SheetError

        try:
            done = self.grid.save(self.draft.path)
        except SheetError as err:
            self._bad = next(filter(None, (self._cell_of(p) for p in err.problems)), None)
            return RulesReport("save", False, [(self._located(p), "red") for p in err.problems],
                               tr("te_refused", self.lang, count=len(err.problems)))
        self.saved = True
        try:
            rules = open_rules(self.draft.path)
        except RuleSetError as err:
            return RulesReport("save", False, [(e.render(self.lang), "red") for e in err.errors],
                               tr("te_saved_check_failed", self.lang, path=str(done.path), count=len(err.errors)))
        try:
            report = run_examples(rules)
        finally:
            rules.close()
        lines = [(r.render(self.lang), "red") for r in report.results if not r.passed]
        return RulesReport("save", report.failed == 0, lines,
                           tr("te_saved", self.lang, path=str(done.path), rows=done.rows, examples=done.examples,
                              passed=report.passed, failed=report.failed))

    def _cell_of(self, problem: Any) -> tuple[str, int, int | None] | None:
        """Where a refused save's problem is in this editor: (sheet, row, column), the row counted
        as the editor counts it (0 the first rule or example); None for a heading or the file."""
        from tiaojie.rules.table_sheet import FIRST_DATA_ROW

        params = getattr(problem, "params", {})
        if getattr(problem, "key", "") not in ("sheet_at", "sheet_at_row") or params.get("sheet") not in ("规则", "示例"):
            return None
        row = int(params.get("row", 0)) - FIRST_DATA_ROW
        if row < 0:
            return None
        column = None
        if problem.key == "sheet_at":
            letters = str(params.get("column", ""))
            index = 0
            for letter in letters.upper():
                index = index * 26 + ord(letter) - ord("A") + 1
            column = index - 1 if letters.isalpha() else None
        return str(params["sheet"]), row, column

    def _located(self, problem: Any) -> str:
        """A problem of a refused save, said as this editor shows the table: the sheet in the UI's
        language, the row as numbered in the cell dialog, the column by its title — the workbook's
        row numbers and column letters mean nothing here."""
        where = self._cell_of(problem)
        if where is None:
            return str(problem.render(self.lang))
        sheet, row, column = where
        detail = problem.params.get("detail", "")
        detail = detail.render(self.lang) if hasattr(detail, "render") else str(detail)
        name = tr("te_rules" if sheet == "规则" else "te_examples", self.lang)
        if column is None:
            return tr("te_at_row", self.lang, sheet=name, row=row + 1, detail=detail)
        title = self._said(str(problem.params.get("title", "")))
        return tr("te_at", self.lang, sheet=name, row=row + 1, title=title, detail=detail)

    def on_rules_report(self, message: RulesReport) -> None:
        message.stop()
        bad, self._bad = self._bad, None
        if bad is not None:  # the cursor on the first bad cell, on its sheet
            sheet, row, column = bad
            self.sheet = sheet
            self.show(row, self._at()[1] if column is None else column)
        out = Text()
        out.append(message.summary + "\n", style="bold green" if message.ok else "bold red")
        for text, style in message.lines:
            out.append(text + "\n", style=style)
        self.query_one("#te-output", Static).update(out)
        self.notify(message.summary, severity="information" if message.ok else "error", markup=False)
