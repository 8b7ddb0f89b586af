"""A case import in bounded memory: the file is read, checked and written a batch at a time, in
one transaction, so its memory does not grow with the file; a bad row anywhere (even the last,
after earlier batches were inserted) leaves the ledger as it was; repeats are found across
batches; PostgreSQL's COPY path stores exactly what SQLite's executemany path stores."""

from __future__ import annotations

import csv
import datetime as dt
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tiaojie.ledger import importer
from tiaojie.ledger.import_sheet import PROBLEM_CAP
from tiaojie.store.schema import AuditRow, CaseRow

HEADER = ["单位", "卷号", "案件来源", "纠纷类型", "纠纷程度", "涉及金额", "受理日期", "调处日期", "案件状态", "调处主体",
          "当事人", "调解员", "协议形式", "已回访"]
CATEGORIES = ("邻里", "婚姻家庭", "合同", "损害赔偿")
SEVERITIES = ("简易", "一般", "疑难", "重大")


def _rows(n: int, prefix: str = "S", *, start: int = 0) -> list[list[str]]:
    """n varied, valid rows: units, categories, amounts, dates (some unsettled), names."""
    out = []
    for i in range(start, start + n):
        received = dt.date(2026, 1, 1) + dt.timedelta(days=i % 150)
        settled = received + dt.timedelta(days=i % 9) if i % 5 else None
        out.append([
            "C-T1-V1" if i % 3 else "白层村", f"{prefix}-{i:06d}", "申请" if i % 4 else "移交", CATEGORIES[i % 4],
            SEVERITIES[(i // 4) % 4], f"{(i * 37) % 90000}.{i % 100:02d}", received.isoformat(),
            settled.isoformat() if settled else "", "调解成功" if settled else "已受理", "村委会" if settled else "",
            "张三、李四" if i % 2 else "王五", "李调解" if i % 7 == 0 else "", "书面协议" if settled and i % 2 else "",
            "是" if i % 6 == 0 else "否",
        ])
    return out


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _count(ledger, table=CaseRow) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_memory_does_not_grow_with_the_number_of_rows(ledger, org, tmp_path, request):
    if "sqlite" not in request.node.callspec.id:
        pytest.skip("measured once, on SQLite: memory is the importer's, not the database's")
    n, batch = 1500, 250
    importer.import_file(ledger, org.clerk, _write(tmp_path / "warm.csv", _rows(300, "W")), batch=batch)  # caches filled

    def peak(path: Path) -> int:
        tracemalloc.start()
        try:
            result = importer.import_file(ledger, org.clerk, path, batch=batch)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert result.added == sum(1 for _ in path.open(encoding="utf-8")) - 1

    small = peak(_write(tmp_path / "small.csv", _rows(n, "A")))
    large = peak(_write(tmp_path / "large.csv", _rows(4 * n, "B")))
    # One batch at a time: four times the rows, about the same peak (holding every row would be ~4×).
    assert large <= 1.5 * small, (small, large)
    assert _count(ledger) == 300 + 5 * n


def test_a_bad_last_row_of_a_long_file_leaves_the_ledger_untouched(ledger, org, tmp_path):
    rows = _rows(3000, "L")
    rows[-1][6] = "2026-02-30"  # the very last row: several batches were inserted before it is read
    f = _write(tmp_path / "long.csv", rows)
    before = _count(ledger), _count(ledger, AuditRow)
    sent: list[int] = []
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, f, batch=400, progress=sent.append)
    assert sent and sent[-1] >= 2800  # the earlier batches did reach the database
    [problem] = err.value.result.problems
    assert (problem.row, problem.column) == (3001, "受理日期")
    assert (_count(ledger), _count(ledger, AuditRow)) == before
    # the same file, corrected, imports whole
    rows[-1][6] = "2026-02-28"
    assert importer.import_file(ledger, org.clerk, _write(tmp_path / "fixed.csv", rows), batch=400).added == 3000


def test_a_number_repeated_batches_apart_is_refused_with_the_first_row(ledger, org, tmp_path):
    rows = _rows(1200, "R")
    rows[1100][:2] = rows[3][:2]  # file row 1102 repeats file row 5 (unit and number), two batches later
    rows[1101][:2] = rows[1][:2]  # ... and row 1103 repeats row 3
    f = _write(tmp_path / "repeat.csv", rows)
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, f, batch=500)
    got = [(p.row, p.column, p.render("en")) for p in err.value.result.problems]
    assert [(row, column) for row, column, _ in got] == [(1102, "卷号"), (1103, "卷号")]
    assert "as row 5" in got[0][2] and "as row 3" in got[1][2]
    assert _count(ledger) == 0


def test_rows_the_ledger_has_count_as_existing_across_batches(ledger, org, tmp_path):
    first = importer.import_file(ledger, org.clerk, _write(tmp_path / "a.csv", _rows(700, "E")), batch=300)
    again = importer.import_file(ledger, org.clerk, _write(tmp_path / "b.csv", _rows(1400, "E")), batch=300)
    assert (first.added, again.added, again.existing) == (700, 700, 700)
    assert _count(ledger) == 1400


def test_problems_past_the_cap_are_counted_not_listed(ledger, org, tmp_path, request):
    if "sqlite" not in request.node.callspec.id:
        pytest.skip("the report is the importer's, the same on either database")
    rows = _rows(PROBLEM_CAP + 250, "P")
    for row in rows:
        row[5] = "-1"  # a negative amount on every row
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, _write(tmp_path / "bad.csv", rows), batch=300)
    result = err.value.result
    assert result.bad_rows == PROBLEM_CAP + 250
    listed, last = result.problems[:-1], result.problems[-1]
    assert len(listed) == PROBLEM_CAP and [p.row for p in listed] == list(range(2, PROBLEM_CAP + 2))
    assert last.row is None and "250" in last.render("en") and str(PROBLEM_CAP + 250) in last.render("zh")


def _stored(ledger) -> dict[tuple[str, str], dict]:
    with ledger.uow() as uow:
        codes = {u.id: u.code for u in uow.units.list()}
        return {(codes[c.unit_id], c.number): c.model_dump(exclude={"id", "unit_id", "created_at", "updated_at"})
                for c in uow.cases.list()}


def test_copy_on_postgresql_stores_what_executemany_on_sqlite_stores(rules, make_org, pg_schema_url, tmp_path,
                                                                      monkeypatch):
    import psycopg
    from activated_rules import activated

    from tiaojie.ledger.context import Ledger
    from tiaojie.store.db import open_database

    copies: list[str] = []
    real_copy = psycopg.Cursor.copy

    def counting_copy(self, statement, *args, **kwargs):
        copies.append(str(statement))
        return real_copy(self, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", counting_copy)
    (tmp_path / "ledger.sqlite").touch()
    f = _write(tmp_path / "same.csv", _rows(1300, "X"))
    stored = {}
    for kind, url in (("sqlite", f"sqlite:///{tmp_path / 'ledger.sqlite'}"), ("postgresql", pg_schema_url)):
        engine = open_database(url, create=True)
        try:
            ledger = activated(Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15)))
            org = make_org(ledger)
            assert importer.import_file(ledger, org.clerk, f, batch=500).added == 1300
            stored[kind] = _stored(ledger)
        finally:
            engine.dispose()
    assert any(c.startswith("COPY tiaojie_import_rows") for c in copies), copies  # the cases went by COPY
    assert len(stored["sqlite"]) == 1300 and stored["postgresql"] == stored["sqlite"]
    sample = stored["sqlite"][("C-T1-V1", "X-000007")]
    assert sample["parties"] == ["张三", "李四"] and sample["mediators"] == ["李调解"]


def test_a_line_not_in_the_encoding_far_into_the_file_refuses_the_whole_file(ledger, org, tmp_path):
    f = _write(tmp_path / "mixed.csv", _rows(1000, "U"))
    lines = f.read_bytes().split(b"\n")
    lines[900] = "沙坪村,U-GBK,申请,邻里,一般,0,2026-03-01,,已受理,,张三,,,否".encode("gbk")  # file line 901
    f.write_bytes(b"\n".join(lines))
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, f, batch=200)
    [problem] = err.value.result.problems
    assert problem.row == 901 and "UTF-8" in problem.render("zh")
    assert _count(ledger) == 0


def test_skip_bad_across_batches_stores_the_good_rows_and_saves_the_bad_in_order(ledger, org, tmp_path):
    rows = _rows(900, "K")
    for index in (850, 10, 420):
        rows[index][6] = "昨天"
    rows[600][:2] = rows[5][:2]  # a repeat of row 7, batches later
    result = importer.import_file(ledger, org.clerk, _write(tmp_path / "k.csv", rows), batch=200, skip_bad=True)
    assert (result.added, result.bad_rows) == (896, 4)
    saved = list(csv.reader(result.bad_file.open(encoding="utf-8-sig")))
    assert [line[0] for line in saved[1:]] == ["12", "422", "602", "852"]
    assert "与第 7 行卷号重复" in saved[3][-1]
    assert _count(ledger) == 896


def test_the_same_file_again_after_its_period_closed_counts_every_row_as_existing(ledger, org, tmp_path):
    from tiaojie.ledger import periods

    rows = [row for row in _rows(400, "Q") if row[6].startswith("2026-01") and row[7][:7] in ("", "2026-01")][:120]
    f = _write(tmp_path / "jan.csv", rows)
    assert importer.import_file(ledger, org.clerk, f, batch=50).added == len(rows)
    periods.close(ledger, org.clerk, "2026-01")
    again = importer.import_file(ledger, org.clerk, f, batch=50)  # no row is new, so the closed month refuses none
    assert (again.added, again.existing, again.problems) == (0, len(rows), [])
    late = _rows(1, "Q", start=9000)  # a new case received in the closed month is refused
    late[0][6], late[0][7] = "2026-01-20", ""
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, _write(tmp_path / "late.csv", rows + late), batch=50)
    assert [p.row for p in err.value.result.problems] == [len(rows) + 2]
