"""Only activated rules reach the ledger: a draft is a what-if that writes nothing, files edited on
disk change no figure until they are activated, an activation's recorded impact is the real change,
and every stored hash names a file of some activated set — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from activated_rules import activated
from sqlalchemy import inspect, text

from tiaojie.ledger import audit as audit_service
from tiaojie.ledger import banquets, dividends, periods
from tiaojie.ledger import cases as case_service
from tiaojie.ledger.bootstrap import create_ledger, open_ledger
from tiaojie.ledger.context import Ledger, RulesNotActivated
from tiaojie.ledger.demo import build_demo
from tiaojie.ledger.policy_changes import ActivationRefused, activate, history
from tiaojie.rules.service import open_rules

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
TODAY = dt.date(2026, 6, 15)
OPEN_MONTHS = ["2026-02", "2026-03", "2026-04", "2026-05"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


def raise_major(directory: Path, amount: int = 600) -> Path:
    """Edit a rules directory in place: the major-case reward becomes `amount` (examples follow)."""
    path = directory / "mediation-reward-2026.toml"
    text_ = path.read_text(encoding="utf-8")
    path.write_text(text_.replace("then = { amount = 500 }", "then = { amount = %d }" % amount)
                    .replace("amount = 500,", f"amount = {amount},"), encoding="utf-8")
    return directory


def copy_rules(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(RULES_DIR, target)
    return target


def fill(ledger: Ledger, org) -> list[int]:  # noqa: ANN001
    """Cases of both villages, January to May, settled by village bodies (major ones among them);
    January closed. The clerk's township covers both villages."""
    ids = []
    plan = [("major", 1), ("major", 2), ("major", 3), ("ordinary", 3), ("major", 4), ("difficult", 5), ("major", 5)]
    for n, (severity, month) in enumerate(plan):
        received = dt.date(2026, month, 3 + n)
        added = case_service.add_case(ledger, org.clerk, "C-T1-V1" if n % 2 else "C-T1-V2", number=f"F{n}",
                                      category="neighbour", severity=severity, received_on=received)
        case_service.settle_case(ledger, org.clerk, added.case.id, settled_on=received + dt.timedelta(days=4),
                                 settled_by="village_committee")
        ids.append(added.case.id)
    periods.close(ledger, org.clerk, "2026-01")
    return ids


def totals(db_url: str) -> dict[str, Decimal]:
    """Each open month's total as a freshly opened ledger reads it (its activated set)."""
    ledger = open_ledger(db_url, today=TODAY)
    try:
        return {key: periods.show(ledger, key).total for key in OPEN_MONTHS}
    finally:
        ledger.close()


def stored_state(db_url: str) -> dict[str, int]:
    from sqlalchemy import create_engine

    from tiaojie.store.db import resolve_url

    engine = create_engine(resolve_url(db_url))
    try:
        with engine.connect() as conn:
            names = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in names}
    finally:
        engine.dispose()


def test_editing_the_files_changes_no_figure_and_activation_records_the_real_change(db_url, engine, org, tmp_path):
    """The demo's defect: a ledger followed ./rules as soon as it was edited, and the later
    activation recorded "0 cases, 0.00" for a change of +1,400 yuan."""
    work = copy_rules(tmp_path, "rules")
    ledger = activated(Ledger(engine=engine, rules=open_rules(work), today=TODAY))
    fill(ledger, org)
    before = totals(db_url)
    raise_major(work)  # policy staff edit the files the ledger was opened on
    assert totals(db_url) == before  # reads use the activated set's stored files, not the disk
    # rules read from the edited files are not the activated set: they decide nothing stored
    edited = Ledger(engine=engine, rules=open_rules(work), today=TODAY)
    with pytest.raises(RulesNotActivated) as refused:
        case_service.add_case(edited, org.clerk, "C-T1-V1", number="LATE", category="neighbour",
                              received_on="2026-06-01")
    assert "mediation-reward-2026.toml" in refused.value.message("zh")
    assert totals(db_url) == before

    fresh = open_ledger(db_url, today=TODAY)
    done = activate(fresh, org.policy, work)
    after = totals(db_url)
    real = sum(after.values()) - sum(before.values())
    assert real == Decimal(100) * 4  # four open major cases, 500 → 600
    assert done.impact.total_delta == real
    assert history(fresh)[-1]["impact"]["total_delta"] == f"{real}"
    assert done.impact.policies["mediation-reward"].changed_closed == 1  # January's, reported, not changed
    fresh.close()


