"""`tiaojie evaluate --batch FILE.jsonl` writes, line for line and byte for byte, what the dict path
gives for the same cases: `Rules.evaluate_batch` over the lines that read as objects (and
`Rules.evaluate` case by case on a sample), each bad line's error at its own line number, in
order — over a hundred thousand generated lines where most projections repeat, so nearly every
line is written from the bytes kept for its projection."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from rules_helpers import RULES_DIR
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.rules.errors import EvaluationError

AS_OF = dt.date(2026, 6, 30)

# Lines no dict path can take: each is an error at its own line number.
UNREADABLE = [
    b'{"status": "settled", "severity": "\xd6\xd8\xb4\xf3"}',  # GBK bytes in a UTF-8 file
    b'{"status": "settled", "severity": "maj',  # cut short
    b'{"status": ' + b"[" * 3_000 + b"]" * 3_000 + b"}",  # nested deeper than the parser goes
    b'{"status": "settled", "number": ' + b"7" * 5_000 + b"}",  # an integer of 5,000 digits
    b'\xef\xbb\xbf{"status": "settled"}',  # a byte order mark in the middle of the file
    b'["settled", "major"]', b"7", b'"settled"', b"null",  # not objects
    b'{"status": "settled", "severty": "major"}',  # a field nobody defined
    b"{status: settled}",
]
BLANK = [b"", b"   ", b"\r", b"\t"]


def _good_values(rules, policy: str) -> dict[str, list]:
    """For each field the policy reads: ids, labels and values that do not read."""
    versions = rules.book.versions(policy)
    values: dict[str, list] = {}
    for policy_version in versions:
        for name, fdef in policy_version.fields.items():
            if fdef.derived or name in values:
                continue
            if fdef.type == "enum":
                labels = rules.book.vocabulary.enums[fdef.enum].labels
                values[name] = [*labels, *labels, *labels.values(), "no-such-value", None]
            elif fdef.type == "date":
                values[name] = [f"2026-{m:02d}-{d:02d}" for m in (1, 3, 5) for d in (2, 17)] + ["2025-06-01", "2026-13-01"]
            elif fdef.type == "bool":
                values[name] = [True, False, None, "是"]
            elif fdef.type in ("int", "decimal"):
                values[name] = [1, 3, 7, "7", None]
            elif fdef.type == "money":
                values[name] = ["12000.50", "300", None, "abc"]
            else:
                values[name] = ["x", None]
    return values


def _lines(rules, policy: str, n: int, seed: int) -> list[bytes]:
    """N lines: cases drawn from a few hundred (ids, labels, values that do not read, typed values
    — numbers, booleans, floats —, missing fields, a field the policy does not read), each with
    its own case number, and blank and unreadable lines among them."""
    rng = random.Random(seed)
    values = _good_values(rules, policy)
    odd = [1, 1.0, True, 1.5, ["major"], {"a": 1}, ""]
    pool: list[bytes] = []
    for _ in range(400):
        case: dict[str, object] = {}
        for name, choices in values.items():
            if rng.random() < 0.05:
                continue  # a field the case lacks
            case[name] = rng.choice(odd) if rng.random() < 0.02 else rng.choice(choices)
        if rng.random() < 0.05:
            case["summary"] = 1e300 if rng.random() < 0.5 else "纠纷摘要"
        text = json.dumps(case, ensure_ascii=False)
        if rng.random() < 0.05:  # other whitespace, and a key given twice (the last one counts)
            text = text.replace('", "', '",  "').replace("{", '{"number": 0, ', 1)
        pool.append(b", " + text[1:].encode() if len(text) > 2 else b"}")
    lines = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.01:
            lines.append(rng.choice(UNREADABLE))
        elif roll < 0.015:
            lines.append(rng.choice(BLANK))
        else:
            lines.append(b'{"number": "J%d"' % i + rng.choice(pool))
    return lines


def _expected(rules, policy: str, lines: list[bytes]) -> list[tuple[int, bytes | None]]:
    """(line number, the dict path's bytes or None where the line is refused before evaluation),
    one per non-blank line, in order."""
    known = frozenset(name.split(".")[0] for name in rules.book.vocabulary.fields)
    places: list[tuple[int, bytes | None]] = []
    cases: list[dict] = []
    for number, raw in enumerate(lines, start=1):
        try:
            case = json.loads(raw.decode("utf-8"), parse_float=Decimal)
        except (ValueError, RecursionError):  # not UTF-8, not JSON, too deep, too long
            if raw.strip():
                places.append((number, None))
            continue
        if type(case) is not dict or not known.issuperset(case):
            places.append((number, None))
            continue
        places.append((number, b""))
        cases.append(case)
    results = iter(rules.evaluate_batch(policy, cases, AS_OF))
    rendered: dict[int, bytes] = {}
    kept = []  # the results, so that no id is reused
    out = []
    for number, refused in places:
        if refused is None:
            out.append((number, None))
            continue
        result = next(results)
        text = rendered.get(id(result))
        if text is None:  # results for equal projections are one shared object: rendered once
            kept.append(result)
            text = rendered[id(result)] = (json.dumps(result.message("zh"), ensure_ascii=False) if isinstance(
                result, EvaluationError) else json.dumps(result.to_json("zh"), ensure_ascii=False)).encode()
        if isinstance(result, EvaluationError):
            text = b'{"line": %d, "error": ' % number + text + b"}"
        out.append((number, text))
    return out


def _same_as_the_dict_path(rules, rules_dir: Path, tmp_path: Path, policy: str, n: int) -> None:
    lines = _lines(rules, policy, n, seed=20260630)
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b"\n".join(lines) + b"\n")
    done = CliRunner().invoke(app, ["--rules", str(rules_dir), "--lang", "zh", "evaluate", policy, "--batch",
                                    str(file), "--as-of", AS_OF.isoformat()])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert done.exit_code == 1  # some lines failed
    written = done.stdout_bytes.split(b"\n")
    assert written.pop() == b""
    expected = _expected(rules, policy, lines)
    assert len(written) == len(expected)
    for got, (number, want) in zip(written, expected):
        if want is None:  # refused before evaluation: its own error, at its own line number
            row = json.loads(got)
            assert set(row) == {"line", "error"} and row["line"] == number and row["error"], (number, got[:200])
        else:
            assert got == want, (number, lines[number - 1][:200], got[:300], want[:300])
    # the batch path the dict side used agrees with evaluating each case on its own
    sample = [json.loads(line, parse_float=Decimal) for line in lines[::97] if line.startswith(b'{"number": "J')]
    batch = list(rules.evaluate_batch(policy, sample, AS_OF))
    for case, result in zip(sample, batch):
        try:
            single: object = rules.evaluate(policy, case, AS_OF).to_json("zh")
        except EvaluationError as err:
            single = err.message("zh")
        assert (result.message("zh") if isinstance(result, EvaluationError) else result.to_json("zh")) == single


@pytest.mark.parametrize("policy, n", [("mediation-reward", 100_000), ("escalation", 10_000)])
def test_the_jsonl_path_writes_what_the_dict_path_gives(rules, tmp_path: Path, policy: str, n: int):
    _same_as_the_dict_path(rules, RULES_DIR, tmp_path, policy, n)


TWO_VERSIONS = {
    "reward-2026-1.toml": """
        [policy]
        id = "reward"
        kind = "reward"
        title = "奖励"
        version = "2026.1"
        effective_from = 2026-01-01
        effective_until = 2026-03-31
        source = "test"
        hit = "first"
        date_field = "settled_on"
        inputs = ["status", "severity", "settled_by", "settled_on"]

        [default]
        amount = 0

        [[rule]]
        id = "major"
        title = "重大"
        when = { status = "settled", severity = "major" }
        then = { amount = 500 }

        [[rule]]
        id = "settled"
        title = "成功"
        when = { status = "settled", settled_by = ["village_committee", "village_group"] }
        then = { amount = 200 }
        """,
    "reward-2026-2.toml": """
        [policy]
        id = "reward"
        kind = "reward"
        title = "奖励"
        version = "2026.2"
        effective_from = 2026-04-01
        source = "test"
        hit = "first"
        date_field = "settled_on"
        inputs = ["status", "severity", "settled_by", "settled_on"]

        [default]
        amount = 10

        [[rule]]
        id = "major"
        title = "重大"
        when = { status = "settled", severity = "major" }
        then = { amount = 600 }

        [[rule]]
        id = "settled"
        title = "成功"
        when = { status = "settled", settled_by = ["village_committee", "mediation_committee"] }
        then = { amount = 250 }
        """,
}


def test_cases_whose_dates_pick_other_versions_do_not_share_bytes(make_rules, tmp_path: Path):
    from tiaojie.rules.service import open_rules

    rules_dir = make_rules(TWO_VERSIONS)
    rules = open_rules(rules_dir)
    try:
        _same_as_the_dict_path(rules, rules_dir, tmp_path, "reward", 20_000)
    finally:
        rules.close()


def test_an_output_file_is_put_in_place_whole(rules, tmp_path: Path):
    lines = _lines(rules, "mediation-reward", 3_000, seed=7)
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b"\n".join(lines))
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"an older output\n")
    args = ["--rules", str(RULES_DIR), "evaluate", "mediation-reward", "--batch", str(file), "--as-of", "2026-06-30"]
    to_stdout = CliRunner().invoke(app, args)
    to_file = CliRunner().invoke(app, [*args, "-o", str(target)])
    assert to_file.exit_code == to_stdout.exit_code == 1
    assert to_file.stdout_bytes == b""
    assert target.read_bytes() == to_stdout.stdout_bytes
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_an_output_file_that_cannot_be_written_is_one_message(tmp_path: Path):
    file = tmp_path / "cases.jsonl"
    file.write_bytes(b'{"status": "settled"}\n')
    done = CliRunner().invoke(app, ["--rules", str(RULES_DIR), "--lang", "en", "evaluate", "mediation-reward",
                                    "--batch", str(file), "-o", str(tmp_path / "no" / "such" / "out.jsonl")])
    assert done.exit_code == 2
    assert done.output.strip().startswith(f"cannot write {tmp_path / 'no' / 'such' / 'out.jsonl'}: ")
    assert "\n" not in done.output.strip() and "Traceback" not in done.output
