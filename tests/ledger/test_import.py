from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tiaojie.ledger import importer
from tiaojie.store.schema import AuditRow, CaseRow

HEADER_ZH = ["单位", "卷号", "案件来源", "纠纷类型", "纠纷程度", "涉及金额", "受理日期", "调处日期", "案件状态", "调处主体", "当事人"]
HEADER_EN = ["unit", "number", "source", "category", "severity", "amount_involved", "received_on", "settled_on", "status", "settled_by", "parties"]


def _row(i, **kw):
    row = {
        "unit": "C-T1-V1", "number": f"H-{i:05d}", "source": "申请", "category": "邻里", "severity": "一般",
        "amount": "1200.50", "received": "2026-03-01", "settled": "2026/3/5", "status": "调解成功",
        "settled_by": "村委会", "parties": "张三、李四",
    }
    row.update(kw)
    return list(row.values())


def _write(path: Path, header, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _count(ledger, table=CaseRow):
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_import_chinese_headers_then_again_adds_nothing(ledger, org, tmp_path):
    f = _write(tmp_path / "ledger.csv", HEADER_ZH, [_row(i) for i in range(50)])
    first = importer.import_file(ledger, org.clerk, f)
    assert (first.added, first.existing, first.problems) == (50, 0, [])
    with ledger.uow() as uow:
        case = uow.cases.by_number(org.v1.id, "H-00007")
    assert case.category == "neighbour" and case.status == "settled" and str(case.amount_involved) == "1200.50"
    assert case.parties == ["张三", "李四"] and case.settled_by == "village_committee"
    second = importer.import_file(ledger, org.clerk, f)
    assert (second.added, second.existing) == (0, 50)
    assert _count(ledger) == 50


def test_import_english_headers_xlsx(ledger, org, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER_EN)
    ws.append(["C-T1-V2", "X-1", "initiative", "contract", "major", 99, dt.datetime(2026, 2, 1), None, "received", None, "王五"])
    ws.append(["白层村", 1002, "移交", "劳动争议", "疑难", "0", "2026-02-03", "2026-02-09", "failed", "township", ""])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    result = importer.import_file(ledger, org.clerk, path)
    assert result.added == 2 and not result.problems
    with ledger.uow() as uow:
        c = uow.cases.by_number(org.v2.id, "1002")
    assert (c.category, c.severity, c.source, c.status) == ("labour", "difficult", "transfer", "failed")


def test_malformed_csv_reports_every_bad_row_and_writes_nothing(ledger, org, tmp_path):
    rows = [
        _row(1),
        _row(2, received="2026-02-30"),  # a date of the right shape for a day that does not exist
        _row(3, amount="-5"),  # negative amount
        _row(4, category="邻居纠纷"),  # unknown category
        _row(5, unit="NOPE"),
        _row(6, number=""),
        _row(1),  # duplicate of row 2
        _row(7, received="2026-03-09"),  # settled (03-05) before received
    ]
    f = _write(tmp_path / "bad.csv", HEADER_ZH, rows)
    audit_before = _count(ledger, AuditRow)
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, f)
    problems = err.value.result.problems
    got = {(p.row, p.column) for p in problems}
    assert got == {(3, "受理日期"), (4, "涉及金额"), (5, "纠纷类型"), (6, "单位"), (7, "卷号"), (8, "卷号"), (9, "调处日期")}
    text = "\n".join(p.render("zh") for p in problems)
    assert "第 3 行，受理日期：没有「2026-02-30」这一天" in text
    assert "金额不能为负数" in text
    assert "第 8 行" in text and "第 2 行" in text
    assert "row 5, 纠纷类型" in problems[2].render("en")
    assert _count(ledger) == 0 and _count(ledger, AuditRow) == audit_before


def test_missing_column_and_wrong_encoding(ledger, org, tmp_path):
    header = [h for h in HEADER_ZH if h != "受理日期"] + ["受里日期"]
    f = _write(tmp_path / "nocol.csv", header, [_row(1)[:6] + _row(1)[7:] + ["2026-01-01"]])
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, f)
    rendered = [p.render("zh") for p in err.value.result.problems]
    assert any("受理日期" in r and "缺少" in r for r in rendered)
    assert any("受里日期" in r and "是否想写" in r for r in rendered)

    g = _write(tmp_path / "gbk.csv", HEADER_ZH, [_row(1), _row(2)], encoding="gbk")
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, g)
    problems = err.value.result.problems
    assert problems and all("UTF-8" in p.render("zh") for p in problems)
    assert {p.row for p in problems} == {1, 2, 3}
    # told the encoding, the same file imports
    assert importer.import_file(ledger, org.clerk, g, encoding="gb18030").added == 2
    assert _count(ledger) == 2


def test_skip_bad_writes_good_rows_and_saves_bad_ones(ledger, org, tmp_path):
    f = _write(tmp_path / "mixed.csv", HEADER_ZH, [_row(1), _row(2, received="昨天"), _row(3)])
    result = importer.import_file(ledger, org.clerk, f, skip_bad=True)
    assert result.added == 2 and result.bad_rows == 1
    saved = list(csv.reader(result.bad_file.open(encoding="utf-8-sig")))
    assert saved[0][0] == "原行号" and saved[1][0] == "3" and "不是有效日期" in saved[1][-1]
    # an English user's file says the same in English
    e = _write(tmp_path / "mixed-en.csv", HEADER_ZH, [_row(4), _row(5, received="昨天")])
    english = importer.import_file(ledger, org.clerk, e, skip_bad=True, lang="en")
    saved = list(csv.reader(english.bad_file.open(encoding="utf-8-sig")))
    assert saved[0][0] == "Row" and saved[0][-1] == "Errors" and saved[1][0] == "3"
    assert "不是有效日期" not in saved[1][-1] and "昨天" in saved[1][-1], saved[1][-1]


def test_import_refuses_rows_in_closed_period(ledger, org, tmp_path):
    from tiaojie.ledger import periods

    periods.close(ledger, org.clerk, "2026-03")
    f = _write(tmp_path / "late.csv", HEADER_ZH, [_row(1), _row(2, received="2026-04-01", settled="2026-04-02")])
    with pytest.raises(importer.ImportRefused) as err:
        importer.import_file(ledger, org.clerk, f)
    [problem] = err.value.result.problems
    assert problem.row == 2 and "2026-03" in problem.render("zh")


def test_sigkill_mid_import_leaves_database_unchanged(db_url, ledger, org, tmp_path):
    rows = [_row(i) for i in range(20000)]
    f = _write(tmp_path / "big.csv", HEADER_ZH, rows)
    before = _count(ledger), _count(ledger, AuditRow)
    script = tmp_path / "run_import.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        from tiaojie.ledger.context import Ledger
        from tiaojie.ledger import importer, access
        from tiaojie.rules.service import open_rules
        from tiaojie.store.db import open_database
        ledger = Ledger(open_database({db_url!r}), open_rules({str(Path(__file__).resolve().parents[2] / 'rules')!r}))
        user = access.resolve_user(ledger, "王财务")
        def progress(done):
            if done >= 4000:
                print("MID", done, flush=True)
                time.sleep(600)
        importer.import_file(ledger, user, {str(f)!r}, progress=progress)
        print("DONE", flush=True)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("MID"), line
        # rows are inserted (uncommitted) when the process dies
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert (_count(ledger), _count(ledger, AuditRow)) == before
    # and the database is usable afterwards: the same import now completes
    assert importer.import_file(ledger, org.clerk, f).added == 20000
