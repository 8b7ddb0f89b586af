"""The command line's session: the token `tiaojie login` received, kept between commands in the
user's config directory (``<config>/tiaojie/sessions/<sha256 of the ledger's URL>.json``, mode
0600), so that later commands act without the password. One file per ledger; the ledger keeps
only the token's SHA-256, so the file alone is worth nothing once the token expires or is revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Session:
    user: str
    token: str
    expires: dt.datetime


def sessions_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("tiaojie")) / "sessions"


def session_path(ledger_url: str) -> Path:
    from ..store.db import safe_url

    return sessions_dir() / (hashlib.sha256(safe_url(ledger_url).encode("utf-8")).hexdigest() + ".json")


def read_session(ledger_url: str) -> Session | None:
    """The session kept for this ledger; None when there is none (or the file is not one)."""
    path = session_path(ledger_url)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Session(str(data["user"]), str(data["token"]), dt.datetime.fromisoformat(data["expires"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_session(ledger_url: str, session: Session) -> Path:
    """Keep a session readable by its owner only (the directory 0700, the file 0600)."""
    path = session_path(ledger_url)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps({"user": session.user, "token": session.token, "expires": session.expires.isoformat()})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)  # a file left by an older run keeps no wider mode
        out.write(text)
    return path


def forget_session(ledger_url: str) -> bool:
    try:
        session_path(ledger_url).unlink()
        return True
    except FileNotFoundError:
        return False
