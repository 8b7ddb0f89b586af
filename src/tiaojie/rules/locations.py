"""Where rule sets live: the set shipped with tiaojie, and the directory used when none is given.
Kept apart from the loader so that finding a directory imports nothing heavy."""

from __future__ import annotations

from pathlib import Path

BUNDLED_RULES = Path(__file__).resolve().parent.parent / "bundled_rules"
VOCABULARY_FILE = "fields.toml"


def default_rules_dir(cwd: Path | None = None) -> Path:
    """`./rules` when the working directory has one, else the set shipped with tiaojie."""
    local = (cwd or Path.cwd()) / "rules"
    if (local / VOCABULARY_FILE).is_file():
        return local
    return BUNDLED_RULES


def cache_root() -> Path:
    """The user's cache directory for tiaojie (or ``TIAOJIE_CACHE``): kept rule sets and the
    labels of vocabularies already read live under it."""
    import os

    from platformdirs import user_cache_dir

    return Path(os.environ.get("TIAOJIE_CACHE") or user_cache_dir("tiaojie"))
