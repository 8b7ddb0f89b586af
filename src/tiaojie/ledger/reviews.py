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
from ..models import Person, SatisfactionReview, User
from ..rules.derived import compute, derivation_order
from ..rules.errors import EvaluationError
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
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


def _counts(ledger: Ledger, respondents: int, dissatisfied: int) -> None:
    fields = _review_fields(ledger)

    def title(name: str) -> Localized:
        fdef = fields.get(name)
        return _titled(fdef.title, fdef.title_en) if fdef else _titled(name, None)

    for name, value in (("respondents", respondents), ("dissatisfied", dissatisfied)):
        if value < 0:
            raise InvalidInput("review_negative", field=title(name), value=value)
    if dissatisfied > respondents:
        raise InvalidInput("review_more_than_took_part", dissatisfied=dissatisfied, respondents=respondents,
                           field=title("dissatisfied"), total=title("respondents"))


def record_review(ledger: Ledger, by: User, *, unit: str, cadre: str, review_on: dt.date | str,
                  respondents: int, dissatisfied: int, half: str | None = None) -> ReviewLine:
    """Decide and store one cadre's result for a half-year (the half of the review date unless
    given), replacing the one stored before."""
    check(by, "review")
    day = ledger.coerce("review_on", review_on) if "review_on" in ledger.vocabulary.fields else review_on
    if not isinstance(day, dt.date):
        raise InvalidInput("review_date", value=review_on)
    half = half or half_of(day)
    _counts(ledger, respondents, dissatisfied)
    policy_id = review_policy(ledger)
    try:
        outcome = ledger.rules.evaluate(
            policy_id, {"review_on": day, "respondents": respondents, "dissatisfied": dissatisfied}, as_of=day
        )
    except EvaluationError as err:
        raise InvalidInput("case_field", field=policy_id, detail=err.localized) from None
    with ledger.uow() as uow:
        found = _unit(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        person = uow.people.named(found.id, cadre.strip())
        if person is None or person.id is None:
            names = [c.name for c in uow.people.list(unit_ids={found.id}) if c.committee]
            raise NotFound("review_unknown_cadre", cadre=cadre, unit=found.name, known="、".join(names[:12]) or "—")
        if not person.committee:
            raise InvalidInput("review_not_cadre", cadre=person.name, unit=found.name)
        before = uow.reviews.of_cadre(person.id, half)
        stored = uow.reviews.put(SatisfactionReview(
            unit_id=found.id, person_id=person.id, half=half, review_on=day, respondents=respondents,
            dissatisfied=dissatisfied, policy_id=outcome.policy, version=outcome.version, hash=outcome.hash,
            outputs=outcome.to_json("zh")["outputs"], fired=list(outcome.fired), by_user=by.name,
        ))
        ledger.keep_rules_in(uow)
        uow.audit(by.name, "review.record", "satisfaction_review", stored.id, before, stored)
        uow.commit()
        return _line(ledger, stored, found.name, person)


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
    book = ledger.rules.book
    policy = book.versions(review.policy_id)[-1] if review.policy_id in book.ids() else None
    outputs: list[tuple[Localized, Any]] = []
    for name, value in review.outputs.items():
        out = policy.outputs.get(name) if policy else None
        outputs.append((_titled(out.title, out.title_en) if out else _titled(name, None), value))
    return ReviewLine(review, unit, cadre.name, cadre.post, derived, outputs)
