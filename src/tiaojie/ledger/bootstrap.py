"""Opening a ledger, in one place: the database, the rules in force in it, kept for later.

The command line and the terminal UI open a ledger here and hand the `Ledger` to the services.
Every ledger has an activated rule set from its creation (`create_ledger`, and the default
location on its first run); the services write only through it. A ledger opened on other rules —
`--rules DIR`, or a ledger made by an older version that has none activated — is a what-if: it
reads, and refuses every write.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..store.db import open_database
from .context import Ledger

if TYPE_CHECKING:
    from ..rules.service import Rules
    from .policy_changes import Activation


def open_ledger(
    db_url: str | None = None,
    rules_dir: Path | str | None = None,
    *,
    today: dt.date | None = None,
    load_rules: "Callable[[Path], Rules] | None" = None,
) -> Ledger:
    """The ledger at `db_url` on its activated rule set; with `rules_dir`, a what-if ledger on
    those rules (it reads, it never writes). `load_rules` opens a directory of rules (default
    `open_rules`); a caller that already holds the set it expects passes one that returns it for
    that directory."""
    from ..rules.locations import BUNDLED_RULES, default_rules_dir
    from ..rules.service import open_rules
    from .activated import activated_dir
    from .policy_changes import start_rules

    first_run = _default_location_missing(db_url)
    engine = open_database(db_url)
    if first_run:  # the default location, made just now: it starts with the bundled set, activated
        start_rules(Ledger(engine=engine, rules=open_rules(BUNDLED_RULES), today=today))
    activated = activated_dir(engine)
    if rules_dir is not None:
        directory, draft = Path(rules_dir), Path(rules_dir)
    elif activated is not None:
        directory, draft = activated, None
    else:  # made by an older version: reads follow the default set, writes wait for an activation
        directory = default_rules_dir()
        draft = directory
    ledger = Ledger(engine=engine, rules=(load_rules or open_rules)(directory), today=today, draft=draft)
    ledger.rule_files()  # the files as just opened, read (not written) now
    if rules_dir is not None and activated is not None and ledger.is_activated_set():
        ledger.draft = None  # a directory holding the activated set, file for file, is no draft
    return ledger


def create_ledger(db_url: str | None, rules_dir: Path | str | None = None, *,
                  today: dt.date | None = None) -> tuple[Ledger, "Activation | None"]:
    """Make a ledger (`tiaojie db init`, the demo): the schema, and its starting rule set
    (`rules_dir`, else the bundled set) activated through the same checks as any activation and
    recorded in the audit log. A ledger that already has an activated set is opened as it is
    (the activation returned is None)."""
    from ..rules.locations import BUNDLED_RULES
    from ..rules.service import open_rules
    from ..store.db import resolve_url, sqlite_file
    from .activated import activated_dir
    from .policy_changes import start_rules

    made = sqlite_file(resolve_url(db_url))
    if made is not None and made.exists():
        made = None  # not ours to remove if the starting set is refused
    engine = open_database(db_url, create=True)
    directory = activated_dir(engine)
    if directory is not None:
        return Ledger(engine=engine, rules=open_rules(directory), today=today), None
    start = Path(rules_dir) if rules_dir is not None else BUNDLED_RULES
    try:
        ledger = Ledger(engine=engine, rules=open_rules(start), today=today)
        return ledger, start_rules(ledger, start)
    except Exception:
        # a refused starting set leaves no ledger behind: a ledger without one could not be written
        engine.dispose()
        if made is not None:
            for leftover in (made, made.with_name(made.name + "-wal"), made.with_name(made.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise


def _default_location_missing(db_url: str | None) -> bool:
    """Whether this open is the first run at the default location (no --db, no TIAOJIE_DB, and
    the file not made yet)."""
    import os

    from ..store.location import ENV_VAR, default_file

    return not db_url and not os.environ.get(ENV_VAR) and not default_file().exists()


__all__ = ["create_ledger", "open_ledger"]
