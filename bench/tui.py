"""Time from launch to the first screen of the tiaojie TUI, beside an empty Textual app.

Each run is a fresh process started the way a user starts it — `tiaojie tui --db DEMO --user
med01`, through the console script's code (CLI, entry points, the app) — run headless at 120×40.
The clock starts just before the process is spawned and stops, in the child, when a frame of the
first screen — the sign-in dialog, its name filled in — has been rendered (Textual's `_display`
called with it); both read the system-wide monotonic clock. The probe then types the demo
password: "signed in" is the first frame of the form after the password was checked. A second figure, "ready", is when the app has nothing left to do: the ledger
open, the whole form mounted, the live panel computed. Process exit is not counted on either side.

The empty side is a Textual app with a Header, a Static and a Footer, timed the same way.
Medians of several runs, alternating the sides; the ratio is tiaojie / empty. Target: ≤ 2×.
Also timed: the same command without `--user` (the README's run command), whose first screen is
the sign-in dialog; and the `--user` start with nothing kept from an earlier one ("cold": the
first start on this machine, the ledger's activated rule set not yet written out to the cache
and no labels kept). The sign-in dialog needs neither: it is painted from a glance, and the
ledger's open after it writes the set out and keeps its labels for the next start.

    python bench/tui.py [--runs 7] [--db URL] [--rules DIR] [--user NAME] [--rules-only]

The demo database is made once with `tiaojie demo` in a temporary directory unless `--db` is
given. `--rules-only` starts `tiaojie tui` with no database.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "tiaojie-demo"  # the demo users' password (tiaojie.ledger.demo), typed into the dialog

# Shared by both children: stamp the first rendered frame of the first real screen, then wait
# until the app is idle (and, for tiaojie, its ledger is open) and stamp that.
PROBE = r"""
import asyncio, sys, time
from textual.app import App

frames = []
form_frames = []
real_display = App._display
real_run = App.run

def display(self, screen, renderable):
    if renderable is not None and not frames and FIRST_SCREEN(screen):
        frames.append(time.perf_counter())
    if renderable is not None and frames and not form_frames and getattr(screen, "SCREEN_ID", ""):
        form_frames.append(time.perf_counter())
    return real_display(self, screen, renderable)

def run(self, *args, **kwargs):
    async def probe(pilot):
        while not frames:
            await asyncio.sleep(0.001)
        if PASSWORD:  # type the password as a person does; the form's first frame follows the check
            await pilot.press(*PASSWORD, "enter")
            while not form_frames:
                await asyncio.sleep(0.001)
        backend = getattr(self, "backend", None)
        while backend is not None and not backend.ledger_ready:
            await asyncio.sleep(0.001)
        await pilot.pause()
        ready = time.perf_counter()
        print("STAMPS", json.dumps({"first": frames[0], "ready": ready, "form": (form_frames or [ready])[0],
                                    "ledger": getattr(backend, "has_ledger", None)}), file=sys.stderr)
        self.exit()
    return real_run(self, headless=True, size=(120, 40), auto_pilot=probe)

import json
App._display = display
App.run = run
"""

EMPTY = PROBE.replace("PASSWORD", "None").replace("FIRST_SCREEN", "(lambda screen: True)") + r"""
from textual.widgets import Footer, Header, Static

