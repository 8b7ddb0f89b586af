"""Helpers shared by the rules-core tests (importable as `rules_helpers`: tests/rules is on sys.path)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RULES_DIR = REPO / "rules"
FIXTURES = REPO / "tests" / "fixtures"

def write_rules(directory: Path, policies: dict[str, str] | None = None, *, fields: str | None = None,
                copy_shipped: tuple[str, ...] = ()) -> Path:
    """A rules directory: the shipped fields.toml (or `fields` text), copies of some shipped
    policy files, and the given policy files (name → TOML text, dedented)."""
    directory.mkdir(parents=True, exist_ok=True)
    if fields is None:
        shutil.copy(RULES_DIR / "fields.toml", directory / "fields.toml")
    else:
        (directory / "fields.toml").write_text(textwrap.dedent(fields), encoding="utf-8")
    for name in copy_shipped:
        shutil.copy(RULES_DIR / name, directory / name)
    for name, text in (policies or {}).items():
        path = directory / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory
