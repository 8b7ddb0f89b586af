"""The durable-rules engine, behind one small class. Nothing else in tiaojie imports `durable`.

What the wrapper does about the engine's known edges (see the team's engine notes):

* Each compiled policy is a fresh dict handed to `set_rulesets`, which mutates what it is given.
* Every rule carries the guard term `{"_t": "case"}`, so the engine's own state document (which
  rules also see) can never match a rule and loop; a lowest-priority catch-all rule means a case
  that matches nothing is not an error.
* The Host's two background dispatch threads are never started: evaluation is synchronous and
  those threads have crashed the process when sessions are deleted.
* Each evaluation asserts one fact (or, when only the first matching row matters, posts one
  event, which fires only the highest-priority matching rule) under a fresh random session id, checks that the state that
  comes back carries that id (ids are a 32-bit hash inside the engine and have collided), and
  deletes the session afterwards, so memory does not grow with the number of cases and the
  engine's limit on live sessions is never near.
* Case values reach the engine typed and encoded (enum ids, integer fen, integer date ordinals),
  because the engine compares loosely (`"50"` > 100, `1` == `True`) and cannot carry Decimal.
* The rules a case fired are read off the engine's action queue (one action per fired rule,
  named by the rule) and each action is completed without a Python callback or a JSON round
  trip of the state: the Python side of durable's dispatch was most of the cost of a match.
* The C library has no locks: one evaluation at a time per Host.
* A ruleset name cannot be registered twice and cannot be replaced: each compiled policy gets a
  unique name, and a reload builds a new `RulesEngine` beside the old one.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import uuid
from typing import Any, Iterable

import durable.engine as durable_engine
import durable_rules_engine
import orjson

from .conditions import Atom, engine_faithful, fact_key, regex_flag_key, regex_text_key
from .errors import EvaluationError
from .policy import Policy

GUARD = {"_t": "case"}
CATCH_ALL = "__catch_all__"
# Cases in one engine session of `match_many`: the engine hashes fact ids to 32 bits, and a fact
# whose hash another took is dropped (its case then fires nothing, and is asked alone).
MANY = 500
_names = itertools.count(1)


class EngineRefused(Exception):
    """The engine would not accept a compiled condition (e.g. a pattern it cannot parse)."""

    def __init__(self, policy: Policy, row_id: str | None, detail: str):
        self.policy = policy
        self.row_id = row_id
        self.detail = detail
        super().__init__(f"{policy.path}: rule {row_id}: {detail}")


class _SynchronousHost(durable_engine.Host):
    """A Host whose background dispatch threads never start."""

    def _run(self) -> None:  # noqa: D401 - overriding the thread starter on purpose
        return None


def compile_policy(policy: Policy) -> dict[str, dict]:
    """A policy's rows as a durable-rules ruleset definition (without actions)."""
    rules: dict[str, dict] = {}
    for row in policy.rows:
        terms: list[dict] = [GUARD]
        condition = row.condition.to_engine() if row.condition.fields() else None
        if condition:
            terms.append(condition)
        if row.effective_from:
            terms.append({"$gte": {"_on": row.effective_from.toordinal()}})
        if row.effective_until:
            terms.append({"$lte": {"_on": row.effective_until.toordinal()}})
        match = terms[0] if len(terms) == 1 else {"$and": terms}
        rules[row.id] = {"all": [{"m": match}], "pri": row.order + 1}
    rules[CATCH_ALL] = {"all": [{"m": dict(GUARD)}], "pri": len(policy.rows) + 1000}
    return rules


