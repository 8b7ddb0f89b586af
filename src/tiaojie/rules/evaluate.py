"""Evaluate cases against policies: typed input → engine match → the kind's calculator → outcome.

`evaluate` takes one case. `evaluate_batch` takes many and evaluates each distinct projection of a
case — its values for the fields the policy version reads — only once: grassroots cases are mostly
enumerations, so a million cases read as a few thousand distinct projections.
"""

from __future__ import annotations

import datetime as dt
import operator
from itertools import islice
from decimal import Decimal
from types import ModuleType
from typing import Annotated, Any, Iterable, Iterator, Optional

from pydantic import BeforeValidator, ConfigDict, Field, ValidationError, create_model

from ..calc import banquet, dividend, escalation, table
from ..calc.common import Decision
from ..vocabulary import FieldDef, InvalidValue
from .conditions import fact_key
from .derived import compute as compute_derived, derivation_order
from .engine import RulesEngine
from .errors import EvaluationError
from .loader import RuleBook
from .outcome import Outcome
from .policy import Policy

CALCULATORS: dict[str, ModuleType] = {
    "reward": table, "table": table, "banquet": banquet, "escalation": escalation, "dividend": dividend,
}
_PY_TYPES = {"enum": str, "text": str, "int": int, "decimal": Decimal, "money": Decimal, "bool": bool, "date": dt.date}
BATCH_CHUNK = 8192  # cases taken from the input before their results are yielded
_HASHABLE = (str, int, Decimal, bool, float, type(None))


def _coercer(fdef: FieldDef):
    def coerce(value: object):
        return None if value is None else fdef.coerce(value)

    return coerce


def _lookup(case: dict[str, Any], name: str) -> Any:
    value = case.get(name)
    if value is None and "." in name:
        node: Any = case
        for part in name.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node
    return value


class _Plan:
    """What one policy version reads, prepared once: the pydantic input model and the projection."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.calculator = CALCULATORS[policy.kind]
        # The fields a case gives (`names`); derived fields are computed from them (`derived`,
        # in an order where a formula's inputs come first), whatever the case says for them.
        self.names = tuple(n for n, f in policy.fields.items() if not f.derived)
        self.derived = derivation_order(policy.fields)
        self.dotted = any("." in n for n in self.names)
        self.engine_fields = [(n, fact_key(n), policy.fields[n]) for n in policy.condition_reads()]
        self.rows = {row.id: row for row in policy.rows}
        model_fields: dict[str, Any] = {}
        for i, name in enumerate(self.names):
            fdef = policy.fields[name]
            annotation = Annotated[Optional[_PY_TYPES[fdef.type]], BeforeValidator(_coercer(fdef))]
            model_fields[f"f{i}"] = (annotation, Field(default=None, alias=name))
        self.model = create_model(
            f"Input_{policy.id.replace('-', '_')}", __config__=ConfigDict(extra="ignore"), **model_fields
        )
        self.aliases = {f"f{i}": name for i, name in enumerate(self.names)}
        self.field_attr = {name: attr for attr, name in self.aliases.items()}
        # The version-picking date matters to the result only when rows are dated or it is read
        # (by a condition, or by a formula: an output's, or a derived field's).
        date_field = policy.date_field
        read_elsewhere = date_field is not None and (
            policy.kind == "escalation" or policy.date_sensitive or date_field in policy.condition_fields()
            or date_field in policy.formula_reads()
        )
        # The batch caches key by the fields a case gives: a derived field is a function of them.
        self.key_names = tuple(n for n in self.names if n != date_field or read_elsewhere)
        self.key_needs_on = policy.date_sensitive
        # Only the first matching row decides a first-hit table: ask the engine for that one.
        self.first_only = policy.kind in ("reward", "table") and policy.header.hit == "first"

    def field_value(self, name: str, raw: Any) -> Any:
        """One given field's typed value, validated by the input model as `typed` would; raises
        ValidationError. Given fields do not depend on each other, so this equals
        typed(case)[name]."""
        model = self.model.model_validate({name: raw})
        return model.__dict__[self.field_attr[name]]

    def typed(self, case: dict[str, Any]) -> dict[str, Any]:
        """The case's typed values, derived fields computed; raises EvaluationError."""
        flat = {name: _lookup(case, name) for name in self.names}
        try:
            model = self.model.model_validate(flat)
        except ValidationError as err:
            first = err.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "?"
            cause = (first.get("ctx") or {}).get("error")
            detail = cause.detail if isinstance(cause, InvalidValue) else first["msg"]
            raise EvaluationError("input_invalid", field=name, detail=detail) from None
        typed = {self.aliases[k]: v for k, v in model.__dict__.items()}
        if self.derived:
            compute_derived(self.derived, typed)
        return typed

    def derive(self, typed: dict[str, Any]) -> dict[str, Any]:
        """Fill in the derived fields of typed values given for `names`; raises EvaluationError."""
        if self.derived:
            compute_derived(self.derived, typed)
        return typed