class Empty(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()

Empty().run()
"""

# `--user` fills in the sign-in dialog's name: the first screen is the dialog, then the password
# is typed (the demo's) and the form follows once it is checked.
TIAOJIE = PROBE.replace("PASSWORD", repr(DEMO_PASSWORD)).replace(
    "FIRST_SCREEN", "(lambda screen: type(screen).__name__ == 'LoginDialog')") + r"""
sys.argv = ["tiaojie"] + ARGS
from tiaojie.cli import main
main()
"""

# Without --user (the README's run command) the first screen is the sign-in dialog.
SIGN_IN = PROBE.replace("PASSWORD", "None").replace(
    "FIRST_SCREEN", "(lambda screen: type(screen).__name__ == 'LoginDialog')") + r"""
sys.argv = ["tiaojie"] + ARGS
from tiaojie.cli import main
main()
"""


def stamps(code: str, env: dict | None = None) -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=None if env is None else {**os.environ, **env})
    if done.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{done.stderr[-3000:]}")
    line = next((x for x in done.stderr.splitlines() if x.startswith("STAMPS ")), None)
    if line is None:
        raise SystemExit(f"the app never showed its first screen:\n{done.stderr[-3000:]}")
    got = json.loads(line.removeprefix("STAMPS "))
    return {"first": got["first"] - start, "ready": got["ready"] - start, "form": got["form"] - start,
            "ledger": got["ledger"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default=None, help="database URL or SQLite file (default: a fresh demo database)")
    parser.add_argument("--rules", default=None, help="rules directory (default: the ledger's rules in force)")
    parser.add_argument("--user", default="med01")
    parser.add_argument("--rules-only", action="store_true", help="no database: the rules alone")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    cli = [sys.executable, "-c", "from tiaojie.cli import main; main()"]
    if not args.rules_only and args.db is None:
        args.db = str(Path(tmp.name) / "demo.sqlite")
        made = subprocess.run(cli + ["demo", "--db", args.db], capture_output=True, text=True)
        if made.returncode != 0:
            raise SystemExit(f"could not make the demo database:\n{made.stderr[-2000:]}")
    argv = (["--rules", args.rules] if args.rules else []) + ["tui"]
    if not args.rules_only:
        argv += ["--db", args.db, "--user", args.user]
    tiaojie = TIAOJIE.replace("ARGS", repr(argv))
    sign_in = None if args.rules_only else SIGN_IN.replace("ARGS", repr(argv[: argv.index("--user")]))
    # Rules-only must not find a default database; the cache of activated rule sets is private.
    env_note = {"TIAOJIE_CACHE": str(Path(tmp.name) / "cache")}
    os.environ.update(env_note)
    if args.rules_only:
        os.environ["TIAOJIE_DB"] = ""
        os.environ["XDG_DATA_HOME"] = str(Path(tmp.name) / "data")

    # Both sides run from bytecode, as an installed program does: Textual's modules were compiled
    # when pip installed them; tiaojie's are compiled here, since an editable checkout (or
    # PYTHONDONTWRITEBYTECODE) would otherwise compile them from source at every start.
    for package in (ROOT / "src" / "tiaojie", ROOT / "tui"):
        compileall.compile_dir(package, quiet=1)
    stamps(EMPTY)  # warm the file cache for both sides before measuring
    info = stamps(tiaojie)
    empty_runs, ours_runs, sign_in_runs, cold_runs = [], [], [], []
    for run in range(args.runs):
        empty_runs.append(stamps(EMPTY))
        ours_runs.append(stamps(tiaojie))
        if sign_in:
            sign_in_runs.append(stamps(sign_in))
            # A start with nothing kept from an earlier one (the first on this machine): the
            # activated set is written out and the labels kept only by the open after the dialog.
            cold_runs.append(stamps(tiaojie, {"TIAOJIE_CACHE": str(Path(tmp.name) / f"cold-{run}")}))

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    where = f"demo database, user {args.user}" if info["ledger"] else "rules only, no database"
    e_first, e_ready = median(empty_runs, "first"), median(empty_runs, "ready")
    o_first, o_ready = median(ours_runs, "first"), median(ours_runs, "ready")
    print(f"launch to first screen, median of {args.runs} (process start → first frame rendered):")
    print(f"  empty Textual app    {e_first * 1000:7.1f} ms")
    print(f"  tiaojie tui          {o_first * 1000:7.1f} ms   ({where})")
    print(f"  ratio tiaojie / empty: {o_first / e_first:.2f}x (target <= 2x)")
    if cold_runs:
        c_first = median(cold_runs, "first")
        print(f"  tiaojie tui, cold   {c_first * 1000:7.1f} ms   (same, nothing kept from an earlier start: ratio "
              f"{c_first / e_first:.2f}x)")
    if sign_in_runs:
        s_first = median(sign_in_runs, "first")
        print(f"  tiaojie tui, no --user {s_first * 1000:7.1f} ms   (the sign-in dialog, as the README's run command opens)")
        print(f"  ratio sign-in / empty: {s_first / e_first:.2f}x")
    o_form = median(ours_runs, "form")
    print(f"  tiaojie tui, signed in {o_form * 1000:7.1f} ms   (the password typed at once: to the form's first frame,"
          f" incl. one argon2id check)")
    print("launch to ready (nothing pending: the ledger open, the whole form mounted, the live panel drawn):")
    print(f"  empty Textual app    {e_ready * 1000:7.1f} ms")
    print(f"  tiaojie tui          {o_ready * 1000:7.1f} ms")
    print(f"  ratio tiaojie / empty: {o_ready / e_ready:.2f}x")
    try:
        print(f"  load average {os.getloadavg()[0]:.2f}")
    except OSError:
        pass
    tmp.cleanup()


if __name__ == "__main__":
    main()
