"""Policy changes without surprises: what a draft rule set would change in the stored ledger.

`impact` evaluates every stored case (or those of one period / unit) under the rules in force
and under a draft, through the batch path on both sides, and reports the change in yuan per
policy, unit and payee. Cases in closed periods are reported and never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from ..money import from_fen
from ..rules.errors import RuleSetError
from ..rules.examples import run_examples
from ..rules.impact import ImpactCase, ImpactReport
from ..rules.lint import Finding, lint_rules
from ..rules.loader import VOCABULARY_FILE
from ..rules.service import Rules, default_rules_dir, open_rules
from ..store.messages import LedgerError, NotFound
from ..store.repository import CaseFilter
from .access import check
from .cases import _unit_id
from .context import Ledger
from .models import User
from .periods import parse_period
from .rule_cache import cache_dir, is_whole, kept_set_dir

_COLUMNS = (
    "id", "number", "unit_id", "source", "category", "severity", "urgency", "persons_involved",
    "amount_involved_fen", "received_on", "accepted_on", "settled_on", "closed_on", "status",
    "settled_by", "agreement_kind", "agreement_fulfilled", "follow_up_done", "file_complete",
    "needs_verification", "level",
)


def evaluation_data(row: tuple, unit_code: str, escalations: int) -> dict[str, Any]:
    """A stored row as the policies read it — the same values `cases.evaluation_input` gives
    for the loaded case (a test keeps the two equal)."""
    data = dict(zip(_COLUMNS, row))
    data.pop("id")
    data.pop("unit_id")
    data["amount_involved"] = from_fen(data.pop("amount_involved_fen"))
    data["agreement"] = data.pop("agreement_kind")
    data["unit"] = unit_code
    data["sessions"] = max(1, escalations + 1)
    return {k: v for k, v in data.items() if v is not None}


def stored_cases(ledger: Ledger, period: str | None = None, unit: str | None = None) -> Iterator[ImpactCase]:
    """Every stored case (settled or received in `period`, under `unit`) ready for impact."""
    wanted = parse_period(period) if period else None
    with ledger.uow() as uow:
        unit_ids = uow.units.subtree_ids(_unit_id(ledger, uow, unit)) if unit else None
        closed = [p for p in uow.periods.list() if p.status == "closed"]
        escalations = uow.cases.escalation_counts()
        settled_label = {v: ledger.label("settled_by", v) for v in ledger.enum_ids("settled_by")}
        for row in uow.cases.evaluation_rows(CaseFilter(unit_ids=unit_ids)):
            *values, unit_code, unit_name = row
            received_on, settled_on = values[9], values[11]
            if wanted and not (wanted.covers(received_on) or (settled_on and wanted.covers(settled_on))):
                continue
            booked = settled_on or received_on
            settled_by = values[14]
            payee = f"{unit_name}·{settled_label.get(settled_by, settled_by)}" if settled_by else unit_name
            yield ImpactCase(
                case_id=f"{unit_code}/{values[1]}", unit=unit_code, payee=payee,
                closed=any(p.covers(booked) for p in closed),
                data=evaluation_data(tuple(values), unit_code, escalations.get(values[0], 0)),
            )


def _reward_policies(ledger: Ledger, draft: Rules) -> list[str]:
    return sorted(
        set(ledger.reward_policies())
        | {pid for pid in draft.book.ids() if draft.book.versions(pid)[-1].kind == "reward"}
    )


def impact(ledger: Ledger, draft: Rules, period: str | None = None, unit: str | None = None,
           policies: list[str] | None = None) -> ImpactReport:
    """The change a draft would make, per policy, unit and payee; closed periods apart.

    Reads only the columns the policies read, as plain rows, and evaluates each distinct
    projection once per rule set (through the batch path); a row then costs a tuple and a
    dictionary lookup, so the whole report stays close to the cost of scanning the rows."""
    chosen = policies or _reward_policies(ledger, draft)
    as_of = ledger.date()
    wanted = parse_period(period) if period else None
    report = ImpactReport(as_of=as_of)
    with ledger.uow() as uow:
        unit_ids = uow.units.subtree_ids(_unit_id(ledger, uow, unit)) if unit else None
        units = {u.id: u for u in uow.units.list()}
        closed_periods = [p for p in uow.periods.list() if p.status == "closed"]
        settled_label = {v: ledger.label("settled_by", v) for v in ledger.enum_ids("settled_by")}
        for policy_id in chosen:
            names = _read_fields(ledger.rules, draft, policy_id)
            columns = [_COLUMN_OF.get(n, n) for n in names if n not in _DERIVED]
            needs_unit = "unit" in names
            needs_sessions = "sessions" in names
            escalations = uow.cases.escalation_counts() if needs_sessions else {}
            rows = uow.cases.projection_rows(columns, CaseFilter(unit_ids=unit_ids))
            _impact_rows(report, policy_id, names, rows, ledger.rules, draft, as_of, wanted, units,
                         closed_periods, settled_label, needs_unit, needs_sessions, escalations)
    return report


# Field names the policies use → the column that holds them, where the two differ.
_COLUMN_OF = {"amount_involved": "amount_involved_fen", "agreement": "agreement_kind"}
_DERIVED = {"unit", "sessions"}


def _read_fields(current: Rules, draft: Rules, policy_id: str) -> list[str]:
    """Every field any version of the policy reads, in either set, that a stored case can hold."""
    names: dict[str, None] = {}
    for rules in (current, draft):
        for version in rules.book.policies.get(policy_id, []):
            for name in version.fields:
                if name in _COLUMNS or name in _COLUMN_OF or name in _DERIVED:
                    names.setdefault(name, None)
    return list(names)


def _impact_rows(report, policy_id, names, rows, current, draft, as_of, wanted, units, closed_periods,  # noqa: ANN001
                 settled_label, needs_unit, needs_sessions, escalations) -> None:
    from operator import itemgetter

    from ..rules.impact import CaseChange, PolicyImpact, money_total

    impact = report.policies.setdefault(policy_id, PolicyImpact(policy_id))
    has_old = policy_id in current.book.policies
    has_new = policy_id in draft.book.policies
    derived = needs_unit or needs_sessions
    stored = [n for n in names if n not in _DERIVED]
    key_names = stored + [n for n in names if n in _DERIVED]  # the order of a key's values
    # The date that picks the version matters beyond that choice only when rows are dated or
    # read it; otherwise a projection is (the two versions, the other values), and a year of
    # settlement dates does not multiply the evaluations.
    versions = [v for rules in (current, draft) for v in rules.book.policies.get(policy_id, [])]
    date_field = versions[-1].date_field if versions else None
    date_at = key_names.index(date_field) if date_field in key_names else None
    date_matters = date_at is None or any(
        v.date_sensitive or date_field in v.condition_fields() or v.kind == "escalation" for v in versions
    )
    ROW = 5  # id, unit_id, number, received_on, settled_on come first in every row
    value_positions = [ROW + i for i in range(len(stored))]
    if not date_matters and not derived:
        value_positions.remove(ROW + date_at)
    values_of = itemgetter(*value_positions) if value_positions else (lambda row: ())
    by_at = ROW + stored.index("settled_by") if "settled_by" in stored else None

    verdicts: list[tuple] = []
    index_of: dict[object, int] = {}
    picked: dict[object, tuple] = {}
    closed_on: dict[dt.date, bool] = {}
    tally: dict[tuple[int, bool], int] = {}

    def judge(values: dict[str, Any], day) -> tuple:  # noqa: ANN001
        data = {n: (from_fen(v) if n == "amount_involved" else v) for n, v in values.items() if v is not None}
        if day is not None and date_field:
            data[date_field] = day
        old = next(iter(current.evaluate_batch(policy_id, [data], as_of))) if has_old else None
        new = next(iter(draft.evaluate_batch(policy_id, [data], as_of))) if has_new else None
        if isinstance(old, Exception) or isinstance(new, Exception):
            return (None,)
        old_amount = money_total(old) if old is not None else Decimal("0.00")
        new_amount = money_total(new) if new is not None else Decimal("0.00")
        old_fired = old.fired if old is not None else ()
        new_fired = new.fired if new is not None else ()
        return (old_amount, new_amount, old_amount != new_amount or old_fired != new_fired, old_fired, new_fired,
                old.version if old else "—", new.version if new else "—", (new_fired or old_fired or ("",))[0])

    def verdict_index(row: tuple) -> int:
        if derived:
            extra = []
            for name in names:
                if name == "unit":
                    extra.append(units[row[1]].code)
                elif name == "sessions":
                    extra.append(max(1, escalations.get(row[0], 0) + 1))
            key = tuple(row[ROW:]) + tuple(extra)
            day = None
        elif date_matters:
            key = values_of(row)
            day = None
        else:
            day = row[ROW + date_at]
            pair = picked.get(day)
            if pair is None:
                pair = picked[day] = tuple(_version_or_none(r, policy_id, day or as_of) for r in (current, draft))
            key = (pair, values_of(row))
        found = index_of.get(key)
        if found is None:
            raw = tuple(row[ROW:]) + (tuple(extra) if derived else ())
            values = dict(zip(key_names, raw))
            if day is not None or (not date_matters and not derived):
                values.pop(date_field, None)
            found = index_of[key] = len(verdicts)
            verdicts.append(judge(values, day))
        return found

    for row in rows:
        if wanted is not None and not (wanted.covers(row[3]) or (row[4] and wanted.covers(row[4]))):
            continue
        index = verdict_index(row)
        verdict = verdicts[index]
        booked = row[4] or row[3]
        closed = closed_on.get(booked)
        if closed is None:
            closed = closed_on[booked] = any(p.covers(booked) for p in closed_periods)
        tally_key = (index, closed)
        tally[tally_key] = tally.get(tally_key, 0) + 1
        if verdict[0] is None or not verdict[2]:
            continue
        old_amount, new_amount, _, old_fired, new_fired, old_version, new_version, cause = verdict
        unit_row = units[row[1]]
        settled_by = row[by_at] if by_at is not None else None
        payee = f"{unit_row.name}·{settled_label.get(settled_by, settled_by)}" if settled_by else unit_row.name
        change = CaseChange(f"{unit_row.code}/{row[2]}", policy_id, unit_row.code, payee, closed, old_amount,
                            new_amount, old_fired, new_fired, old_version, new_version, cause)
        report.changes.append(change)
        if closed:
            impact.changed_closed += 1
            impact.closed_delta += change.delta
            continue
        impact.changed += 1
        report.by_unit[unit_row.code] = report.by_unit.get(unit_row.code, Decimal(0)) + change.delta
        report.by_payee[payee] = report.by_payee.get(payee, Decimal(0)) + change.delta

    # Totals from the tally: one multiplication per distinct projection, not an addition per row.
    for (index, closed), count in tally.items():
        verdict = verdicts[index]
        if verdict[0] is None:
            impact.errors += count
            continue
        impact.evaluated += count
        impact.old_total += verdict[0] * count
        impact.new_total += (verdict[0] if closed else verdict[1]) * count


def _version_or_none(rules: Rules, policy_id: str, on: dt.date) -> int | None:
    """Which version is in force (its identity), or None where the set has none that day."""
    from ..rules.errors import EvaluationError

    try:
        return id(rules.book.select(policy_id, on))
    except EvaluationError:
        return None


# --- keeping versions, activating drafts -----------------------------------------------------

class ActivationRefused(LedgerError):
    """A draft that did not pass check, test or lint; the rules in force are untouched."""


def rule_files(directory: Path) -> list[dict[str, Any]]:
    """Every TOML file of a rules directory with its content hash (the loader's hash)."""
    files = []
    for path in sorted(Path(directory).glob("*.toml")):
        raw = path.read_bytes()
        policy_id = version = None
        if path.name != VOCABULARY_FILE:
            try:
                header = tomllib.loads(raw.decode("utf-8")).get("policy", {})
                policy_id, version = header.get("id"), header.get("version")
            except (UnicodeDecodeError, tomllib.TOMLDecodeError):
                pass
        files.append({"hash": "sha256:" + hashlib.sha256(raw).hexdigest(), "filename": path.name,
                      "policy_id": policy_id, "version": None if version is None else str(version),
                      "text": raw.decode("utf-8", errors="replace")})
    return files


def keep_rules(ledger: Ledger, directory: Path) -> int:
    """Keep the files of a rule set in the ledger, so its outcomes stay explainable."""
    files = rule_files(directory)
    with ledger.uow() as uow:
        fresh = uow.rule_sets.keep_files(files)
        uow.commit()
    return fresh


def _materialise(uow, files: dict[str, str], cache: Path) -> Path:  # noqa: ANN001
    """Write a kept set to a directory named by its content; an existing one is reused whole."""
    target = kept_set_dir(files, cache)
    if is_whole(target):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".staging-"))
    for name, content_hash in files.items():
        row = uow.rule_sets.file(content_hash)
        if row is None:
            raise NotFound("no_such_version", policy=name, hash=content_hash)
        (staging / name).write_text(row.text, encoding="utf-8")
    try:
        os.replace(staging, target)  # readers see no directory or a whole one
    except OSError:  # another process won the race with the same content
        for leftover in staging.iterdir():
            leftover.unlink()
        staging.rmdir()
    return target


