"""`tiaojie matter …` and `tiaojie meeting …` on a demo ledger: a matter added and routed by the
rules, a meeting planned with its agenda, the consensus and a measure recorded, the measure shown
overdue, minutes written, the rate counted; refusals are messages naming the thing, never a
traceback, in Chinese or English."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    made = runner.invoke(app, ["demo", "--db", str(path)])
    assert made.exit_code == 0, made.output
    assert "群众诉求 3  四方会议 2" in made.output
    return path


@pytest.fixture
def demo(demo_file, tmp_path, monkeypatch):
    for name in ("TIAOJIE_DB", "TIAOJIE_RULES", "TIAOJIE_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TIAOJIE_PASSWORD", "tiaojie-demo")
    monkeypatch.setenv("TIAOJIE_USER", "clerk")
    copy = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_file) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return str(copy)


def run(demo, *args: str):
    result = runner.invoke(app, [*args, "--db", demo])
    assert "Traceback" not in result.output
    return result


def test_a_matter_from_raising_to_minutes_and_the_rate(demo, tmp_path):
    today = dt.date.today()
    raised = (today - dt.timedelta(days=3)).isoformat()
    added = run(demo, "matter", "add", "村口路灯不亮", "--unit", "LSJ-01-01", "--by", "张三", "--urgency", "紧急",
                "--party", "政府", "--party", "村", "--date", raised)
    assert added.exit_code == 0, added.output
    meeting_by = (today - dt.timedelta(days=1)).isoformat()  # the escalation rule's two days
    assert f"紧急会议，最迟 {meeting_by}" in added.output
    matter = re.search(r"SQ-[0-9]{4}-[0-9]{4}", added.output).group(0)
    planned = run(demo, "meeting", "plan", "--unit", "LSJ-01-01", "--date", meeting_by, "--kind", "紧急会议")
    assert planned.exit_code == 0, planned.output
    assert "议题 1 项" in planned.output and "村口路灯不亮" in planned.output
    number = re.search(r"HY-[0-9]{4}-[0-9]{3}", planned.output).group(0)
    assert run(demo, "meeting", "attend", number, "王乡长", "--party", "政府").exit_code == 0
    decided = run(demo, "meeting", "decide", number, "--matter", matter, "--consensus", "乡里出资更换")
    assert decided.exit_code == 0, decided.output
    measure = run(demo, "meeting", "measure", number, "--matter", matter, "--action", "更换灯泡",
                  "--owner", "王乡长", "--due", meeting_by)
    assert measure.exit_code == 0 and f"{number}/1" in measure.output
    listed = run(demo, "meeting", "measures", "--state", "overdue", "--lang", "en")
    assert f"{number}/1" in listed.output and "overdue" in listed.output
    out = tmp_path / "minutes.html"
    minutes = run(demo, "meeting", "minutes", number, "-o", str(out))
    assert minutes.exit_code == 0 and "乡里出资更换" in out.read_text(encoding="utf-8")
    closed = run(demo, "matter", "close", matter, "--resolved", "--date", today.isoformat())
    assert closed.exit_code == 0 and "已解决" in closed.output
    stats = run(demo, "matter", "stats")
    assert stats.exit_code == 0 and "50.0%" in stats.output  # two of the four resolved, counted


def test_refusals_are_messages_in_the_chosen_language(demo):
    unknown = run(demo, "matter", "close", "SQ-2026-0999", "--resolved", "--lang", "en")
    assert unknown.exit_code == 1 and "no matter numbered 'SQ-2026-0999'" in unknown.output
    kind = run(demo, "meeting", "plan", "--unit", "LSJ-01-01", "--date", "2026-06-05", "--kind", "weekly")
    assert kind.exit_code == 1 and "会议类型「weekly」" in kind.output
    suffix = run(demo, "meeting", "minutes", "HY-2026-001", "-o", "minutes.pdf")
    assert suffix.exit_code == 1 and ".xlsx 或 .html" in suffix.output
    mediator = runner.invoke(app, ["matter", "add", "x", "--unit", "LSJ-01-02", "--by", "张三", "--db", demo,
                                   "--user", "med01"])
    assert mediator.exit_code == 1 and "Traceback" not in mediator.output