def test_the_first_activation_is_measured_against_nothing(db_url, tmp_path):
    ledger, started = create_ledger(db_url, RULES_DIR, today=TODAY)
    try:
        assert started is not None and started.impact.changed_cases == 0 and started.impact.total_delta == 0
        entry = [e for e in audit_service.recent(ledger, limit=10) if e.action == "rules_activate"]
        assert len(entry) == 1 and entry[0].user_name == "tiaojie" and entry[0].before is None
        assert ledger.draft is None
        again, none = create_ledger(db_url, raise_major(copy_rules(tmp_path, "other")), today=TODAY)
        assert none is None and len(history(again)) == 1  # an existing ledger is left as it is
        again.close()
    finally:
        ledger.close()


def test_a_refused_starting_set_leaves_no_ledger(tmp_path):
    broken = raise_major(copy_rules(tmp_path, "broken"))
    (broken / "mediation-reward-2026.toml").write_text(
        (broken / "mediation-reward-2026.toml").read_text(encoding="utf-8").replace("amount = 600,", "amount = 1,"),
        encoding="utf-8")
    path = tmp_path / "new.sqlite"
    with pytest.raises(ActivationRefused):
        create_ledger(str(path), broken)
    assert not path.exists()


def test_a_ledger_without_an_activated_set_reads_but_refuses_writes(db_url, engine, rules, make_org):
    bare = Ledger(engine=engine, rules=rules, today=TODAY)
    org = make_org(bare)  # users and units need no rules
    with pytest.raises(RulesNotActivated) as refused:
        case_service.add_case(bare, org.clerk, "C-T1-V1", number="N1", category="neighbour", received_on="2026-06-01")
    assert "tiaojie rules activate" in refused.value.message("zh") and "activate" in refused.value.message("en")
    opened = open_ledger(db_url, today=TODAY)
    try:
        assert opened.draft is not None  # a what-if on the default set: said by the reads (CLI)
        with pytest.raises(RulesNotActivated):
            periods.compute(opened, org.clerk, "2026-05")  # refused, not a what-if: nothing is activated
        assert periods.show(opened, "2026-05").total == 0
    finally:
        opened.close()


def test_a_draft_ledger_shows_a_what_if_and_refuses_every_write(db_url, ledger, org, tmp_path):
    ids = fill(ledger, org)
    before, state = totals(db_url), stored_state(db_url)
    draft = open_ledger(db_url, raise_major(copy_rules(tmp_path, "draft")), today=TODAY)
    try:
        what_if = periods.compute(draft, org.clerk, "2026-05")  # figures under the draft, nothing stored
        assert what_if.total == before["2026-05"] + 100
        writes = [
            lambda: case_service.add_case(draft, org.clerk, "C-T1-V1", number="D1", category="neighbour",
                                          received_on="2026-06-01"),
            lambda: case_service.edit_case(draft, org.clerk, ids[-1], severity="ordinary"),
            lambda: periods.close(draft, org.clerk, "2026-05"),
            lambda: periods.adjust(draft, org.clerk, "2026-06", ids[0], Decimal("10"), "更正"),
            lambda: banquets.file_banquet(draft, org.mediator, banquets.build_filing(
                draft, unit="C-T1-V1", household="王家", occasion="wedding", held_on="2026-06-10", days=1, tables=10,
                gift=100, filed_on="2026-06-01")),
        ]
        for write in writes:
            with pytest.raises(RulesNotActivated) as refused:
                write()
            assert str(draft.draft) in refused.value.message("zh") and "tiaojie rules activate" in refused.value.message("en")
    finally:
        draft.close()
    assert totals(db_url) == before and stored_state(db_url) == state


def test_a_ledger_whose_set_was_replaced_elsewhere_refuses_writes(db_url, ledger, org, tmp_path):
    other = open_ledger(db_url, today=TODAY)
    activate(other, org.policy, raise_major(copy_rules(tmp_path, "new")))
    other.close()
    with pytest.raises(RulesNotActivated) as refused:  # this station still holds the old set
        case_service.add_case(ledger, org.clerk, "C-T1-V1", number="S1", category="neighbour", received_on="2026-06-01")
    assert "mediation-reward-2026.toml" in refused.value.message("en")


