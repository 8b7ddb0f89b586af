"""Every `tiaojie …` command line in README.md's shell blocks runs as written.

Each ```sh block runs in a fresh directory holding a fresh demo ledger `demo.sqlite`, line by
line as a reader would type it: `export VAR=…` holds for the rest of the block, `VAR=… tiaojie …`
for that command, `rm -f FILE` removes it, `echo '…' | tiaojie …` feeds the text to the command;
install steps (python3, pip, pytest) are not the README's commands and are left out. Scripts
prove who acts with TIAOJIE_PASSWORD (and TIAOJIE_NEW_PASSWORD for a new one), as the README
says. A command whose comment starts with `# refused` must be refused (exit 1, a message, no
traceback); every other one must exit 0. A ledger URL on the README's example county server
(`db.county.example`) is the test's PostgreSQL schema. A line that opens the terminal UI must
reach it with the README's --db and --user. No command may fall back on the default ledger in
the user's data directory (where rule drafts live, whatever the ledger).
"""

from __future__ import annotations

import re
import shlex
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tiaojie.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE_SERVER = "db.county.example"
runner = CliRunner()


@dataclass
class Command:
    line: int
    text: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    refused: bool = False


@dataclass
class Block:
    line: int
    steps: list[tuple[str, object]]  # ("export", (name, value)), ("rm", path), ("run", Command)


def sh_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("```"):
            if current is None and raw.strip() == "```sh":
                current = Block(number, [])
            elif current is not None:
                blocks.append(current)
                current = None
            continue
        if current is not None and raw.strip() and not raw.lstrip().startswith("#"):
            current.steps.extend(_steps(number, raw))
    return blocks


def _steps(number: int, raw: str) -> list[tuple[str, object]]:
    comment = raw.split(" #", 1)[1].strip() if " #" in raw else ""
    tokens = shlex.split(raw, comments=True)
    steps: list[tuple[str, object]] = []
    segment: list[str] = []
    for token in [*tokens, "&&"]:
        if token != "&&":
            segment.append(token)
            continue
        step = _step(number, raw, segment, comment.startswith("refused"))
        if step is not None:
            steps.append(step)
        segment = []
    return steps


def _step(number: int, raw: str, tokens: list[str], refused: bool) -> tuple[str, object] | None:
    if not tokens:
        return None
    if tokens[0] == "export":
        name, value = tokens[1].split("=", 1)
        return ("export", (name, value))
    if tokens[:2] == ["rm", "-f"]:
        return ("rm", tokens[2])
    stdin = None
    if "|" in tokens:
        feeder, tokens = tokens[: tokens.index("|")], tokens[tokens.index("|") + 1:]
        assert feeder[0] == "echo", f"README.md:{number}: only `echo … |` feeds a command here"
        stdin = " ".join(feeder[1:]) + "\n"
    env = {}
    while tokens and re.fullmatch(r"[A-Z_]+=.*", tokens[0]):
        name, value = tokens.pop(0).split("=", 1)
        env[name] = value
    if not tokens or not tokens[0].endswith("tiaojie"):
        return None  # an install or test step, not one of tiaojie's commands
    return ("run", Command(number, raw.strip(), tokens[1:], env, stdin, refused))


COMMANDS = [(block, step) for block in sh_blocks(README.read_text(encoding="utf-8")) for step in block.steps
            if step[0] == "run"]


def test_the_readme_has_command_lines_to_run():
    lines = {step[1].line for _, step in COMMANDS}  # type: ignore[union-attr]
    assert len(lines) >= 15
    assert any(step[1].refused for _, step in COMMANDS)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("readme-demo") / "demo.sqlite"
    made = runner.invoke(app, ["demo", "--db", str(path)], env={"TIAOJIE_DB": None})
    assert made.exit_code == 0, made.output
    return path


@pytest.fixture
def tui_opened(monkeypatch):
    """A `tui` command standing in for the terminal UI: what each opening was given."""
    opened: list[dict[str, object]] = []

    def tui(db: str = typer.Option(None, "--db", envvar="TIAOJIE_DB"),
            user: str = typer.Option(None, "--user", envvar="TIAOJIE_USER")) -> None:
        opened.append({"db": db, "user": user})

    monkeypatch.setattr(app, "registered_commands", list(app.registered_commands))
    app.command("tui")(tui)
    return opened


def _server_ledger(request) -> str:
    return request.getfixturevalue("pg_schema_url")


@pytest.mark.parametrize("block", sorted({b.line for b, _ in COMMANDS}), ids=lambda n: f"README.md:{n}")
def test_readme_block_runs_as_written(block, demo_file, tmp_path, monkeypatch, tui_opened, request):
    steps = next(b for b, _ in COMMANDS if b.line == block).steps
    monkeypatch.chdir(tmp_path)
    data_home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    for name in ("TIAOJIE_DB", "TIAOJIE_USER", "TIAOJIE_RULES", "TIAOJIE_LANG"):
        monkeypatch.delenv(name, raising=False)
    with sqlite3.connect(demo_file) as source, sqlite3.connect(tmp_path / "demo.sqlite") as target:
        source.backup(target)
    exported: dict[str, str] = {}
    server_roles: list[str] = []
    try:
        for kind, what in steps:
            if kind == "export":
                name, value = what  # type: ignore[misc]
                exported[name] = _ledger_url(value, request)
            elif kind == "rm":
                Path(str(what)).unlink(missing_ok=True)
            else:
                command: Command = what  # type: ignore[assignment]
                env = {**exported, **{k: _ledger_url(v, request) for k, v in command.env.items()}}
                if EXAMPLE_SERVER in command.text or EXAMPLE_SERVER in str(exported.get("TIAOJIE_DB", "")):
                    server_roles += [a for a in command.args[2:3] if command.args[:2] == ["user", "add"]]
                    _drop_roles(server_roles, request)
                _run(command, env, tui_opened)
    finally:
        _drop_roles(server_roles, request)
    assert _outside_drafts(data_home / "tiaojie") == [], "a README command used the default ledger, not the one it names"


def _outside_drafts(home: Path) -> list[Path]:
    """What the commands left in tiaojie's data directory besides rule drafts (which live there
    whatever the ledger): the default ledger, had a command fallen back on it."""
    if not home.exists():
        return []
    return [p for p in home.rglob("*") if p.relative_to(home).parts[0] != "drafts"]


def _ledger_url(value: str, request) -> str:
    return _server_ledger(request) if EXAMPLE_SERVER in value else value


def _run(command: Command, env: dict[str, str], tui_opened: list[dict[str, object]]) -> None:
    where = f"README.md:{command.line}: {command.text}"
    words = _without_global_options(command.args)
    opens_tui = words in ([], ["tui"])
    before = len(tui_opened)
    result = runner.invoke(app, command.args, env=env, input=command.stdin)
    assert "Traceback" not in result.output, where
    if command.refused:
        assert result.exit_code == 1, f"{where}\nshould be refused:\n{result.output}"
        return
    assert result.exit_code == 0, f"{where}\n{result.output}"
    if opens_tui:
        assert len(tui_opened) == before + 1, f"{where}: did not open the terminal UI"
        given = dict(zip(command.args[::2], command.args[1::2]))
        assert tui_opened[-1]["db"] == given.get("--db", env.get("TIAOJIE_DB")), where
        assert tui_opened[-1]["user"] == given.get("--user", env.get("TIAOJIE_USER")), where


def _without_global_options(args: list[str]) -> list[str]:
    """The command line less the global options given before the command name."""
    rest = list(args)
    while rest[:1] and rest[0] in ("--db", "--user", "--rules", "--lang"):
        rest = rest[2:]
    return rest


def _drop_roles(names: list[str], request) -> None:
    """A login role the README's county example makes belongs to the whole server: removed
    before the example runs (from an earlier run) and after it."""
    if not names:
        return
    from sqlalchemy import create_engine, text

    from tiaojie.store.pg_roles import quote_ident

    engine = create_engine(_server_ledger(request))
    with engine.begin() as conn:
        for name in names:
            conn.execute(text(f"DROP ROLE IF EXISTS {quote_ident(name)}"))
    engine.dispose()
