"""Half-yearly satisfaction reviews of village cadres (民意测评).

A village reviews its cadres every half-year: per cadre, how many residents took part and how many
were dissatisfied. The review policy in force on the review date (a table policy reading fields of
subject "review" in fields.toml) decides from those counts — whether the cadre may be promoted,
whether a warning talk follows — and the rate it decides on is a derived field of the vocabulary,
so the threshold and the formula are both rule-file values. A cadre has one result per half-year;
entering it again replaces it, and the audit log keeps what was replaced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..i18n import Localized
from ..models import Person, SatisfactionReview, Unit, User
from ..rules.derived import compute, derivation_order, show_number
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .access import check
from .context import Ledger
from .errors import InvalidInput, LedgerError, NotFound
from .people import unit_named as _unit
from .scope import narrowed, require_unit

REVIEW = "review"  # the subject of a review's fields in fields.toml


@dataclass(frozen=True)
class ReviewLine:
    """A stored result as a person reads it: the unit and cadre by name, the derived rate, and each
    output of the policy by its title."""

    review: SatisfactionReview
    unit: str
    cadre: str
    post: str
    derived: list[tuple[Localized, Any]]  # each derived field of a review (the rate), by title
    outputs: list[tuple[Localized, Any]]  # each output of the deciding policy, by title
    derived_shown: list[Localized]  # each derived value as people read it (the rate as 40.0%)


def half_of(day: dt.date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def review_policy(ledger: Ledger) -> str:
    """The policy that decides reviews: the one whose conditions read only fields of reviews."""
    book = ledger.rules.book
    for pid in book.ids():
        policy = book.versions(pid)[-1]
        read = policy.condition_fields()
        if read and all(policy.fields[name].subject == REVIEW for name in read if name in policy.fields):
            return pid
    raise NotFound("review_no_policy")


def _review_fields(ledger: Ledger) -> dict[str, Any]:
    return {name: f for name, f in ledger.vocabulary.fields.items() if f.subject == REVIEW}


def field_title(ledger: Ledger, name: str) -> Localized:
    """A review field as fields.toml titles it."""
    fdef = _review_fields(ledger).get(name)
    return _titled(fdef.title, fdef.title_en) if fdef else _titled(name, None)


@dataclass(frozen=True)
class ReviewEntry:
    """One cadre's counts as typed or read from a sheet, not yet checked."""

    unit: str
    cadre: str
    review_on: dt.date | str
    respondents: int
    dissatisfied: int
    half: str | None = None


class EntryRefused(InvalidInput):
    """An entry the ledger cannot take, with the field at fault (a review field's name, or "unit"
    or "cadre"), so that a sheet's problem names its column."""

    def __init__(self, field: str, key: str, /, **params: object):
        super().__init__(key, **params)
        self.field = field


@dataclass(frozen=True)
class _Decided:
    entry: ReviewEntry
    day: dt.date
    half: str
    outcome: Outcome


def _decide(ledger: Ledger, policy_id: str, entry: ReviewEntry) -> _Decided:
    """The entry's date and counts checked and the review policy's decision on them."""
    try:
        day = ledger.coerce("review_on", entry.review_on) if "review_on" in ledger.vocabulary.fields \
            else entry.review_on
    except InvalidInput as err:
        raise EntryRefused("review_on", "review_date_invalid", detail=err.msg) from None
    if not isinstance(day, dt.date):
        raise EntryRefused("review_on", "review_date", value=entry.review_on)
    for name, value in (("respondents", entry.respondents), ("dissatisfied", entry.dissatisfied)):
        if value < 0:
            raise EntryRefused(name, "review_negative", field=field_title(ledger, name), value=value)
    if entry.dissatisfied > entry.respondents:
        raise EntryRefused("dissatisfied", "review_more_than_took_part", dissatisfied=entry.dissatisfied,
                           respondents=entry.respondents, field=field_title(ledger, "dissatisfied"),
                           total=field_title(ledger, "respondents"))
    inputs = {"review_on": day, "respondents": entry.respondents, "dissatisfied": entry.dissatisfied}
    try:
        outcome = ledger.rules.evaluate(policy_id, inputs, as_of=day)
    except EvaluationError as err:
        raise EntryRefused("respondents", "case_field", field=policy_id, detail=err.localized) from None
    return _Decided(entry, day, entry.half or half_of(day), outcome)


def _unit_in_scope(uow: Any, by: User, entry: ReviewEntry) -> Unit:
    found = _unit(uow, entry.unit)
    require_unit(uow, by, found.id)
    return found


