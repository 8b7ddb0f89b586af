"""Defects reported of the command line that no other test walked as reported: exports to a place
that cannot be written (the missing folder named, a file the system refuses named with the system's
reason — exit 1, never an internal error), and a case number already taken refused naming the unit,
not its id."""

from __future__ import annotations

import re
import sqlite3

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    made = runner.invoke(app, ["demo", "--db", str(path)], env={"TIAOJIE_DB": None})
    assert made.exit_code == 0, made.output
    return path


@pytest.fixture
def demo(demo_file, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    for name in ("TIAOJIE_DB", "TIAOJIE_USER", "TIAOJIE_RULES", "TIAOJIE_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TIAOJIE_PASSWORD", "tiaojie-demo")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    copy = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_file) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return str(copy)


EXPORTS = {
    "statement": ["--user", "clerk", "statement", "2026-01", "-o", "{out}.xlsx"],
    "dividend": ["--user", "clerk", "dividend", "show", "JS", "--year", "2026", "-o", "{out}.csv"],
    "stats form": ["stats", "--form", "-o", "{out}.xlsx"],
    "reviews": ["--user", "clerk", "review", "export", "-o", "{out}.xlsx"],
}


@pytest.mark.parametrize("what", list(EXPORTS))
def test_an_export_to_a_missing_folder_names_the_folder(demo, tmp_path, what):
    missing = tmp_path / "no-such-folder"
    args = [a.format(out=missing / "out") for a in EXPORTS[what]]
    said = runner.invoke(app, ["--db", demo, *args])
    assert said.exit_code == 1, (said.exit_code, said.output, said.exception)
    assert f"文件夹「{missing}」不存在" in said.output
    assert "内部错误" not in said.output and "Traceback" not in said.output
    assert not missing.exists()
    english = runner.invoke(app, ["--db", demo, "--lang", "en", *args])
    assert english.exit_code == 1 and f"the folder '{missing}' does not exist" in english.output


def test_an_export_the_system_refuses_is_named_with_its_reason(demo, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    said = runner.invoke(app, ["--db", demo, "--user", "clerk", "statement", "2026-01", "-o", str(folder)])
    assert said.exit_code == 1, (said.exit_code, said.output, said.exception)
    assert f"无法写入「{folder}」" in said.output and "内部错误" not in said.output


def test_a_case_number_taken_in_the_unit_is_refused_naming_the_unit_not_its_id(demo):
    listed = runner.invoke(app, ["--db", demo, "--user", "med01", "case", "list", "--limit", "1"])
    unit, number = listed.output.splitlines()[2].split()[:2]
    again = runner.invoke(app, ["--db", demo, "--user", "med01", "case", "add", unit, number, "--category", "邻里",
                                "--received", "2026-11-01"])
    assert again.exit_code == 1, again.output
    assert f"已有卷号「{number}」" in again.output and "单位「新建村」" in again.output, again.output
    assert not re.search(r"单位「\d+」", again.output)
