"""Columnar batch benchmark: a Parquet file of generated cases evaluated as columns, end to end,
against the plain-Python per-case evaluator of bench/engine.py in the same process.

    PYTHONPATH=src python bench/engine_columnar.py [--cases N] [--repeat N] [--no-cli]

The cases and the generated 20-row `reward` policy are bench/engine.py's (its generator, imported).
Measured, best of --repeat:
(d) in process: `evaluate_parquet` step by step — read the columns the policy reads as Parquet
    dictionary columns (`read_cases`) → `evaluate_columns` (distinct projections found from the
    dictionary codes in Polars, each typed once and decided in the batch session's one pass that
    asks the engine about them, each row's place among them kept) → `write_result` (the result
    columns — amount, fired, version, error — handed to Parquet as dictionary columns of the
    projections' values, each row's code gathered by its place: no value is gathered per row);
(e) the same through the CLI: `tiaojie evaluate bench-reward --batch FILE.parquet -o OUT.parquet`,
    wall time of the subprocess;
beside the plain-Python per-case evaluator over the same cases already in memory as dicts (no
reading or writing on its side: the strictest baseline), and beside the same evaluator reading
the same columns from Parquet and writing its amounts to Parquet. The ratio is plain / columnar; peak
memory is the resident size the columnar run added to the process (sampled while it ran) and the
CLI subprocess's peak resident size; the CPU time of both sides (the columnar side's every thread
counted) is printed too, as a ratio that a machine shared with other work bends less than wall
time. Numbers are printed, never asserted.

`measure(...)` and `report(...)` are what bench/engine.py calls to print these figures in its run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import polars as pl  # noqa: E402

import engine as engine_bench  # noqa: E402 - bench/engine.py: the generator and the plain evaluator
from tiaojie.rules.columnar import evaluate_columns, evaluate_frame, read_cases, write_result  # noqa: E402
from tiaojie.rules.service import open_rules  # noqa: E402

POLICY = "bench-reward"
RATIO_TARGET = engine_bench.RATIO_TARGET


@dataclass
class Figures:
    cases: int
    distinct: int
    read_s: float
    evaluate_s: float
    write_s: float
    columnar_s: float  # read + evaluate + write, best whole run
    plain_s: float
    plain_e2e_s: float  # the plain evaluator with the same Parquet reading and writing
    spelt: int  # distinct projections as spelt (ids and labels apart)
    peak_mb: float  # resident size added by the columnar run in this process
    cli: str  # the CLI's wall time and peak, or why it was skipped
    cli_s: float | None
    parquet_mb: float
    columnar_cpu: float  # CPU seconds of the best columnar run, every thread of the process counted
    plain_cpu: float  # CPU seconds of the best in-memory plain run

    @property
    def ratio(self) -> float:
        return self.plain_s / self.columnar_s


def _rss_mb() -> float:
    """This process's resident size now (Linux), in MiB."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakSampler:
    """The highest resident size seen while a block runs, sampled every few milliseconds."""

    def __init__(self) -> None:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def write_cases(cases: list[dict], path: Path) -> None:
    """The generated cases as a Parquet file, one column per key, every value as generated."""
    names = list(cases[0])
    pl.DataFrame({name: pl.Series(name, [c.get(name) for c in cases], dtype=pl.String) for name in names}
                 ).write_parquet(path)


def columnar_run(rules, source: Path, target: Path) -> tuple[float, float, float, int]:
    """(read, evaluate, write) seconds of one end-to-end run (what `evaluate_parquet` does, timed
    step by step), and the distinct projections."""
    t0 = time.perf_counter()
    table = read_cases(rules, POLICY, source)
    t1 = time.perf_counter()
    result = evaluate_columns(rules, POLICY, table, engine_bench.AS_OF)
    t2 = time.perf_counter()
    write_result(result, target)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, result.distinct


def plain_end_to_end(baseline, source: Path, target: Path) -> float:
    """Seconds for the plain evaluator with the same reading and writing: the columns the policy
    reads from Parquet → one dict per row → the amount per case → the amounts to Parquet."""
    t0 = time.perf_counter()
    frame = pl.read_parquet(source, columns=list(engine_bench.FIELDS))
    amounts = list(map(baseline.evaluate, frame.to_dicts()))
    pl.DataFrame([pl.Series("amount", amounts, dtype=pl.Decimal(38, 2))]).write_parquet(target)
    return time.perf_counter() - t0


