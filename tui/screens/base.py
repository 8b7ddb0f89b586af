"""What every screen shares: the backend, the catalog, localized key bindings offered by role, and
error handling for workers (an error is a notification or a dialog, never a traceback)."""

from __future__ import annotations

from dataclasses import replace

from textual import events, on
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from ..backend import Backend, describe_error
from ..footer_fit import fit_footer
from ..host import ScreenHost, host_of
from ..messages import ServiceFailed
from ..strings import STRINGS, Lang, tr
from ..widgets import MessageDialog

# A screen's keys that not every role shown the screen may use, and what each needs: a screen the
# role is offered ("screen:…"), or a write the ledger allows the role.
KEY_NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ledger", "edit_case"): ("screen:entry", "case_write"),
    ("ledger", "escalate"): ("case_write",),
    ("entry", "save"): ("case_write",),
    ("banquets", "file"): ("banquet",),
    ("finance", "compute"): ("period_compute",),
    ("finance", "adjust"): ("adjust",),
    ("finance", "close_period"): ("period_close",),
    ("dividends", "run"): ("dividend",),
    ("dividends", "set_policy"): ("collective_policy",),
    ("village", "new_matter"): ("matter",),
    ("village", "log_visit"): ("visit",),
    ("village", "record_review"): ("review",),
    ("village", "add_person"): ("people",),
    **{("village", step): ("matter",) for step in ("plan_meeting", "attend", "decide", "add_measure", "mark_done",
                                                    "close_matter", "export_minutes")},
    **{("claims", step): ("claim",) for step in ("submit", "accept", "reject_line", "return_claim", "publish",
                                                  "object_to", "resolve", "pay", "export_notice")},
}
# Who may make those writes: tiaojie.ledger.access.PERMISSIONS, repeated so that drawing a footer
# needs no pydantic (tests/tui/test_everyone.py keeps the two equal).
WRITERS: dict[str, frozenset[str]] = {
    "case_write": frozenset({"mediator", "clerk", "admin"}),
    "banquet": frozenset({"mediator", "clerk", "admin"}),
    "period_compute": frozenset({"clerk", "admin"}),
    "period_close": frozenset({"clerk", "admin"}),
    "adjust": frozenset({"clerk", "admin"}),
    "dividend": frozenset({"clerk", "admin"}),
    "collective_policy": frozenset({"policy", "admin"}),
    "matter": frozenset({"mediator", "clerk", "admin"}),
    "visit": frozenset({"mediator", "clerk", "admin"}),
    "review": frozenset({"clerk", "admin"}),
    "people": frozenset({"clerk", "admin"}),
    "claim": frozenset({"mediator", "clerk", "admin"}),
}


class BaseScreen(Screen):
    SCREEN_ID = ""
    KEYS: list[tuple[str, str, str]] = []  # (keys, action, string key) shown in the footer
    _host: ScreenHost | None = None

    def __init__(self) -> None:
        super().__init__(id=f"screen-{self.SCREEN_ID}")
        for keys, action, key in self.KEYS:
            if self.role_may(action):
                self._bindings.bind(keys, action, description=tr(key, self.lang))
            else:  # kept off the footer; pressed anyway, it says why
                self._bindings.bind(keys, f"refuse({key!r})", description=tr(key, self.lang), show=False)
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

    def header_footer(self) -> tuple[Header, Footer]:
        """The screen's header (its tooltip in the UI's language) and its compact footer, whose
        keys are fitted to the terminal's width (see `active_bindings`)."""
        from ..chrome import AppHeader

        return AppHeader(self.lang), Footer(compact=True)

    # --- keys by role ----------------------------------------------------------------------------
    def role_may(self, action: str) -> bool:
        """Whether this user's role may use the key bound to `action` on this screen."""
        needs = KEY_NEEDS.get((self.SCREEN_ID, action), ())
        if not needs or not self.backend.has_ledger:  # on rules alone nothing is written: a preview
            return True
        role = self.backend.role
        return all(need.removeprefix("screen:") in self.tapp.offered if need.startswith("screen:")
                   else role in WRITERS[need] for need in needs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A key a screen binds in BINDINGS rather than KEYS: off the footer for a role that lacks it.
        return self.role_may(action)

    def action_refuse(self, key: str) -> None:
        self.notify(self.tapp.why_not(self.t(key)), severity="warning", markup=False)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, Textual's own descriptions (`^p palette`, `esc Dismiss menu`) in
        the UI's language; those shown in the footer fitted to the terminal's width."""
        bindings = super().active_bindings
        if self.lang != "en":
            for key, active in bindings.items():
                binding = active.binding
                said = STRINGS.get(f"textual:{binding.description}")
                if said is not None:
                    told = STRINGS.get(f"textual:{binding.tooltip}")
                    bindings[key] = active._replace(binding=replace(
                        binding, description=said[0], tooltip=told[0] if told else binding.tooltip))
        app = self.app
        return fit_footer(bindings, self.size.width, self.SCREEN_ID, app.get_key_display,
                          app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None,
                          lambda screen_id: self.t(f"fkey_{screen_id}"))

    def on_resize(self) -> None:
        self.refresh_bindings()  # the footer's keys are fitted to the width anew

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
