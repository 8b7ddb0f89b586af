"""A county changes its review chain the way it changes any rule: a draft of the activated set,
checked, tested, linted, compared and activated — after which the chain in force is the new one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger.policy_changes import activate
from tiaojie.rules.review_chain import review_chain

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
CHAIN = "review-chain-2026.toml"
ON = dt.date(2026, 6, 15)
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


def _cli(db_url, *args, lang=None):
    return runner.invoke(app, [*(["--lang", lang] if lang else []), *args], env={"TIAOJIE_DB": db_url})


def _without_notice(path: Path) -> None:
    """The notice step taken out and a larger follow-up minimum: an edit of the file, nothing else."""
    text = path.read_text(encoding="utf-8")
    start = text.index('[[step]]\nid = "notice"')
    end = text.index("[[step]]", start + 1)
    text = text[:start] + text[end:]
    path.write_text(text.replace("follow_up_minimum = 3", "follow_up_minimum = 5"), encoding="utf-8")


def test_a_chain_changed_in_a_draft_checks_tests_lints_compares_and_activates(ledger, org, db_url):
    assert _cli(db_url, "rules", "draft", "new", "no-notice").exit_code == 0
    path = Path(_cli(db_url, "rules", "draft", "path", "no-notice").output.strip())
    _without_notice(path / CHAIN)

    for command in (("check",), ("test",), ("lint", "--strict"), ("impact",)):
        result = _cli(db_url, "rules", *command, "--draft", "no-notice")
        assert result.exit_code == 0, (command, result.output)
    diffed = _cli(db_url, "rules", "diff", "--draft", "no-notice")
    assert diffed.exit_code == 0, diffed.output
    assert "删除环节「公示」" in diffed.output and "核查 follow_up_minimum 3 → 5" in diffed.output

    done = runner.invoke(app, ["rules", "activate", "--draft", "no-notice", "--user", org.policy.name],
                         env={"TIAOJIE_DB": db_url})
    assert done.exit_code == 0, done.output
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        assert uow.rule_sets.file(latest.files[CHAIN]).text == (path / CHAIN).read_text(encoding="utf-8")


def test_after_activation_the_chain_in_force_is_the_drafts(ledger, org, tmp_path):
    assert [s.action for s in review_chain(ledger.rules, ON).steps] == ["claim", "review", "review", "notice", "pay"]
    draft = tmp_path / "draft"
    shutil.copytree(RULES_DIR, draft)
    _without_notice(draft / CHAIN)
    activate(ledger, org.policy, draft)
    chain = review_chain(ledger.rules, ON)
    assert [s.action for s in chain.steps] == ["claim", "review", "review", "pay"]
    assert chain.checks.follow_up_minimum == 5
