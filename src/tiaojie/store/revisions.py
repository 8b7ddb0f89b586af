"""The migrations' head revision, read from the migration files without importing Alembic or
SQLAlchemy: opening a database already at head (nearly every open) needs no more."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*['"]([^'"]+)['"]\s*$""", re.M)
_DOWN = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(.+?)\s*$""", re.M)
_file_head: str | None = None


def file_head_revision() -> str | None:
    """The one revision that no migration file names as its ``down_revision``. None when that is
    not clear-cut (no files, a branch, a merge): then Alembic decides."""
    global _file_head
    if _file_head is not None:
        return _file_head or None
    revisions: set[str] = set()
    downs: set[str] = set()
    try:
        for path in (MIGRATIONS / "versions").glob("*.py"):
            source = path.read_text(encoding="utf-8")
            found = _REVISION.findall(source)
            if not found:
                continue
            below = _DOWN.findall(source)
            if len(found) != 1 or len(below) != 1:
                raise ValueError(path)
            revisions.add(found[0])
            value = below[0]
            if value != "None":
                plain = re.fullmatch(r"""['"]([^'"]+)['"]""", value)
                if plain is None:
                    raise ValueError(path)  # a merge (a tuple): leave it to Alembic
                downs.add(plain.group(1))
    except (OSError, ValueError):
        _file_head = ""
        return None
    heads = revisions - downs
    _file_head = next(iter(heads)) if len(heads) == 1 and downs <= revisions else ""
    return _file_head or None
