"""The tiaojie terminal UI: the app factory (`make_app`) and the launcher's entry (`run`)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, cast

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .backend import LEDGER_SCREENS, ROLE_SCREENS, Backend, LedgerOpening, as_active, describe_error
from .strings import Lang, tr
from .wide_cells import keep_wide_characters_whole
from .widgets import ConfirmDialog, MessageDialog

if TYPE_CHECKING:
    from tiaojie.rules.service import ActiveRules, Rules

SCREEN_KEYS = {"entry": "f1", "ledger": "f2", "finance": "f3", "dividends": "f4", "banquets": "f5",
               "rules": "f6", "stats": "f7", "village": "f8", "claims": "f9"}
# Where each role's day starts: mediators log cases, clerks settle periods, policy staff keep the
# rules; an administrator (or the app on rules alone) starts on the case form, the first screen.
ROLE_HOME = {"mediator": "entry", "clerk": "finance", "policy": "rules", "admin": "entry"}


def _screen_class(screen_id: str) -> type[Screen]:
    if screen_id == "entry":
        from .screens.entry import EntryScreen

        return EntryScreen
    if screen_id == "rules":
        from .screens.rules import RulesScreen

        return RulesScreen
    if screen_id == "banquets":
        from .screens.banquets import BanquetScreen

        return BanquetScreen
    if screen_id == "ledger":
        from .screens.ledger import LedgerScreen

        return LedgerScreen
    if screen_id == "finance":
        from .screens.finance import FinanceScreen

        return FinanceScreen
    if screen_id == "dividends":
        from .screens.dividends import DividendScreen

        return DividendScreen
    if screen_id == "stats":
        from .screens.stats import StatsScreen

        return StatsScreen
    if screen_id == "village":
        from .screens.village import VillageScreen

        return VillageScreen
    if screen_id == "claims":
        from .screens.claims import ClaimsScreen

        return ClaimsScreen
    raise KeyError(screen_id)


class TiaojieApp(App[None]):
    CSS_PATH = "tiaojie.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, backend: Backend, start: str | None = None):
        super().__init__()
        self.backend = backend
        self.start = start
        self.offered: list[str] = []
        self._user_line: str | None = None  # the subtitle, made when first shown
        self.title = tr("app_title", backend.lang)
        self._bindings.bind("ctrl+q", "quit", description=tr("quit", backend.lang), priority=True)
        self._bindings.bind("f12", "save_screenshot", description=tr("screenshot", backend.lang), show=False)
        self._asking_to_quit = False
        keep_wide_characters_whole()  # toasts over a panel's border keep their Chinese whole
        if not backend.has_ledger or backend.user is not None:
            self._offer_screens()

    def _offer_screens(self) -> None:
        """The screens this user's role is offered: a mode, a footer key and a palette entry each.
        The keys of the other screens stay bound, unseen, to say why they are not offered."""
        self.offered = self.backend.screens()
        for screen_id, key in SCREEN_KEYS.items():
            offered = screen_id in self.offered
            self._bindings.bind(key, f"goto('{screen_id}')", description=tr(f"screen_{screen_id}", self.backend.lang),
                                show=offered)
            if offered:
                # A factory, not the class: a screen's module is imported when it is first opened.
                self.add_mode(screen_id, partial(self._make_screen, screen_id))

    def _make_screen(self, screen_id: str) -> Screen:
        screen = _screen_class(screen_id)()
        # A new screen is styled as it mounts, from the stylesheet as it is now; left unmarked,
        # Textual would reparse every stylesheet and restyle the app twice before its first frame.
        screen._css_update_count = self._css_update_count
        return screen

    # --- helpers for screens -------------------------------------------------------------------
    @property
    def lang(self) -> Lang:
        return self.backend.lang

    def t(self, key: str, /, **params: object) -> str:
        return tr(key, self.backend.lang, **params)

    def user_line(self) -> str:
        backend = self.backend
        if not backend.has_ledger or backend.user is None:
            return self.t("app_sub_rules_only")
        if self._user_line is None:
            if backend.unit_name is None:
                from . import ledger_api

                try:
                    backend.unit_name = ledger_api.unit_name(backend)
                except Exception:  # noqa: BLE001 - the subtitle is a courtesy; never fail a screen for it
                    return backend.user.name
            user = backend.user
            self._user_line = self.t("app_sub_user", user=user.name, role=self.t(f"role_{user.role}"),
                                     unit=backend.unit_name or "—")
        return self._user_line

    def unit_choices(self) -> list[tuple[Any, Any]]:
        from . import ledger_api

        try:
            return ledger_api.unit_choices(self.backend)
        except Exception as exc:  # noqa: BLE001 - a database gone away: say so, keep the form
            self.show_error(exc, dialog=False)
            return []

    def case_changed(self) -> None:
        """A case was stored: screens showing cases refresh when next shown."""
        for screen_id in ("ledger", "stats"):
            screen = self._screen_if_made(screen_id)
            if screen is not None and hasattr(screen, "mark_stale"):
                screen.mark_stale()

    def rules_changed(self) -> None:
        screen = self._screen_if_made("entry")
        if screen is not None and hasattr(screen, "_schedule"):
            screen._schedule()

    def _screen_if_made(self, screen_id: str) -> Screen | None:
        stack = self._screen_stacks.get(screen_id) if hasattr(self, "_screen_stacks") else None
        return stack[0] if stack else None

    def screen_of(self, screen_id: str) -> Screen | None:
        return self._screen_if_made(screen_id)

    # --- navigation ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        if not self.offered and self.backend.has_ledger:
            from .screens.login import LoginDialog

            self.push_screen(LoginDialog(self.backend, self.backend.sign_in_name), self._signed_in)
            return
        self._open_first()

    def _open_first(self) -> None:
        home = ROLE_HOME.get(self.backend.role)
        first = next((screen for screen in (self.start, home) if screen in self.offered),
                     self.offered[0] if self.offered else None)
        if first:
            self.switch_mode(first)

    def open_ledger_after_paint(self, screen: Screen) -> None:
        """A ledger known at a glance opens once `screen` (the first one shown) is on the terminal:
        opening it sooner would hold the interpreter while that screen is being drawn."""
        screen.call_after_refresh(self.backend.start_opening, self._ledger_opened_in_thread)

    def _ledger_opened_in_thread(self, error: BaseException | None) -> None:
        try:
            self.call_from_thread(self._ledger_opened, error)
        except RuntimeError:  # the app has already closed
            pass

    def _ledger_opened(self, error: BaseException | None) -> None:
        if error is not None:
            self.show_error(error)
            return
        self._user_line = None  # the ledger's own record of the user from now on
        self.rules_changed()  # the ledger may have brought a set activated since the glance

    def _signed_in(self, user: Any) -> None:
        if user is None:
            self.exit()
            return
        try:
            _ = self.backend.active  # loaded while the dialog was open; a broken set says why, and the app ends
        except Exception as exc:  # noqa: BLE001 - RuleSetError with file and line, or a file that cannot be read
            self.push_screen(MessageDialog(self.t("error_title"), describe_error(exc, self.lang), self.lang),
                             lambda _: self.exit())
            return
        self.backend.user = user
        choices = self.backend.sign_in_choices or []
        self.backend.unit_name = next((unit for chosen, unit in choices if chosen.name == user.name), None)
        self._offer_screens()
        self.refresh_bindings()
        self._open_first()

    def action_goto(self, screen_id: str) -> None:
        # A screen left this way stays as it was, typed text and all, until its key brings it back.
        if screen_id not in self.offered:
            self.notify(self.why_not(self.t(f"screen_{screen_id}"), ledger_needed=screen_id in LEDGER_SCREENS
                                     and screen_id in ROLE_SCREENS.get(self.backend.role, set())),
                        severity="warning", markup=False)
            return
        if self.current_mode != screen_id:
            self.switch_mode(screen_id)

    def why_not(self, what: str, ledger_needed: bool = False) -> str:
        """Why this user cannot use `what` (a screen, a key's action): no ledger, or the role."""
        if ledger_needed and not self.backend.has_ledger:
            return self.t("needs_ledger", what=what)
        return self.t("role_cannot", role=self.t(f"role_{self.backend.role}"), what=what)

    # --- system commands and keys, in the UI's language ------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The screens, the keys of the screen shown (those the footer has no room for too), then
        Textual's own commands — all in the UI's language."""
        t = self.t
        for screen_id in self.offered:
            name = t(f"screen_{screen_id}")
            yield SystemCommand(t("goto", screen=name), t(f"help_{screen_id}"), partial(self.action_goto, screen_id))
        yield from self._screen_key_commands(screen)
        yield SystemCommand(t("cmd_theme"), t("cmd_theme_help"), self.action_change_theme)
        if screen.query("KeysPanel"):
            yield SystemCommand(t("cmd_keys"), t("cmd_keys_hide_help"), self.action_hide_help_panel)
        else:
            yield SystemCommand(t("cmd_keys"), t("cmd_keys_help"), self.action_show_help_panel)
        if screen.maximized is not None:
            yield SystemCommand(t("cmd_minimize"), t("cmd_minimize_help"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(t("cmd_maximize"), t("cmd_maximize_help"), screen.action_maximize)
        yield SystemCommand(t("screenshot"), t("cmd_screenshot_help"), self.action_save_screenshot)
        yield SystemCommand(t("quit"), t("cmd_quit_help"), self.action_quit)

    def _screen_key_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The keys a screen offers this role (its `KEYS`) and that do something now, each a
        palette entry that says its key."""
        role_may = getattr(screen, "role_may", None)
        for keys, action, key in getattr(screen, "KEYS", ()):
            if callable(role_may) and role_may(action) and screen.check_action(action, ()) is not False:
                shown = self.get_key_display(Binding(keys.split(",")[0], action))
                yield SystemCommand(self.t(key), self.t("palette_key_help", key=shown),
                                    partial(screen.run_action, action))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from .palette import Palette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(Palette(self.lang, placeholder=self.t("palette_placeholder"), id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from .palette import Palette

        self.push_screen(Palette(self.lang, [ThemeProvider], placeholder=self.t("theme_placeholder")))

    def action_show_help_panel(self) -> None:
        """The keys panel, in the UI's language (Textual's own says its keys in English)."""
        from .keys_panel import KeysPanel

        if not self.screen.query("KeysPanel"):
            self.screen.mount(KeysPanel(self.lang))

    def action_hide_help_panel(self) -> None:
        self.screen.query("KeysPanel").remove()

    def action_help_quit(self) -> None:
        """Ctrl+C copies in a field; elsewhere it says how to quit."""
        self.notify(self.t("quit_hint"), markup=False)

    async def action_quit(self) -> None:
        """Quit — after asking, when a screen holds typed text not yet saved."""
        unsaved = self.unsaved_screens()
        if not unsaved:
            self.exit()
            return
        if self._asking_to_quit:
            return

        def answered(yes: bool | None) -> None:
            self._asking_to_quit = False
            if yes:
                self.exit()

        self._asking_to_quit = True
        names = "、".join(unsaved) if self.lang == "zh" else ", ".join(unsaved)
        self.push_screen(ConfirmDialog(self.t("quit_unsaved", screens=names), self.lang, self.t("quit")), answered)

    def unsaved_screens(self) -> list[str]:
        """The names of the screens holding unsaved changes (`has_unsaved_changes()`; a screen
        without it holds none): the one shown and every screen kept in its mode."""
        screens: list[tuple[str, Screen | None]] = [(self.t(f"screen_{screen_id}"), self._screen_if_made(screen_id))
                                                     for screen_id in self.offered]
        stack = self.screen_stack
        if stack and all(stack[-1] is not made for _, made in screens):  # a dialog over a screen
            screens.append((self.t(f"screen_{self.current_mode}"), stack[-1]))
        names: list[str] = []
        for name, screen in screens:
            check = getattr(screen, "has_unsaved_changes", None)
            if callable(check) and check() and name not in names:
                names.append(name)
        return names

    def action_save_screenshot(self) -> None:
        try:
            path = self.save_screenshot()
        except OSError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("screenshot_saved", path=path), markup=False)

    def show_error(self, exc: BaseException | str, dialog: bool = True) -> None:
        text = exc if isinstance(exc, str) else describe_error(exc, self.lang)
        if dialog:
            self.push_screen(MessageDialog(self.t("error_title"), text, self.lang))
        else:
            self.notify(text, severity="error", markup=False)


def make_app(
    rules: ActiveRules | Rules | Path | str | None = None,
    store: Any | None = None,
    *,
    ledger: Any | None = None,
    user: Any | None = None,
    lang: Lang = "zh",
    today: dt.date | None = None,
    start: str | None = None,
    sign_in_as: str | None = None,
) -> TiaojieApp:
    """Build the app from its dependencies: a rules directory or an open rule set; optionally a
    ledger (`ledger=` an open `tiaojie.ledger` Ledger, or `store=` a database URL) and the user
    acting (a name or a user record), already proven by the caller. Tests pass their own
    temporary rules and database. Without a user, the app starts with the sign-in dialog, its
    name filled in with `sign_in_as` (the password is always asked for).

    With a database and no rules directory, the rules in force are the set last activated in
    that ledger (else ./rules or the bundled set) — as for the ledger's commands."""
    lang = "en" if str(lang).startswith("en") else "zh"
    if ledger is None and isinstance(store, (str, Path)) and (user is None or isinstance(user, str)):
        app = _app_at_a_glance(rules, str(store), user, lang, today, start)
        if app is not None:
            app.backend.sign_in_name = sign_in_as
            return app
    from tiaojie.rules.service import ActiveRules, Rules

    opened = isinstance(rules, (ActiveRules, Rules))
    if ledger is None and store is not None:
        from . import ledger_api

        ledger = ledger_api.open_store(store, rules.current if isinstance(rules, ActiveRules) else rules, today)
    if rules is None or (ledger is not None and not opened and store is not None):
        rules = ledger.rules if ledger is not None else None
    active = as_active(rules)
    backend = Backend(active=active, lang=lang, today=today)
    backend.sign_in_name = sign_in_as
    if ledger is not None:
        from . import ledger_api

        ledger.rules = active.current
        backend.ledger = ledger
        backend.user = ledger_api.resolve_user(ledger, user)
    return TiaojieApp(backend, start=start)


def _app_at_a_glance(rules: Any, store: str, user: str | None, lang: Lang, today: dt.date | None,
                     start: str | None) -> TiaojieApp | None:
    """The app on a ledger, its first screen painted from a glance at the database (who the user
    is, the rule set in force); the ledger itself opens in a thread right after the first paint
    (see `tiaojie.ledger.glance`). None when a glance cannot tell: open in full."""
    from tiaojie.ledger.glance import glance

    explicit = rules is not None
    # The sign-in dialog needs no rules: a set activated in the ledger and not yet written out
    # (the first start on this machine) is written out by the open after the dialog is painted.
    seen = glance(store, user or None, unwritten_ok=user is None and not explicit)
    if seen is None:
        return None
    from tiaojie.rules.labels import keep_labels, kept_labels, labels_copy
    from tiaojie.rules.locations import default_rules_dir

    unwritten = seen.rules_unwritten
    directory: Path | None = None  # where the rules will be read from, when it is a directory
    if not explicit and not unwritten:
        directory = seen.rules_dir or default_rules_dir()
    elif isinstance(rules, (str, Path)):
        directory = Path(rules)
    copy = labels_copy(directory) if directory is not None else None

    def load_rules() -> Any:
        if unwritten:  # the set the ledger wrote out as it opened
            ledger = backend.ledger
            assert ledger is not None
            return as_active(ledger.rules)
        active = as_active(rules if explicit else seen.rules_dir)
        keep_labels(copy, active.current.book.vocabulary)  # for the next start's first paint
        return active

    # Signing in needs no rules: they load with the ledger, after the dialog is on the terminal.
    # A form needs the vocabulary's labels; kept from an earlier start, they let the rules load
    # with the ledger too, after the first paint.
    early = kept_labels(directory) if directory is not None else None
    backend = Backend(active=load_rules if user is None or early is not None else load_rules(), lang=lang,
                      user=seen.user, today=today)
    backend.early_labels = early

    def open_in_full() -> tuple[Any, Any]:
        from tiaojie.ledger.access import resolve_user
        from tiaojie.ledger.bootstrap import open_ledger
        from tiaojie.rules.service import open_rules

        if unwritten:
            opened = open_ledger(store, None, today=today)
            book = opened.rules.book
            keep_labels(labels_copy(Path(book.directory)), book.vocabulary)  # for the next start's first paint
            return opened, resolve_user(opened, user) if user else None
        active = backend.active
        expected = active.current

        def load(directory: Path) -> Rules:
            same = Path(directory).resolve() == Path(expected.book.directory).resolve()
            return expected if same or explicit else open_rules(directory)

        opened = open_ledger(store, active.directory if explicit else None, today=today, load_rules=load)
        if opened.rules is not expected:  # another set was activated since the glance
            active.adopt(opened.rules)
        return opened, resolve_user(opened, user) if user else None

    if seen.user is not None:
        backend.unit_name = seen.unit_name
    else:
        backend.sign_in_choices = list(seen.users)
    backend.open_ledger_later(LedgerOpening(open_in_full))
    return TiaojieApp(backend, start=start)


def run(ctx: Any, db: str | None = None, user: str | None = None) -> None:
    """`tiaojie tui`: the CLI's settings (`--rules`, `--lang`) and the ledger's `--db` / `--user`
    (or TIAOJIE_DB / TIAOJIE_USER) → the app. Without a database the app runs on the rules alone.
    `--user` only fills in the sign-in dialog's name: the password is still asked for."""
    import sys

    from tiaojie.rules.errors import RuleSetError

    settings = ctx.find_root().obj if ctx is not None else None
    lang: Lang = "en" if getattr(settings, "lang", "zh") == "en" else "zh"
    user = user or getattr(settings, "user", None)
    try:
        store = db or getattr(settings, "db", None) or _default_store()
        # --rules wins when given; otherwise a ledger brings the set last activated in it
        explicit = getattr(settings, "rules_explicit", True)
        rules_dir = getattr(settings, "rules_dir", None) if explicit or store is None else None
        app = make_app(rules=rules_dir, store=store, lang=lang, sign_in_as=user)
    except RuleSetError as err:
        print(err.render(lang), file=sys.stderr)
        raise SystemExit(1) from None
    except Exception as exc:  # noqa: BLE001 - a database that cannot be opened: say so, no traceback
        print(describe_error(exc, lang), file=sys.stderr)
        raise SystemExit(1) from None
    app.run()


def _default_store() -> Any | None:
    """The default database when one exists (TIAOJIE_DB, or the file in the user's data
    directory); else None: the app runs on the rules alone."""
    from tiaojie.store.location import default_store

    return default_store()
