"""Policy changes without surprises: rule sets kept in the ledger by content hash, and drafts put
into force only when they check, pass their examples and lint clean — with the impact on the
stored ledger (`ledger.impact`) recorded beside who activated them."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import User
from ..rules.errors import RuleSetError
from ..rules.examples import run_examples
from ..rules.impact import ImpactReport
from ..rules.lint import Finding, lint_rules
from ..rules.loader import VOCABULARY_FILE
from ..rules.service import Rules, open_rules
from ..store.messages import LedgerError
from .access import check
from .activated import activated_dir, activated_rules, rules_in_force_dir, write_out
from .context import Ledger
from .errors import NotFound, PermissionDenied
from .outcome_refresh import rejudge
from .rule_cache import rule_files
from .scope import require_whole_tree

# --- keeping versions, activating drafts -----------------------------------------------------

class ActivationRefused(LedgerError):
    """A draft that did not pass check, test or lint; the rules in force are untouched."""


def keep_rules(ledger: Ledger, directory: Path) -> int:
    """Keep the files of a rule set in the ledger, so its outcomes stay explainable."""
    files = rule_files(directory)
    with ledger.uow() as uow:
        fresh = uow.rule_sets.keep_files(files)
        uow.commit()
    return fresh


@dataclass
class Activation:
    rule_set_id: int
    files: dict[str, str]
    impact: ImpactReport
    warnings: list[Finding] = field(default_factory=list)


def activate(ledger: Ledger, by: User | None, draft_dir: Path, accept_warnings: bool = False) -> Activation:
    """Put a draft into force, only if it checks, its examples pass and lint is clean (or its
    findings are accepted). Records who did it, the files' hashes and the impact measured against
    the previously activated set (against nothing for the first), in the audit log; then swaps
    the ledger's rules in one reference. `by` None is the ledger's creation: allowed only while
    it has neither users nor an activated set."""
    if by is not None:
        check(by, "rules_edit")
        with ledger.uow() as uow:
            require_whole_tree(uow, by)
    draft_dir = Path(draft_dir)
    files = rule_files(draft_dir)  # hashed before loading: a file edited between is caught below
    try:
        draft = open_rules(draft_dir)
    except RuleSetError as err:
        raise ActivationRefused("activation_refused_check", detail=err) from None
    listing = {f["filename"]: f["hash"] for f in files}
    moved = sorted({Path(p.path).name for p in draft.book.all() if p.hash not in listing.values()})
    if moved:
        raise ActivationRefused("rules_files_changed_during", files="、".join(moved))
    tests = run_examples(draft)
    if tests.failed:
        failures = [r for r in tests.results if not r.passed]
        raise ActivationRefused("activation_refused_tests", failed=tests.failed, detail=_Lines([r.render for r in failures]))
    findings = lint_rules(draft)
    if findings and not accept_warnings:
        raise ActivationRefused("activation_refused_lint", count=len(findings), detail=_Lines([f.render for f in findings]))
    from .impact import impact

    report = impact(ledger, draft)  # against the activated set, never the files on disk
    if report.unjudged_count:  # it would leave these cases unpaid: money is never paid around an error
        shown = [f"{case}  {policy}: {reason}" for case, policy, reason in report.unjudged[:20]]
        raise ActivationRefused("activation_refused_unjudged", count=report.unjudged_count, detail="\n".join(shown))
    with ledger.uow() as uow:
        previous = uow.rule_sets.latest()
        if by is None and (previous is not None or uow.users.count()):
            raise PermissionDenied("rules_start_by_nobody")
        actor = by.name if by is not None else STARTED_BY
        uow.rule_sets.keep_files(files)
        set_id = uow.rule_sets.add(by=actor, source=str(draft_dir.resolve()), files=listing,
                                   impact=report.summary(), warnings=[f.render("zh") for f in findings])
        uow.audit(actor, "rules_activate", "rule_sets", set_id,
                  {"files": previous.files} if previous else None,
                  {"files": listing, "impact": report.summary(), "accepted_warnings": [f.render("zh") for f in findings]})
        # what is stored of every case still open to change becomes the new set's, or nothing is activated
        rejudged = rejudge(uow, ledger, draft, by=actor,
                           reason=json.dumps({"action": "rules_activate", "changed": {}}, ensure_ascii=False))
        if rejudged:
            uow.audit(actor, "outcomes_rejudged", "rule_sets", set_id, None,
                      {"cases": len(rejudged), "numbers": rejudged[:REJUDGED_LISTED]})
        uow.commit()
    # one reference: a reader holds the old set or the new, never half; the ledger writes again
    ledger.rules, ledger.draft, ledger._files = draft, None, (draft, files)
    write_out(ledger, listing)
    return Activation(set_id, listing, report, findings)


REJUDGED_LISTED = 500  # case numbers named in the audit entry; the count is always whole
STARTED_BY = "tiaojie"  # who the audit log names for the starting set, activated as the ledger is made


def start_rules(ledger: Ledger, directory: Path | None = None) -> Activation | None:
    """Activate a new ledger's starting set (`directory`, else the rules it was opened with),
    through the same checks as any activation; None when it already has an activated set."""
    with ledger.uow() as uow:
        if uow.rule_sets.latest() is not None:
            return None
    return activate(ledger, None, Path(directory or ledger.rules.book.directory), accept_warnings=True)


class _Lines:
    """Several located lines rendered in the message's language."""

    def __init__(self, renderers):  # noqa: ANN001
        self.renderers = renderers

    def render(self, lang: str = "zh") -> str:
        return "\n".join(r(lang) for r in self.renderers)


def history(ledger: Ledger) -> list[dict[str, Any]]:
    with ledger.uow() as uow:
        return [
            {"id": r.id, "at": r.activated_at, "by": r.activated_by, "source": r.source, "files": r.files,
             "impact": r.impact, "accepted_warnings": r.accepted_warnings}
            for r in uow.rule_sets.list()
        ]


def kept_version(ledger: Ledger, policy_id: str, content_hash: str) -> Rules:
    """Rules holding the exact policy version an outcome names (with the vocabulary of the set
    it was kept with), to explain an old outcome after newer versions are in force."""
    with ledger.uow() as uow:
        row = uow.rule_sets.file(content_hash)
        if row is None or row.policy_id != policy_id:
            raise NotFound("no_such_version", policy=policy_id, hash=content_hash)
        vocab = None
        for rule_set in reversed(uow.rule_sets.list()):
            if content_hash in rule_set.files.values():
                vocab = uow.rule_sets.file(rule_set.files.get(VOCABULARY_FILE, ""))
                break
        staging = Path(tempfile.mkdtemp(prefix="tiaojie-version-"))
        (staging / row.filename).write_text(row.text, encoding="utf-8")
        vocab_text = vocab.text if vocab else (Path(ledger.rules.book.directory) / VOCABULARY_FILE).read_text(encoding="utf-8")
        (staging / VOCABULARY_FILE).write_text(vocab_text, encoding="utf-8")
    return open_rules(staging)


__all__ = ["activate", "activated_dir", "activated_rules", "Activation", "ActivationRefused", "history", "keep_rules",
           "rules_in_force_dir", "kept_version", "rule_files", "start_rules"]
