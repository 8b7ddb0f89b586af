"""A ledger whose mediation reward changes version in the middle of May 2026 — for the tests of
periods that span two versions."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from activated_rules import activated

from tiaojie.ledger.context import Ledger
from tiaojie.rules.service import open_rules

ROOT = Path(__file__).resolve().parents[2]


def reward_split_in_may(ledger: Ledger, tmp_path: Path, edit: Callable[[str], str] = lambda text: text) -> Ledger:
    """The same database under a copy of the shipped rules in which mediation-reward 2026.1 ends
    on 15 May and 2026.2 (its text passed through `edit`) starts on the 16th. Close its rules."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    old = rules_dir / "mediation-reward-2026.toml"
    text = old.read_text(encoding="utf-8")
    old.write_text(text.replace("effective_from = 2026-01-01", "effective_from = 2026-01-01\neffective_until = 2026-05-15"),
                   encoding="utf-8")
    new = text.replace('version = "2026.1"', 'version = "2026.2"').replace("effective_from = 2026-01-01",
                                                                        "effective_from = 2026-05-16")
    new = new.replace("settled_on = 2026-03-02", "settled_on = 2026-06-02")  # its examples fall in its range
    (rules_dir / "mediation-reward-2026b.toml").write_text(edit(new), encoding="utf-8")
    return activated(Ledger(engine=ledger.engine, rules=open_rules(rules_dir), today=ledger.today))
