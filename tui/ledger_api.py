"""The ledger services as the screens need them. Everything here calls `tiaojie.ledger` (the
core's service layer); nothing here writes SQL. Imported lazily: without the ledger the app runs
on the rules alone."""

from __future__ import annotations

from typing import Any


def default_store() -> str | None:
    return None


def open_store(store: Any, rules: Any, today: Any = None) -> Any:
    from tiaojie.ledger.context import Ledger  # noqa: F401 - raises ImportError until the ledger lands

    raise NotImplementedError


def resolve_user(ledger: Any, user: Any) -> Any:
    return user


def user_line(backend: Any) -> str:
    return str(getattr(backend.user, "name", ""))


def unit_choices(backend: Any) -> list[tuple[str, Any]]:
    return []
