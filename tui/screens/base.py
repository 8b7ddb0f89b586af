"""What every screen shares: the backend, the catalog, localized key bindings, and error handling
for workers (an error is a notification or a dialog, never a traceback)."""

from __future__ import annotations

from textual import events, on
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from ..backend import Backend, describe_error
from ..host import ScreenHost, host_of
from ..messages import ServiceFailed
from ..strings import Lang, tr
from ..widgets import MessageDialog


class BaseScreen(Screen):
    SCREEN_ID = ""
    KEYS: list[tuple[str, str, str]] = []  # (keys, action, string key) shown in the footer
    _host: ScreenHost | None = None

    def __init__(self) -> None:
        super().__init__(id=f"screen-{self.SCREEN_ID}")
        for keys, action, key in self.KEYS:
            self._bindings.bind(keys, action, description=tr(key, self.lang))
        self._styles_may_be_stale = False  # set while the screen is not shown

    # Textual calls the handlers of a message class by class along the MRO, so these run before
    # Screen's own, and only once however subclasses extend `on_screen_resume`.
    @on(events.ScreenSuspend)
    def _styles_go_stale(self) -> None:
        self._styles_may_be_stale = True

    @on(events.ScreenResume)
    def _restyle_only_if_stale(self, event: events.ScreenResume) -> None:
        # Textual restyles the whole screen on every resume — twice when a mode first opens it —
        # though a screen that has not been away since it mounted is styled already: ~35 ms
        # before the case-entry form's first frame. Its styles can only go stale while another
        # screen is shown (a theme changed meanwhile), and then they are refreshed as usual.
        if not self._styles_may_be_stale:
            event.refresh_styles = False
        self._styles_may_be_stale = False

    @property
    def tapp(self) -> ScreenHost:
        """The app showing this screen, as far as screens may use it (checked once per screen)."""
        host = self._host
        if host is None:
            host = self._host = host_of(self.app)
        return host

    @property
    def backend(self) -> Backend:
        return self.tapp.backend

    @property
    def lang(self) -> Lang:
        return self.tapp.backend.lang

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self.lang, **params)

    def header_footer(self):  # noqa: ANN201
        return Header(), Footer()

    def on_screen_resume(self) -> None:
        self.title = f'{self.t("app_title")} · {self.t(f"screen_{self.SCREEN_ID}")}'
        self.sub_title = self.tapp.user_line()
        self.tapp.open_ledger_after_paint(self)

    # --- errors --------------------------------------------------------------------------------
    def fail(self, exc: BaseException | str, dialog: bool = False) -> None:
        text = exc if isinstance(exc, str) else describe_error(exc, self.lang)
        if dialog or "\n" in text:
            self.app.push_screen(MessageDialog(self.t("error_title"), text, self.lang))
        else:
            self.notify(text, severity="error", timeout=8, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.fail(event.worker.error)

    def on_service_failed(self, message: ServiceFailed) -> None:
        self.fail(message.text)
