"""Where activated rule sets are written out to be loaded: one directory per set, named by the
content of its files, under the user's cache directory (or ``TIAOJIE_CACHE``). Kept apart from
the policy-change services so that a glance at the ledger can find a set without the store."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from ..rules.locations import VOCABULARY_FILE, cache_root


def cache_dir() -> Path:
    return cache_root() / "rulesets"


def kept_set_dir(files: dict[str, str], cache: Path | None = None) -> Path:
    """The directory of a kept set (file name → content hash); it is whole once its vocabulary
    file is there, since the set is renamed into place in one step."""
    key = hashlib.sha256("\n".join(f"{n}={h}" for n, h in sorted(files.items())).encode()).hexdigest()[:24]
    return (cache or cache_dir()) / key


def is_whole(directory: Path) -> bool:
    return (directory / VOCABULARY_FILE).is_file()


def rule_files(directory: Path) -> list[dict[str, Any]]:
    """Every TOML file of a rules directory with its content hash (the loader's hash)."""
    files = []
    for path in sorted(Path(directory).glob("*.toml")):
        raw = path.read_bytes()
        policy_id = version = None
        if path.name != VOCABULARY_FILE:
            try:
                header = tomllib.loads(raw.decode("utf-8")).get("policy", {})
                policy_id, version = header.get("id"), header.get("version")
            except (UnicodeDecodeError, tomllib.TOMLDecodeError):
                pass
        files.append({"hash": "sha256:" + hashlib.sha256(raw).hexdigest(), "filename": path.name,
                      "policy_id": policy_id, "version": None if version is None else str(version),
                      "text": raw.decode("utf-8", errors="replace")})
    return files
