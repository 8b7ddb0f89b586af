"""The app's frame in the UI's language: the header, whose icon's tooltip Textual writes in
English. (The footer's keys: `tui.footer_fit`; the palette: `tui.palette`; the keys panel:
`tui.keys_panel`.)"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Header
from textual.widgets._header import HeaderIcon

from .strings import Lang, tr


class AppHeaderIcon(HeaderIcon):
    """The header's icon: a click opens the command palette, its tooltip says so in `lang`."""

    def __init__(self, lang: Lang):
        super().__init__()
        self.lang = lang

    def on_mount(self) -> None:
        # Textual's own handler, run after this one, sets an English tooltip: said again after it.
        self.call_next(self._say_tooltip)

    def _say_tooltip(self) -> None:
        if self.tooltip is not None:
            self.tooltip = tr("header_icon_tip", self.lang)


class AppHeader(Header):
    """Textual's header, its icon in the UI's language."""

    def __init__(self, lang: Lang):
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if type(widget) is HeaderIcon:
                yield AppHeaderIcon(self.lang).data_bind(Header.icon)
            else:
                yield widget