def cli_run(rules_dir: Path, source: Path, target: Path) -> tuple[str, float | None]:
    cmd = engine_bench.cli_command()
    if cmd is None:
        return "skipped: CLI not available", None
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    args = cmd + ["--rules", str(rules_dir), "evaluate", POLICY, "--batch", str(source), "-o", str(target),
                  "--as-of", engine_bench.AS_OF.isoformat()]
    errors = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=errors, cwd=str(ROOT))
    # The child's own high-water mark, read while it runs: its ru_maxrss would count this
    # process's size at the fork, a million case dicts that the command never holds.
    peak_kb = 0
    while process.poll() is None:
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    if process.returncode != 0:
        errors.seek(0)
        return f"failed (exit {process.returncode}): {errors.read().decode(errors='replace').strip()[-300:]}", None
    return (f"{wall:.2f} s wall, peak {peak_kb / 1024:,.0f} MiB resident ({' '.join(Path(c).name for c in cmd)})",
            wall)


def _high_water_kb(pid: int) -> int:
    """A running process's peak resident size (VmHWM, Linux), in KiB; 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def check(rules, baseline, cases: list[dict], frame: pl.DataFrame) -> None:
    """The columnar amounts are the plain evaluator's, row by row, before anything is timed."""
    got = evaluate_frame(rules, POLICY, frame, engine_bench.AS_OF)
    amounts = got.get_column("amount").to_list()
    want = list(map(baseline.evaluate, cases))
    if amounts != want:
        bad = next(i for i, (g, w) in enumerate(zip(amounts, want)) if g != w)
        raise SystemExit(f"columnar and plain Python disagree on row {bad}: {cases[bad]} → {amounts[bad]} vs {want[bad]}")
    if got.get_column("error").null_count() != got.height:
        raise SystemExit("the generated cases should all evaluate")


def measure(cases_n: int = 1_000_000, seed: int = 20260101, repeat: int = 3, cli: bool = True) -> Figures:
    """Generate, check, then time both sides (best of `repeat` each)."""
    rng = random.Random(seed)
    fields_toml = engine_bench.vocabulary_source()
    enums = engine_bench.enumerations(fields_toml)
    rows = engine_bench.generate_rows(enums, rng)
    tmp = Path(tempfile.mkdtemp(prefix="tiaojie-columnar-"))
    try:
        rules_dir = tmp / "rules"
        rules_dir.mkdir()
        shutil.copy(fields_toml, rules_dir / "fields.toml")
        (rules_dir / f"{POLICY}-2026.toml").write_text(engine_bench.policy_toml(rows), encoding="utf-8")
        rules = open_rules(rules_dir)
        baseline = engine_bench.PlainEvaluator(rows, enums)
        cases = engine_bench.generate_cases(enums, cases_n, rng)
        source = tmp / "cases.parquet"
        write_cases(cases, source)
        parquet_mb = source.stat().st_size / 2**20
        sample = min(20_000, cases_n)
        check(rules, baseline, cases[:sample], pl.read_parquet(source).head(sample))

        target = tmp / "out.parquet"
        columnar_run(rules, source, target)  # warm-up: imports, the engine's first matches
        engine_bench.plain(baseline, cases[:50_000])
        plain_runs, plain_e2e_runs, runs = [], [], []
        plain_cpus: list[float] = []
        columnar_cpus: list[float] = []
        distinct = 0
        peak_mb = 0.0
        for _ in range(repeat):
            gc.collect()
            cpu = time.process_time()
            plain_runs.append(engine_bench.plain(baseline, cases))
            plain_cpus.append(time.process_time() - cpu)
            gc.collect()
            plain_e2e_runs.append(plain_end_to_end(baseline, source, tmp / "plain.parquet"))
            gc.collect()
            cpu = time.process_time()
            with PeakSampler() as sampler:
                read_s, evaluate_s, write_s, distinct = columnar_run(rules, source, target)
            columnar_cpus.append(time.process_time() - cpu)
            peak_mb = max(peak_mb, sampler.peak - sampler.start)
            runs.append((read_s + evaluate_s + write_s, read_s, evaluate_s, write_s))
        written = pl.read_parquet(target, columns=["amount"]).get_column("amount").sum()
        plain_total = sum(map(baseline.evaluate, cases), Decimal(0))
        if Decimal(written) != plain_total:
            raise SystemExit(f"totals differ: columnar {written} vs plain {plain_total}")
        spelt = len({tuple(c[f] for f in engine_bench.FIELDS) for c in cases})
        del cases
        gc.collect()
        cli_text, cli_s = cli_run(rules_dir, source, tmp / "cli.parquet") if cli else ("skipped (--no-cli)", None)
        rules.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    best = min(runs)
    return Figures(cases_n, distinct, best[1], best[2], best[3], best[0], min(plain_runs), min(plain_e2e_runs), spelt,
                   peak_mb, cli_text, cli_s, parquet_mb, min(columnar_cpus), min(plain_cpus))


