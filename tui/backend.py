"""What the screens talk to: the rules in force, the ledger when there is one, and who is acting.

Screens never touch SQL or the engine; they call the core's services through this object, from
worker threads, and get typed results back (see `tui.messages`).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from rich.text import Text

from tiaojie.ledger.glance import GlancedUser
from tiaojie.rules.errors import EvaluationError, RuleSetError
from tiaojie.rules.labels import VocabularyLabels

if TYPE_CHECKING:
    from tiaojie.ledger.projection import Projection
    from tiaojie.models import Case
    from tiaojie.rules.outcome import Outcome
    from tiaojie.rules.service import ActiveRules, Rules

from .strings import Lang, tr

ScreenId = Literal["entry", "ledger", "finance", "dividends", "banquets", "rules", "stats", "village", "claims"]
SCREEN_ORDER: tuple[ScreenId, ...] = ("entry", "ledger", "finance", "dividends", "banquets", "rules", "stats",
                                      "village", "claims")
LEDGER_SCREENS = {"ledger", "finance", "dividends", "stats", "village", "claims"}  # need a database
ROLE_SCREENS: dict[str, set[str]] = {
    # claims: a station claims its rewards; township and county clerks review them
    "mediator": {"entry", "ledger", "banquets", "stats", "village", "claims"},
    "clerk": {"ledger", "finance", "dividends", "banquets", "stats", "village", "claims"},
    "policy": {"rules", "entry", "ledger", "dividends", "stats", "village"},  # dividends: which policy a collective runs under
    "admin": set(SCREEN_ORDER),
}


# Case fields the ledger fills in itself (`tiaojie.vocabulary.LEDGER_SET_FIELDS`, repeated here so the
# first paint needs no pydantic: the unit, the level it holds the case at, the counts it
# takes of the case's lists): never typed into the form, and a write refuses them.
LEDGER_COMPUTED = frozenset({"unit", "level", "sessions", "escalation_count", "parties_count", "mediators_count",
                             "escalated_on"})
# The case-entry form's fields that are the case model's own, not vocabulary fields.
MODEL_ONLY = ("parties", "summary")
# Vocabulary fields whose model attribute has another name.
ATTRIBUTE = {"agreement": "agreement_kind"}
_SPLIT = re.compile(r"[、,，;；]+")


def split_names(text: str) -> list[str]:
    """Party names as typed in one box, separated by 、 or commas."""
    return [name.strip() for name in _SPLIT.split(text or "") if name.strip()]


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


def as_active(rules: ActiveRules | Rules | Path | str | None) -> ActiveRules:
    """The set in force from what the app was given: an open set, a directory, or None (the
    default directory). The rules core is imported here, when rules are first needed."""
    from tiaojie.rules.service import ActiveRules, Rules

    if isinstance(rules, ActiveRules):
        return rules
    if isinstance(rules, Rules):
        return ActiveRules.holding(rules)
    return ActiveRules(rules)


@dataclass(frozen=True)
class PolicyResult:
    """One policy's verdict on the case on the form, or why it could not be computed."""

    policy: str
    title: str
    version: str
    outcome: Outcome | None = None
    error: str | None = None
    error_field: str | None = None  # the input the policy could not read, when it names one


@dataclass(frozen=True)
class HeldAt:
    """Where the case on the form would be held — what the ledger shows once it is saved
    (`ledger.views.CaseState`): the level the escalation policy starts it at (raised by any
    escalation by hand), the deadline at that level, and the days past it as of today."""

    level: str
    due_on: dt.date | None
    overdue: int


@dataclass(frozen=True)
class LiveResult:
    rewards: list[PolicyResult]
    escalations: list[PolicyResult]
    held: HeldAt | None = None
    derived: tuple[tuple[str, str], ...] = ()  # (field name, value as shown) of the derived case fields


class LedgerOpening:
    """The ledger, opened in a thread once the first screen is painted. Whoever needs it first
    waits for it — or opens it right there when the thread was never started."""

    def __init__(self, open_ledger: Callable[[], tuple[Any, Any]]):
        self._open = open_ledger
        self._lock = threading.Lock()
        self._started = False
        self._done = threading.Event()
        self._result: tuple[Any, Any] | None = None
        self._error: BaseException | None = None

    def start(self, on_done: Callable[[BaseException | None], None] | None = None) -> None:
        """Open in a thread; `on_done(error or None)` is called from that thread when it ends."""
        if self._claim():
            def run() -> None:
                self._run()
                if on_done is not None:
                    on_done(self._error)

            threading.Thread(target=run, name="ledger-open", daemon=True).start()

    def result(self) -> tuple[Any, Any]:
        """(ledger, user); raises what opening raised."""
        if self._claim():
            self._run()
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def _claim(self) -> bool:
        with self._lock:
            first, self._started = not self._started, True
            return first

    def _run(self) -> None:
        try:
            self._result = self._open()
        except BaseException as exc:  # noqa: BLE001 - kept, raised to each caller that needs the ledger
            self._error = exc
        finally:
            self._done.set()


