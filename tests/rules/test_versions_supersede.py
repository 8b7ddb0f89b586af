"""A newer version supersedes: a later `effective_from` ends an open-ended earlier version the day
before; explicit ranges that overlap stay an error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rules_helpers import RULES_DIR
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.rules.errors import RuleSetError
from tiaojie.rules.loader import load_rules
from tiaojie.rules.service import open_rules

SHIPPED = (RULES_DIR / "mediation-reward-2026.toml").read_text(encoding="utf-8")
NEWER = (SHIPPED.replace('version = "2026.1"', 'version = "2027.1"')
         .replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
         .replace("then = { amount = 200 }", "then = { amount = 300 }")
         .replace("expect = { amount = 200", "expect = { amount = 300"))


def _line(text: str, marker: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(marker))


def test_later_version_ends_the_open_ended_one_the_day_before(make_rules):
    directory = make_rules({"mediation-reward-2026.toml": SHIPPED, "x-2027.toml": NEWER})
    book = load_rules(directory)
    older, newer = book.versions("mediation-reward")
    assert (older.version, newer.version) == ("2026.1", "2027.1")
    assert older.effective_until == dt.date(2026, 12, 31)
    assert newer.effective_until is None
    assert older.range_text() == "2026-01-01 ~ 2026-12-31"
    # the file is not rewritten
    assert (directory / "mediation-reward-2026.toml").read_text(encoding="utf-8") == SHIPPED
    assert book.select("mediation-reward", dt.date(2026, 12, 31)) is older
    assert book.select("mediation-reward", dt.date(2027, 1, 1)) is newer
    (notice,) = book.notices
    assert notice.key == "version_superseded"
    assert notice.path == directory / "x-2027.toml" and notice.line == _line(NEWER, "effective_from")
    assert notice.render("zh") == (
        f"{directory / 'x-2027.toml'}:{notice.line}: "
        "信息：mediation-reward 2026.1 自 2027-01-01 起由 2027.1 取代（2026.1 适用至 2026-12-31）")
    assert "superseded by 2027.1 from 2027-01-01 (2026.1 applies until 2026-12-31)" in notice.render("en")


def test_evaluation_picks_the_version_by_the_case_date(make_rules):
    rules = open_rules(make_rules({"mediation-reward-2026.toml": SHIPPED, "x-2027.toml": NEWER}))
    try:
        case = {"status": "settled", "settled_by": "village_committee"}
        before = rules.evaluate("mediation-reward", {**case, "settled_on": "2026-12-31"}, as_of=dt.date(2027, 2, 1))
        after = rules.evaluate("mediation-reward", {**case, "settled_on": "2027-01-01"}, as_of=dt.date(2027, 2, 1))
        assert (before.version, before.outputs["amount"]) == ("2026.1", Decimal("200.00"))
        assert (after.version, after.outputs["amount"]) == ("2027.1", Decimal("300.00"))
        batch = list(rules.evaluate_batch("mediation-reward", [
            {**case, "settled_on": "2026-12-31"}, {**case, "settled_on": "2027-01-01"}], as_of=dt.date(2027, 2, 1)))
        assert [(o.version, o.outputs["amount"]) for o in batch] == [("2026.1", Decimal("200.00")), ("2027.1", Decimal("300.00"))]
    finally:
        rules.close()


def test_rules_check_prints_the_information_and_passes(make_rules):
    directory = make_rules({"mediation-reward-2026.toml": SHIPPED, "x-2027.toml": NEWER})
    runner = CliRunner()
    result = runner.invoke(app, ["--rules", str(directory), "rules", "check"])
    assert result.exit_code == 0, result.output
    line = _line(NEWER, "effective_from")
    assert f"x-2027.toml:{line}: 信息：mediation-reward 2026.1 自 2027-01-01 起由 2027.1 取代（2026.1 适用至 2026-12-31）" in result.output
    assert "规则检查通过" in result.output and "错误" not in result.output
    english = runner.invoke(app, ["--rules", str(directory), "--lang", "en", "rules", "check"])
    assert english.exit_code == 0 and "info: mediation-reward 2026.1 is superseded by 2027.1" in english.output
    tested = runner.invoke(app, ["--rules", str(directory), "rules", "test"])
    assert tested.exit_code == 0, tested.output


def test_a_chain_of_versions(make_rules):
    third = (NEWER.replace('version = "2027.1"', 'version = "2028.1"')
             .replace("effective_from = 2027-01-01", "effective_from = 2028-07-01"))
    book = load_rules(make_rules({"a.toml": SHIPPED, "c.toml": third, "b.toml": NEWER}))
    versions = book.versions("mediation-reward")
    assert [(v.version, v.effective_until) for v in versions] == [
        ("2026.1", dt.date(2026, 12, 31)), ("2027.1", dt.date(2028, 6, 30)), ("2028.1", None)]
    assert [n.params["version"] for n in book.notices] == ["2026.1", "2027.1"]


def test_an_explicit_end_is_kept(make_rules):
    ended = SHIPPED.replace("effective_from = 2026-01-01", "effective_from = 2026-01-01\neffective_until = 2026-12-31")
    book = load_rules(make_rules({"a.toml": ended, "b.toml": NEWER}))
    assert book.versions("mediation-reward")[0].effective_until == dt.date(2026, 12, 31)
    assert book.notices == []
    assert load_rules(make_rules({"a.toml": SHIPPED})).notices == []


@pytest.mark.parametrize("older_until, newer_until", [
    ("2027-06-30", "2027-12-31"),  # both ranges explicit, overlapping
    ("2027-06-30", None),  # an explicit end past the later start
])
def test_explicit_overlap_stays_an_error(make_rules, older_until, newer_until):
    older = SHIPPED.replace("effective_from = 2026-01-01", f"effective_from = 2026-01-01\neffective_until = {older_until}")
    newer = NEWER
    if newer_until:
        newer = NEWER.replace("effective_from = 2027-01-01", f"effective_from = 2027-01-01\neffective_until = {newer_until}")
    directory = make_rules({"mediation-reward-2026.toml": older, "x-2027.toml": newer})
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory)
    (err,) = caught.value.errors
    assert err.key == "overlapping_versions"
    assert err.path == directory / "x-2027.toml" and err.line == _line(newer, "effective_from")
    assert err.render("en").startswith(f"{directory / 'x-2027.toml'}:{err.line}: ")
    assert "overlaps version 2026.1" in err.render("en") and "重叠" in err.render("zh")
    result = CliRunner().invoke(app, ["--rules", str(directory), "rules", "check"])
    assert result.exit_code == 1 and f"x-2027.toml:{err.line}:" in result.output


def test_two_open_ended_versions_from_the_same_day_still_overlap(make_rules):
    same_day = NEWER.replace("effective_from = 2027-01-01", "effective_from = 2026-01-01")
    with pytest.raises(RuleSetError) as caught:
        load_rules(make_rules({"a.toml": SHIPPED, "b.toml": same_day}))
    assert [e.key for e in caught.value.errors] == ["overlapping_versions"]