class Evaluator:
    """Evaluates cases through the engine that holds the book's compiled policies."""

    def __init__(self, book: RuleBook, engine: RulesEngine, cache_size: int = 250_000):
        self.book = book
        self.engine = engine
        self.cache_size = cache_size
        self._plans: dict[int, _Plan] = {}

    def plan(self, policy: Policy) -> _Plan:
        plan = self._plans.get(id(policy))
        if plan is None:
            plan = self._plans[id(policy)] = _Plan(policy)
        return plan

    # --- one case --------------------------------------------------------------------------
    def evaluate(self, policy_id: str, case: dict[str, Any], as_of: dt.date | None = None) -> Outcome:
        as_of = as_of or dt.date.today()
        if not isinstance(case, dict):
            raise EvaluationError("input_not_object")
        policy, on = self.version_for(policy_id, case, as_of)
        return self._evaluate(self.plan(policy), case, as_of, on)

    def evaluate_version(self, policy: Policy, case: dict[str, Any], as_of: dt.date, on: dt.date | None = None) -> Outcome:
        """Evaluate against one given version, whatever is in force (examples, impact of a draft)."""
        if not isinstance(case, dict):
            raise EvaluationError("input_not_object")
        return self._evaluate(self.plan(policy), case, as_of, on or as_of)

    def version_for(self, policy_id: str, case: dict[str, Any], as_of: dt.date) -> tuple[Policy, dt.date]:
        """The version in force on the case's own date (e.g. the settlement date), else on `as_of`."""
        versions = self.book.versions(policy_id)
        date_field = versions[-1].date_field
        on = as_of
        if date_field:
            raw = _lookup(case, date_field)
            if raw is not None:
                fdef = versions[-1].fields.get(date_field) or self.book.vocabulary.fields.get(date_field)
                try:
                    on = fdef.coerce(raw) if fdef else as_of
                except InvalidValue as err:
                    raise EvaluationError("input_invalid", field=date_field, detail=err.detail) from None
        return self.book.select(policy_id, on), on

    def _evaluate(self, plan: _Plan, case: dict[str, Any], as_of: dt.date, on: dt.date, match=None) -> Outcome:
        policy = plan.policy
        if policy.kind == "dividend":
            typed, context = dividend.prepare(policy, case)
            plan.derive(typed)
        else:
            typed, context = plan.typed(case), {}
        return self._evaluate_typed(plan, typed, context, as_of, on, match)

    def _evaluate_typed(
        self, plan: _Plan, typed: dict[str, Any], context: dict[str, Any], as_of: dt.date, on: dt.date, match=None
    ) -> Outcome:
        policy = plan.policy
        encoded = {
            key: fdef.encode(typed[name]) for name, key, fdef in plan.engine_fields if typed.get(name) is not None
        }
        first = plan.first_only
        matched_ids = (match or self.engine.match)(policy, encoded, on.toordinal(), first)
        matched = [plan.rows[i] for i in matched_ids]
        return plan.calculator.decide(Decision(policy, typed, matched, as_of, on, context, all_matched=not first))

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

    def batch_session(self, policy_id: str, as_of: dt.date | None = None) -> "BatchSession":
        """The caches of one batch, for a caller that feeds it lists of cases itself
        (`session.evaluate_many(cases)` → one result per case, in order)."""
        return BatchSession(self, policy_id, as_of or dt.date.today())

    def _safe(
        self, plan: _Plan, case: dict[str, Any], as_of: dt.date, on: dt.date, match=None
    ) -> Outcome | EvaluationError:
        try:
            return self._evaluate(plan, case, as_of, on, match)
        except EvaluationError as err:
            return err


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

    def __init__(self, evaluator: Evaluator, policy_id: str, as_of: dt.date):
        self._batch = batch = _Batch(evaluator, policy_id, as_of)
        versions = evaluator.book.versions(policy_id)
        names: list[str] = [batch.date_field] if batch.date_field else []
        for policy in versions:  # the fields a case gives: derived ones are computed from them
            names += [n for n in evaluator.plan(policy).names if n not in names]
        self.whole: dict[Any, Outcome | EvaluationError] | None = None
        if not any(p.kind == "dividend" for p in versions) and not any("." in n for n in names):
            self.whole = {}
            self.names = tuple(names)
            self.key_of, self.key_of_missing = _key_functions(self.names)
            self._projections: dict[tuple[str, ...], Any] = {}  # a version's names → their places

    def evaluate_many(self, cases: list[Any]) -> list[Outcome | EvaluationError]:
        """One result per case, in order."""
        whole = self.whole
        if whole is None:
            return list(map(self._batch.one, cases))
        key_of = self.key_of
        if len(set(map(type, cases))) == 1 and type(cases[0]) is dict:
            # Every case seen before: one C-level pass. Each key tuple is dropped as soon as it
            # is looked up, so the pass leaves nothing behind for the garbage collector.
            try:
                return list(map(whole.__getitem__, map(key_of, cases)))
            except (KeyError, TypeError):  # a projection not seen yet, a missing field, a list…
                pass
            # The same pass, leaving a None where the cache has nothing yet; reading a missing
            # field as None when some case lacks one.
            for key_fn in (key_of, self.key_of_missing):
                try:
                    results = list(map(whole.get, map(key_fn, cases)))
                except KeyError:
                    continue
                except TypeError:
                    break
                one = self._one
                for i in [i for i, result in enumerate(results) if result is None]:
                    results[i] = one(cases[i])
                return results
        results = []
        append = results.append
        get = whole.get
        key_of_missing = self.key_of_missing
        one = self._one
        for case in cases:
            result = None
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

    def _one(self, case: Any) -> Outcome | EvaluationError:
        """A case the whole-projection cache does not hold (yet)."""
        batch = self._batch
        if type(case) is not dict:
            return batch.other(case)
        pick = batch.pick_for(case)
        key = self.key_of_missing(case)
        if not all(v is None or type(v) is str for v in key):  # numbers, booleans, lists…
            return batch.one_picked(pick, case)
        if pick.fast is None:  # an error picking the version, or a kind evaluated case by case
            result = batch.one_picked(pick, case)
            if pick.error is not None:
                _remember(self.whole, key, result, batch.cache_size)
            return result
        project = self._projections.get(pick.names)
        if project is None:
            index = {name: i for i, name in enumerate(self.names)}
            project = self._projections[pick.names] = _tuple_getter([index[n] for n in pick.names])
        result = batch.plain_miss(pick, case, project(key))
        _remember(self.whole, key, result, batch.cache_size)
        return result


