"""Import contracts of the core:

* `tiaojie` and every one of its modules import without the terminal UI: `textual` and `tui` are
  never loaded (checked in a fresh interpreter, so nothing else in the test run can hide it);
* nothing outside `tiaojie/rules/engine.py` imports the rules engine (`durable`);
* the command line and the terminal UI open no unit of work: they call services and views, which
  decide what a user may see and write.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "tiaojie"
ENGINE_MODULE = PACKAGE / "rules" / "engine.py"

WALK = r"""
import importlib, json, pkgutil, sys
import tiaojie
names = ["tiaojie"]
for info in pkgutil.walk_packages(tiaojie.__path__, "tiaojie."):
    if info.name.rsplit(".", 1)[-1] == "__main__":
        continue  # running the CLI is not importing it
    importlib.import_module(info.name)
    names.append(info.name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "tui"))
print(json.dumps({"imported": names, "ui": ui, "file": tiaojie.__file__}))
"""


def test_core_imports_without_the_terminal_ui():
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True, env=env,
                          cwd=str(SRC.parent), timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(report["file"]).resolve().is_relative_to(PACKAGE.resolve())
    imported = set(report["imported"])
    # the walk really reached the core: rules, calculators, the CLI
    for name in ("tiaojie.rules.engine", "tiaojie.rules.loader", "tiaojie.rules.evaluate", "tiaojie.rules.service",
                 "tiaojie.calc.dividend", "tiaojie.calc.escalation", "tiaojie.vocabulary", "tiaojie.money"):
        assert name in imported
    expected = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        expected.add(".".join(("tiaojie",) + parts))
    assert expected <= imported, sorted(expected - imported)
    assert report["ui"] == [], f"the core loaded the terminal UI: {report['ui']}"


_DURABLE = re.compile(r"^\s*(?:import|from)\s+durable(?:_rules_engine|\b)|import_module\(\s*['\"]durable", re.M)


def test_only_the_engine_module_imports_durable():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if _DURABLE.search(text) and path.resolve() != ENGINE_MODULE.resolve():
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
    # and the pattern does find the engine's own imports, so the check can fail
    assert _DURABLE.search(ENGINE_MODULE.read_text(encoding="utf-8"))


_UNIT_OF_WORK = re.compile(r"\.uow\(\)|\buow\.session\b")
FRONT_ENDS = (PACKAGE / "cli", SRC.parent / "tui")


def test_the_command_line_and_the_screens_open_no_unit_of_work():
    offenders = [f"{path.relative_to(SRC.parent)}:{n}"
                 for front in FRONT_ENDS for path in sorted(front.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _UNIT_OF_WORK.search(line)]
    assert offenders == []
    # and the pattern finds a service's own use, so the check can fail
    assert _UNIT_OF_WORK.search((PACKAGE / "ledger" / "claims.py").read_text(encoding="utf-8"))
