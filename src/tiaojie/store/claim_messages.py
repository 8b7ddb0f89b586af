"""The messages of the subsidy cycle: claims, the review chain's steps, the public notice and its
objections, payment. They join the one catalog through ``store/messages.py`` (key → (zh, en))."""

from __future__ import annotations

CLAIM_MESSAGES: dict[str, tuple[str, str]] = {
}
