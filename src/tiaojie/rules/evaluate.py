"""Evaluate cases against policies: the version in force → its plan (typed input → engine match →
the kind's decision) → outcome.

`evaluate` takes one case. `evaluate_batch` takes many and evaluates each distinct projection of a
case — its values for the fields the policy version reads — only once (`batch`).
"""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Any, Iterable, Iterator

from ..vocabulary import InvalidValue
from .batch import BatchSession
from .book import RuleBook
from .engine import RulesEngine
from .errors import EvaluationError
from .outcome import Outcome
from .plan import Plan, lookup
from .policy import Policy

BATCH_CHUNK = 8192  # cases taken from the input before their results are yielded


class Evaluator:
    """Evaluates cases through the engine that holds the book's compiled policies; each policy is
    decided by its kind, as the book names it."""

    def __init__(self, book: RuleBook, engine: RulesEngine, cache_size: int = 250_000):
        self.book = book
        self.engine = engine
        self.cache_size = cache_size
        self._plans: dict[int, Plan] = {}

    def plan(self, policy: Policy) -> Plan:
        plan = self._plans.get(id(policy))
        if plan is None:
            kind = self.book.kind(policy)
            kind.refuse_cases(policy)  # a kind that decides no case (a review chain) is never planned
            plan = self._plans[id(policy)] = Plan(policy, kind)
        return plan

    # --- one case --------------------------------------------------------------------------
    def evaluate(self, policy_id: str, case: dict[str, Any], as_of: dt.date | None = None) -> Outcome:
        as_of = as_of or dt.date.today()
        if not isinstance(case, dict):
            raise EvaluationError("input_not_object")
        policy, on = self.version_for(policy_id, case, as_of)
        return self.plan(policy).evaluate(case, as_of, on, self.engine.match)

    def evaluate_version(self, policy: Policy, case: dict[str, Any], as_of: dt.date, on: dt.date | None = None) -> Outcome:
        """Evaluate against one given version, whatever is in force (examples, impact of a draft)."""
        if not isinstance(case, dict):
            raise EvaluationError("input_not_object")
        return self.plan(policy).evaluate(case, as_of, on or as_of, self.engine.match)

    def version_for(self, policy_id: str, case: dict[str, Any], as_of: dt.date) -> tuple[Policy, dt.date]:
        """The version in force on the case's own date (e.g. the settlement date), else on `as_of`."""
        versions = self.book.versions(policy_id)
        date_field = versions[-1].date_field
        on = as_of
        if date_field:
            raw = lookup(case, date_field)
            if raw is not None:
                fdef = versions[-1].fields.get(date_field) or self.book.vocabulary.fields.get(date_field)
                try:
                    on = fdef.coerce(raw) if fdef else as_of
                except InvalidValue as err:
                    raise EvaluationError("input_invalid", field=date_field, detail=err.detail) from None
        return self.book.select(policy_id, on), on

    # --- many cases ------------------------------------------------------------------------
    def evaluate_batch(
        self, policy_id: str, cases: Iterable[Any], as_of: dt.date | None = None, chunk: int = BATCH_CHUNK
    ) -> Iterator[Outcome | EvaluationError]:
        """One result per case, in the order of the cases; a bad case yields its error in its
        place and the rest still run.

        Takes up to `chunk` cases from `cases` before yielding their results (so the caching
        runs at C level over a chunk); a caller that needs to know which input a result belongs
        to counts, or uses `batch_session` and hands it its own chunks.
        Results are shared between cases that read the same: treat them as read-only.
        """
        session = self.batch_session(policy_id, as_of)
        run = session.evaluate_many
        it = iter(cases)
        size = max(1, chunk)
        while True:
            part = list(islice(it, size))
            if not part:
                return
            yield from run(part)

    def batch_session(self, policy_id: str, as_of: dt.date | None = None) -> BatchSession:
        """The caches of one batch, for a caller that feeds it lists of cases itself
        (`session.evaluate_many(cases)` → one result per case, in order)."""
        return BatchSession(self, policy_id, as_of or dt.date.today())