def _cadre(uow: Any, unit: Unit, entry: ReviewEntry) -> Person:
    """The entry's cadre: a committee member of `unit`."""
    assert unit.id is not None
    person = uow.people.named(unit.id, entry.cadre.strip())
    if person is None or person.id is None:
        names = [c.name for c in uow.people.list(unit_ids={unit.id}) if c.committee]
        raise EntryRefused("cadre", "review_unknown_cadre", cadre=entry.cadre, unit=unit.name,
                           known="、".join(names[:12]) or "—")
    if not person.committee:
        raise EntryRefused("cadre", "review_not_cadre", cadre=person.name, unit=unit.name)
    return person


def record_review(ledger: Ledger, by: User, *, unit: str, cadre: str, review_on: dt.date | str,
                  respondents: int, dissatisfied: int, half: str | None = None) -> ReviewLine:
    """Decide and store one cadre's result for a half-year (the half of the review date unless
    given), replacing the one stored before."""
    entry = ReviewEntry(unit, cadre, review_on, respondents, dissatisfied, half)
    return record_reviews(ledger, by, [entry])[0]


def record_reviews(ledger: Ledger, by: User, entries: list[ReviewEntry]) -> list[ReviewLine]:
    """Decide and store several results in one transaction: all of them, or (the first entry the
    ledger refuses raising `EntryRefused`) none."""
    check(by, "review")
    policy_id = review_policy(ledger)
    decided = [_decide(ledger, policy_id, entry) for entry in entries]
    lines: list[ReviewLine] = []
    with ledger.uow() as uow:
        for d in decided:
            unit = _unit_in_scope(uow, by, d.entry)
            person = _cadre(uow, unit, d.entry)
            assert unit.id is not None and person.id is not None
            before = uow.reviews.of_cadre(person.id, d.half)
            stored = uow.reviews.put(SatisfactionReview(
                unit_id=unit.id, person_id=person.id, half=d.half, review_on=d.day, respondents=d.entry.respondents,
                dissatisfied=d.entry.dissatisfied, policy_id=d.outcome.policy, version=d.outcome.version,
                hash=d.outcome.hash, outputs=d.outcome.to_json("zh")["outputs"], fired=list(d.outcome.fired),
                by_user=by.name,
            ))
            uow.audit(by.name, "review.record", "satisfaction_review", stored.id, before, stored)
            lines.append(_line(ledger, stored, unit.name, person))
        ledger.keep_rules_in(uow)
        uow.commit()
    return lines


def check_entry(ledger: Ledger, by: User, entry: ReviewEntry) -> tuple[int, str]:
    """(cadre id, half-year) of the entry, or `EntryRefused` for what `record_reviews` would
    refuse in it (an import checks every row before it writes any)."""
    decided = _decide(ledger, review_policy(ledger), entry)
    with ledger.uow() as uow:
        try:
            unit = _unit_in_scope(uow, by, entry)
        except LedgerError as err:  # no such unit, or not the importer's
            raise EntryRefused("unit", "review_entry", reason=err.msg) from None
        person = _cadre(uow, unit, entry)
    assert person.id is not None
    return person.id, decided.half


def list_reviews(ledger: Ledger, user: User | None, *, unit: str | None = None,
                 half: str | None = None) -> list[ReviewLine]:
    """Stored results of `unit` and the units under it (all units without one), within `user`'s
    part of the tree; of one half-year when asked."""
    with ledger.uow() as uow:
        asked = _unit(uow, unit).id if unit else None
        reviews = uow.reviews.list(unit_ids=narrowed(uow, user, asked), half=half)
        units = {u.id: u.name for u in uow.units.list()}
        cadres = {c.id: c for c in uow.people.list()}
    return [_line(ledger, r, units[r.unit_id], cadres[r.person_id]) for r in reviews]


def _titled(zh: str, en: str | None) -> Localized:
    return Localized("label", zh=zh, en=en or zh)


def _line(ledger: Ledger, review: SatisfactionReview, unit: str, cadre: Person) -> ReviewLine:
    fields = _review_fields(ledger)
    order = derivation_order(fields)
    typed: dict[str, Any] = {"review_on": review.review_on, "respondents": review.respondents,
                             "dissatisfied": review.dissatisfied}
    try:
        compute(order, typed)
    except EvaluationError:  # nobody took part: a rate over nobody is not shown
        pass
    derived = [(_titled(f.title, f.title_en), typed.get(f.name)) for f in order]
    derived_shown = [_titled(*(show_number(f, typed[f.name], lang) if typed.get(f.name) is not None else ""
                               for lang in ("zh", "en"))) for f in order]
    book = ledger.rules.book
    policy = book.versions(review.policy_id)[-1] if review.policy_id in book.ids() else None
    outputs: list[tuple[Localized, Any]] = []
    for name, value in review.outputs.items():
        out = policy.outputs.get(name) if policy else None
        outputs.append((_titled(out.title, out.title_en) if out else _titled(name, None), value))
    return ReviewLine(review, unit, cadre.name, cadre.post, derived, outputs, derived_shown)