class RulesEngine:
    """Compiled rulesets for a set of policies, evaluated one case at a time."""

    def __init__(self, policies: Iterable[Policy]):
        self._host = _SynchronousHost()
        self._lock = threading.Lock()
        self._names: dict[int, str] = {}
        self._by_name: dict[str, Any] = {}  # ruleset name → the C library's handle
        self._handles: list[Any] = []
        self._regex: dict[int, list[tuple[str, str, list[tuple[str, Any]]]]] = {}
        for policy in policies:
            self._register(policy)

    def _register(self, policy: Policy) -> None:
        name = f"{policy.id}-{policy.version}-{policy.hash[7:15]}-{next(_names)}"
        definition = self._with_actions(compile_policy(policy))
        try:
            self._host.set_rulesets({name: definition})
        except Exception as err:  # the engine says only "error code 501": find the row it refused
            raise EngineRefused(policy, self._find_refused(policy), str(err)) from None
        self._names[id(policy)] = name
        self._regex[id(policy)] = regex_keys(policy)
        handle = self._host.get_ruleset(name)._handle
        self._by_name[name] = handle
        self._handles.append(handle)

    def _with_actions(self, definition: dict[str, dict]) -> dict[str, dict]:
        # The engine queues one action per fired rule; `_dispatch` reads the rule names off that
        # queue and completes each action without calling into Python.
        fresh = copy.deepcopy(definition)
        for rule in fresh.values():
            rule["run"] = _ignore
        return fresh

    def _find_refused(self, policy: Policy) -> str | None:
        full = compile_policy(policy)
        for rule_id, rule in full.items():
            probe = _SynchronousHost()
            name = f"probe-{next(_names)}"
            try:
                probe.set_rulesets({name: {rule_id: dict(rule, run=_ignore)}})
            except Exception:
                return rule_id
            else:
                durable_rules_engine.delete_ruleset(probe.get_ruleset(name)._handle)
        return None

    def knows(self, policy: Policy) -> bool:
        return id(policy) in self._names

    def match(self, policy: Policy, encoded_case: dict[str, Any], on_ordinal: int, first: bool = False) -> list[str]:
        """Ids of the rows whose conditions hold, in salience order.

        With `first`, only the first of them (or none): the case is posted as an event, so the
        engine fires just its highest-priority matching rule (the catch-all when no row holds)
        instead of asserting a fact that fires every matching rule. For first-hit tables."""
        name = self._names[id(policy)]
        sid = uuid.uuid4().hex
        fact = {"sid": sid, "id": sid, "_t": "case", "_on": on_ordinal, "c": self._with_regex(policy, encoded_case)}
        with self._lock:
            try:
                state, fired = self._dispatch(name, fact, first)
            finally:
                self._host.delete_state(name, sid)
        if not isinstance(state, dict) or state.get("sid") != sid:
            got = state.get("sid") if isinstance(state, dict) else state
            raise EvaluationError("engine_sid_mismatch", expected=sid, got=got)
        if "exception" in state:
            raise EvaluationError("engine_action_failed", detail=state["exception"])
        # A rule whose condition has an `$or` is split by the engine into one rule per branch,
        # and each branch that holds fires: keep each row once, in firing order.
        return list(dict.fromkeys(fired))

    def _with_regex(self, policy: Policy, encoded_case: dict[str, Any]) -> dict[str, Any]:
        """The case as the engine is shown it: a `matches` condition's text, or its verdict."""
        regex_fields = self._regex.get(id(policy))
        if regex_fields:
            encoded_case = dict(encoded_case)
            for key, text_key, flags in regex_fields:
                value = encoded_case.get(key)
                if not isinstance(value, str):
                    continue
                if engine_faithful(value):
                    encoded_case[text_key] = value
                else:  # the engine would match the JSON-escaped text: decide these patterns in Python
                    for flag_key, compiled in flags:
                        encoded_case[flag_key] = compiled.fullmatch(value) is not None
        return encoded_case

    def match_many(self, policy: Policy, encoded_cases: list[dict[str, Any]], on_ordinal: int,
                   first: bool = False) -> list[list[str]] | None:
        """`match` for many cases of one version on one date, asked in one engine session per
        `MANY` cases: each case a fact (an event, with `first`) of its own, the rules it fired
        read off the actions, which name the case. None when the engine's answer cannot be
        trusted to be `match`'s for every case (a case that fired no catch-all, a session whose
        state is not this one's): the caller asks case by case."""
        name = self._names[id(policy)]
        out: list[list[str]] = []
        for start in range(0, len(encoded_cases), MANY):
            chunk = encoded_cases[start:start + MANY]
            sid = uuid.uuid4().hex
            facts = [{"sid": sid, "id": f"{sid}-{i}", "_t": "case", "_on": on_ordinal, "_i": i,
                      "c": self._with_regex(policy, case)} for i, case in enumerate(chunk)]
            with self._lock:
                try:
                    fired = self._dispatch_many(name, sid, facts, first)
                finally:
                    self._host.delete_state(name, sid)
            if fired is None:
                return None
            out += fired
        return out

    def _dispatch_many(self, name: str, sid: str, facts: list[dict[str, Any]], first: bool) -> list[list[str]] | None:
        """The rules each fact fired, in firing order, or None when some fact's firings are not
        all there (every fact fires the catch-all, or as an event exactly one rule). Caller holds
        the lock."""
        handle = self._by_name[name]
        try:  # the same JSON text, written in C: a text json would escape where orjson refuses is written by json
            text = orjson.dumps(facts).decode()
        except (TypeError, orjson.JSONEncodeError):
            text = json.dumps(facts, ensure_ascii=False)
        try:
            result = (durable_rules_engine.assert_events if first else durable_rules_engine.assert_facts)(handle, text)
        except Exception:  # noqa: BLE001 - whatever the engine refused, case by case says it precisely
            return None
        if result[0] not in (0, 3):
            return None
        state_handle = 0 if result[0] == 3 else result[1]
        fired: list[list[str]] = [[] for _ in facts]
        ended = [0] * len(facts)  # how many times each fact fired the catch-all, or (as an event) anything
        started = durable_rules_engine.start_action_for_state(handle, state_handle)
        if not started:
            return None
        try:
            if orjson.loads(started[0]).get("sid") != sid:
                durable_rules_engine.abandon_action(handle, state_handle)
                return None
            message = started[1]
            while message:
                for rule_id, matched in orjson.loads(message).items():  # {rule id: the fact it matched}
                    for one in matched if isinstance(matched, list) else [matched]:
                        i = one.get("m", one).get("_i")
                        if rule_id == CATCH_ALL or first:
                            ended[i] += 1
                        if rule_id != CATCH_ALL:
                            fired[i].append(rule_id)
                    break
                message = durable_rules_engine.complete_and_start_action(handle, state_handle)
        except BaseException:
            durable_rules_engine.abandon_action(handle, state_handle)
            raise
        if any(count != 1 for count in ended):
            return None
        return [list(dict.fromkeys(rules)) for rules in fired]

    def _dispatch(self, name: str, fact: dict[str, Any], first: bool) -> tuple[Any, list[str]]:
        """Post (first) or assert the case; the state the engine acted on and the rules it fired,
        in firing order, without the catch-all. Caller holds the lock.

        The same calls `Host.post` / `Host.assert_fact` make, minus the Python side of each
        action (a closure, a callable, and a JSON round trip of the state per firing): the
        engine hands out one action per fired rule, named by the rule, until none is left."""
        handle = self._by_name[name]
        text = json.dumps(fact, ensure_ascii=False)
        if first:
            result = durable_rules_engine.assert_event(handle, text)
        else:
            result = durable_rules_engine.assert_fact(handle, text)
        if result[0] == 1:
            raise durable_engine.MessageNotHandledException(fact)
        if result[0] == 2:
            raise durable_engine.MessageObservedException(fact)
        state_handle = 0 if result[0] == 3 else result[1]
        started = durable_rules_engine.start_action_for_state(handle, state_handle)
        if not started:
            return None, []
        fired = []
        try:
            state = json.loads(started[0])
            message = started[1]
            while message:
                for rule_id in json.loads(message):  # {rule id: the facts it matched}
                    if rule_id != CATCH_ALL:
                        fired.append(rule_id)
                    break
                message = durable_rules_engine.complete_and_start_action(handle, state_handle)
        except BaseException:
            durable_rules_engine.abandon_action(handle, state_handle)
            raise
        return state, fired

    def close(self) -> None:
        """Free the compiled rulesets in the C library; the engine cannot be used afterwards."""
        with self._lock:
            for handle in self._handles:
                try:
                    durable_rules_engine.delete_ruleset(handle)
                except Exception:  # already gone; nothing else to free
                    pass
            self._handles.clear()
            self._names.clear()
            self._by_name.clear()


def regex_keys(policy: Policy) -> list[tuple[str, str, list[tuple[str, Any]]]]:
    """For each field a `matches` condition reads: its fact key, the key of the text the engine
    matches, and per pattern the key of the Python-decided flag (see conditions.engine_faithful)."""
    fields: dict[str, dict[str, Any]] = {}
    for row in policy.rows:
        for atom in row.condition.atoms():
            if isinstance(atom, Atom) and atom.op == "matches" and atom.pattern is not None:
                fields.setdefault(atom.field.name, {})[regex_flag_key(atom.field.name, atom.pattern)] = atom.compiled
    return [(fact_key(name), regex_text_key(name), list(flags.items())) for name, flags in fields.items()]


def _ignore(c) -> None:
    return None
