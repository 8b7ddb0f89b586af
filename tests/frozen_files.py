"""Freezing a ledger's files under a running program (`chattr +i`: neither written, renamed nor
removed, even by their owner), for the tests of a ledger that can no longer be written.

Imported by name (`from frozen_files import …`), as pytest puts this directory on the path; a
test's child process gets it with `sys.path.insert(0, TESTS)`. Where `chattr` is missing or not
permitted (no CAP_LINUX_IMMUTABLE, a file system without the flag) the tests skip with
`require_freezing`."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def ledger_files(path: Path | str) -> list[str]:
    """A SQLite ledger's file and its WAL and shared-memory files, as SQLite names them."""
    return [str(path) + suffix for suffix in ("", "-wal", "-shm")]


def can_freeze(probe: Path) -> bool:
    """Whether `chattr +i` works in `probe`'s directory, tried on `probe` (made and removed)."""
    probe.write_text("x")
    try:
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    except FileNotFoundError:
        done = False
    if done:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    probe.unlink()
    return done


def require_freezing(directory: Path) -> None:
    """Skip the test unless files in `directory` can be frozen."""
    if not can_freeze(directory / "frozen-probe"):
        pytest.skip("chattr +i is not permitted here")


def freeze(paths: Sequence[Path | str]) -> None:
    subprocess.run(["chattr", "+i", *map(str, paths)], check=True)


def thaw(paths: Sequence[Path | str]) -> None:
    """Undo `freeze`; quiet about a file that is not there (SQLite may never have made it)."""
    subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)


@contextmanager
def thawed_afterwards(paths: Sequence[Path | str]) -> Iterator[None]:
    """The files thawed when the block ends, however it ends: for a block that freezes them
    itself, or runs a child process that does, so no test leaves behind files none can remove."""
    try:
        yield
    finally:
        thaw(paths)


@contextmanager
def frozen(paths: Sequence[Path | str]) -> Iterator[None]:
    """The files frozen for the block, and thawed after it."""
    with thawed_afterwards(paths):
        freeze(paths)
        yield
