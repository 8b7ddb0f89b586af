"""A read writes nothing and a refused command writes nothing: opening a ledger with another rule
set, `stats`, `case list`, `period show`, an activation the user may not make, or a write under
draft rules leave every table as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

from table_counts import table_counts
from typer.testing import CliRunner

from tiaojie.cli import app

RULES = Path(__file__).resolve().parents[2] / "rules"
TABLES = ("policy_files", "rule_sets", "audit_log", "periods", "outcomes", "cases", "payout_lines")
runner = CliRunner()


def _counts(db_url: str) -> dict[str, int]:
    return table_counts(db_url, TABLES)


def test_reads_and_refusals_leave_the_ledger_as_it_was(db_url, tmp_path):
    def run(*args: str, rules: Path = RULES, user: str = "admin"):  # noqa: ANN202
        return runner.invoke(app, ["--rules", str(rules), *args], env={"TIAOJIE_DB": db_url, "TIAOJIE_USER": user})

    assert run("demo").exit_code == 0
    draft = tmp_path / "draft"
    shutil.copytree(RULES, draft)
    reward = draft / "mediation-reward-2026.toml"
    reward.write_text(reward.read_text(encoding="utf-8").replace("amount = 500", "amount = 600"), encoding="utf-8")
    before = _counts(db_url)
    assert run("stats", "--by", "unit", rules=draft).exit_code == 0
    assert run("case", "list", "--limit", "5", rules=draft).exit_code == 0
    assert run("period", "show", "2026-03", rules=draft).exit_code == 0
    refused = run("rules", "activate", str(draft), rules=draft, user="clerk")
    assert refused.exit_code != 0
    assert _counts(db_url) == before
    # a write under the draft is refused before the ledger is opened: only activated rules write
    written = run("case", "add", "LSJ-01-01", "RW-1", "--category", "邻里", rules=draft)
    assert written.exit_code == 1 and "tiaojie rules activate" in written.output
    assert _counts(db_url) == before
