"""Load a rules directory: the vocabulary, then every policy file, checked and located.

Nothing is half-loaded: `load_rules` returns a complete `RuleBook` or raises `RuleSetError` with
every problem found, each as `path:line: message`. Reading one file is `vocabulary_file`'s and
`policy_file`'s; what each kind of policy allows is its own (`kinds`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .book import RuleBook, check_book
from .errors import RuleError, RuleSetError
from .kinds import KINDS, KindTable
from .locate import line_of
from .locations import VOCABULARY_FILE
from .policy import Policy
from .policy_file import read_policy
from .vocabulary_file import read_vocabulary

__all__ = ["VOCABULARY_FILE", "RuleBook", "load_rules", "read_policy", "read_vocabulary"]


def load_rules(directory: Path | str, kinds: KindTable = KINDS) -> RuleBook:
    """Read and check every file against the kinds of policy; return the book or raise with every
    located error."""
    directory = Path(directory)
    errors: list[RuleError] = []
    vocab_path = directory / VOCABULARY_FILE
    if not vocab_path.is_file():
        raise RuleSetError([RuleError(vocab_path, None, "no_vocabulary", {})])
    vocab, vocab_errors = read_vocabulary(vocab_path, vocab_path)
    if vocab is None:
        raise RuleSetError(vocab_errors)
    files = sorted(p for p in directory.glob("*.toml") if p.name != VOCABULARY_FILE)
    if not files:
        raise RuleSetError([RuleError(directory, None, "no_policies", {"dir": directory})])
    policies: dict[str, list[Policy]] = {}
    for path in files:
        policy, file_errors = read_policy(path, vocab, kinds)
        errors.extend(file_errors)
        if policy is not None:
            policies.setdefault(policy.id, []).append(policy)
    notices = _supersede(policies)
    errors.extend(_check_versions(policies))
    errors.extend(check_book(vocab, vocab_path, policies, kinds))
    if errors:
        raise RuleSetError(sorted(errors, key=lambda e: (str(e.path), e.line or 0)))
    for versions in policies.values():
        versions.sort(key=lambda p: p.effective_from)
    return RuleBook(directory=directory, vocabulary=vocab, policies=policies, kinds=kinds, notices=notices)


def _supersede(policies: dict[str, list[Policy]]) -> list[RuleError]:
    """A version with a later `effective_from` ends an open-ended earlier version of the same
    policy the day before it starts (in the loaded policy; the file is not rewritten). Each such
    ending is returned as a notice located at the later version's `effective_from`."""
    notices = []
    for policy_id, versions in policies.items():
        ordered = sorted(versions, key=lambda p: p.effective_from)
        for i, earlier in enumerate(ordered):
            if earlier.effective_until is not None:
                continue
            later = next((p for p in ordered[i + 1:] if p.effective_from > earlier.effective_from), None)
            if later is None or later.version == earlier.version:
                continue
            until = later.effective_from - dt.timedelta(days=1)
            earlier.header = earlier.header.model_copy(update={"effective_until": until})
            notices.append(RuleError(later.path, line_of(later.lines, ("policy", "effective_from")), "version_superseded", {
                "policy": policy_id, "version": earlier.version, "new_version": later.version,
                "start": later.effective_from.isoformat(), "until": until.isoformat()}))
    return sorted(notices, key=lambda e: (str(e.path), e.line or 0))


def _check_versions(policies: dict[str, list[Policy]]) -> list[RuleError]:
    """Versions of one policy: distinct version names, one kind, and ranges that do not overlap
    (an open-ended version ended by a later one, see `_supersede`, no longer overlaps it)."""
    errors = []
    for policy_id, versions in policies.items():
        for i, a in enumerate(versions):
            for b in versions[:i]:
                line = line_of(a.lines, ("policy", "version"))
                if a.version == b.version:
                    errors.append(RuleError(a.path, line, "duplicate_version", {
                        "policy": policy_id, "version": a.version, "other": b.path}))
                    continue
                if a.kind != b.kind:
                    errors.append(RuleError(a.path, line_of(a.lines, ("policy", "kind")), "bad_choice", {
                        "key": "kind", "value": a.kind, "choices": b.kind}))
                a_end = a.effective_until or dt.date.max
                b_end = b.effective_until or dt.date.max
                if a.effective_from <= b_end and b.effective_from <= a_end:
                    errors.append(RuleError(a.path, line_of(a.lines, ("policy", "effective_from")), "overlapping_versions", {
                        "policy": policy_id, "version": a.version, "range": a.range_text(),
                        "other": b.path, "other_version": b.version, "other_range": b.range_text()}))
    return errors
