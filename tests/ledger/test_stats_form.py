"""The statistics form the bureau asks for (`tiaojie stats --form`): on the demo ledger, on both
databases, its counts per dispute category and per unit are the ledger's cases counted one by one,
its rates come from those counts, and its spreadsheet has the bureau's Chinese headers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger.cases import edit_case
from tiaojie.ledger.demo import build_demo
from tiaojie.ledger.errors import InvalidInput, NotFound
from tiaojie.ledger.stats_form import PREVENTION_FIELDS, compute_form, write_form_xlsx
from tiaojie.store.case_repository import CaseFilter

PERIOD = "2026Q2"  # the demo (dated 2026-06-15) has no closed month in it: its cases may be edited
runner = CliRunner()

# case number → the 防激化 persons typed on it: (suicides, criminal, mass incidents)
PREVENTED = {0: (1, 0, 0), 1: (2, 3, 0), 2: (0, 0, 12), 3: (0, 2, 0)}


@pytest.fixture
def demo(ledger):
    build_demo(ledger)
    with ledger.uow() as uow:
        users = uow.users.list()
        span = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
        cases = sorted(uow.cases.list(CaseFilter(received_between=span)), key=lambda c: c.id or 0)
    # cases of two categories in two units, typed as a mediator does
    picked = [cases[0], cases[1], next(c for c in cases if c.category != cases[0].category
                                       and c.unit_id != cases[0].unit_id), cases[-1]]
    for index, case in enumerate(picked):
        mediator = next(u for u in users if u.role == "mediator" and u.unit_id == case.unit_id)
        values = dict(zip(PREVENTION_FIELDS, PREVENTED[index]))
        assert case.id is not None
        edit_case(ledger, mediator, case.id, **values)
    return ledger


def _counted_one_by_one(ledger, period: str | None, unit_ids: set[int] | None = None):
    """(per category, per unit id): [received, settled, failed, escalated, *(cases, persons) per
    防激化 field], from the cases as the ledger lists them."""
    flt = CaseFilter(unit_ids=unit_ids)
    if period:
        flt.received_between = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    with ledger.uow() as uow:
        cases = uow.cases.list(flt)
    by_category: dict[str, list[int]] = {}
    by_unit: dict[int, list[int]] = {}
    for case in cases:
        persons = [int(case.extra.get(name) or 0) for name in PREVENTION_FIELDS]
        figures = [1, case.status == "settled", case.status == "failed",
                   bool(case.escalations) or case.status == "escalated",
                   *(v for p in persons for v in (p > 0, p))]
        for key, target in ((case.category, by_category), (case.unit_id, by_unit)):
            row = target.setdefault(key, [0] * len(figures))
            for i, v in enumerate(figures):
                row[i] += int(v)
    return cases, by_category, by_unit


def _figures(row) -> list[int]:
    return [row.received, row.settled, row.failed, row.escalated, *(v for pair in row.prevented for v in pair)]


def test_form_counts_equal_the_ledgers_cases_per_category_and_unit(demo):
    form = compute_form(demo, period=PERIOD)
    cases, by_category, by_unit = _counted_one_by_one(demo, PERIOD)
    assert len(cases) > 50 and form.period == "2026Q2"
    categories = demo.vocabulary.enums["category"].labels
    assert len(categories) == 15
    # every one of the fifteen categories has its row, in the vocabulary's order, then the total
    assert [r.key for r in form.by_category] == [*categories, "total"]
    assert [r.label[0] for r in form.by_category[:-1]] == list(categories.values())
    for row in form.by_category[:-1]:
        assert _figures(row) == by_category.get(row.key, [0] * len(_figures(row))), row.key
    with demo.uow() as uow:
        codes = {u.id: u.code for u in uow.units.list()}
    assert {r.key: _figures(r) for r in form.by_unit[:-1]} == {codes[k]: v for k, v in by_unit.items()}
    # the totals: every case received in the quarter, counted once; the 防激化 figures typed above
    statuses = Counter(c.status for c in cases)
    total = form.total
    assert total.received == len(cases) == form.by_unit[-1].received
    assert (total.settled, total.failed) == (statuses["settled"], statuses["failed"])
    assert total.prevented == [[2, 3], [2, 5], [1, 12]]
    assert _figures(form.by_unit[-1]) == _figures(total)


def test_rates_come_from_the_counts(demo):
    form = compute_form(demo, period=PERIOD)
    for row in [*form.by_category, *form.by_unit]:
        if row.received == 0:
            assert row.rate is None
            continue
        expected = (Decimal(row.settled) * 100 / row.received).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert row.rate == expected and isinstance(row.rate, Decimal)
    assert 0 < form.total.settled < form.total.received
    with demo.uow() as uow:
        village = next(u for u in uow.units.list() if u.level == "village")
    small = compute_form(demo, period="2026-06", unit=village.code)
    empty = [r for r in small.by_category if r.received == 0]
    assert empty and len(small.by_category) == 16  # a category nobody brought still has its row, with no rate
    assert all(r.rate is None and r.settled == 0 for r in empty)


def test_a_unit_and_the_units_under_it(demo):
    with demo.uow() as uow:
        township = next(u for u in uow.units.list() if u.level == "township")
        under = uow.units.subtree_ids(township.id)
    form = compute_form(demo, period=PERIOD, unit=township.code)
    cases, by_category, _ = _counted_one_by_one(demo, PERIOD, under)
    assert form.unit == township.name
    assert form.total.received == len(cases) < compute_form(demo, period=PERIOD).total.received
    for row in form.by_category[:-1]:
        assert _figures(row) == by_category.get(row.key, [0] * len(_figures(row)))
    with pytest.raises(NotFound):
        compute_form(demo, unit="NO-SUCH-UNIT")


def test_without_a_period_every_case_counts(demo):
    form = compute_form(demo)
    with demo.uow() as uow:
        assert form.total.received == len(uow.cases.list(CaseFilter()))
    assert form.period is None


def test_xlsx_has_the_bureaus_chinese_headers_and_the_counts(demo, tmp_path: Path):
    form = compute_form(demo, period=PERIOD)
    path = write_form_xlsx(form, tmp_path / "form.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["按纠纷类型", "按单位"]
    sheet = book["按纠纷类型"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "人民调解工作统计表（2026Q2，全部单位）"
    assert rows[1][0] == "受理日期：2026-04-01 — 2026-06-30"
    assert rows[2] == ["纠纷类型", "受理（件）", "调解成功（件）", "调解成功率（%）", "调解不成（件）", "上报（件）",
                       "防止自杀（件）", "防止自杀（人）", "防止转刑事案件（件）", "防止转刑事案件（人）",
                       "防止群体性事件（件）", "防止群体性事件（人）"]
    body = rows[3:]
    assert len(body) == 16 and body[-1][0] == "合计"
    assert body[-1][1:3] == [form.total.received, form.total.settled]
    assert Decimal(str(body[-1][3])) == form.total.rate
    assert body[-1][6:] == [2, 3, 2, 5, 1, 12]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    units = [[c.value for c in row] for row in book["按单位"].iter_rows()]
    assert units[2][0] == "单位" and units[-1][0] == "合计" and units[-1][1] == form.total.received

    english = load_workbook(write_form_xlsx(form, tmp_path / "form-en.xlsx", "en"))
    assert english.sheetnames == ["by category", "by unit"]
    head = [c.value for c in english["by category"][3]]
    assert head[:4] == ["category", "received", "settled", "settlement rate (%)"]
    assert [c.value for c in english["by category"][4]][0] == "marriage and family"

    with pytest.raises(InvalidInput):
        write_form_xlsx(form, tmp_path / "form.csv")


def test_the_command_shows_the_form_and_saves_it(db_url, tmp_path: Path):
    env = {"TIAOJIE_DB": db_url}
    assert runner.invoke(app, ["demo"], env=env).exit_code == 0
    out = tmp_path / "q1.xlsx"
    shown = runner.invoke(app, ["stats", "--form", "--period", "2026Q1", "-o", str(out)], env=env)
    assert shown.exit_code == 0, shown.output
    assert "人民调解工作统计表（2026Q1，全部单位）" in shown.output
    assert "防止自杀（件）" in shown.output and "道路交通事故" in shown.output and "合计" in shown.output
    assert f"统计表已保存：{out}" in shown.output
    assert load_workbook(out)["按纠纷类型"]["A3"].value == "纠纷类型"
    english = runner.invoke(app, ["--lang", "en", "stats", "--form", "--period", "2026Q1"], env=env)
    assert "settlement rate (%)" in english.output and "纠纷类型" not in english.output
    bad = runner.invoke(app, ["stats", "--form", "--period", "2026Q5"], env=env)
    assert bad.exit_code != 0 and "2026Q5" in bad.output