def _tuple_getter(indices: list[int]):
    if len(indices) >= 2:
        return operator.itemgetter(*indices)
    if len(indices) == 1:
        i = indices[0]
        return lambda values: (values[i],)
    return lambda values: ()


class _Pick:
    """One version picked for a batch (by the raw date), with its cache of raw projections."""

    __slots__ = ("plan", "on", "error", "fast", "key_of", "key_of_missing", "names", "typed_cache", "mixed", "tokens")

    def __init__(self, plan: _Plan | None, on: dt.date | None, error: EvaluationError | None = None):
        self.plan = plan
        self.on = on
        self.error = error
        self.fast: dict[Any, Outcome | EvaluationError] | None = None
        self.typed_cache: dict[Any, Outcome | EvaluationError] | None = None
        self.mixed: dict[Any, Outcome | EvaluationError] | None = None
        self.names: tuple[str, ...] = ()
        self.key_of: Any = None
        self.key_of_missing: Any = None
        self.tokens: list[dict] | None = None  # per name, the field's raw string → typed token


def _key_functions(names: tuple[str, ...]):
    """(fast, fallback): the raw projection of a case as a tuple; the fast one is C-level and
    raises KeyError when a field is absent, the fallback reads absent fields as None."""
    if len(names) >= 2:
        fast = operator.itemgetter(*names)
    elif len(names) == 1:
        getter = operator.itemgetter(names[0])

        def fast(case: dict[str, Any]) -> tuple[Any, ...]:
            return (getter(case),)
    else:
        def fast(case: dict[str, Any]) -> tuple[Any, ...]:
            return ()

    def fallback(case: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(map(case.get, names))

    return fast, fallback


def _typed_token(value: Any) -> Any:
    """A typed value as a cache key that tells bool/int/Decimal apart, and 1.0 from 1.00."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return (Decimal, str(value))
    return (type(value), value)


class _Batch:
    """The caches of one `evaluate_batch` call."""

    def __init__(self, evaluator: Evaluator, policy_id: str, as_of: dt.date):
        self.evaluator = evaluator
        self.policy_id = policy_id
        self.as_of = as_of
        self.date_field = evaluator.book.versions(policy_id)[-1].date_field
        self.cache_size = max(1, evaluator.cache_size)
        self.picks: dict[Any, _Pick] = {}  # raw date (str or None only) → pick
        self._by_version: dict[Any, _Pick] = {}  # (id(plan), on when it matters) → pick
        self._coerced: dict[Any, Any] = {}  # (id(plan), field, raw token) → (typed token, value) or _BAD
        self._strings: dict[Any, tuple[dict, dict]] = {}  # (id(plan), field) → see _field_table
        self._matchers: dict[int, Any] = {}  # id(plan) → the engine, behind a cache of what it saw

    # --- the version ------------------------------------------------------------------------
    def pick(self, case: dict[str, Any]) -> _Pick:
        evaluator = self.evaluator
        raw = case.get(self.date_field) if self.date_field else None
        try:
            policy, on = evaluator.version_for(self.policy_id, case, self.as_of)
        except EvaluationError as err:
            picked = _Pick(None, None, err)
        else:
            plan = evaluator.plan(policy)
            slot = (id(plan), on if plan.key_needs_on else None)
            picked = self._by_version.get(slot)
            if picked is None:
                picked = _Pick(plan, on)
                if not (plan.policy.kind == "dividend" or plan.dotted):
                    picked.fast, picked.typed_cache, picked.mixed = {}, {}, {}
                    picked.names = plan.key_names
                    picked.key_of, picked.key_of_missing = _key_functions(plan.key_names)
                _remember(self._by_version, slot, picked, self.cache_size)
            elif picked.on != on:  # the same cached results, read for a date that does not matter
                twin = _Pick(plan, on)
                for name in _Pick.__slots__[2:]:
                    setattr(twin, name, getattr(picked, name))
                picked = twin
        # Only string (or absent) dates are remembered: `True`, `1` and `1.0` are equal keys.
        if raw is None or type(raw) is str:
            _remember(self.picks, raw, picked, self.cache_size)
        return picked

    def pick_for(self, case: dict[str, Any]) -> _Pick:
        try:
            return self.picks[case.get(self.date_field) if self.date_field else None]
        except (KeyError, TypeError):
            return self.pick(case)

    def one(self, case: Any) -> Outcome | EvaluationError:
        """One case, whatever it is."""
        if type(case) is not dict:  # not an object, or a dict subclass: the careful way
            return self.other(case)
        return self.one_picked(self.pick_for(case), case)

    def one_picked(self, pick: _Pick, case: dict[str, Any]) -> Outcome | EvaluationError:
        fast = pick.fast
        if fast is None:  # an error picking the version, or a kind evaluated case by case
            error = pick.error
            return error if error is not None else self.evaluator._safe(pick.plan, case, self.as_of, pick.on)
        try:
            key = pick.key_of(case)
        except KeyError:  # a field missing from the case reads as None
            key = pick.key_of_missing(case)
        try:
            return fast[key]
        except (KeyError, TypeError):
            return self.miss(pick, case, key)

    def other(self, case: Any) -> Outcome | EvaluationError:
        """A case that is not a plain dict: an error, or a dict subclass read with `.get` only."""
        if not isinstance(case, dict):
            return EvaluationError("input_not_object")
        raw = case.get(self.date_field) if self.date_field else None
        try:
            pick = self.picks[raw]
        except (KeyError, TypeError):
            pick = self.pick(case)
        if pick.fast is None:
            if pick.error is not None:
                return pick.error
            return self.evaluator._safe(pick.plan, case, self.as_of, pick.on)
        key = pick.key_of_missing(case)
        try:
            return pick.fast[key]
        except (KeyError, TypeError):
            return self.miss(pick, case, key)

    # --- a projection not seen yet --------------------------------------------------------
    def miss(self, pick: _Pick, case: dict[str, Any], key: Any) -> Outcome | EvaluationError:
        """The result for a raw projection the fast cache does not hold (or cannot hold)."""
        plain = type(key) is tuple and all(v is None or type(v) is str for v in key)
        raw_key = None
        if not plain:  # numbers, booleans…: a type-exact key in a cache of their own
            try:
                raw_key = tuple(map(_raw_token, key))
                return pick.mixed[raw_key]
            except KeyError:
                pass
            except TypeError:  # a list or object where a scalar belongs: evaluate it alone
                return self.evaluator._safe(pick.plan, case, self.as_of, pick.on)
        typed_key = self._typed_key_plain(pick, key) if plain else self._typed_key(pick, key)
        if typed_key is None:  # a value that does not read: the full path gives its error
            result = self.evaluator._safe(pick.plan, case, self.as_of, pick.on)
        else:
            typed_cache = pick.typed_cache
            result = typed_cache.get(typed_key)
            if result is None:
                result = self._evaluate_new(pick, case)
                _remember(typed_cache, typed_key, result, self.cache_size)
        if plain:
            _remember(pick.fast, key, result, self.cache_size)
        else:
            _remember(pick.mixed, raw_key, result, self.cache_size)
        return result

    def _typed(self, plan: _Plan, name: str, raw: Any) -> Any:
        """(typed token, typed value) of one raw field value, validated once per batch; _BAD
        when it does not read; raises TypeError when it cannot be a key."""
        slot = (id(plan), name, _raw_token(raw))
        value = self._coerced.get(slot)
        if value is None:
            try:
                typed = plan.field_value(name, raw)
                value = (_typed_token(typed), typed)
            except Exception:  # noqa: BLE001 - the full path reports it as the case's error
                value = _BAD
            _remember(self._coerced, slot, value, self.cache_size)
        return value

    def plain_miss(self, pick: _Pick, case: dict[str, Any], key: tuple) -> Outcome | EvaluationError:
        """`miss` for a raw projection of strings and None that the caller caches itself."""
        typed_key = self._typed_key_plain(pick, key)
        if typed_key is None:  # a value that does not read: the full path gives its error
            return self.evaluator._safe(pick.plan, case, self.as_of, pick.on)
        typed_cache = pick.typed_cache
        result = typed_cache.get(typed_key)
        if result is None:
            result = self._evaluate_new(pick, case)
            _remember(typed_cache, typed_key, result, self.cache_size)
        return result

    def _field_table(self, plan: _Plan, name: str) -> tuple[dict, dict]:
        """(raw string → typed token, raw string → typed value) for one field of one version;
        None reads as None, a value that does not read as _BAD."""
        slot = (id(plan), name)
        table = self._strings.get(slot)
        if table is None:
            table = self._strings[slot] = ({None: None}, {None: None})
        return table

    def _typed_key_plain(self, pick: _Pick, key: tuple) -> tuple | None:
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
                    tokens[raw] = _BAD if value is _BAD else value[0]
                    values[raw] = _BAD if value is _BAD else value[1]
            out = tuple(map(dict.__getitem__, tables, key))
        return None if _BAD in out else out

    def _typed_key(self, pick: _Pick, key: tuple) -> tuple | None:
        """The typed values of a raw projection, as a type-exact key; None if one does not read."""
        plan = pick.plan
        out = []
        for name, raw in zip(pick.names, key):
            if raw is None:
                out.append(None)
                continue
            try:
                value = self._typed(plan, name, raw)
            except TypeError:  # unhashable
                return None
            if value is _BAD:
                return None
            out.append(value[0])
        return tuple(out)

    def _evaluate_new(self, pick: _Pick, case: dict[str, Any]) -> Outcome | EvaluationError:
        """A typed projection not seen yet: typed from the per-field cache (every value was
        validated by the input model once), then the engine behind its cache, then the kind's
        calculator."""
        plan = pick.plan
        typed: dict[str, Any] = {}
        for name in plan.names:
            raw = case.get(name)
            if raw is None:
                typed[name] = None
                continue
            if type(raw) is str:
                value = self._field_table(plan, name)[1].get(raw, _BAD)
                if value is not _BAD:
                    typed[name] = value
                    continue
            try:
                value = self._typed(plan, name, raw)
            except TypeError:
                value = _BAD
            if value is _BAD:  # the full path gives the case's error
                return self.evaluator._safe(plan, case, self.as_of, pick.on, self._matcher(plan))
            typed[name] = value[1]
        try:
            plan.derive(typed)
            return self.evaluator._evaluate_typed(plan, typed, {}, self.as_of, pick.on, self._matcher(plan))
        except EvaluationError as err:
            return err


    def _matcher(self, plan: _Plan):
        matcher = self._matchers.get(id(plan))
        if matcher is None:
            matcher = self._matchers[id(plan)] = _EngineCache(self.evaluator.engine, plan, self.cache_size)
        return matcher


class _EngineCache:
    """`engine.match` behind a cache keyed by what the engine is shown.

    The engine sees only the fact: the encoded values and the date ordinal (which rows read only
    when they are dated). An enumeration read only through eq / ne / in / not_in / exists
    conditions is shown to the cache as the truth of each of those conditions (`category` is
    read as "is it land_acquisition, is it one of labour/consumer" rather than as which of 15
    ids it is), so cases the engine cannot tell apart share one engine run. Every other value
    keys by itself and its type. The calculator still runs per distinct typed projection."""

    ENUM_OPS = frozenset({"eq", "ne", "in", "not_in", "exists"})

    def __init__(self, engine: RulesEngine, plan: _Plan, limit: int):
        self.engine = engine
        self.limit = limit
        self.results: dict[Any, list[str]] = {}
        policy = plan.policy
        self.dated = policy.date_sensitive
        atoms: dict[str, list[Any]] = {}
        foreign: set[str] = set()
        for row in policy.rows:
            for atom in row.condition.atoms():
                name = getattr(getattr(atom, "field", None), "name", None)
                if name is None or getattr(atom, "op", None) not in self.ENUM_OPS:
                    foreign.add(name or "")
                    continue
                atoms.setdefault(name, []).append(atom)
        # (fact key, field name, the atoms that read it or None when it keys by value)
        self.fields = []
        for name, key, fdef in plan.engine_fields:
            reads = atoms.get(name) if fdef.type == "enum" and name not in foreign else None
            self.fields.append((key, name, reads))
        self.signatures: dict[Any, Any] = {}

    def _token(self, name: str, reads, value: Any) -> Any:
        if value is None:
            return None
        if reads is None:
            return _raw_token(value)
        slot = (name, value)
        token = self.signatures.get(slot)
        if token is None:
            probe = {name: value}
            token = ("sig",) + tuple(atom.holds(probe) for atom in reads)
            _remember(self.signatures, slot, token, self.limit)
        return token

    def __call__(self, policy: Policy, encoded: dict[str, Any], on_ordinal: int, first: bool = False) -> list[str]:
        try:
            key = (on_ordinal if self.dated else None, first) + tuple(
                self._token(name, reads, encoded.get(key)) for key, name, reads in self.fields
            )
            hit = self.results.get(key)
        except TypeError:  # unhashable: ask the engine
            return self.engine.match(policy, encoded, on_ordinal, first)
        if hit is None:
            hit = self.engine.match(policy, encoded, on_ordinal, first)
            _remember(self.results, key, list(hit), self.limit)
        return list(hit)


def _remember(cache: dict, key: Any, value: Any, limit: int) -> None:
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value


def _raw_token(value: Any) -> Any:
    """A raw value as a cache key: strings and None as they are, anything else with its type
    (and its spelling, so `Decimal("1.0")` and `Decimal("1.00")` stay apart)."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is Decimal or kind is float:
        return (kind, repr(value))
    return (kind, value)


_BAD = object()
