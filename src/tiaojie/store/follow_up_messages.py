"""The messages of the follow-up checks (回访抽查), claw-backs and the flags shown to reviewers.
They join the one catalog through ``store/messages.py`` (key → (zh, en))."""

from __future__ import annotations

FOLLOW_UP_MESSAGES: dict[str, tuple[str, str]] = {
}
