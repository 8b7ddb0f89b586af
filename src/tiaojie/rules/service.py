"""The rules as the rest of tiaojie sees them: load a directory, compile it, evaluate through it,
and swap in a new set only when it is whole.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .batch import BatchSession
from .book import RuleBook
from .engine import EngineRefused, RulesEngine
from .errors import EvaluationError, RuleError, RuleSetError
from .evaluate import BATCH_CHUNK, Evaluator
from .kinds import KINDS, KindTable
from .loader import load_rules
from .locate import line_of
from .locations import BUNDLED_RULES, default_rules_dir  # noqa: F401 - part of this module's interface
from .outcome import Outcome


@dataclass
class Rules:
    """A checked rule book with its compiled engine."""

    book: RuleBook
    engine: RulesEngine
    evaluator: Evaluator

    def evaluate(self, policy_id: str, case: dict[str, Any], as_of: dt.date | None = None) -> Outcome:
        return self.evaluator.evaluate(policy_id, case, as_of)

    def evaluate_batch(
        self, policy_id: str, cases: Iterable[Any], as_of: dt.date | None = None, chunk: int = BATCH_CHUNK
    ) -> Iterator[Outcome | EvaluationError]:
        return self.evaluator.evaluate_batch(policy_id, cases, as_of, chunk)

    def batch_session(self, policy_id: str, as_of: dt.date | None = None) -> BatchSession:
        """A batch fed lists of cases by the caller: `evaluate_many(cases)` → results in order."""
        return self.evaluator.batch_session(policy_id, as_of)

    def close(self) -> None:
        self.engine.close()


def open_rules(directory: Path | str | None = None, kinds: KindTable = KINDS) -> Rules:
    """Load, check and compile a rules directory, each policy checked and decided by its kind.
    Raises RuleSetError naming file and line."""
    book = load_rules(directory or default_rules_dir(), kinds)
    try:
        engine = RulesEngine(book.all())
    except EngineRefused as refused:
        policy = refused.policy
        row = policy.row(refused.row_id) if refused.row_id else None
        line = row.line if row else line_of(policy.lines, ("policy",))
        raise RuleSetError([RuleError(policy.path, line, "engine_refused", {
            "rule": refused.row_id or "?", "detail": refused.detail})]) from None
    return Rules(book, engine, Evaluator(book, engine))


class ActiveRules:
    """The rule set in force, replaced atomically: a broken set never replaces a working one,
    and a reader holding the old set keeps a whole set."""

    def __init__(self, directory: Path | str | None = None):
        self._lock = threading.Lock()
        self.directory = Path(directory or default_rules_dir())
        self._current = open_rules(self.directory)

    @property
    def current(self) -> Rules:
        return self._current

    def reload(self, directory: Path | str | None = None) -> Rules:
        """Build the new set beside the old; swap one reference only if it loaded whole."""
        target = Path(directory or self.directory)
        fresh = open_rules(target)  # raises RuleSetError: nothing changes
        with self._lock:
            self._current, self.directory = fresh, target
        return fresh

    @classmethod
    def holding(cls, rules: Rules) -> "ActiveRules":
        """The set in force, starting with one already open (and so already whole)."""
        active = cls.__new__(cls)
        active._lock = threading.Lock()
        active.directory = Path(rules.book.directory)
        active._current = rules
        return active

    def adopt(self, rules: Rules) -> None:
        """Put a set already open (and so already whole) in force."""
        with self._lock:
            self._current, self.directory = rules, Path(rules.book.directory)
