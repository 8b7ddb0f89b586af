"""Each unit sees and changes only its own cases, in the services, on both databases.

The organisation (conftest `Org`): county 冷水江市, township 沙坪乡 with two villages, 沙坪村 (the
mediator 李调解's) and 白层村; the clerk 王财务 belongs to the county, the policy officer 张政策 to
the county, the admin to no unit; here a second township clerk 乡财务 joins them. A mediator's write to
the other village is refused naming both units by name; a read leaves the other village out (the
list's query itself is narrowed) or refuses the single case asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import os

import pytest
from sqlalchemy import event, func, select

from tiaojie.ledger import access, banquets, cases, importer, stats, views
from tiaojie.ledger.errors import PermissionDenied
from tiaojie.store.schema import AuditRow, BanquetFilingRow, CaseRow, OutcomeRow


def _case(ledger, by, unit, number, **kw):
    values = dict(number=number, category="neighbour", severity="ordinary", received_on="2026-05-02")
    values.update(kw)
    return cases.add_case(ledger, by, unit, **values).case


def _count(ledger, column):
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(column)).scalar_one()


@pytest.fixture
def town_clerk(ledger, org):
    return access.add_user(ledger, org.admin, "乡财务", "clerk", "C-T1", password=os.environ["TIAOJIE_PASSWORD"])


@pytest.fixture
def two_villages(ledger, org):
    """One open case in each village, added by the township's clerk."""
    own = _case(ledger, org.clerk, "C-T1-V1", "V1-1")
    other = _case(ledger, org.clerk, "C-T1-V2", "V2-1")
    return own, other


def _refused_naming_units(err, lang="zh"):
    text = err.value.message(lang)
    assert "白层村" in text and "沙坪村" in text and "李调解" in text, text
    return text


def test_a_mediators_writes_to_another_village_are_refused(ledger, org, two_villages):
    own, other = two_villages
    counts = {t: _count(ledger, t) for t in (CaseRow, OutcomeRow, AuditRow)}

    with pytest.raises(PermissionDenied) as err:
        cases.edit_case(ledger, org.mediator, other.id, severity="major")
    _refused_naming_units(err)
    assert "is not one of them" in err.value.message("en")
    with pytest.raises(PermissionDenied) as err:  # would book a reward to the other village
        cases.settle_case(ledger, org.mediator, other.id, settled_on="2026-05-10", settled_by="村委会")
    _refused_naming_units(err)
    with pytest.raises(PermissionDenied) as err:
        cases.escalate_case(ledger, org.mediator, other.id, on="2026-05-12", reason="x")
    _refused_naming_units(err)
    with pytest.raises(PermissionDenied) as err:
        _case(ledger, org.mediator, "C-T1-V2", "V2-2")
    _refused_naming_units(err)
    with pytest.raises(PermissionDenied) as err:  # nor up the tree, to the township
        _case(ledger, org.mediator, "C-T1", "T-1")
    assert "沙坪乡" in err.value.message("zh")
    with pytest.raises(PermissionDenied) as err:  # nor by moving an own case out of the village
        cases.edit_case(ledger, org.mediator, own.id, unit_id=org.v2.id)
    _refused_naming_units(err)

    assert {t: _count(ledger, t) for t in (CaseRow, OutcomeRow, AuditRow)} == counts
    after = views.get_case(ledger, "C-T1-V2", "V2-1")
    assert (after.severity, after.status, after.settled_on, after.level) == ("ordinary", "received", None, other.level)

    # their own village's cases, as before
    assert cases.edit_case(ledger, org.mediator, own.id, severity="major").case.severity == "major"
    assert cases.settle_case(ledger, org.mediator, own.id, settled_on="2026-05-10", settled_by="村委会").case.status == "settled"
    assert _case(ledger, org.mediator, "C-T1-V1", "V1-2").unit_id == org.v1.id


def test_the_township_and_the_county_act_on_every_village_under_them(ledger, org, two_villages, town_clerk):
    own, other = two_villages
    assert cases.settle_case(ledger, town_clerk, other.id, settled_on="2026-05-10", settled_by="村委会").case.status == "settled"
    assert cases.edit_case(ledger, org.admin, own.id, severity="major").case.severity == "major"
    with pytest.raises(PermissionDenied) as err:  # the township's clerk, not the county's
        _case(ledger, town_clerk, "C", "C-1")
    assert "冷水江市" in err.value.message("zh") and "沙坪乡" in err.value.message("zh")
    assert _case(ledger, org.admin, "C", "C-2").unit_id == org.county.id


