"""`tiaojie evaluate` refuses a field the vocabulary does not define, with a did-you-mean — a typo
such as `severty` would otherwise be ignored and the case paid as an ordinary one — unless a
script asks for `--allow-unknown`; in a batch the line gets its error and the others still run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tiaojie.cli import app

RULES = Path(__file__).resolve().parents[1] / "rules"
CASE = {"severty": "major", "status": "settled", "settled_by": "村委会", "settled_on": "2026-05-20"}


def _run(*args: str, stdin: str):  # noqa: ANN202
    return CliRunner().invoke(app, ["--rules", str(RULES), "evaluate", "mediation-reward", *args], input=stdin)


def test_a_misspelt_field_is_refused_with_a_suggestion():
    done = _run("-", stdin=json.dumps(CASE, ensure_ascii=False))
    assert done.exit_code == 1
    error = json.loads(done.output)["error"]
    assert "severty" in error and "severity" in error


def test_scripts_may_allow_unknown_fields():
    done = _run("-", "--allow-unknown", stdin=json.dumps(CASE, ensure_ascii=False))
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["outputs"]["amount"] == "200.00"


def test_in_a_batch_only_the_line_with_the_typo_fails():
    good = {**CASE, "severity": CASE["severty"]}
    good.pop("severty")
    lines = [json.dumps(CASE, ensure_ascii=False), json.dumps(good, ensure_ascii=False)]
    done = _run("--batch", "-", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in done.output.splitlines()]
    assert out[0]["line"] == 1 and "severity" in out[0]["error"]
    assert out[1]["outputs"]["amount"] == "500.00"
    assert done.exit_code == 1
