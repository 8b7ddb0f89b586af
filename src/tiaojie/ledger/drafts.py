"""Rule drafts: named copies of a ledger's activated rule set, where policy staff change rules
before activating them — never the files the set came from, nor the set in force.

A draft is a directory under the user's data directory,
``<user data>/tiaojie/drafts/<ledger>/<name>/``, holding the activated set's files as the ledger
stored them (written out from the store, not copied from ./rules, which may have been edited
since) and ``.draft.json``: which activation it started from, with its files' hashes, so that
what the draft changed can be told and a draft made before a newer activation is noticed. A
ledger may have several drafts; each is checked, tested, linted, diffed, measured and activated
by the same commands as any rules directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import Localized
from ..store.messages import Conflict
from .activated import activated_dir
from .context import Ledger
from .errors import InvalidInput, NotFound, did_you_mean
from .rule_cache import rule_files

META_FILE = ".draft.json"
NAME_LIMIT = 40
# a name is a directory name on every system: no separators, no characters Windows refuses, no
# leading dot (hidden) or space
_NAME = re.compile(r'[^\s./\\:*?"<>|\x00-\x1f][^/\\:*?"<>|\x00-\x1f]*')


def drafts_root() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("tiaojie")) / "drafts"


def ledger_key(ledger: Ledger) -> str:
    """The directory name of a ledger's drafts: its database's name, readable, and a hash of
    where it is (a SQLite file by its full path, a server by its URL without the password)."""
    from ..store.db import sqlite_file

    url = ledger.engine.url
    file = sqlite_file(url.render_as_string(hide_password=True))
    where = f"sqlite:{file.resolve()}" if file is not None else url.render_as_string(hide_password=True)
    stem = (file.stem if file is not None else url.database or "ledger") or "ledger"
    stem = re.sub(r"[^A-Za-z0-9_\-]+", "-", stem).strip("-")[:24] or "ledger"
    return f"{stem}-{hashlib.sha256(where.encode('utf-8')).hexdigest()[:12]}"


def ledger_drafts_dir(ledger: Ledger) -> Path:
    return drafts_root() / ledger_key(ledger)


@dataclass(frozen=True)
class Draft:
    """One draft: its name, its directory, and the activation it was copied from."""

    name: str
    path: Path
    base_set: int | None = None
    base_files: dict[str, str] = field(default_factory=dict)
    created_at: str = ""

    def changed_files(self) -> list[str]:
        """The files the draft changed, added or removed since it was copied, by name."""
        now = {f["filename"]: f["hash"] for f in rule_files(self.path)}
        names = set(now) | set(self.base_files)
        return sorted(n for n in names if now.get(n) != self.base_files.get(n))


def check_name(name: str) -> str:
    """A draft's name as given, stripped; refused when it cannot name a directory."""
    name = (name or "").strip()
    if not name or len(name) > NAME_LIMIT or not _NAME.fullmatch(name):
        raise InvalidInput("draft_bad_name", name=name, limit=NAME_LIMIT)
    return name


def new_draft(ledger: Ledger, name: str) -> Draft:
    """A new draft named `name`: the ledger's activated set, written out from its stored files."""
    name = check_name(name)
    source = activated_dir(ledger.engine)
    if source is None:
        raise NotFound("draft_no_activated_set")
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        assert latest is not None  # activated_dir found it
        base_set, base_files = latest.id, dict(latest.files)
    home = ledger_drafts_dir(ledger)
    target = home / name
    if target.exists():
        raise Conflict("draft_exists", name=name, path=str(target))
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=home, prefix=".new-"))
    try:
        for filename in base_files:
            shutil.copyfile(source / filename, staging / filename)
        meta = {"name": name, "base_set": base_set, "base_files": base_files,
                "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        try:
            os.rename(staging, target)  # a draft appears whole or not at all
        except OSError:
            raise Conflict("draft_exists", name=name, path=str(target)) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return _read(target)


def list_drafts(ledger: Ledger) -> list[Draft]:
    """The ledger's drafts, by name."""
    home = ledger_drafts_dir(ledger)
    if not home.is_dir():
        return []
    return [_read(p) for p in sorted(home.iterdir(), key=lambda p: p.name)
            if p.is_dir() and not p.name.startswith(".")]


def open_draft(ledger: Ledger, name: str) -> Draft:
    """The draft named `name`; refused with the names there are when there is none."""
    target = ledger_drafts_dir(ledger) / (name or "").strip()
    if not (name or "").strip() or not target.is_dir() or target.name.startswith("."):
        names = [d.name for d in list_drafts(ledger)]
        raise NotFound("draft_missing", name=name, hint=did_you_mean(name, names),
                       names=Localized("label", zh="、".join(names), en=", ".join(names)) if names else "—")
    return _read(target)


def activated_since(ledger: Ledger, draft: Draft) -> tuple[int, bool] | None:
    """When a rule set was activated after the draft was copied: (its id, whether it is this
    draft's files — the draft activated — rather than another set this draft would undo)."""
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        if latest is None or latest.id == draft.base_set:
            return None
        activated, files = latest.id, dict(latest.files)
    now = {f["filename"]: f["hash"] for f in rule_files(draft.path)}
    return activated, now == files


def delete_draft(ledger: Ledger, name: str) -> Path:
    draft = open_draft(ledger, name)
    shutil.rmtree(draft.path)
    return draft.path


def _read(path: Path) -> Draft:
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}  # a draft directory made by hand: still a draft, with no known start
    base = meta.get("base_files")
    return Draft(name=path.name, path=path, base_set=meta.get("base_set"),
                 base_files=dict(base) if isinstance(base, dict) else {}, created_at=str(meta.get("created_at", "")))


__all__ = ["Draft", "META_FILE", "check_name", "delete_draft", "drafts_root", "ledger_drafts_dir", "ledger_key",
           "list_drafts", "new_draft", "open_draft"]