def test_reads_cover_only_the_readers_part_of_the_tree(ledger, org, two_villages, town_clerk):
    own, other = two_villages
    cases.add_case(ledger, org.clerk, "C-T1-V2", number="V2-old", category="neighbour", received_on="2026-04-01")

    def numbers(found):
        return {c.number for c in found}

    assert numbers(views.list_cases(ledger, user=org.mediator)) == {"V1-1"}
    assert numbers(views.list_cases(ledger, user=org.mediator, unit="C-T1")) == {"V1-1"}
    assert numbers(views.list_cases(ledger, user=org.mediator, unit="C-T1-V2")) == set()
    assert numbers(views.list_cases(ledger, user=org.mediator, overdue=True, as_of=dt.date(2026, 6, 15))) <= {"V1-1"}
    assert numbers(views.list_cases(ledger, user=org.clerk, overdue=True, as_of=dt.date(2026, 6, 15))) >= {"V2-old"}
    shown, total = views.page_cases(ledger, user=org.mediator, size=10)
    assert (numbers(shown), total) == ({"V1-1"}, 1)
    page = views.case_page(ledger, org.mediator, size=10)
    assert [row.unit for row in page.rows] == ["沙坪村"] and page.total == 1
    assert sum(r.received for r in stats.compute_stats(ledger, user=org.mediator) if r.key == "total") == 1

    for reader in (town_clerk, org.admin, org.policy):  # township, no unit, county
        assert numbers(views.list_cases(ledger, user=reader)) == {"V1-1", "V2-1", "V2-old"}
        assert views.page_cases(ledger, user=reader, size=10)[1] == 3

    with pytest.raises(PermissionDenied) as err:
        views.case_detail(ledger, other.id, user=org.mediator)
    _refused_naming_units(err)
    for ref, unit in (("C-T1-V2/V2-1", None), ("V2-1", "C-T1-V2"), (str(other.id), None)):
        with pytest.raises(PermissionDenied):
            views.find_case(ledger, ref, unit, user=org.mediator)
    assert views.case_detail(ledger, own.id, user=org.mediator).unit == "沙坪村"
    assert views.case_detail(ledger, other.id, user=town_clerk).unit == "白层村"
    assert views.case_numbers(ledger, [own.id, other.id], user=org.mediator) == {own.id: "V1-1"}
    # the units a form offers to register a case in
    assert [u.code for u in views.units(ledger, org.mediator)] == ["C-T1-V1"]
    assert [u.code for u in views.units(ledger, town_clerk)] == ["C-T1", "C-T1-V1", "C-T1-V2"]
    assert len(views.units(ledger, org.admin)) == 4


