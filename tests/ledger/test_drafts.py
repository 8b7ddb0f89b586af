"""Rule drafts: named copies of the ledger's activated set (its stored files, never ./rules) in the
user's data directory; check, test, lint, diff, impact and activate on a draft from the CLI."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger.drafts import META_FILE, delete_draft, ledger_key, list_drafts, new_draft, open_draft
from tiaojie.ledger.errors import InvalidInput, NotFound
from tiaojie.ledger.policy_changes import activate
from tiaojie.store.messages import Conflict

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
REWARD = "mediation-reward-2026.toml"
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


def _stored_text(ledger, filename: str) -> str:
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        return uow.rule_sets.file(latest.files[filename]).text


def test_a_draft_is_the_activated_set_as_stored_not_the_rules_folder(ledger, org, tmp_path, monkeypatch):
    # the set in force came from a folder whose major reward is 550; ./rules (here) says 500
    source = tmp_path / "source"
    shutil.copytree(RULES_DIR, source)
    reward = source / REWARD
    reward.write_text(reward.read_text(encoding="utf-8").replace("amount = 500", "amount = 550"), encoding="utf-8")
    activate(ledger, org.policy, source)
    reward.write_text("# edited after activation\n", encoding="utf-8")  # the folder changes; the set does not
    monkeypatch.chdir(RULES_DIR.parent)

    draft = new_draft(ledger, "提高重大奖励")
    assert draft.path == tmp_path / "data" / "tiaojie" / "drafts" / ledger_key(ledger) / "提高重大奖励"
    assert (draft.path / REWARD).read_text(encoding="utf-8") == _stored_text(ledger, REWARD)
    assert "amount = 550" in (draft.path / REWARD).read_text(encoding="utf-8")
    assert sorted(p.name for p in draft.path.glob("*.toml")) == sorted(draft.base_files)
    assert (draft.path / META_FILE).is_file() and draft.changed_files() == []
    with ledger.uow() as uow:
        assert draft.base_set == uow.rule_sets.latest().id


def test_several_named_drafts_listed_opened_and_deleted(ledger):
    first, second = new_draft(ledger, "b-tier"), new_draft(ledger, "a-raise")
    assert [d.name for d in list_drafts(ledger)] == ["a-raise", "b-tier"]
    (second.path / REWARD).write_text((second.path / REWARD).read_text(encoding="utf-8").replace("500", "600"),
                                      encoding="utf-8")
    assert open_draft(ledger, "a-raise").changed_files() == [REWARD]
    assert open_draft(ledger, "b-tier").changed_files() == []
    with pytest.raises(Conflict) as taken:
        new_draft(ledger, "a-raise")
    assert "a-raise" in taken.value.message("zh")
    with pytest.raises(NotFound) as missing:
        open_draft(ledger, "a-rase")
    text = missing.value.message("zh")
    assert "a-rase" in text and "a-raise" in text  # did you mean, and the names there are
    assert delete_draft(ledger, "b-tier") == first.path and not first.path.exists()
    assert [d.name for d in list_drafts(ledger)] == ["a-raise"]


@pytest.mark.parametrize("name", ["", "  ", "../x", "a/b", ".hidden", "x" * 41, 'a"b', "a\\b"])
def test_a_name_that_cannot_be_a_directory_is_refused(ledger, name):
    with pytest.raises(InvalidInput) as refused:
        new_draft(ledger, name)
    assert "草稿名" in refused.value.message("zh") and "draft name" in refused.value.message("en")


def test_each_ledger_has_its_own_drafts(ledger, tmp_path):
    from tiaojie.ledger.bootstrap import create_ledger

    other, _ = create_ledger(f"sqlite:///{tmp_path / 'other.sqlite'}", RULES_DIR)
    try:
        new_draft(ledger, "mine")
        assert ledger_key(other) != ledger_key(ledger)
        assert list_drafts(other) == []
    finally:
        other.close()


def _cli(db_url, *args, lang=None):
    return runner.invoke(app, [*(["--lang", lang] if lang else []), *args], env={"TIAOJIE_DB": db_url})


def test_policy_staff_raise_a_reward_in_a_draft_from_the_command_line(ledger, org, db_url, tmp_path):
    made = _cli(db_url, "rules", "draft", "new", "raise")
    assert made.exit_code == 0, made.output
    assert "raise" in made.output and "已建立草稿" in made.output
    shown = _cli(db_url, "rules", "draft", "path", "raise")
    assert shown.exit_code == 0, shown.output
    path = Path(shown.output.strip())
    assert (path / REWARD).is_file()
    reward = path / REWARD
    reward.write_text(reward.read_text(encoding="utf-8").replace("amount = 500", "amount = 800"), encoding="utf-8")

    listed = _cli(db_url, "rules", "draft", "list")
    assert listed.exit_code == 0 and "raise" in listed.output and REWARD in listed.output

    checked = _cli(db_url, "rules", "check", "--draft", "raise", "--db", db_url)
    assert checked.exit_code == 0, checked.output
    assert "规则检查通过" in checked.output
    assert _cli(db_url, "rules", "test", "--draft", "raise").exit_code == 0
    assert _cli(db_url, "rules", "lint", "--draft", "raise").exit_code == 0
    diffed = _cli(db_url, "rules", "diff", "--draft", "raise")
    assert diffed.exit_code == 0, diffed.output
    assert "800" in diffed.output and "500" in diffed.output
    assert _cli(db_url, "rules", "impact", "--draft", "raise").exit_code == 0
    for lang, sheets in (("zh", ["政策", "单位", "领取人", "变化示例"]), ("en", ["Policies", "By unit", "By payee", "Sample changes"])):
        book_path = tmp_path / f"impact-{lang}.xlsx"
        written = _cli(db_url, "rules", "impact", "--draft", "raise", "--format", "xlsx", "-o", str(book_path), lang=lang)
        assert written.exit_code == 0, written.output
        book = load_workbook(book_path)
        assert book.sheetnames == sheets
        policies = list(book[sheets[0]].iter_rows(values_only=True))
        assert policies[0][:2] == (("政策", "求值件数") if lang == "zh" else ("Policy", "Cases evaluated"))
        by_unit = list(book[sheets[1]].iter_rows(values_only=True))[1:]
        # the units' changes add up to the policies' change, to the fen
        assert sum(Decimal(str(v)) for _, v in by_unit) == sum(Decimal(str(row[5])) for row in policies[1:])

    done = runner.invoke(app, ["rules", "activate", "--draft", "raise", "--user", org.policy.name],
                         env={"TIAOJIE_DB": db_url})
    assert done.exit_code == 0, done.output
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        assert latest.source == str(path.resolve())
        assert uow.rule_sets.file(latest.files[REWARD]).text == reward.read_text(encoding="utf-8")

    # the draft now starts from an older set than the one in force: said, in the chosen language
    again = _cli(db_url, "rules", "check", "--draft", "raise", lang="en")
    assert again.exit_code == 0 and "has been activated since" in again.output


def test_a_missing_draft_or_two_sources_are_refused_in_words(ledger, db_url):
    missing = _cli(db_url, "rules", "test", "--draft", "nope")
    assert missing.exit_code == 1 and "没有名为「nope」的草稿" in missing.output and "Traceback" not in missing.output
    both = _cli(db_url, "rules", "impact", str(RULES_DIR), "--draft", "nope", lang="en")
    assert both.exit_code == 1 and "one of them, not both" in both.output
    neither = _cli(db_url, "rules", "activate")
    assert neither.exit_code == 1 and "--draft" in neither.output
    bad = _cli(db_url, "rules", "draft", "new", "a/b", lang="en")
    assert bad.exit_code == 1 and "cannot be used" in bad.output


def test_a_fee_table_goes_to_a_spreadsheet_and_back_into_a_draft(ledger, db_url, tmp_path):
    from openpyxl import load_workbook

    assert _cli(db_url, "rules", "draft", "new", "tiers").exit_code == 0
    book = tmp_path / "奖励.xlsx"
    exported = _cli(db_url, "rules", "export", "mediation-reward", "--version", "2026.1", "-o", str(book))
    assert exported.exit_code == 0, exported.output
    assert "2 条规则" in exported.output and book.is_file()
    wb = load_workbook(book)
    ws = wb["规则"]
    header = [c.value for c in ws[2]]
    ws.cell(3, header.index("奖励金额") + 1, 800)  # the major reward raised in the spreadsheet
    wb["示例"].cell(3, [c.value for c in wb["示例"][2]].index("奖励金额") + 1, 800)
    wb["示例"].cell(5, [c.value for c in wb["示例"][2]].index("奖励金额") + 1, 800)
    wb.save(book)

    imported = _cli(db_url, "rules", "import-table", str(book), "--draft", "tiers")
    assert imported.exit_code == 0, imported.output
    assert "写入草稿「tiers」" in imported.output and "0 个未通过" in imported.output
    path = Path(_cli(db_url, "rules", "draft", "path", "tiers").output.strip())
    text = (path / REWARD).read_text(encoding="utf-8")
    assert "then = { amount = 800 }" in text and text.startswith("# 人民调解“以奖代补”")
    diffed = _cli(db_url, "rules", "diff", "--draft", "tiers")
    assert "800" in diffed.output

    # a bad cell: located, in English too, and the draft is left as it was
    ws.cell(3, header.index("纠纷程度") + 1, "特大")
    wb.save(book)
    refused = _cli(db_url, "rules", "import-table", str(book), "--draft", "tiers", lang="en")
    assert refused.exit_code == 1
    column = "ABCDEFGH"[header.index("纠纷程度")]
    assert f"sheet '规则', row 3, column {column} (纠纷程度)" in refused.output and "特大" in refused.output
    assert "the draft is unchanged" in refused.output and "Traceback" not in refused.output
    assert (path / REWARD).read_text(encoding="utf-8") == text

    # an example expecting letters of an amount: located in the examples sheet, nothing written
    ws.cell(3, header.index("纠纷程度") + 1, "重大")
    examples = wb["示例"]
    amount_column = [c.value for c in examples[2]].index("奖励金额")
    examples.cell(3, amount_column + 1, "abc")
    wb.save(book)
    refused = _cli(db_url, "rules", "import-table", str(book), "--draft", "tiers")
    assert refused.exit_code == 1, refused.output
    assert f"工作表「示例」第 3 行 {'ABCDEFGHIJKL'[amount_column]} 列" in refused.output, refused.output
    assert "奖励金额" in refused.output and "abc" in refused.output
    assert (path / REWARD).read_text(encoding="utf-8") == text

    not_table = _cli(db_url, "rules", "export", "banquet", "-o", str(tmp_path / "b.xlsx"))
    assert not_table.exit_code == 1 and "不是规则表" in not_table.output
