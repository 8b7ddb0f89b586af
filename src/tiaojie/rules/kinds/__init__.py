"""The kinds of policy, each one strategy (`PolicyKind`), and the table that names them.

A new kind is a module here and an entry in `KINDS` (and its name among the rule file's kinds).
The order of the table is the order in which the kinds' own sections are checked.
"""

from __future__ import annotations

from typing import Mapping

from .banquet import BanquetKind
from .base import Decision, PolicyKind
from .chain import ChainKind
from .dividend import DividendKind
from .escalation import EscalationKind
from .table import RewardKind, TableKind

KindTable = Mapping[str, PolicyKind]

KINDS: KindTable = {
    kind.name: kind for kind in (RewardKind(), TableKind(), BanquetKind(), DividendKind(), EscalationKind(),
                                  ChainKind())
}

__all__ = ["KINDS", "Decision", "KindTable", "PolicyKind"]
