"""Where the ledger lives when nobody says: ``TIAOJIE_DB``, else a SQLite file in the user's data
directory. Kept apart from `db` so that finding it needs no SQLAlchemy."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TIAOJIE_DB"


def default_file() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("tiaojie")) / "tiaojie.sqlite"


def default_url() -> str:
    return f"sqlite:///{default_file()}"


def default_store() -> str | None:
    """The database to open when none is given: ``TIAOJIE_DB``, else the default SQLite file
    when it exists (None: there is no ledger yet)."""
    given = os.environ.get(ENV_VAR)
    if given:
        return given
    path = default_file()
    return str(path) if path.is_file() else None
