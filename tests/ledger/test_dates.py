"""Dates that cannot be: a received, accepted, settled or closed date after today, or a settlement
(or close) before receipt, is refused by every path — the services, the import (by row and
column), the command line — naming the field by its title in fields.toml; a date of the right
shape for a day that does not exist is called impossible, not wrongly typed.

The ledger fixture's today is 2026-06-15; the command line's is the machine's.
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy import func, select

from tiaojie.ledger import cases, importer, views
from tiaojie.ledger.errors import InvalidInput
from tiaojie.store.schema import CaseRow, OutcomeRow


def _add(ledger, org, number, **kw):
    values = dict(number=number, category="neighbour", severity="ordinary", received_on="2026-05-02")
    values.update(kw)
    return cases.add_case(ledger, org.mediator, "C-T1-V1", **values).case


def _count(ledger, table):
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_dates_after_today_are_refused_by_every_write(ledger, org):
    assert ledger.date() == dt.date(2026, 6, 15)
    with pytest.raises(InvalidInput) as err:
        _add(ledger, org, "F-1", received_on="2026-06-16")
    assert err.value.message("zh") == "受理日期（2026-06-16）晚于今天（2026-06-15）：日期不能在将来"
    assert err.value.message("en").startswith("received on (2026-06-16) is after today (2026-06-15)")
    with pytest.raises(InvalidInput, match="settled on"):  # arriving settled in the future
        _add(ledger, org, "F-2", status="settled", settled_on="2026-12-15", settled_by="村委会")

    case = _add(ledger, org, "F-3")
    with pytest.raises(InvalidInput) as err:
        cases.settle_case(ledger, org.mediator, case.id, settled_on="2027-03-01", settled_by="村委会")
    assert "调处成功日期（2027-03-01）晚于今天（2026-06-15）" in err.value.message("zh")
    with pytest.raises(InvalidInput) as err:
        cases.edit_case(ledger, org.mediator, case.id, closed_on="2026-07-01")
    assert "结案日期（2026-07-01）晚于今天" in err.value.message("zh")
    with pytest.raises(InvalidInput) as err:
        cases.edit_case(ledger, org.mediator, case.id, received_on=dt.date(2026, 6, 20))
    assert "受理日期（2026-06-20）晚于今天" in err.value.message("zh")
    assert _count(ledger, CaseRow) == 1 and views.get_case(ledger, "C-T1-V1", "F-3").status == "received"

    # today itself is a day that has been
    settled = cases.settle_case(ledger, org.mediator, case.id, settled_on="2026-06-15", settled_by="村委会").case
    assert settled.settled_on == dt.date(2026, 6, 15)


def test_a_settlement_or_close_before_receipt_is_refused(ledger, org):
    case = _add(ledger, org, "O-1", received_on="2026-05-10")
    outcomes = _count(ledger, OutcomeRow)
    with pytest.raises(InvalidInput) as err:
        cases.settle_case(ledger, org.mediator, case.id, settled_on="2026-05-09", settled_by="村委会")
    assert err.value.message("zh") == "调处成功日期（2026-05-09）早于受理日期（2026-05-10）"
    assert err.value.message("en") == "settled on (2026-05-09) is before received on (2026-05-10)"
    with pytest.raises(InvalidInput) as err:
        cases.edit_case(ledger, org.mediator, case.id, closed_on="2026-05-01")
    assert err.value.message("zh") == "结案日期（2026-05-01）早于受理日期（2026-05-10）"
    settled = cases.settle_case(ledger, org.mediator, case.id, settled_on="2026-05-20", settled_by="村委会").case
    with pytest.raises(InvalidInput) as err:  # closed before settled, though after receipt
        cases.edit_case(ledger, org.mediator, settled.id, closed_on="2026-05-15")
    assert err.value.message("zh") == "结案日期（2026-05-15）早于调处成功日期（2026-05-20）"
    assert _count(ledger, OutcomeRow) > outcomes  # only the good settlement stored outcomes


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-13-01", "2026-04-31"])
def test_an_impossible_date_is_called_impossible(ledger, org, typed):
    with pytest.raises(InvalidInput) as err:
        _add(ledger, org, "I-1", received_on=typed)
    assert err.value.message("zh") == f"受理日期：没有 {typed} 这一天"
    assert err.value.message("en") == f"received on: there is no such day as {typed}"
    case = _add(ledger, org, "I-2")
    with pytest.raises(InvalidInput, match="no such day"):
        cases.settle_case(ledger, org.mediator, case.id, settled_on=typed, settled_by="村委会")
    with pytest.raises(InvalidInput) as wrong:  # a wrong shape is still said as one
        _add(ledger, org, "I-3", received_on="2026-3-x")
    assert "YYYY-MM-DD" in wrong.value.message("zh") and "没有" not in wrong.value.message("zh")


def test_the_import_locates_each_date_that_cannot_be(ledger, org, tmp_path):
    path = tmp_path / "old.csv"
    rows = [
        ["C-T1-V1", "D-1", "邻里", "2026-03-01", "2026-03-05", "调解成功"],
        ["C-T1-V1", "D-2", "邻里", "2026-06-16", "", "已受理"],  # received tomorrow
        ["C-T1-V1", "D-3", "邻里", "2026-03-01", "2026-12-15", "调解成功"],  # settled in December
        ["C-T1-V1", "D-4", "邻里", "2026年2月30日", "", "已受理"],
        ["C-T1-V1", "D-5", "邻里", "2026-03-09", "2026-03-05", "调解成功"],
        ["C-T1-V1", "D-6", "邻里", "2026-03-01", "2026-06-15", "调解成功"],  # today: fine
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["单位", "卷号", "纠纷类型", "受理日期", "调处日期", "案件状态"])
        writer.writerows(rows)
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.admin, path)
    problems = [p.render("zh") for p in err.value.result.problems]
    assert problems == [
        "第 3 行，受理日期：受理日期（2026-06-16）晚于今天（2026-06-15）：日期不能在将来",
        "第 4 行，调处日期：调处成功日期（2026-12-15）晚于今天（2026-06-15）：日期不能在将来",
        "第 5 行，受理日期：没有「2026年2月30日」这一天",
        "第 6 行，调处日期：调处成功日期（2026-03-05）早于受理日期（2026-03-09）",
    ]
    assert _count(ledger, CaseRow) == 0
    done = importer.import_file(ledger, org.admin, path, skip_bad=True)
    assert done.added == 2


# --- the command line -------------------------------------------------------------------------
def _cli(db_url, *args):
    from typer.testing import CliRunner

    from tiaojie.cli import app

    result = CliRunner().invoke(app, [*args, "--user", "admin"], env={"TIAOJIE_DB": db_url, "TIAOJIE_USER": ""})
    assert "Traceback" not in result.output
    return result


def test_the_command_line_refuses_dates_that_cannot_be(db_url, ledger, org):
    today = dt.date.today()  # the command line's ledger has the machine's today
    ahead = (today + dt.timedelta(days=91)).isoformat()
    case = _add(ledger, org, "C-1", received_on="2026-05-02")
    refused = _cli(db_url, "case", "settle", "C-T1-V1/C-1", "--by", "村委会", "--on", ahead)
    assert refused.exit_code == 1
    assert f"调处成功日期（{ahead}）晚于今天（{today}）" in refused.output
    early = _cli(db_url, "case", "settle", "C-T1-V1/C-1", "--by", "村委会", "--on", "2026-05-01")
    assert early.exit_code == 1 and "调处成功日期（2026-05-01）早于受理日期（2026-05-02）" in early.output
    impossible = _cli(db_url, "case", "settle", "C-T1-V1/C-1", "--by", "村委会", "--on", "2026-02-30")
    assert impossible.exit_code == 1 and "调处成功日期：没有 2026-02-30 这一天" in impossible.output
    added = _cli(db_url, "case", "add", "C-T1-V1", "C-2", "--category", "邻里", "--received", ahead)
    assert added.exit_code == 1 and f"受理日期（{ahead}）晚于今天" in added.output
    assert views.get_case(ledger, "C-T1-V1", "C-1").status == "received" and case.settled_on is None
    assert _count(ledger, CaseRow) == 1