def test_every_stored_hash_names_a_file_of_an_activated_set(db_url, engine, rules, tmp_path):
    """A mixed workload on the demo: case add, settle, edit, escalate, period compute and close, an
    adjustment, a dividend run, a banquet filing, an activation of a new set, and more writes."""
    ledger = Ledger(engine=engine, rules=rules, today=TODAY)
    build_demo(ledger)  # activates its starting set first
    from tiaojie.ledger.access import resolve_user

    med, clerk, policy = (resolve_user(ledger, n) for n in ("med01", "clerk", "policy"))

    def case_writes(number: str) -> int:
        added = case_service.add_case(ledger, med, "LSJ-01-01", number=number, category="neighbour", severity="simple",
                                      received_on="2026-06-01")
        case_service.escalate_case(ledger, med, added.case.id, on="2026-06-02", reason="升级")
        case_service.edit_case(ledger, med, added.case.id, severity="ordinary")
        case_service.settle_case(ledger, med, added.case.id, settled_on="2026-06-05", settled_by="village_committee")
        return added.case.id

    case_writes("MIX-1")
    periods.compute(ledger, clerk, "2026-05")
    periods.close(ledger, clerk, "2026-05")
    paid = sorted({line.case_id for line in periods.show(ledger, "2026-05").lines})  # an adjustment corrects a paid case
    periods.adjust(ledger, clerk, "2026-06", paid[0], Decimal("-20"), "更正")
    dividends.run_dividend(ledger, clerk, "YW", 2026)
    banquets.file_banquet(ledger, med, banquets.build_filing(
        ledger, unit="LSJ-01-01", household="李家", occasion="wedding", held_on="2026-06-10", days=1, tables=12,
        gift=100, filed_on="2026-06-03"))
    activate(ledger, policy, raise_major(copy_rules(tmp_path, "next")))
    case_writes("MIX-2")
    periods.adjust(ledger, clerk, "2026-06", paid[1], Decimal("15"), "更正")
    dividends.run_dividend(ledger, clerk, "YW", 2026)
    banquets.file_banquet(ledger, med, banquets.build_filing(
        ledger, unit="LSJ-01-01", household="张家", occasion="birth", held_on="2026-06-12", days=1, tables=6,
        gift=50, filed_on="2026-06-04"))
    periods.compute(ledger, clerk, "2026-06")

    with engine.connect() as conn:
        activated_hashes = set()
        for (files,) in conn.execute(text("SELECT files FROM rule_sets")):
            import json

            activated_hashes |= set((json.loads(files) if isinstance(files, str) else files).values())
        assert len(activated_hashes) > 8  # two sets, one file apart
        checked: dict[str, int] = {}
        for table in inspect(conn).get_table_names():
            if table in ("policy_files", "audit_log", "audit_head", "sign_in_tokens", "users"):
                continue
            columns = [c["name"] for c in inspect(conn).get_columns(table)]
            if "hash" not in columns:
                continue
            found = [h for (h,) in conn.execute(text(f"SELECT hash FROM {table}")) if h is not None]
            assert set(found) <= activated_hashes, (table, set(found) - activated_hashes)
            checked[table] = len(found)
    assert checked.get("outcomes", 0) > 10 and checked.get("payout_lines", 0) > 10 and checked.get("banquet_filings", 0) > 10
    assert checked.get("distribution_runs") == 4


# --- the command line ---------------------------------------------------------------------------

def _cli(*args: str, db: Path, user: str | None = None):
    from typer.testing import CliRunner

    from tiaojie.cli import app

    env = {"TIAOJIE_DB": str(db), "TIAOJIE_RULES": None}
    if user:
        env["TIAOJIE_USER"] = user
    return CliRunner().invoke(app, list(args), env=env)


def test_db_init_activates_the_starting_set_and_leaves_an_existing_ledger_as_it_is(tmp_path):
    path = tmp_path / "county.sqlite"
    made = _cli("db", "init", str(path), db=tmp_path / "unused.sqlite")
    assert made.exit_code == 0, made.output
    assert "#1" in made.stdout and "审计日志" in made.stdout
    again = _cli("db", "init", str(path), db=path)
    assert again.exit_code == 0 and "已是台账" in again.stdout
    history_ = _cli("rules", "history", db=path)
    assert "tiaojie" in history_.stdout and "fields.toml" in history_.stdout


