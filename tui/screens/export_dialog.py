"""Where an export goes: a path typed in a dialog, checked before anything is written — a folder
that does not exist is named, an existing file is replaced only after asking."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..strings import Lang, tr
from ..widgets import ConfirmDialog, plain


def path_problem(path: Path, lang: Lang) -> str | None:
    """Why nothing can be written at `path`, in the catalog's words; None when it can be tried."""
    folder = path.parent
    if path.is_dir():
        return tr("export_is_folder", lang, path=str(path))
    if not folder.is_dir():
        return tr("export_no_folder", lang, folder=str(folder))
    return None


def write_failed(path: Path, exc: OSError, lang: Lang) -> str:
    """A write the system refused (no permission, disk full, …), naming the file, never a traceback."""
    return tr("export_failed", lang, path=str(path), reason=exc.strerror or type(exc).__name__)


class ExportDialog(ModalScreen[Path | None]):
    """A file name for an export; returns the path to write (asked about when it exists), or None."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = "ExportDialog #exp-error { width: 1fr; }"

    def __init__(self, title: str, label: str, default: str, lang: Lang = "zh"):
        super().__init__(classes="dialog")
        self._title, self._label, self._default, self._lang = title, label, default, lang

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(plain(self._title, "bold"), classes="dialog-title")
            yield Label(plain(self._label))
            yield Input(value=self._default, id="exp-path")
            yield Static("", id="exp-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("ok", self._lang), variant="primary", id="exp-ok")
                yield Button(tr("cancel", self._lang), id="exp-cancel")

    def on_mount(self) -> None:
        # a long path, whole: across the dialog, not the form's 40-cell error column
        self.query_one("#exp-error").styles.max_width = "100%"

    def show_problem(self, text: str) -> None:
        error = self.query_one("#exp-error", Static)
        error.update(plain(text))
        error.set_class(bool(text), "shown")

    def _submit(self) -> None:
        typed = self.query_one("#exp-path", Input).value.strip()
        if not typed:
            self.show_problem(tr("export_need_path", self._lang))
            return
        path = Path(typed).expanduser()
        problem = path_problem(path, self._lang)
        if problem:
            self.show_problem(problem)
            return
        if path.exists():
            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss(path)

            self.app.push_screen(ConfirmDialog(tr("export_overwrite", self._lang, path=str(path)), self._lang,
                                               tr("export_replace", self._lang)), answered)
            return
        self.dismiss(path)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "exp-ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
