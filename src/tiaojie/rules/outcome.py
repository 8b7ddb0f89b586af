"""The result of evaluating one case against one policy version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from ..i18n import Lang, Localized
from ..money import format_yuan

Lines = tuple[Localized, ...]


class _Lazy:
    """A field whose value may be given as a zero-argument callable, called on first read.

    Explanations and near misses cost more to build than the rest of an outcome, and batch
    callers often read only the outputs. The field still reads as a tuple
    (and compares, prints and serialises as one)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: object, owner: type | None = None) -> Lines:
        if obj is None:
            return ()  # the dataclass default
        value: Lines | Callable[[], Lines] = obj.__dict__[self.slot]
        if callable(value):
            value = value()
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: object, value: Lines | Callable[[], Lines]) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True)
class Outcome:
    """What a policy decided for a case, which version decided it, and why.

    Outcomes from the batch path are shared between cases that read the same: treat as read-only.
    """

    policy: str
    version: str
    hash: str
    kind: str
    as_of: dt.date
    outputs: dict[str, Any]  # typed: Decimal money, ints, dates, enum ids
    money_outputs: frozenset[str]
    fired: tuple[str, ...]
    explanation: _Lazy = _Lazy()  # reads as a tuple of lines; given as one, or a callable that returns it
    near_misses: _Lazy = _Lazy()  # as `explanation`
    details: dict[str, Any] = field(default_factory=dict)  # violations / allocations / path

    def amount(self, name: str = "amount") -> Decimal:
        return Decimal(self.outputs.get(name, 0))

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        out = {
            "policy": self.policy,
            "version": self.version,
            "hash": self.hash,
            "kind": self.kind,
            "as_of": self.as_of.isoformat(),
            "outputs": {k: _plain(v, k in self.money_outputs) for k, v in self.outputs.items()},
            "fired": list(self.fired),
            "explanation": [line.render(lang) for line in self.explanation],
        }
        if self.near_misses:
            out["near_misses"] = [line.render(lang) for line in self.near_misses]
        for key, value in self.details.items():
            out[key] = _render(value, lang)
        return out


def _plain(value: Any, money: bool = False) -> Any:
    if isinstance(value, Decimal):
        return format_yuan(value) if money else _decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text


def _render(value: Any, lang: Lang) -> Any:
    if isinstance(value, Localized):
        return value.render(lang)
    if isinstance(value, dict):
        return {k: _render(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_render(v, lang) for v in value]
    if isinstance(value, Money):
        return format_yuan(value.amount)
    return _plain(value)


@dataclass(frozen=True)
class Money:
    """Marks a Decimal inside details as yuan, shown with two places."""

    amount: Decimal
