"""What the screens talk to: the rules in force, the ledger when there is one, and who is acting.

Screens never touch SQL or the engine; they call the core's services through this object, from
worker threads, and get typed results back (see `tui.messages`).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rich.text import Text

from tiaojie.rules.errors import EvaluationError, RuleSetError
from tiaojie.rules.outcome import Outcome
from tiaojie.rules.service import ActiveRules, Rules, open_rules

from .strings import Lang, tr

ScreenId = Literal["entry", "ledger", "finance", "dividends", "banquets", "rules", "stats"]
SCREEN_ORDER: tuple[ScreenId, ...] = ("entry", "ledger", "finance", "dividends", "banquets", "rules", "stats")
LEDGER_SCREENS = {"ledger", "finance", "dividends", "stats"}  # need a database
ROLE_SCREENS: dict[str, set[str]] = {
    "mediator": {"entry", "ledger", "banquets", "stats"},
    "clerk": {"ledger", "finance", "dividends", "banquets", "stats"},
    "policy": {"rules", "entry", "ledger", "stats"},
    "admin": set(SCREEN_ORDER),
}


def describe_error(exc: BaseException, lang: Lang = "zh") -> str:
    """Any error from the core as one readable text, never a traceback."""
    if isinstance(exc, RuleSetError):
        return exc.render(lang)
    message = getattr(exc, "message", None)
    if callable(message):
        try:
            return str(message(lang))
        except Exception:  # noqa: BLE001 - fall through to the generic text
            pass
    return tr("unexpected", lang, detail=f"{type(exc).__name__}: {exc}")


class _Adopted(ActiveRules):
    """An already-open rule set as the one in force (tests pass their own `Rules`)."""

    def __init__(self, rules: Rules):  # noqa: D107 - no load: the set is already whole
        self._lock = threading.Lock()
        self.directory = Path(rules.book.directory)
        self._current = rules


def as_active(rules: ActiveRules | Rules | Path | str | None) -> ActiveRules:
    if isinstance(rules, ActiveRules):
        return rules
    if isinstance(rules, Rules):
        return _Adopted(rules)
    return ActiveRules(rules)


@dataclass(frozen=True)
class PolicyResult:
    """One policy's verdict on the case on the form, or why it could not be computed."""

    policy: str
    title: str
    version: str
    outcome: Outcome | None = None
    error: str | None = None


@dataclass(frozen=True)
class LiveResult:
    rewards: list[PolicyResult]
    escalations: list[PolicyResult]


@dataclass
class Backend:
    """The dependencies of the app, built once (by `make_app`) and shared by every screen."""

    active: ActiveRules
    lang: Lang = "zh"
    ledger: Any | None = None  # tiaojie.ledger.context.Ledger
    user: Any | None = None  # tiaojie.ledger.models.User
    today: dt.date | None = None
    loaded_at: dt.datetime = field(default_factory=dt.datetime.now)

    # --- who, what -----------------------------------------------------------------------------
    @property
    def rules(self) -> Rules:
        return self.active.current

    @property
    def role(self) -> str:
        return getattr(self.user, "role", None) or "admin"

    def date(self) -> dt.date:
        if self.ledger is not None and hasattr(self.ledger, "date"):
            return self.ledger.date()
        return self.today or dt.date.today()

    def screens(self) -> list[str]:
        """The screens this user is offered, in menu order."""
        allowed = ROLE_SCREENS.get(self.role, ROLE_SCREENS["mediator"])
        return [s for s in SCREEN_ORDER if s in allowed and (self.ledger is not None or s not in LEDGER_SCREENS)]

    # --- vocabulary ----------------------------------------------------------------------------
    def field(self, name: str):
        return self.rules.book.vocabulary.fields.get(name)

    def choices(self, enum: str) -> list[tuple[Text, str]]:
        """(label, id) pairs of an enumeration in display order, labels in the UI language — as
        literal text: a label from a rule file is never read as markup."""
        edef = self.rules.book.vocabulary.enums.get(enum)
        if edef is None:
            return []
        return [(Text(edef.label(value_id, self.lang)), value_id) for value_id in edef.labels]

    def label(self, enum: str, value_id: str | None) -> str:
        if value_id is None:
            return ""
        edef = self.rules.book.vocabulary.enums.get(enum)
        return edef.label(value_id, self.lang) if edef else str(value_id)

    def policies_of(self, kind: str) -> list[str]:
        book = self.rules.book
        ids = [pid for pid in book.ids() if book.versions(pid)[-1].kind == kind]
        preferred = {"reward": "mediation-reward", "escalation": "escalation"}.get(kind)
        if preferred in ids:
            ids.remove(preferred)
            ids.insert(0, preferred)
        return ids

    # --- rules ---------------------------------------------------------------------------------
    def evaluate(self, policy_id: str, case: dict[str, Any], as_of: dt.date | None = None) -> PolicyResult:
        rules = self.rules  # one whole set for this evaluation, even if a reload swaps it
        latest = rules.book.versions(policy_id)[-1]
        try:
            outcome = rules.evaluate(policy_id, case, as_of)
        except EvaluationError as err:
            return PolicyResult(policy_id, latest.title(self.lang), latest.version, error=err.message(self.lang))
        policy = rules.book.by_hash(policy_id, outcome.hash) or latest
        return PolicyResult(policy_id, policy.title(self.lang), outcome.version, outcome=outcome)

    def live(self, case: dict[str, Any], as_of: dt.date | None = None) -> LiveResult:
        """The reward and escalation verdicts for a case as it stands on the form."""
        day = as_of or self.date()
        rewards = [self.evaluate(pid, case, day) for pid in self.policies_of("reward")]
        escalations = [self.evaluate(pid, case, day) for pid in self.policies_of("escalation")]
        return LiveResult(rewards, escalations)

    def check_disk(self) -> Rules:
        """Open the rules on disk beside the ones in force (raises RuleSetError); nothing swaps."""
        return open_rules(self.active.directory)

    def reload(self) -> Rules:
        """Swap in the rules on disk if they load whole; on RuleSetError the old set stays."""
        fresh = self.active.reload()
        if self.ledger is not None:
            self.ledger.rules = fresh
        self.loaded_at = dt.datetime.now()
        return fresh