def columnar_path(run):  # noqa: ANN001, ANN201 - engine_e2e's EndToEnd → PathResult
    """bench/engine.py's section (c): the same generated JSONL cases as a Parquet file (written
    untimed: the sheet a county already holds), through `tiaojie evaluate --batch FILE.parquet
    -o OUT.parquet`, wall time and peak of the process, and the digest of its amounts."""
    from engine_e2e import AS_OF as E2E_AS_OF
    from engine_e2e import PathResult, amounts_digest, run_process

    source, target, err = run.tmp / "cases.parquet", run.tmp / "columnar-out.parquet", run.tmp / "columnar.err"
    frame = pl.read_ndjson(run.jsonl, infer_schema_length=None)
    frame.select(pl.all().cast(pl.String)).write_parquet(source)
    cmd = [*run.tiaojie, "--rules", str(run.rules_dir), "evaluate", run.policy, "--batch", str(source),
           "--as-of", str(E2E_AS_OF), "-o", str(target)]
    wall, code, peak = run_process(cmd, run.env, run.tmp / "columnar.stdout", err)
    if code != 0:
        raise SystemExit(f"tiaojie evaluate --batch .parquet failed (exit {code}): {err.read_text(errors='replace')[-400:]}")
    amounts = pl.read_parquet(target, columns=["amount"]).get_column("amount")
    digest = amounts_digest(str(a) for a in amounts.to_list())
    size = target.stat().st_size
    source.unlink()
    target.unlink()
    return PathResult("tiaojie evaluate --batch (Parquet), process", wall, run.cases, peak, 0, digest,
                      note=f"the JSONL cases as Parquet in, each row with its results out, {size / 1e6:,.0f} MB written")


def report(fig: Figures) -> list[str]:
    """The figures as lines in bench/engine.py's table."""
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    lines = [
        f"{'(d) columnar, Parquet → evaluate → Parquet':<44}{fig.cases / fig.columnar_s:>13,.0f} /s    "
        f"({fig.columnar_s:.2f} s: read {fig.read_s:.2f}, evaluate {fig.evaluate_s:.2f}, write {fig.write_s:.2f})",
        f"{'(d) plain Python per case, in memory':<44}{fig.cases / fig.plain_s:>13,.0f} /s    ({fig.plain_s:.2f} s)",
        f"{'(d) ratio columnar end to end / plain':<44}{fig.ratio:>16.2f} ×  {'≥ 5 ×':<12}{verdict(fig.ratio >= RATIO_TARGET)}",
        f"{'(d) plain, Parquet → dicts → per case → Parquet':<44}{fig.cases / fig.plain_e2e_s:>13,.0f} /s    "
        f"({fig.plain_e2e_s:.2f} s)",
        f"{'(d) ratio columnar / plain, both end to end':<44}{fig.plain_e2e_s / fig.columnar_s:>16.2f} ×  "
        f"{'≥ 5 ×':<12}{verdict(fig.plain_e2e_s / fig.columnar_s >= RATIO_TARGET)}",
        f"{'(d) CPU time, columnar / plain in memory':<44}{fig.columnar_cpu:>8.2f} / {fig.plain_cpu:.2f} s  "
        f"{fig.plain_cpu / fig.columnar_cpu:.2f} × (every thread counted; what a loaded machine does not bend)",
        f"{'(d) peak memory added by the columnar run':<44}{fig.peak_mb:>13,.0f} MiB   "
        f"({fig.cases:,} rows, Parquet {fig.parquet_mb:.1f} MiB)",
        f"{'    distinct projections':<44}{fig.distinct:>15,}     "
        f"(as the policy reads them; {fig.spelt:,} as spelt, ids and labels apart)",
        f"{'(e) tiaojie evaluate --batch .parquet -o':<44}  {fig.cli}",
    ]
    if fig.cli_s:
        ratio = fig.plain_s / fig.cli_s
        lines.append(f"{'(e) ratio CLI wall / plain':<44}{ratio:>16.2f} ×  {'(cf. 5 ×)':<12}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="rows of the Parquet file (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best is shown")
    parser.add_argument("--no-cli", action="store_true", help="skip (e)")
    args = parser.parse_args(argv)
    fig = measure(args.cases, args.seed, args.repeat, cli=not args.no_cli)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"tiaojie columnar bench — Python {sys.version.split()[0]}, Polars {pl.__version__}, {os.cpu_count()} CPUs, "
          f"load average {load} at the end, seed {args.seed}, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"{'measure':<44}{'value':>18}  {'target':<12}{'result'}")
    print("-" * 84)
    for line in report(fig):
        print(line)


if __name__ == "__main__":
    main()
