"""The ledger's errors: what a service refuses, with a bilingual message naming the place.

Failures of the database itself (unreachable, a schema of another version, a uniqueness rule)
are the store's (`store.messages`); these are the ledger's own verdicts on a request.
"""

from __future__ import annotations

from ..store.messages import LedgerError, Message, did_you_mean


class PermissionDenied(LedgerError):
    """The acting user's role (or unit) does not allow the action."""


class NotFound(LedgerError):
    """No such case, unit, user or version."""


class PeriodClosed(LedgerError):
    """A write that would touch a locked period."""


class InvalidInput(LedgerError):
    """A value, a date order or a request the ledger cannot accept."""


__all__ = ["LedgerError", "PermissionDenied", "NotFound", "PeriodClosed", "InvalidInput", "Message", "did_you_mean"]
