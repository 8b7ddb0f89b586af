"""Small widgets shared by the screens: dialogs, a terminal bar chart, safe text helpers."""

from __future__ import annotations

from typing import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from .strings import Lang, tr


def plain(value: object, style: str = "") -> Text:
    """User or file text as a literal: `[/x]` stays `[/x]`, never markup."""
    return Text("" if value is None else str(value), style=style)


def lines_text(lines: Iterable[tuple[str, str] | str]) -> Text:
    """Several lines, each literal, optionally with a style: ("text", "bold red")."""
    out = Text()
    first = True
    for line in lines:
        if not first:
            out.append("\n")
        first = False
        if isinstance(line, tuple):
            out.append(line[0], style=line[1])
        else:
            out.append(line)
    return out


def cjk_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


class MessageDialog(ModalScreen[None]):
    """An error or notice that needs reading: literal text, closed with Enter or Esc."""

    BINDINGS = [Binding("escape,enter", "dismiss_dialog", show=False)]

    def __init__(self, title: str, body: str, lang: Lang = "zh", error: bool = True):
        super().__init__(classes="dialog")
        self._title, self._body, self._lang, self._error = title, body, lang, error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box" + (" error" if self._error else "")):
            yield Label(plain(self._title, "bold"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(plain(self._body), id="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("ok", self._lang), variant="primary", id="dialog-ok")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; True only when the user confirms."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, question: str, lang: Lang = "zh", confirm_label: str | None = None):
        super().__init__(classes="dialog")
        self._question, self._lang = question, lang
        self._confirm = confirm_label or tr("confirm", lang)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self._question), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._confirm, variant="error", id="confirm-yes")
                yield Button(tr("cancel", self._lang), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_cancel(self) -> None:
        self.dismiss(False)


class _DialogBox(VerticalScroll, can_focus=False):
    """A dialog's body that scrolls in a short terminal; the first field, not the box, takes the focus."""


class FormDialog(ModalScreen[dict | None]):
    """A few labelled inputs; returns {name: text} on OK, None on cancel."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str]], lang: Lang = "zh",
                 check=None, error: str | None = None):  # noqa: ANN001 - check(values) -> error text or None
        super().__init__(classes="dialog")
        self._title, self._fields, self._lang, self._check = title, fields, lang, check
        self._error = error  # why the ledger refused these values last time, shown until they change

    def compose(self) -> ComposeResult:
        # scrolls when the fields outgrow a short terminal (a field reached is brought into view);
        # why the values were refused sits under the title, in sight as the dialog comes back
        with _DialogBox(classes="dialog-box"):
            yield Label(plain(self._title, "bold"), classes="dialog-title")
            yield Static(plain(self._error or ""), id="dlg-error",
                         classes="field-error shown" if self._error else "field-error")
            for name, label, value in self._fields:
                yield Label(plain(label))
                yield Input(value=value, id=f"dlg-{name}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("ok", self._lang), variant="primary", id="dlg-ok")
                yield Button(tr("cancel", self._lang), id="dlg-cancel")

    def on_mount(self) -> None:
        # the first field's focus may scroll it to the top before the box has its height: the
        # title, and the reason for a refusal, are shown from the start
        self.call_after_refresh(self.query_one(_DialogBox).scroll_home, animate=False)

    def values(self) -> dict:
        return {name: self.query_one(f"#dlg-{name}", Input).value for name, _, _ in self._fields}

    def _submit(self) -> None:
        values = self.values()
        problem = self._check(values) if self._check else None
        error = self.query_one("#dlg-error", Static)
        error.update(plain(problem or ""))
        # .field-error is hidden until "shown": the text alone never appears
        error.set_class(bool(problem), "shown")
        if problem:
            error.scroll_visible()
            return
        self.dismiss(values)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "dlg-ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BarChart(Widget):
    """Grouped horizontal bars drawn with block characters: one row per label and series."""

    DEFAULT_CSS = "BarChart { height: auto; }"
    BLOCKS = " ▏▎▍▌▋▊▉█"

    def __init__(self, *, id: str | None = None):  # noqa: A002
        super().__init__(id=id)
        self.rows: list[tuple[str, list[int]]] = []
        self.series: list[tuple[str, str]] = []  # (name, style)

    def set_data(self, rows: list[tuple[str, list[int]]], series: list[tuple[str, str]]) -> None:
        self.rows, self.series = rows, series
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return max(1, len(self.rows) * max(1, len(self.series)) + 1)

    def render(self) -> Text:
        out = Text()
        if not self.rows:
            return out
        label_w = max(cjk_width(label) for label, _ in self.rows) + 1
        top = max((max(values) for _, values in self.rows if values), default=0) or 1
        num_w = len(str(top)) + 1
        bar_w = max(4, self.size.width - label_w - num_w - 1)
        legend = Text("  ").join(Text("█ " + name, style=style) for name, style in self.series)
        out.append_text(legend)
        for label, values in self.rows:
            for i, value in enumerate(values):
                out.append("\n")
                shown = label if i == 0 else ""
                out.append(shown + " " * (label_w - cjk_width(shown)))
                eighths = round(value / top * bar_w * 8)
                bar = "█" * (eighths // 8) + (self.BLOCKS[eighths % 8] if eighths % 8 else "")
                style = self.series[i][1] if i < len(self.series) else ""
                out.append(bar, style=style)
                out.append(" " + str(value))
        return out
