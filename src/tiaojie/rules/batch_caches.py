"""The caches of one batch: the version each raw date picks, and per version the results of raw
and typed projections, with the engine behind a cache of what it saw. `BatchSession` feeds them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from .batch_keys import BAD, KeyOf, key_functions, raw_token, remember, typed_token
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


class Pick:
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

    def at(self, on: dt.date) -> Pick:
        """The same caches, read for another date (one that does not change the results)."""
        twin = Pick.__new__(Pick)
        for name in Pick.__slots__:
            setattr(twin, name, getattr(self, name))
        twin.on = on
        return twin


class BatchCaches:
    """The caches of one `evaluate_batch` call."""

    def __init__(self, evaluator: Evaluates, policy_id: str, as_of: dt.date):
        self.evaluator = evaluator
        self.match: Match = evaluator.engine.match
        self.policy_id = policy_id
        self.as_of = as_of
        self.date_field = evaluator.book.versions(policy_id)[-1].date_field
        self.cache_size = max(1, evaluator.cache_size)
        self.picks: dict[Any, Pick | EvaluationError] = {}  # raw date (str or None only) → pick
        self._by_version: dict[Any, Pick] = {}  # (id(plan), on when it matters) → pick
        self._coerced: dict[Any, Any] = {}  # (id(plan), field, raw token) → (typed token, value) or BAD
        # (id(plan), field) → see _field_table
        self._strings: dict[Any, tuple[dict[Any, Any], dict[Any, Any]]] = {}
        self._matchers: dict[int, EngineCache] = {}  # id(plan) → the engine, behind a cache of what it saw
        self._values: dict[int, list[dict[Any, Any]]] = {}  # id(plan) → see _value_tables

    # --- the version ------------------------------------------------------------------------
    def pick(self, case: dict[str, Any]) -> Pick | EvaluationError:
        evaluator = self.evaluator
        raw = case.get(self.date_field) if self.date_field else None
        picked: Pick | EvaluationError
        try:
            policy, on = evaluator.version_for(self.policy_id, case, self.as_of)
        except EvaluationError as err:
            picked = detached(err)
        else:
            plan = evaluator.plan(policy)
            slot = (id(plan), on if plan.key_needs_on else None)
            known = self._by_version.get(slot)
            if known is None:
                known = Pick(plan, on)
                remember(self._by_version, slot, known, self.cache_size)
            elif known.on != on:  # the same cached results, read for a date that does not matter
                known = known.at(on)
            picked = known
        # Only string (or absent) dates are remembered: `True`, `1` and `1.0` are equal keys.
        if raw is None or type(raw) is str:
            remember(self.picks, raw, picked, self.cache_size)
        return picked

    def pick_for(self, case: dict[str, Any]) -> Pick | EvaluationError:
        try:
            return self.picks[case.get(self.date_field) if self.date_field else None]
        except (KeyError, TypeError):
            return self.pick(case)

    def one(self, case: Any) -> Result:
        """One case, whatever it is."""
        if type(case) is not dict:  # not an object, or a dict subclass: the careful way
            return self.other(case)
        return self.one_picked(self.pick_for(case), case)

    def one_picked(self, pick: Pick | EvaluationError, case: dict[str, Any]) -> Result:
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
    def miss(self, pick: Pick, case: dict[str, Any], key: Any) -> Result:
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
        typed_key = self.typed_key_plain(pick, key) if plain else self._typed_key(pick, key)
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

    def plain_miss(self, pick: Pick, case: dict[str, Any], key: tuple[Any, ...]) -> Result:
        """`miss` for a raw projection of strings and None that the caller caches itself."""
        typed_key = self.typed_key_plain(pick, key)
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

    def typed_key_plain(self, pick: Pick, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
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

    def _typed_key(self, pick: Pick, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
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

    def _evaluate_new(self, pick: Pick, case: dict[str, Any]) -> Result:
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
                return plan.safe(case, self.as_of, pick.on, self.matcher(plan))
            typed[name] = value[1]
        try:
            plan.derive(typed)
            return plan.decide(typed, {}, self.as_of, pick.on, self.matcher(plan))
        except EvaluationError as err:
            return detached(err)

    def typed(self, plan: Plan, case: dict[str, Any]) -> dict[str, Any] | None:
        """The typed values (derived fields computed) of a case of strings and None whose values
        the field tables hold (`typed_key_plain` has read them); None when they cannot be worked
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

    def matcher(self, plan: Plan) -> EngineCache:
        matcher = self._matchers.get(id(plan))
        if matcher is None:
            matcher = self._matchers[id(plan)] = EngineCache(self.evaluator.engine, plan, self.cache_size)
        return matcher


def answered(hit: list[str]) -> Match:
    """A match that gives the engine's answer already asked for (`BatchSession.prime`)."""
    def match(policy: Policy, encoded: dict[str, Any], on_ordinal: int, first: bool = False) -> list[str]:
        return list(hit)

    return match
