"""A screen read from the ledger by one worker and written through dialogs (the 村务 and 申报审核
screens): it loads when shown, on ctrl+r, and on its return after a write elsewhere made it stale;
a load that fails says why. A write's dialog comes back with what was typed and the ledger's reason
when refused; a write done is said in a toast and the screen reloads."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

from ..backend import describe_error
from ..messages import Loaded
from ..widgets import FormDialog
from .base import BaseScreen


class LoadedScreen(BaseScreen):
    def __init__(self) -> None:
        super().__init__()
        self.stale = False  # a write elsewhere changed what this screen shows: reload on return

    # --- loading ---------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.stale:
            self.stale = False
            self.action_reload()

    def mark_stale(self) -> None:
        self.stale = True

    def action_reload(self) -> None:
        if self.backend.has_ledger:
            self.reload()

    def reload(self) -> None:
        """Start the screen's load: `self.fetch_in_background(...)` with what it reads."""
        raise NotImplementedError

    def fetch_in_background(self, fetch: Callable[[], dict[str, Any]]) -> None:
        """Run `fetch` in a worker thread (a newer load cancels an older one); its data come back to
        `show`, a refusal or a vanished ledger as a message."""
        self.run_worker(partial(self._fetch, fetch), thread=True, exit_on_error=False, exclusive=True,
                        group=self.SCREEN_ID)

    def _fetch(self, fetch: Callable[[], dict[str, Any]]) -> None:
        try:
            data = fetch()
        except Exception as exc:  # noqa: BLE001 - a refusal or a vanished ledger is said, not raised
            self.app.call_from_thread(self.fail, describe_error(exc, self.lang))
            return
        self.post_message(Loaded(self.SCREEN_ID, data))

    def on_loaded(self, message: Loaded) -> None:
        if message.what == self.SCREEN_ID:
            self.show(message.data)

    def show(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    # --- writing ---------------------------------------------------------------------------------
    def ask_in_dialog(self, action: str, title: str, fields: list[tuple[str, str, str]],
                      error: str | None = None) -> None:
        """A dialog of `fields` (name, label, value); its answer goes to `write(action, values)`."""
        def answered(values: dict | None) -> None:
            if values:
                self.run_worker(partial(self._write, action, values), thread=True, exit_on_error=False,
                                group=f"{self.SCREEN_ID}-write")

        self.app.push_screen(FormDialog(title, fields, self.lang, error=error), answered)

    def _write(self, action: str, values: dict[str, str]) -> None:
        try:
            said = self.write(action, values)
        except Exception as exc:  # noqa: BLE001 - refused: the dialog comes back with what was typed
            self.app.call_from_thread(self.ask_again, action, values, describe_error(exc, self.lang))
            return
        self.app.call_from_thread(self.notify, self.done_message(action, said), markup=False)
        self.written(action, values, said)
        self.app.call_from_thread(self.action_reload)

    def write(self, action: str, values: dict[str, str]) -> str:
        """Make the write (in a worker thread); what it made, as the done message names it."""
        raise NotImplementedError

    def ask_again(self, action: str, typed: dict[str, str], error: str) -> None:
        raise NotImplementedError

    def done_message(self, action: str, said: str) -> str:
        raise NotImplementedError

    def written(self, action: str, values: dict[str, str], said: str) -> None:
        """After a write, before the reload (in the worker thread): what the screen shows next."""