def test_the_list_is_narrowed_in_its_query(ledger, org, two_villages):
    """The scope is decided where the data is: the SELECT of the cases names the units."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        seen.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", record)
    try:
        views.list_cases(ledger, user=org.mediator)
    finally:
        event.remove(ledger.engine, "before_cursor_execute", record)
    selects = [s for s in seen if "FROM cases" in s and "unit_id IN" in s.replace("\n", " ")]
    assert selects, seen


def test_banquet_filings_are_kept_to_the_filers_units(ledger, org, town_clerk):
    filing = banquets.build_filing(ledger, unit="C-T1-V2", household="刘家", occasion="生日", held_on="2026-05-20",
                                   days=1, tables=5, gift=50, filed_on="2026-05-01")
    with pytest.raises(PermissionDenied) as err:
        banquets.file_banquet(ledger, org.mediator, filing)
    _refused_naming_units(err)
    assert _count(ledger, BanquetFilingRow) == 0
    # a filing without a unit is the filer's own village's
    unnamed = filing.model_copy(update={"unit_id": None})
    assert banquets.file_banquet(ledger, org.mediator, unnamed).filing.unit_id == org.v1.id
    banquets.file_banquet(ledger, town_clerk, filing)
    assert [f.household for f in banquets.list_filings(ledger, user=org.mediator)] == ["刘家"]
    assert {f.unit_id for f in banquets.list_filings(ledger, user=org.mediator)} == {org.v1.id}
    assert {f.unit_id for f in banquets.list_filings(ledger, user=town_clerk)} == {org.v1.id, org.v2.id}
    assert banquets.list_filings(ledger, user=org.mediator, unit="C-T1-V2") == []


def test_an_import_refuses_rows_of_units_outside_the_importers_part(ledger, org, town_clerk, tmp_path):
    path = tmp_path / "old.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["单位", "卷号", "纠纷类型", "受理日期"])
        writer.writerow(["C-T1-V1", "H-1", "邻里", "2026-03-01"])
        writer.writerow(["冷水江市", "H-2", "邻里", "2026-03-01"])  # the county: above the township clerk
        writer.writerow(["C-T1-V2", "H-3", "邻里", "2026-03-01"])
        writer.writerow(["C", "H-4", "邻里", "2026-03-01"])
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, town_clerk, path)
    problems = [p.render("zh") for p in err.value.result.problems]
    assert len(problems) == 2, problems
    assert problems[0].startswith("第 3 行，单位：") and "冷水江市" in problems[0] and "沙坪乡" in problems[0]
    assert problems[1].startswith("第 5 行，单位：")
    assert _count(ledger, CaseRow) == 0
    done = importer.import_file(ledger, town_clerk, path, skip_bad=True)
    assert (done.added, done.bad_rows) == (2, 2)
    assert importer.import_file(ledger, org.admin, path).added == 2  # the county's admin: the rest


# --- the command line -----------------------------------------------------------------------------
def _cli(db_url, *args, user=None):
    from typer.testing import CliRunner

    from tiaojie.cli import app

    result = CliRunner().invoke(app, [*args, *(["--user", user] if user else [])],
                                env={"TIAOJIE_DB": db_url, "TIAOJIE_USER": ""})
    assert "Traceback" not in result.output
    return result


def test_the_command_line_keeps_a_mediator_to_their_village(db_url, ledger, org, two_villages, town_clerk):
    med = "李调解"
    for args in (("case", "edit", "C-T1-V2/V2-1", "--set", "severity=major"),
                 ("case", "settle", "C-T1-V2/V2-1", "--by", "村委会", "--on", "2026-05-10"),
                 ("case", "add", "C-T1-V2", "V2-9", "--category", "邻里", "--received", "2026-05-03"),
                 ("case", "escalate", "C-T1-V2/V2-1"),
                 ("case", "show", "C-T1-V2/V2-1"),
                 ("banquet", "file", "刘家", "--occasion", "生日", "--date", "2026-05-20", "--tables", "5", "--gift", "50",
                  "--unit", "C-T1-V2")):
        refused = _cli(db_url, *args, user=med)
        assert refused.exit_code == 1, (args, refused.output)
        assert "「白层村」不在其内" in refused.output, (args, refused.output)
    assert views.get_case(ledger, "C-T1-V2", "V2-1").severity == "ordinary"

    listed = _cli(db_url, "case", "list", user=med)
    assert listed.exit_code == 0, listed.output
    assert "V1-1" in listed.output and "V2-1" not in listed.output
    assert "V1-1" in _cli(db_url, "case", "show", "C-T1-V1/V1-1", user=med).output
    township = _cli(db_url, "case", "list", user="乡财务")
    assert "V1-1" in township.output and "V2-1" in township.output
    anonymous = _cli(db_url, "case", "list")  # a read says who reads, as a write does
    assert anonymous.exit_code == 1 and "V1-1" not in anonymous.output



def test_only_a_user_who_sees_every_unit_closes_a_period_or_activates_rules(ledger, org, two_villages, town_clerk):
    """Closing pays and locks the whole county and new rules pay all of it: a township clerk (or a
    township's policy officer) who sees only part of the tree is refused, and nothing is written —
    the line PostgreSQL's row-level security draws too."""
    from pathlib import Path

    from tiaojie.ledger import periods, policy_changes
    from tiaojie.store.schema import PeriodRow, RuleSetRow

    before = (_count(ledger, PeriodRow), _count(ledger, RuleSetRow), _count(ledger, AuditRow))
    with pytest.raises(PermissionDenied) as refused:
        periods.close(ledger, town_clerk, "2026-05")
    assert refused.value.key == "whole_tree_only" and "沙坪乡" in refused.value.message("zh")
    town_policy = access.add_user(ledger, org.admin, "乡政策", "policy", "C-T1", password=os.environ["TIAOJIE_PASSWORD"])
    before = (before[0], before[1], _count(ledger, AuditRow))
    with pytest.raises(PermissionDenied) as refused:
        policy_changes.activate(ledger, town_policy, Path(ledger.rules.book.directory))
    assert refused.value.key == "whole_tree_only"
    assert (_count(ledger, PeriodRow), _count(ledger, RuleSetRow), _count(ledger, AuditRow)) == before
    closed = periods.close(ledger, org.clerk, "2026-05")  # the county's clerk
    assert closed.status == "closed"
