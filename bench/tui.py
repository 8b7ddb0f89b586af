"""Time from launch to the first screen of the tiaojie TUI, beside an empty Textual app.

Each run is a fresh Python process (so imports count, as they do for a user): it builds the app,
runs it headless, and exits as soon as the first screen is mounted and painted. The figure is the
wall time of the whole process, median of several runs, for both sides; the ratio is tiaojie /
empty. Target: at most 2×.

    python bench/tui.py [--runs 7] [--db URL] [--rules DIR]

The tiaojie side opens the demo database (made once with `tiaojie demo` in a temporary
directory unless `--db` is given) as the mediator `med01`, whose first screen is case entry.
`--rules-only` measures the app without a database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

EMPTY = r"""
import asyncio, time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Empty(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()

async def first_screen(pilot):
    await pilot.pause()
    pilot.app.exit()

Empty().run(headless=True, size=(120, 40), auto_pilot=first_screen)
"""

TIAOJIE = r"""
import time
T0 = time.perf_counter()
import asyncio, sys
from tui.app import make_app
from tui.screens.base import BaseScreen
if DB is not None:
    import tiaojie.ledger.context, tiaojie.ledger.policy_changes, tiaojie.store.db  # counted apart
T1 = time.perf_counter()
app = make_app(rules=RULES, store=DB, user=USER)
T2 = time.perf_counter()

async def first_screen(pilot):
    while not (isinstance(app.screen, BaseScreen) and app.screen.is_mounted):
        await asyncio.sleep(0.001)
    await pilot.pause()
    T3 = time.perf_counter()
    print("MODE", app.current_mode, "LEDGER", app.backend.ledger is not None, file=sys.stderr)
    print(f"PHASES {T1 - T0:.4f} {T2 - T1:.4f} {T3 - T2:.4f}", file=sys.stderr)
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=first_screen)
"""


def timed(code: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default=None, help="database URL or SQLite file (default: a fresh demo database)")
    parser.add_argument("--rules", default=str(ROOT / "rules"))
    parser.add_argument("--user", default="med01")
    parser.add_argument("--rules-only", action="store_true", help="no database: the rules alone")
    args = parser.parse_args()

    tmp = None
    if args.rules_only:
        args.db = args.user = None
    elif args.db is None:
        import tempfile

        tmp = tempfile.TemporaryDirectory()
        args.db = str(Path(tmp.name) / "demo.sqlite")
        made = subprocess.run([sys.executable, "-c", "from tiaojie.cli import main; main()", "--rules", args.rules,
                               "demo", "--db", args.db], capture_output=True, text=True)
        if made.returncode != 0:
            raise SystemExit(f"could not make the demo database:\n{made.stderr[-2000:]}")

    tiaojie = TIAOJIE.replace("RULES", json.dumps(args.rules)).replace("DB", repr(args.db)).replace(
        "USER", repr(args.user))
    timed(EMPTY)  # warm the file cache for both sides before measuring
    _, info = timed(tiaojie)
    empty_runs, tiaojie_runs, phases = [], [], []
    for _ in range(args.runs):
        empty_runs.append(timed(EMPTY)[0])
        elapsed, err = timed(tiaojie)
        tiaojie_runs.append(elapsed)
        line = next((x for x in err.splitlines() if x.startswith("PHASES")), None)
        if line:
            phases.append([float(v) for v in line.split()[1:]])
    empty = statistics.median(empty_runs)
    ours = statistics.median(tiaojie_runs)
    where = f"demo database, user {args.user}" if "LEDGER True" in info else "rules only, no database"
    print(f"empty Textual app, launch to first screen:  {empty * 1000:7.1f} ms (median of {args.runs})")
    print(f"tiaojie tui ({where}), launch to first screen: {ours * 1000:7.1f} ms (median of {args.runs})")
    print(f"ratio tiaojie / empty: {ours / empty:.2f}x (target <= 2x)")
    if phases:
        imports, opening, screen = (statistics.median(p[i] for p in phases) * 1000 for i in range(3))
        print(f"  inside tiaojie's run: imports {imports:.0f} ms (Textual, the rules core"
              f"{', SQLAlchemy/Alembic and the ledger' if args.db else ''}), "
              f"opening rules{' and database' if args.db else ''} {opening:.0f} ms, first screen mounted and painted {screen:.0f} ms")
    try:
        import os

        print(f"  load average {os.getloadavg()[0]:.2f}")
    except OSError:
        pass
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
