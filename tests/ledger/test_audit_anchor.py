"""The audit chain anchored outside the database, on both databases.

Whoever can write the database can rewrite the chain so that it verifies on its own: delete the
newest rows and update the head row, or change an entry and recompute every later hash. The
forgeries here are done as such a person would — plain SQL, hashes recomputed with the chain's own
functions — and are caught by a head published earlier (`verify --head N:HASH`) and, where the
county keeps a key outside the database, by the HMACs the forger cannot recompute.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sqlalchemy import JSON, DateTime, text
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import access
from tiaojie.ledger import audit as audit_service
from tiaojie.ledger.errors import InvalidInput
from tiaojie.store import audit as chain
from tiaojie.store.audit_key import ENV_KEY, ENV_KEY_FILE, AuditKeyError

RULES = Path(__file__).resolve().parents[2] / "rules"
HEAD = re.compile(r"(\d+):([0-9a-f]{64})")
runner = CliRunner()


def _more_writes(ledger, org, n: int, start: int = 3) -> None:
    """n audited writes through the services (one entry each)."""
    for i in range(start, start + n):
        access.add_unit(ledger, org.admin, f"C-T1-V{i}", f"第{i}村", "village", "C-T1")


def _delete_newest(engine, keep: int) -> None:
    """The forger's truncation: rows after `keep` go, and the head row is set to what is left."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :keep"), {"keep": keep})
        last = conn.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).one()
        conn.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
                     {"seq": last.seq, "hash": last.hash})


def _rewrite_user(engine, seq: int, user: str, *, hmacs: str = "kept") -> None:
    """The forger's edit: entry `seq` now says `user` ran it; its hash and every later hash and link
    recomputed with the chain's own function, the head row to match. Without the key the HMACs
    are either left as they were ("kept") or dropped from the rewritten rows ("stripped")."""
    query = text(
        "SELECT seq, at, user_name, action, entity, entity_id, before, after, prev_hash, hash "
        "FROM audit_log WHERE seq >= :seq ORDER BY seq"
    ).columns(at=DateTime(timezone=True), before=JSON, after=JSON)
    with engine.begin() as conn:
        rows = conn.execute(query, {"seq": seq}).all()
        prev = rows[0].prev_hash
        for row in rows:
            name = user if row.seq == seq else row.user_name
            digest = chain.entry_hash(seq=row.seq, at=row.at, user_name=name, action=row.action, entity=row.entity,
                                      entity_id=row.entity_id, before=row.before, after=row.after, prev_hash=prev)
            conn.execute(
                text("UPDATE audit_log SET user_name = :name, prev_hash = :prev, hash = :hash"
                     + (", hmac = NULL" if hmacs == "stripped" else "") + " WHERE seq = :seq"),
                {"name": name, "prev": prev, "hash": digest, "seq": row.seq},
            )
            prev = digest
        conn.execute(text("UPDATE audit_head SET hash = :hash WHERE id = 1"), {"hash": prev})


def _keys(report) -> list[str]:
    return [p.key for p in report.problems]


# --- (a) the newest rows deleted, the head row updated to match -------------------------------------
def test_rows_deleted_from_the_end_pass_the_chain_but_not_a_published_head(ledger, org, engine):
    _more_writes(ledger, org, 3)
    earlier = audit_service.head(ledger)
    _more_writes(ledger, org, 4, start=10)
    published = audit_service.head(ledger)
    assert published.count == earlier.count + 4 and len(published.hash) == 64
    assert audit_service.verify(ledger, [earlier, published]).ok

    _delete_newest(engine, keep=published.count - 3)

    plain = audit_service.verify(ledger)
    assert plain.ok, plain.render("en")  # the chain alone cannot tell: this is what the head is for
    assert "--head" in plain.render("en") and "prove they were not rewritten" in plain.render("en")
    report = audit_service.verify(ledger, [published])
    assert _keys(report) == ["audit_anchor_short"]
    n = published.count
    assert report.problems[0].params["span"] == f"{n - 2}–{n}"
    assert f"只到第 {n - 3} 条" in report.render("zh") and f"第 {n - 2}–{n} 条已被删除" in report.render("zh")
    assert f"entries {n - 2}–{n}" in report.render("en")
    # a head published before the deleted entries still holds, typed back as a 12-digit prefix
    typed = audit_service.parse_head(f"{earlier.count}:{earlier.hash[:12].upper()}")
    assert audit_service.verify(ledger, [typed]).ok


def test_a_row_deleted_below_the_head_is_named(ledger, org, engine):
    _more_writes(ledger, org, 4)
    published = audit_service.head(ledger)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": published.count - 2})
    report = audit_service.verify(ledger, [published])
    missing = [p for p in report.problems if p.key == "audit_anchor_missing"]
    assert [p.params["span"] for p in missing] == [str(published.count - 2)]


