"""The ledger's activated rule set: the newest activation's files, written out from the store to
a directory named by their content and loaded from there — never from the files on disk the set
came from, which may have been edited since."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..rules.service import Rules, default_rules_dir, open_rules
from .context import Ledger
from .errors import NotFound
from .rule_cache import cache_dir, is_whole, kept_set_dir


def _materialise(uow, files: dict[str, str], cache: Path) -> Path:  # noqa: ANN001
    """Write a kept set to a directory named by its content; an existing one is reused whole."""
    target = kept_set_dir(files, cache)
    if is_whole(target):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".staging-"))
    for name, content_hash in files.items():
        row = uow.rule_sets.file(content_hash)
        if row is None:
            raise NotFound("no_such_version", policy=name, hash=content_hash)
        (staging / name).write_text(row.text, encoding="utf-8")
    try:
        os.replace(staging, target)  # readers see no directory or a whole one
    except OSError:  # another process won the race with the same content
        for leftover in staging.iterdir():
            leftover.unlink()
        staging.rmdir()
    return target


def activated_dir(ledger_engine) -> Path | None:  # noqa: ANN001
    """The directory of the ledger's activated rule set (written out from its stored files), or
    None when the ledger has none (one made by an older version)."""
    from ..store.uow import SqlUnitOfWork

    with SqlUnitOfWork(ledger_engine) as uow:
        latest = uow.rule_sets.latest()
        return None if latest is None else _materialise(uow, latest.files, cache_dir())


def rules_in_force_dir(ledger_engine, fallback: Path | None = None) -> Path:  # noqa: ANN001
    """The directory of the rule set in force for a ledger: its activated set, else (a ledger
    with none activated, which reads but refuses writes) the directory given, or ./rules, or the
    bundled set."""
    return activated_dir(ledger_engine) or Path(fallback or default_rules_dir())


def write_out(ledger: Ledger, files: dict[str, str]) -> None:
    """Write a set just activated out to the cache, so the next start finds it at a glance (a
    cache that cannot be written only means the next start opens the ledger in full first)."""
    try:
        with ledger.uow() as uow:
            _materialise(uow, files, cache_dir())
    except OSError:
        pass


def activated_rules(ledger: Ledger) -> Rules | None:
    """The ledger's activated set as rules, from its stored files (the ledger's own rules when
    they are that set, file for file); None when nothing was activated."""
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        if latest is None:
            return None
        if ledger.draft is None and set(latest.files.values()) == ledger.rule_hashes():
            return ledger.rules
        directory = _materialise(uow, latest.files, cache_dir())
    return open_rules(directory)


__all__ = ["activated_dir", "activated_rules", "rules_in_force_dir", "write_out"]
