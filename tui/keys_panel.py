"""The keys panel (the palette's 按键 / Keys): every key in force where the focus is, each
described in the UI's language — the screen's own, the app's, and Textual's widgets' keys,
whose English descriptions the catalog says in Chinese."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from .footer_fit import goto_target
from .strings import Lang, textual_said, tr


class KeysPanel(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    KeysPanel {
        split: right;
        width: 33%;
        min-width: 30;
        max-width: 60;
        border-left: vkey $foreground 30%;
        padding: 0 1;
        height: 1fr;
        #keys-table { width: auto; height: auto; }
    }
    """
    DEFAULT_CLASSES = "-textual-system"

    def __init__(self, lang: Lang):
        super().__init__(id="keys-panel")
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Static(id="keys-table", shrink=True, expand=False)

    def on_mount(self) -> None:
        self.show_keys()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.show_keys)

    def rows(self) -> list[tuple[str | None, list[tuple[str, str]]]]:
        """(group title or None, [(key as shown, description)]) for the keys in force, a group
        for each place that binds them: the focused widget and its containers, the screen, the app."""
        groups: dict[int, tuple[object, list[tuple[str, str]]]] = {}
        seen: set[tuple[int, str]] = set()
        offered = getattr(self.app, "offered", [])
        for active in self.screen.active_bindings.values():
            node, binding = active.node, active.binding
            if binding.system or not binding.description or (id(node), binding.action) in seen:
                continue
            target = goto_target(binding.action)
            if binding.action.startswith("refuse(") or (target is not None and target not in offered):
                continue  # a key this user may not use: pressed, it says why, but it is not offered
            seen.add((id(node), binding.action))
            said = tr(f"screen_{target}", self.lang) if target is not None else self._describe(binding)
            groups.setdefault(id(node), (node, []))[1].append((self.app.get_key_display(binding), said))

        def place(node: object) -> int:
            return 2 if node is self.app else 1 if isinstance(node, Screen) else 0

        out: list[tuple[str | None, list[tuple[str, str]]]] = []
        for owner, keys in sorted(groups.values(), key=lambda group: place(group[0])):
            title = getattr(owner, "BINDING_GROUP_TITLE", None)
            out.append((textual_said(title, self.lang, "textual-group") if title else None, keys))
        return out

    def _describe(self, binding: Binding) -> str:
        said = textual_said(binding.description, self.lang)
        tip = textual_said(binding.tooltip, self.lang) if binding.tooltip else ""
        return f"{said}  {tip}" if tip and tip != said else said

    def show_keys(self) -> None:
        shown = self.query("#keys-table").results(Static)
        target = next(shown, None)
        if not self.is_attached or target is None:  # a refresh asked for just before the panel closed
            return
        table = Table(padding=(0, 1), show_header=False, box=box.SIMPLE_HEAD, title=tr("keys_title", self.lang),
                      title_style="bold")
        table.add_column("", justify="right", style="bold")
        table.add_column("")
        groups = self.rows()
        for title, keys in groups:
            if title:
                table.add_row("", Text(title, style="underline"))
            for key, said in keys:
                table.add_row(Text(key), Text(said))
            table.add_section()
        if not groups:
            table.add_row("", Text(tr("keys_none", self.lang), style="dim"))
        target.update(table)