class Backend:
    """The dependencies of the app, built once (by `make_app`) and shared by every screen."""

    def __init__(self, active: ActiveRules | Callable[[], ActiveRules], lang: Lang = "zh", ledger: Any | None = None,
                 user: Any | None = None, today: dt.date | None = None):
        # A callable: the rules load when first needed (on the sign-in path, in the opening thread).
        self._active = None if callable(active) else active
        self._load_active = active if callable(active) else None
        self._active_lock = threading.Lock()
        self.lang: Lang = lang
        self._ledger = ledger  # tiaojie.ledger.context.Ledger
        self._opening: LedgerOpening | None = None
        self.user = user  # tiaojie.models.User (or, until the ledger is open, its glance)
        self.unit_name: str | None = None  # the user's unit, when already known
        self.sign_in_choices: list[tuple[Any, str]] | None = None  # (user, unit name), read at a glance
        self.sign_in_name: str | None = None  # the name the sign-in dialog starts with (`tiaojie tui --user`)
        self.today = today
        self.loaded_at = dt.datetime.now()
        self.early_labels: VocabularyLabels | None = None  # see `labels`
        self._labels: VocabularyLabels | None = None
        self._labels_of: Any = None  # the vocabulary `_labels` were taken from
        self._projection: Projection | None = None
        self._unit_codes: tuple[Any, dict[int, str]] | None = None  # (ledger, unit id → code)

    @property
    def active(self) -> ActiveRules:
        if self._active is None:
            with self._active_lock:  # the opening thread and the screens may ask at once
                if self._active is None:
                    assert self._load_active is not None
                    self._active = self._load_active()
        return self._active

    # --- the ledger ----------------------------------------------------------------------------
    @property
    def has_ledger(self) -> bool:
        """A database is (or is being) opened: the screens that need one are offered."""
        return self._ledger is not None or self._opening is not None

    @property
    def ledger(self) -> Any | None:
        """The open ledger; waits for it while it is being opened (call from workers)."""
        opening = self._opening
        if opening is not None:
            ledger, user = opening.result()
            if self._opening is opening:
                self._ledger, self._opening = ledger, None
                if user is not None:
                    self.user = user
        if self._ledger is not None and isinstance(self.user, GlancedUser):
            # signed in from a list read at a glance: the ledger's own record from now on
            from tiaojie.ledger.access import resolve_user

            self.user = resolve_user(self._ledger, self.user.name)
        return self._ledger

    @ledger.setter
    def ledger(self, value: Any | None) -> None:
        self._ledger, self._opening = value, None

    def open_ledger_later(self, opening: LedgerOpening) -> None:
        self._opening = opening

    def start_opening(self, on_done: Callable[[BaseException | None], None] | None = None) -> None:
        if self._opening is not None:
            self._opening.start(on_done)

    @property
    def ledger_ready(self) -> bool:
        return self._opening is None or self._opening.done

    # --- who, what -----------------------------------------------------------------------------
    def sign_in(self, name: str, password: str) -> Any:
        """The user `name`, proven by `password` (the ledger's own sign-in, from a worker: it waits
        for the ledger to open and hashes); raises the ledger's refusal."""
        from tiaojie.ledger import auth

        ledger = self.ledger
        if ledger is None:
            raise RuntimeError("no ledger to sign in to")
        return auth.sign_in(ledger, name, password)

    @property
    def rules(self) -> Rules:
        return self.active.current

    @property
    def role(self) -> str:
        return getattr(self.user, "role", None) or "admin"

    def date(self) -> dt.date:
        if self._ledger is not None and hasattr(self._ledger, "date"):
            return self._ledger.date()
        return self.today or dt.date.today()

    def screens(self) -> list[str]:
        """The screens this user is offered, in menu order."""
        allowed = ROLE_SCREENS.get(self.role, ROLE_SCREENS["mediator"])
        return [s for s in SCREEN_ORDER if s in allowed and (self.has_ledger or s not in LEDGER_SCREENS)]

    # --- vocabulary ----------------------------------------------------------------------------
    def field(self, name: str):
        return self.rules.book.vocabulary.fields.get(name)

    def field_title(self, name: str) -> str:
        """A vocabulary field's title as a form label: the vocabulary's English titles are written
        to sit inside sentences ("urgency is normal"), a label starts with a capital."""
        title = self.labels().title(name, self.lang) or name
        return title[:1].upper() + title[1:]

    def choices(self, enum: str) -> list[tuple[Text, str]]:
        """(label, id) pairs of an enumeration in display order, labels in the UI language — as
        literal text: a label from a rule file is never read as markup."""
        return [(Text(label), value_id) for label, value_id in self.labels().choices(enum, self.lang)]

    def label(self, enum: str, value_id: str | None) -> str:
        if value_id is None:
            return ""
        return self.labels().label(enum, value_id, self.lang)

    def labels(self) -> VocabularyLabels:
        """The vocabulary's titles and labels: of the rules in force, or — before they are loaded —
        the copy kept when this vocabulary was last loaded, so a form is drawn without waiting."""
        if self._active is None and self.early_labels is not None:
            return self.early_labels
        vocabulary = self.rules.book.vocabulary
        labels = self._labels
        if labels is None or self._labels_of is not vocabulary:
            labels = self._labels = VocabularyLabels.of(vocabulary)
            self._labels_of = vocabulary
        return labels

    def policy_title(self, policy_id: str, content_hash: str | None = None) -> str:
        """A policy's title in the UI language — of the exact version when it is loaded, else of
        its latest version, else its id."""
        book = self.rules.book
        policy = book.by_hash(policy_id, content_hash) if content_hash else None
        if policy is None and policy_id in book.policies:
            policy = book.versions(policy_id)[-1]
        return policy.title(self.lang) if policy is not None else policy_id

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
            field, text = self._evaluation_error(err)
            return PolicyResult(policy_id, latest.title(self.lang), latest.version, error=text, error_field=field)
        policy = rules.book.by_hash(policy_id, outcome.hash) or latest
        return PolicyResult(policy_id, policy.title(self.lang), outcome.version, outcome=outcome)

    def _evaluation_error(self, err: EvaluationError) -> tuple[str | None, str]:
        """(the case field it is about, the message), the field named by its title as on the form."""
        field = err.params.get("field")
        if not isinstance(field, str) or self.field(field) is None:
            return None, err.message(self.lang)
        titled = EvaluationError(err.key, **{**err.params, "field": self.field_title(field)})
        return field, titled.message(self.lang)

    def projection(self) -> Projection:
        """How a case becomes each policy's input (`tiaojie.ledger.projection`), for the
        vocabulary in force — the one road saving takes too."""
        from tiaojie.ledger.projection import Projection

        vocabulary = self.rules.book.vocabulary
        kept = self._projection
        if kept is None or kept.vocabulary is not vocabulary:
            kept = self._projection = Projection(vocabulary)
        return kept

    def open_statuses(self) -> set[str]:
        """The statuses of a case still being handled: those no escalation policy calls closed
        (as `Ledger.open_statuses`, which needs a ledger)."""
        book = self.rules.book
        closed: set[str] = set()
        for policy_id in self.policies_of("escalation"):
            section = book.versions(policy_id)[-1].escalation
            if section is not None:
                closed |= set(section.closed_statuses)
        statuses = book.vocabulary.enums.get("status")
        ids = list(statuses.labels) if statuses is not None else []
        return {s for s in ids if s not in (closed or {"settled", "failed", "withdrawn"})}

    def unit_code(self, unit: Any = None, editing: Any | None = None) -> str | None:
        """The code of the unit a case on the form belongs to: the stored case's, the unit chosen
        on the form (its select holds codes), else the user's own. None without a ledger."""
        if editing is None and isinstance(unit, str) and unit:
            return unit
        unit_id = getattr(editing, "unit_id", None) if editing is not None else getattr(self.user, "unit_id", None)
        if unit_id is None or not self.has_ledger:
            return None
        try:
            ledger = self.ledger
            if ledger is None:
                return None
            if self._unit_codes is None or self._unit_codes[0] is not ledger:
                from tiaojie.ledger.views import unit_codes

                self._unit_codes = (ledger, unit_codes(ledger))
        except Exception:  # noqa: BLE001 - a ledger that failed to open is reported elsewhere
            return None
        return self._unit_codes[1].get(unit_id)

    def form_case(self, values: dict[str, Any], editing: Any | None = None) -> Case:
        """The form's typed values (vocabulary field ids, and `parties` / `summary`) as the case
        saving would store: merged into the stored case when editing one (its escalations,
        mediators and extra fields kept), an emptied field at the model's default, extra fields
        in their stored form. Not validated: a form still being filled in is incomplete."""
        from tiaojie.models import Case

        projection = self.projection()
        changes: dict[str, Any] = {}
        extra = dict(editing.extra) if editing is not None else {}
        for name, value in values.items():
            if value == "":
                value = None
            if name == "parties":
                changes["parties"] = split_names(value or "")
            elif name == "summary":
                changes["summary"] = value or ""
            elif projection.is_extra(name):
                extra[name] = None if value is None else projection.encode_extra(name, value)
            else:
                attr = ATTRIBUTE.get(name, name)
                model_field = Case.model_fields.get(attr)
                if model_field is None:
                    continue
                if value is None and not model_field.is_required():
                    value = model_field.get_default(call_default_factory=True)
                changes[attr] = value
        changes["extra"] = {k: v for k, v in extra.items() if v is not None}
        if editing is not None:
            return editing.model_copy(update=changes)
        user_name = getattr(self.user, "name", None)
        mediators = [user_name] if self.role == "mediator" and user_name else []
        blank = {"unit_id": None, "number": "", "category": None, "received_on": None, "mediators": mediators}
        return Case.model_construct(**{**blank, **changes})

    def live(self, case: Case, unit_code: str | None = None, as_of: dt.date | None = None) -> LiveResult:
        """The reward and escalation verdicts for a case as it stands on the form, each policy
        reading it through the projection as it reads the saved case; the level, deadline and
        overdue days it would be held at; the derived fields' values."""
        projection = self.projection()
        day = as_of or self.date()
        escalations: list[PolicyResult] = []
        held: HeldAt | None = None
        data = projection.case_input(case, unit_code, "escalation")
        for pid in self.policies_of("escalation"):
            result = self.evaluate(pid, data, day)
            escalations.append(result)
            if held is None and result.outcome is not None and result.outcome.details.get("start_level"):
                held = self._held(result.outcome, case.status, day)
        if held is not None and held.level != case.level:  # as a write stores it, before the rewards read it
            case = case.model_copy(update={"level": held.level})
        data = projection.case_input(case, unit_code, "reward")
        rewards = [self.evaluate(pid, data, case.settled_on or day) for pid in self.policies_of("reward")]
        return LiveResult(rewards, escalations, held, self._derived(projection.case_input(case, unit_code)))

    def _held(self, outcome: Outcome, status: str | None, as_of: dt.date) -> HeldAt:
        """As `ledger.views.case_states` reads an escalation outcome: the start level, the due
        date of that level's step, the days past it while the case is open."""
        level = outcome.details["start_level"]
        due: dt.date | None = None
        for step in outcome.details.get("path") or []:
            if step["level"] == level:
                due = dt.date.fromisoformat(step["due_on"])
        overdue = 0
        if status in self.open_statuses():
            if due is not None and as_of > due:
                overdue = (as_of - due).days
            else:
                overdue = int(outcome.outputs.get("days_overdue") or 0)
        return HeldAt(level, due, overdue)

    def _derived(self, typed: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        """The derived case fields' values computed from the case (left out when an input is
        missing or the formula cannot be computed)."""
        try:
            from tiaojie.rules.derived import compute, derivation_order, show_number
        except ImportError:  # a rules core without derived fields
            return ()
        fields = {n: f for n, f in self.rules.book.vocabulary.fields.items()
                  if getattr(f, "subject", "case") == "case"}
        shown = []
        for fdef in derivation_order(fields):
            if fdef.expression is None:
                continue
            try:
                value = compute([fdef], dict(typed)).get(fdef.name)
            except Exception:  # noqa: BLE001 - e.g. a division by zero: nothing to show yet
                continue
            if value is not None:
                typed[fdef.name] = value
                shown.append((fdef.name, show_number(fdef, value, self.lang)))
        return tuple(shown)

    def check_disk(self) -> Rules:
        """Open the rules on disk beside the ones in force (raises RuleSetError); nothing swaps."""
        from tiaojie.rules.service import open_rules

        return open_rules(self.active.directory)

    def reload(self) -> Rules:
        """Swap in the rules on disk if they load whole; on RuleSetError the old set stays."""
        fresh = self.active.reload()
        ledger = self.ledger if self.has_ledger else None
        if ledger is not None:
            ledger.rules = fresh
        self.loaded_at = dt.datetime.now()
        return fresh
