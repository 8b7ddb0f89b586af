"""The engine behind a cache of what it was shown, for the batch path."""

from __future__ import annotations

from typing import Any

from .batch_keys import raw_token, remember
from .conditions import Atom
from .engine import RulesEngine
from .plan import Plan
from .policy import Policy


class EngineCache:
    """`engine.match` behind a cache keyed by what the engine is shown.

    The engine sees only the fact: the encoded values and the date ordinal (which rows read only
    when they are dated). An enumeration read only through eq / ne / in / not_in / exists
    conditions is shown to the cache as the truth of each of those conditions (`category` is
    read as "is it land_acquisition, is it one of labour/consumer" rather than as which of 15
    ids it is), so cases the engine cannot tell apart share one engine run. Every other value
    keys by itself and its type. The kind still decides per distinct typed projection."""

    ENUM_OPS = frozenset({"eq", "ne", "in", "not_in", "exists"})

    def __init__(self, engine: RulesEngine, plan: Plan, limit: int):
        self.engine = engine
        self.limit = limit
        self.results: dict[Any, list[str]] = {}
        policy = plan.policy
        self.dated = policy.date_sensitive
        atoms: dict[str, list[Atom]] = {}
        foreign: set[str] = set()
        for row in policy.rows:
            for atom in row.condition.atoms():
                name = atom.field.name
                if atom.op not in self.ENUM_OPS:
                    foreign.add(name)
                    continue
                atoms.setdefault(name, []).append(atom)
        # (fact key, field name, the atoms that read it or None when it keys by value)
        self.fields: list[tuple[str, str, list[Atom] | None]] = []
        for name, key, fdef in plan.engine_fields:
            reads = atoms.get(name) if fdef.type == "enum" and name not in foreign else None
            self.fields.append((key, name, reads))
        self.signatures: dict[Any, Any] = {}

    def _token(self, name: str, reads: list[Atom] | None, value: Any) -> Any:
        if value is None:
            return None
        if reads is None:
            return raw_token(value)
        slot = (name, value)
        token = self.signatures.get(slot)
        if token is None:
            probe = {name: value}
            token = ("sig",) + tuple(atom.holds(probe) for atom in reads)
            remember(self.signatures, slot, token, self.limit)
        return token

    def _key(self, encoded: dict[str, Any], on_ordinal: int, first: bool) -> tuple[Any, ...]:
        """What the engine is shown, as a key; raises TypeError when it cannot be one."""
        key = (on_ordinal if self.dated else None, first) + tuple(
            self._token(name, reads, encoded.get(key)) for key, name, reads in self.fields)
        hash(key)
        return key

    def many(self, policy: Policy, encoded: list[dict[str, Any]], on_ordinal: int,
             first: bool = False) -> list[list[str]] | None:
        """The rows each case matches, the cases the cache has not seen asked of the engine at
        once (`RulesEngine.match_many`, each distinct key once); None when the engine cannot
        answer them together (each is then asked alone when it comes)."""
        keys: list[Any] = []
        asked: dict[Any, dict[str, Any]] = {}
        results = self.results
        for case in encoded:
            try:
                key = self._key(case, on_ordinal, first)
            except TypeError:
                return None
            keys.append(key)
            if key not in results:
                asked.setdefault(key, case)
        known = [results.get(key) for key in keys]  # before a full cache is emptied below
        answers: dict[Any, list[str]] = {}
        if asked:
            got = self.engine.match_many(policy, list(asked.values()), on_ordinal, first)
            if got is None:
                return None
            answers = dict(zip(asked, got))
            for key, hit in answers.items():
                remember(results, key, hit, self.limit)
        return [answers[key] if hit is None else hit for key, hit in zip(keys, known)]

    def __call__(self, policy: Policy, encoded: dict[str, Any], on_ordinal: int, first: bool = False) -> list[str]:
        try:
            key = self._key(encoded, on_ordinal, first)
            hit = self.results.get(key)
        except TypeError:  # unhashable: ask the engine
            return self.engine.match(policy, encoded, on_ordinal, first)
        if hit is None:
            hit = self.engine.match(policy, encoded, on_ordinal, first)
            remember(self.results, key, list(hit), self.limit)
        return list(hit)