# --- (b) an entry's user changed and every later hash recomputed -------------------------------------
def test_a_recomputed_chain_passes_alone_but_fails_the_published_head(ledger, org, engine):
    _more_writes(ledger, org, 3)
    earlier = audit_service.head(ledger)
    _more_writes(ledger, org, 3, start=10)
    published = audit_service.head(ledger)
    target = earlier.count + 2  # after `earlier`: the earlier head still holds and narrows the span

    _rewrite_user(engine, target, "mallory")

    with engine.connect() as conn:
        assert conn.execute(text("SELECT user_name FROM audit_log WHERE seq = :s"), {"s": target}).scalar_one() == "mallory"
    assert audit_service.verify(ledger).ok  # every hash and link is consistent again
    report = audit_service.verify(ledger, [published])
    assert _keys(report) == ["audit_anchor_changed"]
    assert report.problems[0].params["span"] == f"1–{published.count}"
    both = audit_service.verify(ledger, [earlier, published])
    assert _keys(both) == ["audit_anchor_changed"]
    assert both.problems[0].params["span"] == f"{earlier.count + 1}–{published.count}"
    assert f"第 {earlier.count + 1}–{published.count} 条中有记录" in both.render("zh")
    assert f"the first {earlier.count} audit entries match" in both.render("en")
    # a head for the same entries that does not match while another does was never this ledger's
    miscopied = chain.Head(earlier.count, "0" * 12)
    assert _keys(audit_service.verify(ledger, [miscopied, earlier])) == ["audit_anchor_foreign"]


@pytest.mark.parametrize("hmacs", ["kept", "stripped"])
def test_with_a_key_the_forger_cannot_recompute_the_hmacs(ledger, org, engine, monkeypatch, hmacs):
    before_key = audit_service.head(ledger).count  # the organisation's entries predate the key
    monkeypatch.setenv(ENV_KEY, "county secret, kept on the finance office's USB stick")
    _more_writes(ledger, org, 5)
    with engine.connect() as conn:
        macs = conn.execute(text("SELECT seq, hmac FROM audit_log ORDER BY seq")).all()
    assert all(m.hmac is None for m in macs[:before_key])
    assert all(m.hmac and len(m.hmac) == 64 for m in macs[before_key:])
    intact = audit_service.verify(ledger)
    assert intact.ok and {n.key for n in intact.notes} == {"audit_hmac_predate", "audit_hmac_ok", "audit_no_anchor"}
    assert f"predate the key (before entry {before_key + 1}) and carry no HMAC: {before_key}" in intact.render("en")

    target = before_key + 2
    last = before_key + 5
    _rewrite_user(engine, target, "mallory", hmacs=hmacs)

    report = audit_service.verify(ledger)
    expected = "audit_hmac_bad" if hmacs == "kept" else "audit_hmac_missing"
    assert _keys(report) == [expected]
    assert report.problems[0].params["span"] == f"{target}–{last}"
    assert f"第 {target}–{last} 条审计记录" in report.render("zh")

    # without the key the HMACs cannot be checked, and verify says so
    monkeypatch.delenv(ENV_KEY)
    unkeyed = audit_service.verify(ledger)
    carrying = 5 if hmacs == "kept" else target - before_key - 1
    assert unkeyed.ok and f"HMACs not checked: no key is set (TIAOJIE_AUDIT_KEY or TIAOJIE_AUDIT_KEY_FILE) for the entries that carry one: {carrying}" in unkeyed.render("en")


def test_a_wrong_key_fails_every_keyed_entry(ledger, org, monkeypatch):
    monkeypatch.setenv(ENV_KEY, "right")
    first = audit_service.head(ledger).count + 1
    _more_writes(ledger, org, 2)
    monkeypatch.setenv(ENV_KEY, "wrong")
    report = audit_service.verify(ledger)
    assert _keys(report) == ["audit_hmac_bad"] and report.problems[0].params["span"] == f"{first}–{first + 1}"


# --- (c) an untouched ledger, through the command line -----------------------------------------------
def run(db_url, *args, user=None, lang=None, env=None):
    """A command on the ledger's activated rules (the demo activates the set it starts from)."""
    environment = {"TIAOJIE_DB": db_url, **(env or {})}
    if user:
        environment["TIAOJIE_USER"] = user
    rules = ["--rules", str(RULES)] if args[0] == "demo" else []
    return runner.invoke(app, [*rules, *(["--lang", lang] if lang else []), *args], env=environment)


