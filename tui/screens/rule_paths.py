"""Where rule files are, as the rules screen says it: a path as policy staff know it, and whether a
directory is one to edit rules in at all."""

from __future__ import annotations

from pathlib import Path


def shown_path(path: Path | str, base: Path) -> str:
    """A rule file's path as policy staff know it: relative to the working directory when it is
    below it, else relative to the rules directory's parent, else as is."""
    path = Path(path)
    for root in (Path.cwd(), base.resolve().parent):
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            continue
    return str(path)


def directory_kind(directory: Path) -> str | None:
    """"bundled" for the rule set shipped with tiaojie, "kept" for an activated set written out to
    the cache: neither is the place to edit rules. None for a directory of the user's own."""
    from tiaojie.ledger.rule_cache import cache_dir
    from tiaojie.rules.service import BUNDLED_RULES

    here = Path(directory).absolute()
    if here == BUNDLED_RULES:  # as named, not resolved: a checkout's ./rules is where it is edited
        return "bundled"
    if here.resolve().is_relative_to(cache_dir().resolve()):
        return "kept"
    return None


__all__ = ["directory_kind", "shown_path"]
