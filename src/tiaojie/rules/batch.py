"""Many cases at once: each distinct projection of a case — its values for the fields the policy
version reads — is evaluated only once. Grassroots cases are mostly enumerations, so a million
cases read as a few thousand distinct projections.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from .batch_caches import BatchCaches, Evaluates, Pick, Result, answered
from .batch_keys import key_functions, remember, tuple_getter
from .errors import EvaluationError
from .plan import detached

__all__ = ["BatchSession", "Evaluates", "Result"]


class BatchSession:
    """One batch's caches, fed a list of cases at a time.

    Four caches, all bounded by the evaluator's `cache_size` and keyed so that `True`, `1`,
    `1.0` and `Decimal(1)` never share an entry:
    * the whole raw projection — the raw date that picks the version and the raw values of every
      field any version reads — → result, for keys whose values are all strings or None (a
      tuple holding a number can never equal such a key, so a lookup needs no type check); a
      list of plain dicts is looked up all at once at C level;
    * the raw date that picks the version → (version, date), for string dates only;
    * per version, the case's raw values of the fields it reads → result;
    * per version, the typed values (each raw value validated once per field) → result, so
      `重大` and `major` are evaluated once.
    """

    def __init__(self, evaluator: Evaluates, policy_id: str, as_of: dt.date):
        self._batch = batch = BatchCaches(evaluator, policy_id, as_of)
        versions = evaluator.book.versions(policy_id)
        names: list[str] = [batch.date_field] if batch.date_field else []
        for policy in versions:  # the fields a case gives: derived ones are computed from them
            names += [n for n in evaluator.plan(policy).names if n not in names]
        # The whole-projection cache, unless a version reads its cases itself or by dotted names.
        self.by_whole = not any(evaluator.book.kind(p).reads_own_input for p in versions) and not any(
            "." in n for n in names)
        self.whole: dict[Any, Result] = {}
        self.names = tuple(names)
        self.key_of, self.key_of_missing = key_functions(self.names)
        self.blank: dict[str, None] = dict.fromkeys(self.names)  # `blank | case`: the case, None where it lacks a field
        # a version's names → their places in `names`
        self._projections: dict[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {}

    @property
    def cache_size(self) -> int:
        """How many entries each of the batch's caches holds at most (a caller keeping its own
        per-projection cache beside the session bounds it the same)."""
        return self._batch.cache_size

    def evaluate_many(self, cases: list[Any]) -> list[Result]:
        """One result per case, in order."""
        if not self.by_whole:
            return list(map(self._batch.one, cases))
        whole = self.whole
        key_of = self.key_of
        one = self._one
        if len(set(map(type, cases))) == 1 and type(cases[0]) is dict:
            # Every case seen before: one C-level pass. Each key tuple is dropped as soon as it
            # is looked up, so the pass leaves nothing behind for the garbage collector.
            try:
                return list(map(whole.__getitem__, map(key_of, cases)))
            except (KeyError, TypeError):  # a projection not seen yet, a missing field, a list…
                pass
            # The same pass, leaving a None where the cache has nothing yet; when some case lacks
            # a field, over each case laid on a dict of Nones (still at C level), so a missing
            # field reads as None.
            found: list[Result | None] | None
            try:
                found = list(map(whole.get, map(key_of, cases)))
            except KeyError:
                try:
                    found = list(map(whole.get, map(key_of, map(self.blank.__or__, cases))))
                except TypeError:
                    found = None
            except TypeError:  # a list or an object among the values
                found = None
            if found is not None:
                return [result if result is not None else one(case) for result, case in zip(found, cases)]
        results: list[Result] = []
        append = results.append
        get = whole.get
        key_of_missing = self.key_of_missing
        for case in cases:
            result: Result | None = None
            if type(case) is dict:
                try:
                    key = key_of(case)
                except KeyError:  # a field missing from the case reads as None
                    key = key_of_missing(case)
                try:
                    result = get(key)
                except TypeError:  # a list or an object among the values
                    pass
            if result is None:
                result = one(case)
            append(result)
        return results

    def prime(self, cases: list[Any]) -> list[Result | None]:
        """Evaluate, per version, all the cases' typed projections not evaluated yet in one pass:
        each typed once, the engine asked about them many at a time (`EngineCache.many`), each
        decided with its answer and kept where `evaluate_many` finds it too. For a caller that
        holds only distinct projections, such as a table evaluated as columns. Each case's
        result, or None for a case this cannot type (`evaluate_many` says what is wrong with it)."""
        placed: list[tuple[Pick, Any] | None] = [None] * len(cases)
        if not self.by_whole:
            return [None] * len(cases)
        batch = self._batch
        asked: dict[Any, tuple[Pick, list[tuple[Any, dict[str, Any], dict[str, Any]]]]] = {}
        for at, case in enumerate(cases):
            if type(case) is not dict:
                continue
            pick = batch.pick_for(case)
            if isinstance(pick, EvaluationError) or pick.by_case or pick.plan.checklists:
                continue
            key = self.key_of_missing(case)
            if not all(v is None or type(v) is str for v in key):
                continue
            typed_key = batch.typed_key_plain(pick, self._projection(pick.names)(key))
            if typed_key is None:
                continue
            placed[at] = (pick, typed_key)
            if typed_key in pick.typed_cache:
                continue
            plan = pick.plan
            typed = batch.typed(plan, case)
            if typed is None:
                continue
            try:
                encoded = {key: fdef.encode(typed[name]) for name, key, fdef in plan.engine_fields
                           if typed.get(name) is not None}
            except Exception:  # noqa: BLE001 - left for the case's own evaluation to report
                continue
            slot = (id(plan), pick.on)
            asked.setdefault(slot, (pick, []))[1].append((typed_key, typed, encoded))
        for pick, found in asked.values():
            plan, on = pick.plan, pick.on
            hits = batch.matcher(plan).many(plan.policy, [encoded for _, _, encoded in found], on.toordinal(),
                                              plan.first_only)
            if hits is None:  # the engine could not answer them together: case by case, later
                continue
            typed_cache = pick.typed_cache
            for (typed_key, typed, _), hit in zip(found, hits):
                try:
                    result: Result = plan.decide(typed, {}, batch.as_of, on, answered(hit))
                except EvaluationError as err:
                    result = detached(err)
                except Exception:  # noqa: BLE001 - the case's own evaluation says what went wrong
                    continue
                if typed_key not in typed_cache:
                    remember(typed_cache, typed_key, result, batch.cache_size)
        return [None if slot is None else slot[0].typed_cache.get(slot[1]) for slot in placed]

    @property
    def date_field(self) -> str | None:
        """The field whose date picks the version (None: the version in force on as-of)."""
        return self._batch.date_field

    def date_slot(self, raw: str | None) -> Any:
        """What a raw date (a string, or None where the case has none) decides here, as a key
        that — with the raw values of the other fields, all strings or None — decides a plain
        case's result: the version the date picks (the plan itself, so it stays alive while the
        key does), with the date where that version reads it or decides by it; or the date's
        own error. None where no such key holds (a version read case by case)."""
        if not self.by_whole:
            return None
        batch = self._batch
        pick = batch.pick_for({batch.date_field: raw} if batch.date_field else {})
        if isinstance(pick, EvaluationError):  # every case with this date: this error
            return ("refused", raw)
        if pick.by_case:
            return None
        if pick.plan.key_needs_on or batch.date_field in pick.names:
            return (pick.plan, raw)
        return (pick.plan,)

    def _projection(self, names: tuple[str, ...]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
        """A version's raw projection out of the session's (its names' places in `names`)."""
        project = self._projections.get(names)
        if project is None:
            index = {name: i for i, name in enumerate(self.names)}
            project = self._projections[names] = tuple_getter([index[n] for n in names])
        return project

    def _one(self, case: Any) -> Result:
        """A case the whole-projection cache does not hold (yet)."""
        batch = self._batch
        if type(case) is not dict:
            return batch.other(case)
        pick = batch.pick_for(case)
        key = self.key_of_missing(case)
        if not all(v is None or type(v) is str for v in key):  # numbers, booleans, lists…
            return batch.one_picked(pick, case)
        if isinstance(pick, EvaluationError):  # an error picking the version
            remember(self.whole, key, pick, batch.cache_size)
            return pick
        if pick.by_case:  # a kind evaluated case by case
            return batch.one_picked(pick, case)
        result = batch.plain_miss(pick, case, self._projection(pick.names)(key))
        remember(self.whole, key, result, batch.cache_size)
        return result