def test_the_head_printed_by_period_close_verifies_an_untouched_ledger(db_url, tmp_path):
    assert run(db_url, "demo").exit_code == 0
    closed = run(db_url, "period", "close", "2026-02", user="clerk")
    assert closed.exit_code == 0, closed.output
    match = HEAD.search(closed.output)
    assert match and "审计链头" in closed.output, closed.output
    printed = match.group(0)

    # the ledger moves on; the printed head still pins its first entries
    later = run(db_url, "period", "close", "2026-03", user="clerk", lang="en")
    assert later.exit_code == 0 and "audit chain head" in later.output, later.output
    now = run(db_url, "audit", "head")
    assert now.exit_code == 0 and HEAD.fullmatch(now.output.strip())
    assert int(now.output.split(":")[0]) > int(match.group(1))

    verified = run(db_url, "audit", "verify", "--head", printed)
    assert verified.exit_code == 0, verified.output
    assert f"前 {match.group(1)} 条审计记录与公布的链头 {printed} 一致" in verified.output
    short = f"{match.group(1)}:{match.group(2)[:12]}"
    assert run(db_url, "audit", "verify", "--head", short, "--head", now.output.strip()).exit_code == 0

    # the statement carries the head as of its export, and it verifies too
    out = tmp_path / "feb.csv"
    exported = run(db_url, "statement", "2026-02", "--format", "csv", "-o", str(out))
    assert exported.exit_code == 0 and HEAD.search(exported.output), exported.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    carried = next(r for r in rows if r and r[0] == "审计链头")
    assert HEAD.fullmatch(carried[2]) and run(db_url, "audit", "verify", "--head", carried[2]).exit_code == 0

    # a typo in the head is a message, not a traceback
    bad = run(db_url, "audit", "verify", "--head", "12:abc", lang="en")
    assert bad.exit_code == 1 and "is not N:HASH" in bad.output and "Traceback" not in bad.output

    # the same ledger truncated behind the printout: the command fails naming the entries
    from tiaojie.store.db import open_database

    engine = open_database(db_url)
    try:
        _delete_newest(engine, keep=int(match.group(1)) - 1)
    finally:
        engine.dispose()
    assert run(db_url, "audit", "verify").exit_code == 0
    caught = run(db_url, "audit", "verify", "--head", printed, lang="en")
    assert caught.exit_code == 1 and f"entries {match.group(1)}, covered by the published head" in caught.output


def test_activation_prints_the_head(db_url, tmp_path):
    import shutil

    assert run(db_url, "demo").exit_code == 0
    draft = tmp_path / "rules"
    shutil.copytree(RULES, draft)
    activated = run(db_url, "rules", "activate", str(draft), user="policy")
    assert activated.exit_code == 0, activated.output
    printed = HEAD.search(activated.output)
    assert printed and printed.group(0) == run(db_url, "audit", "head").output.strip()


def test_head_text_is_parsed_strictly():
    head = audit_service.parse_head(" 57:" + "AB" * 32 + " ")
    assert head.count == 57 and head.hash == "ab" * 32 and head.text() == "57:" + "ab" * 32
    for wrong in ("57", "57:abcdef", "x:" + "a" * 64, "57:" + "g" * 12, "57:" + "a" * 65):
        with pytest.raises(InvalidInput) as err:
            audit_service.parse_head(wrong)
        assert "N:HASH" in err.value.message("en")


# --- (d) a key file that cannot be read ---------------------------------------------------------------
def test_a_missing_key_file_is_a_message_and_writes_nothing(ledger, org, engine, monkeypatch, tmp_path):
    before = audit_service.head(ledger)
    missing = tmp_path / "no-such-dir" / "audit.key"
    monkeypatch.setenv(ENV_KEY_FILE, str(missing))
    with pytest.raises(AuditKeyError) as err:
        _more_writes(ledger, org, 1)
    assert str(missing) in err.value.message("zh") and "无法读取审计密钥文件" in err.value.message("zh")
    assert "cannot read the audit key file" in err.value.message("en")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM units WHERE code = 'C-T1-V3'")).scalar_one() == 0
    monkeypatch.delenv(ENV_KEY_FILE)
    assert audit_service.head(ledger) == before


def test_the_key_file_is_read_once_per_process(tmp_path, monkeypatch):
    from tiaojie.store.audit_key import audit_key

    key_file = tmp_path / "audit.key"
    key_file.write_text("read me once\n")
    monkeypatch.setenv(ENV_KEY_FILE, str(key_file))
    assert audit_key() == b"read me once"
    key_file.unlink()  # later appends neither read nor need the file again
    assert audit_key() == b"read me once"


def test_key_file_messages_on_the_command_line(db_url, tmp_path):
    assert run(db_url, "demo").exit_code == 0
    missing = run(db_url, "audit", "verify", env={ENV_KEY_FILE: str(tmp_path / "absent.key")})
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert "无法读取审计密钥文件" in missing.output and "absent.key" in missing.output
    empty = tmp_path / "empty.key"
    empty.write_text("\n")
    assert "审计密钥为空" in run(db_url, "audit", "verify", env={ENV_KEY_FILE: str(empty)}).output
    both = run(db_url, "audit", "verify", env={ENV_KEY_FILE: str(empty), ENV_KEY: "k"}, lang="en")
    assert both.exit_code == 1 and "set only one" in both.output

    # a key kept in a file signs what is written from then on; verify checks it
    key = tmp_path / "audit.key"
    key.write_text("county secret\n")
    closed = run(db_url, "period", "close", "2026-02", user="clerk", env={ENV_KEY_FILE: str(key)})
    assert closed.exit_code == 0, closed.output
    checked = run(db_url, "audit", "verify", env={ENV_KEY: "county secret"}, lang="en")
    assert checked.exit_code == 0 and "predate the key" in checked.output and "HMACs verified with the key: 1" in checked.output
