"""(c) JSONL end to end: the same N generated cases of the 金平 reward table (mediation-reward)
through every path, each in a process of its own so that its peak memory is its own:

* plain Python per case, in process: `plain_table.PlainTable` (the table read from its rule
  file, compiled predicates, first hit) over the cases in memory;
* zen-engine in process: `ZenEngine.evaluate` on a JDM decision table made from the same rule
  file (ids and labels both listed in each cell, first hit), its loader handing back the
  decision parsed once, over the cases in memory;
* a plain-Python JSONL command (`plain_jsonl_cli.py`: json in, `{"outputs": …}` out), process
  start included;
* `tiaojie evaluate POLICY --batch FILE.jsonl -o OUT`, process start included;
* any further paths registered by the caller (`extra`), each given the same `EndToEnd`.

The in-process paths load the cases from the JSONL file first (not timed) and time only the
evaluation; their peak memory therefore includes the N cases held in memory, shown beside it.
Peak memory is the process's `ru_maxrss` (from `os.wait4`, in bench/measured_run.py). Every path's amounts are checked
against the plain table's, case by case, before anything is printed.

    PYTHONPATH=src python bench/engine_e2e.py --child plain|zen POLICY.toml FIELDS.toml FILE.jsonl
is how the parent runs an in-process path (it prints one JSON object).
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from plain_table import PlainTable  # noqa: E402

POLICY = "mediation-reward"
AS_OF = "2026-06-30"
ZEN_KEY = "reward.json"
ZEN_TARGET = 3.0
CLI_TARGET = 2.0


@dataclass
class EndToEnd:
    """What every path reads: the rules, the policy, the generated JSONL file of `cases` lines,
    and a scratch folder for outputs."""

    rules_dir: Path
    policy: str
    policy_toml: Path
    fields_toml: Path
    jsonl: Path
    cases: int
    tmp: Path
    env: dict[str, str]
    tiaojie: list[str]  # how to start the tiaojie command


@dataclass
class PathResult:
    name: str
    seconds: float
    cases: int
    peak_kb: int  # ru_maxrss of the path's process
    held_kb: int = 0  # of which: the process before the timed part (in process: the cases in memory)
    digest: str = ""  # of the amounts, case by case, as "500.00" lines
    note: str = ""
    is_tiaojie: bool = False
    ratios: list[tuple[str, str, float]] = field(default_factory=list)  # (against, target text, target)

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else float("inf")


# --- the cases ----------------------------------------------------------------------------------


def generate_jsonl(path: Path, n: int, rng: random.Random, fields_toml: Path) -> None:
    """N cases as they arrive: ids or Chinese labels (about one in four), a settlement date in the
    first half of 2026, a case number and a unit the policy does not read."""
    vocabulary = tomllib.loads(fields_toml.read_text(encoding="utf-8"))
    pools = []
    for name in ("status", "severity", "settled_by"):
        labels = vocabulary["enums"][vocabulary["fields"][name]["enum"]]["labels"]
        pools.append((name, list(labels) * 3 + list(labels.values())))
    days = [f"2026-{m:02d}-{d:02d}" for m in range(1, 7) for d in range(1, 29)]
    units = [f"村{i}" for i in range(40)]
    choice = rng.choice
    dumps = json.dumps
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            case: dict[str, Any] = {"number": f"(2026)调字第{i}号"}
            for name, pool in pools:
                case[name] = choice(pool)
            case["settled_on"] = choice(days)
            case["unit"] = choice(units)
            out.write(dumps(case, ensure_ascii=False))
            out.write("\n")


def amounts_digest(amounts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for amount in amounts:
        digest.update(amount.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def output_amounts(path: Path) -> Iterable[str]:
    """outputs.amount of each line of a JSONL output (an error line reads as ERROR)."""
    loads = json.loads
    with path.open("rb") as lines:
        for line in lines:
            row = loads(line)
            yield row["outputs"]["amount"] if "outputs" in row else "ERROR"


# --- zen-engine ---------------------------------------------------------------------------------


def ensure_zen() -> None:
    """zen-engine for the bench only (bench/requirements.txt), installed into this Python's
    environment when it is missing; never a dependency of tiaojie."""
    try:
        import zen  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements.txt")],
                       check=True)


def zen_content(policy_toml: Path, fields_toml: Path) -> dict[str, Any]:
    """The reward table as a JDM decision table: one input column per field the rows read, each
    cell listing the ids it accepts and their labels, first hit, the default as the last row."""
    policy = tomllib.loads(policy_toml.read_text(encoding="utf-8"))
    vocabulary = tomllib.loads(fields_toml.read_text(encoding="utf-8"))
    rows = policy.get("rule", [])
    names: list[str] = []
    for row in rows:
        names += [name for name in row["when"] if name not in names]
    labels = {name: vocabulary["enums"][vocabulary["fields"][name]["enum"]]["labels"] for name in names}
    columns = {name: f"c{i}" for i, name in enumerate(names)}
    table_rows = []
    for i, row in enumerate(rows):
        cells = {"_id": f"r{i}", "amount": str(row["then"]["amount"])}
        for name in names:
            want = row["when"].get(name)
            if want is None:
                cells[columns[name]] = ""
                continue
            ids = [want] if isinstance(want, str) else want if isinstance(want, list) else None
            if ids is None:
                raise SystemExit(f"the zen table is made from eq and in conditions only, not {want!r}")
            spellings = [*ids, *(labels[name][value] for value in ids)]
            cells[columns[name]] = ", ".join(json.dumps(s, ensure_ascii=False) for s in spellings)
        table_rows.append(cells)
    table_rows.append({"_id": "default", **dict.fromkeys(columns.values(), ""),
                       "amount": str(policy.get("default", {}).get("amount", 0))})
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {"id": "table", "type": "decisionTableNode", "name": POLICY, "position": {"x": 200, "y": 0},
             "content": {"hitPolicy": "first",
                         "inputs": [{"id": columns[n], "name": n, "field": n} for n in names],
                         "outputs": [{"id": "amount", "name": "amount", "field": "amount"}],
                         "rules": table_rows}},
            {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
                  {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"}],
    }


# --- the in-process paths (run as `--child`) ------------------------------------------------------


def child(kind: str, policy_toml: Path, fields_toml: Path, jsonl: Path) -> None:
    """Load the cases, time one path over them all, print {seconds, cases, held_kb, digest}."""
    import resource

    loads = json.loads
    with jsonl.open("rb") as lines:
        cases = [loads(line) for line in lines]
    if kind == "plain":
        evaluate: Callable[[dict], Any] = PlainTable(policy_toml, fields_toml).evaluate
    else:
        import zen

        # parsed once: a loader that returns the JSON text has it parsed again on every call
        content = zen.ZenDecisionContent(json.dumps(zen_content(policy_toml, fields_toml), ensure_ascii=False))
        engine = zen.ZenEngine({"loader": lambda key: content})
        zen_evaluate = engine.evaluate

        def evaluate(case: dict) -> Any:
            return zen_evaluate(ZEN_KEY, case)["result"]["amount"]

    evaluate(cases[0])  # warm: the table compiled, the decision loaded
    held = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    results = list(map(evaluate, cases))
    seconds = time.perf_counter() - t0
    cents = Decimal("0.01")
    digest = amounts_digest(str(Decimal(str(r)).quantize(cents)) for r in results)
    print(json.dumps({"seconds": seconds, "cases": len(cases), "held_kb": held, "digest": digest}))


# --- running a process ------------------------------------------------------------------------------


def run_process(cmd: list[str], env: dict[str, str], stdout: Path, stderr: Path) -> tuple[float, int, int]:
    """(wall seconds, exit code, ru_maxrss in KB) of one command, its output sent to files;
    started from bench/measured_run.py, so that its peak memory is its own."""
    report = stdout.with_name(stdout.name + ".measured")
    with stdout.open("wb") as out, stderr.open("wb") as err:
        subprocess.run([sys.executable, "-S", str(BENCH / "measured_run.py"), str(report), *cmd], env=env,
                       stdout=out, stderr=err, cwd=str(ROOT), check=False)
    got = json.loads(report.read_text())
    report.unlink()
    return got["seconds"], got["code"], got["maxrss_kb"]


def _failed(name: str, code: int, stderr: Path) -> SystemExit:
    return SystemExit(f"{name} failed (exit {code}): {stderr.read_text(errors='replace').strip()[-400:]}")


def in_process(run: EndToEnd, kind: str, name: str) -> PathResult:
    out, err = run.tmp / f"{kind}.json", run.tmp / f"{kind}.err"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(run.policy_toml), str(run.fields_toml),
           str(run.jsonl)]
    _, code, peak = run_process(cmd, run.env, out, err)
    if code != 0:
        raise _failed(name, code, err)
    got = json.loads(out.read_text())
    return PathResult(name, got["seconds"], got["cases"], peak, got["held_kb"], got["digest"])


def plain_cli(run: EndToEnd) -> PathResult:
    out, err = run.tmp / "plain-cli.jsonl", run.tmp / "plain-cli.err"
    cmd = [sys.executable, str(BENCH / "plain_jsonl_cli.py"), str(run.policy_toml), str(run.fields_toml), str(run.jsonl)]
    wall, code, peak = run_process(cmd, run.env, out, err)
    if code != 0:
        raise _failed("the plain-Python JSONL command", code, err)
    digest = amounts_digest(output_amounts(out))
    size = out.stat().st_size
    out.unlink()
    return PathResult("plain-Python JSONL command, process", wall, run.cases, peak, 0, digest,
                      note=f"json in, {{\"outputs\": …}} out, {size / 1e6:,.0f} MB written")


def tiaojie_cli(run: EndToEnd) -> PathResult:
    out, err = run.tmp / "tiaojie.jsonl", run.tmp / "tiaojie.err"
    cmd = [*run.tiaojie, "--rules", str(run.rules_dir), "evaluate", run.policy, "--batch", str(run.jsonl),
           "--as-of", AS_OF, "-o", str(out)]
    wall, code, peak = run_process(cmd, run.env, run.tmp / "tiaojie.stdout", err)
    if code != 0:
        raise _failed("tiaojie evaluate --batch", code, err)
    digest = amounts_digest(output_amounts(out))
    size = out.stat().st_size
    out.unlink()
    return PathResult("tiaojie evaluate --batch (JSONL), process", wall, run.cases, peak, 0, digest,
                      note=f"whole outcomes out (version, explanation…), {size / 1e6:,.0f} MB written",
                      is_tiaojie=True)


# --- the section ----------------------------------------------------------------------------------


def end_to_end(run: EndToEnd, extra: Iterable[Callable[[EndToEnd], PathResult]] = ()) -> list[str]:
    """Run every path once over the same file; the printed lines of section (c)."""
    ensure_zen()
    results = [
        in_process(run, "plain", "plain Python per case, in process"),
        in_process(run, "zen", "zen-engine ZenEngine.evaluate, in process"),
        plain_cli(run),
        tiaojie_cli(run),
    ]
    results += [path(run) for path in extra]
    reference = results[0]
    wrong = [r.name for r in results if r.digest and r.digest != reference.digest]
    if wrong:
        raise SystemExit(f"amounts differ from the plain table's: {', '.join(wrong)}")
    plain, zen, cli, tiaojie = results[:4]
    lines = [
        f"(c) JSONL end to end: {run.cases:,} generated cases of {run.policy} (金平), the same cases on every path",
        f"    {'path':<46}{'cases/s':>12}{'seconds':>9}{'peak RSS':>11}   of which before the timed part",
    ]
    for r in results:
        held = f"   {r.held_kb / 1024:,.0f} MB (the cases in memory)" if r.held_kb else ""
        lines.append(f"    {r.name:<46}{r.rate:>12,.0f}{r.seconds:>9.2f}{r.peak_kb / 1024:>8,.0f} MB{held}")
        if r.note:
            lines.append(f"      ({r.note})")
    for against, target in ((zen, ZEN_TARGET), (cli, CLI_TARGET)):
        ratio = tiaojie.rate / against.rate
        verdict = "met" if ratio >= target else "NOT MET"
        lines.append(f"    ratio tiaojie JSONL / {against.name:<44}{ratio:>6.2f} ×  ≥ {target:g} ×  {verdict}")
    lines.append(f"    ratio tiaojie JSONL / plain Python in process: {tiaojie.rate / plain.rate:.2f} × "
                 "(that one neither reads nor writes a file)")
    for r in results[4:]:
        lines.append(f"    ratio {r.name} / tiaojie JSONL: {r.rate / tiaojie.rate:.2f} ×")
    lines.append(f"    amounts: every path gives the plain table's amount for every case (digest {reference.digest})")
    return lines


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))
    else:
        sys.exit(__doc__)
