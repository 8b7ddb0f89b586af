"""Many cases at once: each distinct projection of a case — its values for the fields the policy
version reads — is evaluated only once. Grassroots cases are mostly enumerations, so a million
cases read as a few thousand distinct projections.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Protocol

from .batch_keys import BAD, KeyOf, key_functions, raw_token, remember, tuple_getter, typed_token
from .book import RuleBook
from .engine import RulesEngine
from .engine_cache import EngineCache
from .errors import EvaluationError
from .outcome import Outcome
from .plan import Match, Plan, detached
from .policy import Policy

Result = Outcome | EvaluationError


class Evaluates(Protocol):
    """What a batch asks of the evaluator: the book, the engine, the plan of a version and the
    version a case picks."""

    @property
    def book(self) -> RuleBook: ...

    @property
    def engine(self) -> RulesEngine: ...

    @property
    def cache_size(self) -> int: ...

    def plan(self, policy: Policy) -> Plan: ...

    def version_for(self, policy_id: str, case: dict[str, Any], as_of: dt.date) -> tuple[Policy, dt.date]: ...


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
        self._batch = batch = _Batch(evaluator, policy_id, as_of)
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
        placed: list[tuple[_Pick, Any] | None] = [None] * len(cases)
        if not self.by_whole:
            return [None] * len(cases)
        batch = self._batch
        asked: dict[Any, tuple[_Pick, list[tuple[Any, dict[str, Any], dict[str, Any]]]]] = {}
        for at, case in enumerate(cases):
            if type(case) is not dict:
                continue
            pick = batch.pick_for(case)
            if isinstance(pick, EvaluationError) or pick.by_case or pick.plan.checklists:
                continue
            key = self.key_of_missing(case)
            if not all(v is None or type(v) is str for v in key):
                continue
            typed_key = batch._typed_key_plain(pick, self._projection(pick.names)(key))
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
            hits = batch._matcher(plan).many(plan.policy, [encoded for _, _, encoded in found], on.toordinal(),
                                              plan.first_only)
            if hits is None:  # the engine could not answer them together: case by case, later
                continue
            typed_cache = pick.typed_cache
            for (typed_key, typed, _), hit in zip(found, hits):
                try:
                    result: Result = plan.decide(typed, {}, batch.as_of, on, _answered(hit))
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


class _Pick:
    """One version picked for a batch (by the raw date), with its cache of raw projections."""

    __slots__ = ("plan", "on", "by_case", "fast", "key_of", "key_of_missing", "names", "typed_cache", "mixed",
                 "tokens")

    def __init__(self, plan: Plan, on: dt.date):
        self.plan = plan
        self.on = on
        # A kind that reads its cases itself, or fields read by dotted names: no caches, each
        # case is evaluated on its own.
        self.by_case = plan.kind.reads_own_input or plan.dotted
        self.fast: dict[Any, Result] = {}  # raw projection of strings and None → result
        self.typed_cache: dict[Any, Result] = {}  # typed projection → result
        self.mixed: dict[Any, Result] = {}  # type-exact raw projection → result
        self.names: tuple[str, ...] = plan.key_names
        self.key_of: KeyOf
        self.key_of_missing: KeyOf
        self.key_of, self.key_of_missing = key_functions(plan.key_names)
        self.tokens: list[dict[Any, Any]] | None = None  # per name, the field's raw string → typed token

    def at(self, on: dt.date) -> _Pick:
        """The same caches, read for another date (one that does not change the results)."""
        twin = _Pick.__new__(_Pick)
        for name in _Pick.__slots__:
            setattr(twin, name, getattr(self, name))
        twin.on = on
        return twin


class _Batch:
    """The caches of one `evaluate_batch` call."""

    def __init__(self, evaluator: Evaluates, policy_id: str, as_of: dt.date):
        self.evaluator = evaluator
        self.match: Match = evaluator.engine.match
        self.policy_id = policy_id
        self.as_of = as_of
        self.date_field = evaluator.book.versions(policy_id)[-1].date_field
        self.cache_size = max(1, evaluator.cache_size)
        self.picks: dict[Any, _Pick | EvaluationError] = {}  # raw date (str or None only) → pick
        self._by_version: dict[Any, _Pick] = {}  # (id(plan), on when it matters) → pick
        self._coerced: dict[Any, Any] = {}  # (id(plan), field, raw token) → (typed token, value) or BAD
        # (id(plan), field) → see _field_table
        self._strings: dict[Any, tuple[dict[Any, Any], dict[Any, Any]]] = {}
        self._matchers: dict[int, EngineCache] = {}  # id(plan) → the engine, behind a cache of what it saw
        self._values: dict[int, list[dict[Any, Any]]] = {}  # id(plan) → see _value_tables

    # --- the version ------------------------------------------------------------------------
    def pick(self, case: dict[str, Any]) -> _Pick | EvaluationError:
        evaluator = self.evaluator
        raw = case.get(self.date_field) if self.date_field else None
        picked: _Pick | EvaluationError
        try:
            policy, on = evaluator.version_for(self.policy_id, case, self.as_of)
        except EvaluationError as err:
            picked = detached(err)
        else:
            plan = evaluator.plan(policy)
            slot = (id(plan), on if plan.key_needs_on else None)
            known = self._by_version.get(slot)
            if known is None:
                known = _Pick(plan, on)
                remember(self._by_version, slot, known, self.cache_size)
            elif known.on != on:  # the same cached results, read for a date that does not matter
                known = known.at(on)
            picked = known
        # Only string (or absent) dates are remembered: `True`, `1` and `1.0` are equal keys.
        if raw is None or type(raw) is str:
            remember(self.picks, raw, picked, self.cache_size)
        return picked

    def pick_for(self, case: dict[str, Any]) -> _Pick | EvaluationError:
        try:
            return self.picks[case.get(self.date_field) if self.date_field else None]
        except (KeyError, TypeError):
            return self.pick(case)

    def one(self, case: Any) -> Result:
        """One case, whatever it is."""
        if type(case) is not dict:  # not an object, or a dict subclass: the careful way
            return self.other(case)
        return self.one_picked(self.pick_for(case), case)

    def one_picked(self, pick: _Pick | EvaluationError, case: dict[str, Any]) -> Result:
        if isinstance(pick, EvaluationError):  # an error picking the version
            return pick
        if pick.by_case:
            return pick.plan.safe(case, self.as_of, pick.on, self.match)
        try:
            key = pick.key_of(case)
        except KeyError:  # a field missing from the case reads as None
            key = pick.key_of_missing(case)
        try:
            return pick.fast[key]
        except (KeyError, TypeError):
            return self.miss(pick, case, key)

    def other(self, case: Any) -> Result:
        """A case that is not a plain dict: an error, or a dict subclass read with `.get` only."""
        if not isinstance(case, dict):
            return EvaluationError("input_not_object")
        raw = case.get(self.date_field) if self.date_field else None
        try:
            pick = self.picks[raw]
        except (KeyError, TypeError):
            pick = self.pick(case)
        if isinstance(pick, EvaluationError):
            return pick
        if pick.by_case:
            return pick.plan.safe(case, self.as_of, pick.on, self.match)
        key = pick.key_of_missing(case)
        try:
            return pick.fast[key]
        except (KeyError, TypeError):
            return self.miss(pick, case, key)

    # --- a projection not seen yet --------------------------------------------------------
    def miss(self, pick: _Pick, case: dict[str, Any], key: Any) -> Result:
        """The result for a raw projection the fast cache does not hold (or cannot hold)."""
        plain = type(key) is tuple and all(v is None or type(v) is str for v in key)
        raw_key = None
        if not plain:  # numbers, booleans…: a type-exact key in a cache of their own
            try:
                raw_key = tuple(map(raw_token, key))
                return pick.mixed[raw_key]
            except KeyError:
                pass
            except TypeError:  # a list or object where a scalar belongs: evaluate it alone
                return pick.plan.safe(case, self.as_of, pick.on, self.match)
        typed_key = self._typed_key_plain(pick, key) if plain else self._typed_key(pick, key)
        if typed_key is None:  # a value that does not read: the full path gives its error
            result = pick.plan.safe(case, self.as_of, pick.on, self.match)
        else:
            typed_cache = pick.typed_cache
            found = typed_cache.get(typed_key)
            if found is None:
                found = self._evaluate_new(pick, case)
                remember(typed_cache, typed_key, found, self.cache_size)
            result = found
        if plain:
            remember(pick.fast, key, result, self.cache_size)
        else:
            remember(pick.mixed, raw_key, result, self.cache_size)
        return result

    def _typed(self, plan: Plan, name: str, raw: Any) -> Any:
        """(typed token, typed value) of one raw field value, validated once per batch; BAD
        when it does not read; raises TypeError when it cannot be a key."""
        slot = (id(plan), name, raw_token(raw))
        value = self._coerced.get(slot)
        if value is None:
            try:
                typed = plan.field_value(name, raw)
                value = (typed_token(typed), typed)
            except Exception:  # noqa: BLE001 - the full path reports it as the case's error
                value = BAD
            remember(self._coerced, slot, value, self.cache_size)
        return value

    def plain_miss(self, pick: _Pick, case: dict[str, Any], key: tuple[Any, ...]) -> Result:
        """`miss` for a raw projection of strings and None that the caller caches itself."""
        typed_key = self._typed_key_plain(pick, key)
        if typed_key is None:  # a value that does not read: the full path gives its error
            return pick.plan.safe(case, self.as_of, pick.on, self.match)
        typed_cache = pick.typed_cache
        result = typed_cache.get(typed_key)
        if result is None:
            result = self._evaluate_new(pick, case)
            remember(typed_cache, typed_key, result, self.cache_size)
        return result

    def _field_table(self, plan: Plan, name: str) -> tuple[dict[Any, Any], dict[Any, Any]]:
        """(raw string → typed token, raw string → typed value) for one field of one version;
        None reads as None, a value that does not read as BAD."""
        slot = (id(plan), name)
        table = self._strings.get(slot)
        if table is None:
            table = self._strings[slot] = ({None: None}, {None: None})
        return table

    def _value_tables(self, plan: Plan) -> list[dict[Any, Any]]:
        """Per given field of a version, in order, its table of raw string → typed value."""
        tables = self._values.get(id(plan))
        if tables is None:
            tables = self._values[id(plan)] = [self._field_table(plan, name)[1] for name in plan.names]
        return tables

    def _typed_key_plain(self, pick: _Pick, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """`_typed_key` for a projection of strings and None: one C-level pass over per-field
        tables once every value in it has been seen."""
        tables = pick.tokens
        if tables is None:
            tables = pick.tokens = [self._field_table(pick.plan, name)[0] for name in pick.names]
        try:
            out = tuple(map(dict.__getitem__, tables, key))
        except KeyError:
            plan = pick.plan
            for name, tokens, raw in zip(pick.names, tables, key):
                if raw not in tokens:
                    value = self._typed(plan, name, raw)
                    values = self._field_table(plan, name)[1]
                    if len(tokens) >= self.cache_size:
                        tokens.clear()
                        values.clear()
                        tokens[None] = values[None] = None
                    tokens[raw] = BAD if value is BAD else value[0]
                    values[raw] = BAD if value is BAD else value[1]
            out = tuple(map(dict.__getitem__, tables, key))
        return None if BAD in out else out

    def _typed_key(self, pick: _Pick, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The typed values of a raw projection, as a type-exact key; None if one does not read."""
        plan = pick.plan
        out: list[Any] = []
        for name, raw in zip(pick.names, key):
            if raw is None:
                out.append(None)
                continue
            try:
                value = self._typed(plan, name, raw)
            except TypeError:  # unhashable
                return None
            if value is BAD:
                return None
            out.append(value[0])
        return tuple(out)

    def _evaluate_new(self, pick: _Pick, case: dict[str, Any]) -> Result:
        """A typed projection not seen yet: typed from the per-field cache (every value was
        validated by the input model once), then the engine behind its cache, then the kind's
        decision."""
        plan = pick.plan
        typed: dict[str, Any] = {}
        for name, table in zip(plan.names, self._value_tables(plan)):
            raw = case.get(name)
            if raw is None:
                typed[name] = None
                continue
            if type(raw) is str:
                value = table.get(raw, BAD)
                if value is not BAD:
                    typed[name] = value
                    continue
            try:
                value = self._typed(plan, name, raw)
            except TypeError:
                value = BAD
            if value is BAD:  # the full path gives the case's error
                return plan.safe(case, self.as_of, pick.on, self._matcher(plan))
            typed[name] = value[1]
        try:
            plan.derive(typed)
            return plan.decide(typed, {}, self.as_of, pick.on, self._matcher(plan))
        except EvaluationError as err:
            return detached(err)

    def typed(self, plan: Plan, case: dict[str, Any]) -> dict[str, Any] | None:
        """The typed values (derived fields computed) of a case of strings and None whose values
        the field tables hold (`_typed_key_plain` has read them); None when they cannot be worked
        out so (the case's own evaluation says why)."""
        typed: dict[str, Any] = {}
        for name, table in zip(plan.names, self._value_tables(plan)):
            raw = case.get(name)
            value = table.get(raw, BAD)
            if value is BAD:  # a field the tables do not hold (the date that picked the version)
                found = self._typed(plan, name, raw)
                if found is BAD:
                    return None
                value = found[1]
            typed[name] = value
        try:
            return plan.derive(typed)
        except Exception:  # noqa: BLE001 - left for the case's own evaluation to report
            return None

    def _matcher(self, plan: Plan) -> EngineCache:
        matcher = self._matchers.get(id(plan))
        if matcher is None:
            matcher = self._matchers[id(plan)] = EngineCache(self.evaluator.engine, plan, self.cache_size)
        return matcher


def _answered(hit: list[str]) -> Match:
    """A match that gives the engine's answer already asked for (`BatchSession.prime`)."""
    def match(policy: Policy, encoded: dict[str, Any], on_ordinal: int, first: bool = False) -> list[str]:
        return list(hit)

    return match
