"""Every test ledger writes through an activated rule set, as a real one does from its creation:
`activated(ledger)` records the ledger's rules as its activated set — the store rows and audit
entry an activation writes, without the checks a draft must pass — and returns the ledger."""

from __future__ import annotations

from tiaojie.ledger.context import Ledger


def activated(ledger: Ledger, by: str = "tests") -> Ledger:
    files = ledger.rule_files()
    listing = {f["filename"]: f["hash"] for f in files}
    with ledger.uow() as uow:
        latest = uow.rule_sets.latest()
        if latest is None or latest.files != listing:
            uow.rule_sets.keep_files(files)
            set_id = uow.rule_sets.add(by=by, source=str(ledger.rules.book.directory), files=listing, impact={},
                                       warnings=[])
            uow.audit(by, "rules_activate", "rule_sets", set_id, {"files": latest.files} if latest else None,
                      {"files": listing})
            uow.commit()
    ledger.draft = None
    return ledger


__all__ = ["activated"]
