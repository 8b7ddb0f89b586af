"""Half-yearly satisfaction reviews of village cadres (冷水江 民意测评), on SQLite and PostgreSQL:
the counts entered, the rate derived by the vocabulary's formula, the decision taken by the review
policy's rule file (not by code), one result per cadre and half-year, kept in the reviewer's units."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from activated_rules import activated

from tiaojie.ledger import audit, people, reviews
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput, PermissionDenied
from tiaojie.ledger.reviews_export import export_reviews
from tiaojie.rules.service import open_rules
from tiaojie.store.messages import Conflict

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def _decisions(line: reviews.ReviewLine) -> dict[str, object]:
    return {title.render("en"): value for title, value in line.outputs}


@pytest.fixture
def cadres(ledger, org):
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="张三", post="村党支部书记")
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="李四", post="村委会主任")
    people.add_person(ledger, org.clerk, unit="C-T1-V2", name="王五", post="村委委员")
    return org


def test_forty_of_a_hundred_is_not_promoted_thirty_nine_is(ledger, cadres):
    org = cadres
    at_40 = reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                                  respondents=100, dissatisfied=40)
    at_39 = reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="李四", review_on="2026-06-28",
                                  respondents=100, dissatisfied=39)
    assert _decisions(at_40) == {"eligible for promotion": False, "warning talk": True}
    assert _decisions(at_39) == {"eligible for promotion": True, "warning talk": False}
    assert at_40.review.half == "2026-H1" and at_40.review.fired == ["dissatisfied-40"]
    # the rate is the vocabulary's derived field, computed from the two counts
    assert [(t.render("zh"), str(v)) for t, v in at_40.derived] == [("不满意率", "0.400000")]
    # and is shown as the percentage people read, in either language
    assert [v.render(lang) for v in at_39.derived_shown for lang in ("zh", "en")] == ["39.0%", "39.0%"]
    stored = reviews.list_reviews(ledger, org.clerk, half="2026-H1")
    assert [(line.cadre, _decisions(line)["eligible for promotion"]) for line in stored] == [("张三", False), ("李四", True)]


def test_the_threshold_is_a_rule_file_value(engine, rules, cadres, tmp_path):
    org = cadres
    draft = tmp_path / "rules"
    shutil.copytree(RULES_DIR, draft)
    policy = draft / "satisfaction-review-2026.toml"
    text = policy.read_text(encoding="utf-8")
    assert text.count("0.4 }") == 2
    policy.write_text(text.replace("0.4 }", "0.35 }"), encoding="utf-8")
    stricter_rules = open_rules(draft)
    try:
        stricter = activated(Ledger(engine=engine, rules=stricter_rules, today=dt.date(2026, 6, 30)))
        line = reviews.record_review(stricter, org.clerk, unit="C-T1-V1", cadre="李四", review_on="2026-06-28",
                                     respondents=100, dissatisfied=39)
    finally:
        stricter_rules.close()
    assert _decisions(line) == {"eligible for promotion": False, "warning talk": True}


WARNING_FROM_30 = """
[[rule]]
id = "warning-30"
title = "不满意率 30%–40%：可予提拔，诫勉谈话"
when = { dissatisfaction_rate = { gte = 0.3, lt = 0.4 } }
then = { eligible = true, warning_talk = true }

