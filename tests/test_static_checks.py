"""The static checks are part of the test command: the linter (ruff), the type checker (mypy) and the
import contracts (import-linter: the layers, the core without the terminal UI, no import loops).

Each runs from the repository root with the tools installed beside this interpreter (the `test`
extra), configured in pyproject.toml. None of them is ever skipped: a missing tool is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> None:
    exe = BIN / tool
    assert exe.exists(), f"{exe} is missing: install the test extra (pip install -e '.[test]')"
    # this checkout's packages first, whichever checkout the environment was installed from
    path = os.pathsep.join(p for p in (str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")) if p)
    done = subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=path))
    assert done.returncode == 0, f"{tool} {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"


def test_ruff():
    _run("ruff", "check", "--no-fix", "--output-format", "concise")


def test_mypy():
    # files, plugins and per-module settings come from [tool.mypy]; the cache makes later runs incremental
    _run("mypy")


def test_import_contracts():
    _run("lint-imports", "--no-logo")
