"""Asking before what was typed is thrown away: one question, the same wherever a form would be
left (a new case, another case loaded, a screen left, the app closed). A screen with a form says
whether it holds unsaved changes (`has_unsaved_changes()`); a screen without one is clean."""

from __future__ import annotations

from typing import Any, Callable

from textual.screen import Screen

from ..strings import tr
from ..widgets import ConfirmDialog

__all__ = ["ConfirmDialog", "UnsavedDialog", "confirm_discard", "has_unsaved_changes"]


class UnsavedDialog(ConfirmDialog):
    """“The form holds unsaved changes: discard them?” True only when the user agrees; Esc or
    Cancel (the focused button) keeps the form as it is."""

    def __init__(self, lang: Any = "zh"):
        super().__init__(tr("unsaved_question", lang), lang, confirm_label=tr("discard", lang))


def has_unsaved_changes(screen: Screen | None) -> bool:
    """Whether `screen` holds a form with unsaved changes (a screen without a form: no)."""
    check = getattr(screen, "has_unsaved_changes", None)
    return bool(check()) if callable(check) else False


def confirm_discard(screen: Screen, unsaved: bool, then: Callable[[], Any]) -> None:
    """Run `then()` at once when nothing is unsaved; else ask, and run it only on a yes."""
    if not unsaved:
        then()
        return
    lang = getattr(getattr(screen.app, "backend", None), "lang", "zh")

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    screen.app.push_screen(UnsavedDialog(lang), answered)
