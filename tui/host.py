"""What a screen asks of the app that shows it.

Screens reach the app (`tui.app.TiaojieApp`) through this Protocol rather than by importing it: the
app imports the screens, so the screens importing the app would close a loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from .backend import Backend


@runtime_checkable
class ScreenHost(Protocol):
    backend: Backend
    offered: list[str]  # the screens this user's role is offered

    def user_line(self) -> str: ...

    def unit_choices(self) -> list[tuple[Any, Any]]: ...

    def case_changed(self) -> None: ...

    def rules_changed(self) -> None: ...

    def screen_of(self, screen_id: str) -> Screen | None: ...

    def open_ledger_after_paint(self, screen: Screen) -> None: ...

    def action_goto(self, screen_id: str) -> None: ...

    def why_not(self, what: str, ledger_needed: bool = False) -> str: ...

    def unsaved_screens(self) -> list[str]: ...


def host_of(app: App[Any]) -> ScreenHost:
    """`app` as the host of tiaojie's screens; a TypeError for any other app."""
    if not isinstance(app, ScreenHost):
        raise TypeError(f"{type(app).__name__} cannot show tiaojie's screens")
    return app
