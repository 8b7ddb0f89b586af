"""Typed results that workers post back to the screens (UI events become service calls in worker
threads; what comes back is one of these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from .backend import LiveResult


@dataclass
class LiveComputed(Message):
    """The live panel's verdicts for the form as it stood at `seq`."""

    seq: int
    result: LiveResult


@dataclass
class RulesReport(Message):
    """The outcome of check / test / lint / reload on the Rules screen."""

    action: str  # check | test | lint | reload | impact
    ok: bool
    lines: list[tuple[str, str]]  # (text, style)
    summary: str


@dataclass
class ServiceFailed(Message):
    """A service call from a worker that raised; `text` is already readable."""

    what: str
    text: str


@dataclass
class Loaded(Message):
    """Data a screen asked a worker for: `what` names the request, `data` is the service result."""

    what: str
    data: Any = None
    extra: dict = field(default_factory=dict)


@dataclass
class Progress(Message):
    what: str
    done: int
    total: int