[[rule]]
id = "below-40"
"""


def test_a_county_sets_its_own_warning_talk_rate_below_the_promotion_bar(engine, cadres, tmp_path):
    org = cadres
    draft = tmp_path / "rules"
    shutil.copytree(RULES_DIR, draft)
    policy = draft / "satisfaction-review-2026.toml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace('[[rule]]\nid = "below-40"', WARNING_FROM_30.strip(), 1), encoding="utf-8")
    county_rules = open_rules(draft)
    try:
        county = activated(Ledger(engine=engine, rules=county_rules, today=dt.date(2026, 6, 30)))
        decided = {n: _decisions(reviews.record_review(county, org.clerk, unit="C-T1-V1", cadre=name,
                                                       review_on="2026-06-28", respondents=100, dissatisfied=n))
                   for n, name in ((29, "张三"), (30, "李四"))}
    finally:
        county_rules.close()
    assert decided[29] == {"eligible for promotion": True, "warning talk": False}
    assert decided[30] == {"eligible for promotion": True, "warning talk": True}


def test_a_second_entry_corrects_the_first_and_the_audit_keeps_both(ledger, cadres):
    org = cadres
    reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                          respondents=100, dissatisfied=45)
    corrected = reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-29",
                                      respondents=100, dissatisfied=12)
    lines = reviews.list_reviews(ledger, org.clerk)
    assert len(lines) == 1 and lines[0].review.dissatisfied == 12 and lines[0].review.id == corrected.review.id
    entries = [e for e in audit.recent(ledger) if e.action == "review.record"]
    assert [(e.before or {}).get("dissatisfied") for e in entries] == [None, 45]  # oldest first
    assert [e.after["dissatisfied"] for e in entries] == [45, 12]
    # a later half-year is a result of its own
    reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-12-20",
                          respondents=80, dissatisfied=8)
    assert [line.review.half for line in reviews.list_reviews(ledger, org.clerk)] == ["2026-H1", "2026-H2"]


def test_wrong_counts_and_unknown_cadres_are_refused_by_name(ledger, cadres):
    org = cadres
    with pytest.raises(InvalidInput) as more:
        reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                              respondents=10, dissatisfied=11)
    assert more.value.msg.render("zh") == "「不满意人数」（11）不能多于「参评人数」（10）"
    with pytest.raises(InvalidInput, match="must not be negative"):
        reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                              respondents=-1, dissatisfied=0)
    with pytest.raises(InvalidInput) as unknown:
        reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张山", review_on="2026-06-28",
                              respondents=10, dissatisfied=1)
    assert "张山" in unknown.value.msg.render("zh") and "张三" in unknown.value.msg.render("zh")
    with pytest.raises(InvalidInput):
        reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-13-01",
                              respondents=10, dissatisfied=1)
    with pytest.raises(Conflict):
        people.add_person(ledger, org.clerk, unit="C-T1-V1", name="张三")
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="党员甲", committee=False, party_member=True)
    with pytest.raises(InvalidInput, match="reviews are of cadres only"):
        reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="党员甲", review_on="2026-06-28",
                              respondents=10, dissatisfied=1)
    assert reviews.list_reviews(ledger, org.clerk) == []


def test_reviews_stay_in_the_units_of_whoever_keeps_them(ledger, cadres):
    from tiaojie.ledger import access

    org = cadres
    with pytest.raises(PermissionDenied):
        people.add_person(ledger, org.mediator, unit="C-T1-V1", name="赵六")
    village_clerk = access.add_user(ledger, org.admin, "村会计", "clerk", "C-T1-V2", password="tiaojie-demo")
    with pytest.raises(PermissionDenied):
        reviews.record_review(ledger, village_clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                              respondents=10, dissatisfied=1)
    reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                          respondents=10, dissatisfied=1)
    reviews.record_review(ledger, village_clerk, unit="C-T1-V2", cadre="王五", review_on="2026-06-28",
                          respondents=10, dissatisfied=5)
    assert [line.cadre for line in reviews.list_reviews(ledger, village_clerk)] == ["王五"]
    assert [c.name for _, c in people.list_people(ledger, village_clerk)] == ["王五"]
    assert [line.cadre for line in reviews.list_reviews(ledger, org.clerk)] == ["张三", "王五"]


def test_export_has_the_counts_rate_and_decisions_and_no_formulas(ledger, cadres, tmp_path: Path):
    from openpyxl import load_workbook

    org = cadres
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="=HYPERLINK(\"x\")")
    reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                          respondents=100, dissatisfied=40)
    reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="=HYPERLINK(\"x\")", review_on="2026-06-28",
                          respondents=50, dissatisfied=1)
    lines = reviews.list_reviews(ledger, org.clerk)
    out = export_reviews(lines, tmp_path / "reviews.xlsx")
    sheet = load_workbook(out).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["半年度", "单位", "干部", "职务", "日期", "参评人数", "不满意人数", "不满意率", "可予提拔", "诫勉谈话"]
    assert rows[1][2:] == ["张三", "村党支部书记", "2026-06-28", 100, 40, "40.0%", "否", "是"]
    forged = next(row for row in sheet.iter_rows(min_row=3) if str(row[2].value).startswith("="))
    assert forged[2].data_type == "s"
    csv_out = export_reviews(lines, tmp_path / "reviews.csv", "en")
    table = list(csv.reader(csv_out.read_text(encoding="utf-8-sig").splitlines()))
    assert table[0][:7] == ["half-year", "unit", "cadre", "post", "date", "respondents", "dissatisfied"]
    assert sorted(row[2] for row in table[1:]) == ["'=HYPERLINK(\"x\")", "张三"]



def _sheet(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["单位", "干部", "测评日期", "参评人数", "不满意人数"]


def test_an_import_stores_every_row_or_none_and_names_each_bad_row_and_column(ledger, cadres, tmp_path: Path):
    from tiaojie.ledger.reviews_import import ReviewImportRefused, import_reviews

    org = cadres
    bad = _sheet(tmp_path / "bad.csv", [
        HEADER,
        ["C-T1-V1", "张三", "2026-06-28", "100", "40"],
        ["C-T1-V1", "张山", "2026-06-28", "100", "3"],
        ["C-T1-V1", "李四", "2026-06-31", "100", "3"],
        ["沙坪村", "李四", "2026-06-28", "十", "3"],
        ["C-T1-V2", "王五", "2026-06-28", "10", "11"],
        ["C-T1-V1", "张三", "2026-06-29", "90", "9"],
    ])
    with pytest.raises(ReviewImportRefused) as refused:
        import_reviews(ledger, org.clerk, bad)
    where = [(p.row, p.column) for p in refused.value.problems]
    assert where == [(3, "干部"), (4, "测评日期"), (5, "参评人数"), (6, "不满意人数"), (7, "干部")]
    rendered = [p.render("zh") for p in refused.value.problems]
    assert "张山" in rendered[0] and "第 2 行" in rendered[4]
    assert reviews.list_reviews(ledger, org.clerk) == []  # nothing written

    good = _sheet(tmp_path / "good.csv", [
        ["村", "姓名", "测评日期", "参评人数", "不满意人数", "半年度"],
        ["沙坪村", "张三", "2026-06-28", "100", "40", ""],
        ["C-T1-V1", "李四", "2026-12-01", "100", "39", "2026-h2"],
        ["白层村", "王五", "2026-06-28", "50", "5", ""],
    ])
    lines = import_reviews(ledger, org.clerk, good)
    assert [(line.cadre, line.review.half, _decisions(line)["eligible for promotion"]) for line in lines] == [
        ("张三", "2026-H1", False), ("李四", "2026-H2", True), ("王五", "2026-H1", True)]
    assert len(reviews.list_reviews(ledger, org.clerk)) == 3


def test_an_import_of_another_villages_rows_is_refused_by_row(ledger, cadres, tmp_path: Path):
    from tiaojie.ledger import access
    from tiaojie.ledger.reviews_import import ReviewImportRefused, import_reviews

    org = cadres
    village_clerk = access.add_user(ledger, org.admin, "村会计", "clerk", "C-T1-V2", password="tiaojie-demo")
    sheet = _sheet(tmp_path / "r.csv", [HEADER, ["C-T1-V2", "王五", "2026-06-28", "50", "5"],
                                        ["C-T1-V1", "张三", "2026-06-28", "50", "5"]])
    with pytest.raises(ReviewImportRefused) as refused:
        import_reviews(ledger, village_clerk, sheet)
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "单位")]
    assert reviews.list_reviews(ledger, org.clerk) == []
