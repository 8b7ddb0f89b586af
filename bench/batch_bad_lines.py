"""`tiaojie evaluate mediation-reward --batch` on a file with bad lines among the good ones.

    PYTHONPATH=src python bench/batch_bad_lines.py [--lines 1000000] [--bad 0.01] [--repeat 1]

Two JSONL files of N lines (default 1,000,000): every line a good case, and the same file with a
share of its lines (default 1%) replaced by bad ones of mixed kinds — bytes that are not UTF-8,
JSON cut short, objects nested thousands deep (a few a hundred thousand deep), integers of
thousands of digits, NaN, 1e300 for a date, a date no version covers, a lone surrogate, a
misspelt field, a line that is not an object. Each goes through the CLI end to end (output to a
file); the bench checks that the mixed run wrote N lines, each bad line's error at its own line
number and every good line's outcome in its place, and prints both wall times and their ratio.
Numbers are printed, never asserted (the checks are: a failed check exits 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from engine import cli_command, enumerations, vocabulary_source  # noqa: E402
from tiaojie.rules.service import open_rules  # noqa: E402

POLICY = "mediation-reward"
AS_OF = dt.date(2026, 6, 30)
# kind → the bytes of one bad line (each refused by mediation-reward: see the check below)
BAD_KINDS: dict[str, bytes] = {
    "not UTF-8": b'{"status": "settled", "severity": "\xd6\xd8\xb4\xf3", "settled_by": "township"}',
    "cut short": b'{"status": "settled", "severity": "maj',
    "nested 5,000 deep": b'{"status": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    "integer of 5,000 digits": b'{"status": "settled", "severity": ' + b"9" * 5_000 + b"}",
    "NaN": b'{"status": "settled", "severity": NaN}',
    "1e300 for a date": b'{"status": "settled", "severity": "major", "settled_on": 1e300}',
    "no version on 0001-01-01": b'{"status": "settled", "severity": "major", "settled_on": "0001-01-01"}',
    "lone surrogate": b'{"status": "\\ud800", "severity": "major"}',
    "misspelt field": b'{"status": "settled", "severty": "major"}',
    "not an object": b'["settled", "major"]',
}
DEEPEST = b'{"a":' * 100_000 + b"1" + b"}" * 100_000  # 700 kB: a few of these
DEEPEST_COUNT = 5


def good_cases(rng: random.Random, n: int) -> list[tuple[str, str, str, str]]:
    """For each of the N lines, the values of a good case: status, severity, settled_by, settled_on."""
    enums = enumerations(vocabulary_source())
    status, severity, settled_by = list(enums["status"]), list(enums["severity"]), list(enums["settled_by"])
    days = [(dt.date(2026, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(180)]
    choice = rng.choice
    return [(choice(status), choice(severity), choice(settled_by), choice(days)) for _ in range(n)]


def line_of(number: int, key: tuple[str, str, str, str]) -> bytes:
    status, severity, settled_by, settled_on = key
    return json.dumps({"number": f"J{number}", "status": status, "severity": severity, "settled_by": settled_by,
                       "settled_on": settled_on}, ensure_ascii=False).encode("utf-8")


def run(cmd: list[str], path: Path, out: Path) -> tuple[float, int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t0 = time.perf_counter()
    with out.open("wb") as sink:
        done = subprocess.run(cmd + ["evaluate", POLICY, "--batch", str(path), "--as-of", AS_OF.isoformat()],
                              env=env, stdout=sink, stderr=subprocess.PIPE, cwd=str(ROOT))
    return time.perf_counter() - t0, done.returncode, done.stderr.decode(errors="replace").strip()[-300:]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in each file (default 1,000,000)")
    parser.add_argument("--bad", type=float, default=0.01, help="share of bad lines (default 0.01)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each file; the best is shown")
    args = parser.parse_args(argv)
    cmd = cli_command()
    if cmd is None:
        sys.exit("the tiaojie CLI is not available")
    rng = random.Random(args.seed)
    n = args.lines
    keys = good_cases(rng, n)
    bad_count = max(1, round(n * args.bad))
    bad_at = dict(zip(sorted(rng.sample(range(1, n + 1), bad_count)), range(bad_count)))
    kinds = list(BAD_KINDS)
    kind_of = {number: kinds[i % len(kinds)] for number, i in bad_at.items()}
    for number in list(kind_of)[:: max(1, bad_count // DEEPEST_COUNT)][:DEEPEST_COUNT]:
        kind_of[number] = "nested 100,000 deep"

    rules = open_rules()
    try:
        expected = {}
        for key in set(keys):
            status, severity, settled_by, settled_on = key
            outcome = rules.evaluate(POLICY, {"status": status, "severity": severity, "settled_by": settled_by,
                                              "settled_on": settled_on}, AS_OF)
            expected[key] = json.loads(json.dumps(outcome.to_json("zh"), ensure_ascii=False))
    finally:
        rules.close()

    with tempfile.TemporaryDirectory(prefix="tiaojie-batch-bad-") as tmp:
        tmpdir = Path(tmp)
        good, mixed = tmpdir / "good.jsonl", tmpdir / "mixed.jsonl"
        with good.open("wb") as g, mixed.open("wb") as m:
            for number, key in enumerate(keys, start=1):
                line = line_of(number, key)
                g.write(line + b"\n")
                kind = kind_of.get(number)
                m.write((DEEPEST if kind == "nested 100,000 deep" else BAD_KINDS[kind] if kind else line) + b"\n")
        sizes = good.stat().st_size, mixed.stat().st_size
        out = tmpdir / "out.jsonl"
        good_runs, mixed_runs = [], []
        for _ in range(args.repeat):
            wall, code, err = run(cmd, good, out)
            if code != 0:
                sys.exit(f"the all-good file failed (exit {code}): {err}")
            good_runs.append(wall)
            wall, code, err = run(cmd, mixed, out)
            if code != 1:
                sys.exit(f"the mixed file: exit {code}, expected 1: {err}")
            mixed_runs.append(wall)

        # the mixed run's output, line by line: an error at each bad line, each good line's outcome in its place
        written = errors = 0
        wrong: list[str] = []
        with out.open("rb") as fh:
            for number, row in enumerate(fh, start=1):
                written += 1
                result = json.loads(row)
                if number in kind_of:
                    errors += 1
                    if result.get("line") != number or not result.get("error"):
                        wrong.append(f"line {number} ({kind_of[number]}): {row[:120]!r}")
                elif result != expected[keys[number - 1]]:
                    wrong.append(f"line {number}: {row[:120]!r}")
                if len(wrong) > 5:
                    break

    good_s, mixed_s = min(good_runs), min(mixed_runs)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"tiaojie evaluate {POLICY} --batch — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {load} at the end, seed {args.seed}, best of {args.repeat}")
    print(f"all-good file: {n:,} lines, {sizes[0] / 1e6:,.0f} MB")
    print(f"mixed file:    {n:,} lines, {bad_count:,} bad ({args.bad:.1%}: {len(BAD_KINDS)} kinds in turn, "
          f"{DEEPEST_COUNT} nested 100,000 deep), {sizes[1] / 1e6:,.0f} MB")
    print()
    print(f"{'all-good file, wall':<36}{good_s:>9.2f} s   ({n / good_s:,.0f} lines/s)")
    print(f"{'mixed file, wall':<36}{mixed_s:>9.2f} s   ({n / mixed_s:,.0f} lines/s)")
    print(f"{'ratio mixed / all-good':<36}{mixed_s / good_s:>9.2f} ×")
    print(f"{'lines written (mixed)':<36}{written:>11,}   of {n:,}; {errors:,} errors, each at its own line")
    print(f"{'order and outcomes':<36}{'checked' if not wrong and written == n else 'WRONG':>11}")
    for problem in wrong:
        print(f"    {problem}")
    if wrong or written != n:
        sys.exit(1)


if __name__ == "__main__":
    main()
