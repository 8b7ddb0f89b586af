"""Opening a ledger, in one place: the database, the rules in force in it, kept for later.

The command line and the terminal UI open a ledger here and hand the `Ledger` to the services.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..store.db import open_database
from .context import Ledger

if TYPE_CHECKING:
    from ..rules.service import Rules


def open_ledger(
    db_url: str | None = None,
    rules_dir: Path | str | None = None,
    *,
    today: dt.date | None = None,
    load_rules: "Callable[[Path], Rules] | None" = None,
) -> Ledger:
    """The ledger at `db_url` with the rules of `rules_dir`, else the set in force in it.
    `load_rules` opens a directory of rules (default `open_rules`); a caller that already holds
    the set it expects passes one that returns it for that directory."""
    from ..rules.service import open_rules
    from .policy_changes import rules_in_force_dir

    engine = open_database(db_url)
    directory = Path(rules_dir) if rules_dir is not None else rules_in_force_dir(engine)
    ledger = Ledger(engine=engine, rules=(load_rules or open_rules)(directory), today=today)
    ledger.rule_files()  # the files as just opened, read (not written) now
    # Nothing is written on opening: the files of the rules in force are kept by the writes that
    # store what they decide (`Ledger.keep_rules_in`), so a read or a refused command writes nothing.
    return ledger


__all__ = ["open_ledger"]