def test_draft_period_close_is_refused_and_the_figures_stay(tmp_path, monkeypatch):
    """The issue's clerk: `tiaojie --rules DRAFT period close` paid from a draft with failing examples."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.sqlite"
    assert _cli("demo", db=db).exit_code == 0
    draft = raise_major(copy_rules(tmp_path, "draft"), 5000)
    before = _cli("period", "show", "2026-10", db=db)
    state = stored_state(str(db))
    closed = _cli("--rules", str(draft), "period", "close", "2026-10", db=db, user="clerk")
    assert closed.exit_code == 1
    assert "只能用于试算" in closed.output and f"tiaojie rules activate {draft}" in closed.output
    assert "Traceback" not in closed.output
    english = _cli("--rules", str(draft), "--lang", "en", "case", "add", "LSJ-01-01", "Z-1", "--category", "邻里",
                   db=db, user="med01")
    assert english.exit_code == 1 and "what-ifs only" in english.output
    assert stored_state(str(db)) == state
    assert _cli("period", "show", "2026-10", db=db).stdout == before.stdout
    what_if = _cli("--rules", str(draft), "period", "compute", "2026-10", db=db, user="clerk")
    assert what_if.exit_code == 0, what_if.output
    assert "草稿试算" in what_if.stderr and what_if.stdout != before.stdout
    assert stored_state(str(db)) == state  # a what-if stores nothing


def test_rules_set_for_a_session_neither_refuses_nor_changes_commands_that_use_no_rules(tmp_path, monkeypatch):
    """TIAOJIE_RULES set once for a shell must not stop the audit check or a statement of stored lines."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.sqlite"
    assert _cli("demo", db=db).exit_code == 0
    draft = raise_major(copy_rules(tmp_path, "draft"), 5000)
    plain = _cli("statement", "2026-10", "-o", str(tmp_path / "plain.xlsx"), db=db, user="clerk")
    assert plain.exit_code == 0, plain.output
    for args in (("audit", "verify"), ("audit", "head"), ("user", "list"),
                 ("statement", "2026-10", "-o", str(tmp_path / "drafted.xlsx"))):
        done = _cli("--rules", str(draft), *args, db=db, user="clerk")
        assert done.exit_code == 0, (args, done.output)
        assert "草稿试算" not in done.output
    assert _sheet_rows(tmp_path / "drafted.xlsx") == _sheet_rows(tmp_path / "plain.xlsx")


def _sheet_rows(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(path).worksheets[0].iter_rows(values_only=True))


def test_editing_rules_changes_no_period_show_until_activation(tmp_path, monkeypatch):
    """The demo's defect: editing ./rules changed `period show` at once."""
    monkeypatch.chdir(tmp_path)
    copy_rules(tmp_path, "rules")
    db = tmp_path / "demo.sqlite"
    assert _cli("demo", db=db).exit_code == 0
    before = _cli("period", "show", "2026-10", db=db)
    assert before.exit_code == 0, before.output
    raise_major(tmp_path / "rules")
    assert _cli("period", "show", "2026-10", db=db).stdout == before.stdout
    done = _cli("rules", "activate", "rules", db=db, user="policy")
    assert done.exit_code == 0, done.output
    after = _cli("period", "show", "2026-10", db=db)
    assert after.stdout != before.stdout
    total = [line for line in done.stdout.splitlines() if "mediation-reward" in line]
    assert total and "+0.00" not in total[0]


def test_the_default_location_starts_with_the_bundled_set_activated(tmp_path, monkeypatch):
    from tiaojie.rules.locations import BUNDLED_RULES
    from tiaojie.store.location import default_file

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("TIAOJIE_DB", raising=False)
    assert not default_file().exists() and str(default_file()).startswith(str(tmp_path))
    first = open_ledger(None, today=TODAY)
    try:
        assert default_file().exists() and first.draft is None
        [entry] = history(first)
        assert entry["by"] == "tiaojie" and entry["source"] == str(BUNDLED_RULES.resolve())
    finally:
        first.close()
    again = open_ledger(None, today=TODAY)  # the second run finds it: no second activation
    try:
        assert len(history(again)) == 1
    finally:
        again.close()