def rules_in_force_dir(ledger_engine, fallback: Path | None = None) -> Path:  # noqa: ANN001
    """The directory of the rule set in force for a ledger: the newest activated set, else the
    directory given (or ./rules, or the bundled set)."""
    from ..store.uow import SqlUnitOfWork

    with SqlUnitOfWork(ledger_engine) as uow:
        latest = uow.rule_sets.latest()
        if latest is None:
            return Path(fallback or default_rules_dir())
        return _materialise(uow, latest.files, cache_dir())


@dataclass
class Activation:
    rule_set_id: int
    files: dict[str, str]
    impact: ImpactReport
    warnings: list[Finding] = field(default_factory=list)


def activate(ledger: Ledger, by: User, draft_dir: Path, accept_warnings: bool = False) -> Activation:
    """Put a draft into force, only if it checks, its examples pass and lint is clean (or its
    findings are accepted). Records who did it, the files' hashes and the impact they saw, in
    the audit log; then swaps the ledger's rules in one reference."""
    check(by, "rules_edit")
    draft_dir = Path(draft_dir)
    try:
        draft = open_rules(draft_dir)
    except RuleSetError as err:
        raise ActivationRefused("activation_refused_check", detail=err) from None
    tests = run_examples(draft)
    if tests.failed:
        failures = [r for r in tests.results if not r.passed]
        raise ActivationRefused("activation_refused_tests", failed=tests.failed, detail=_Lines([r.render for r in failures]))
    findings = lint_rules(draft)
    if findings and not accept_warnings:
        raise ActivationRefused("activation_refused_lint", count=len(findings), detail=_Lines([f.render for f in findings]))
    report = impact(ledger, draft)
    files = rule_files(draft_dir)
    listing = {f["filename"]: f["hash"] for f in files}
    with ledger.uow() as uow:
        previous = uow.rule_sets.latest()
        uow.rule_sets.keep_files(files)
        set_id = uow.rule_sets.add(by=by.name, source=str(draft_dir.resolve()), files=listing,
                                   impact=report.summary(), warnings=[f.render("zh") for f in findings])
        uow.audit(by.name, "rules_activate", "rule_sets", set_id,
                  {"files": previous.files} if previous else None,
                  {"files": listing, "impact": report.summary(), "accepted_warnings": [f.render("zh") for f in findings]})
        uow.commit()
    ledger.rules = draft  # one reference: a reader holds the old set or the new, never half
    return Activation(set_id, listing, report, findings)


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


__all__ = ["impact", "stored_cases", "evaluation_data", "ImpactReport", "activate", "Activation", "ActivationRefused",
           "history", "keep_rules", "rules_in_force_dir", "kept_version", "rule_files"]
