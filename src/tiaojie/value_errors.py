"""A value that does not fit its field — raised by the vocabulary, caught by every reader of user
input. Kept apart from `tiaojie.vocabulary` so that catching it does not load the schema models."""

from __future__ import annotations

from .i18n import Localized


class InvalidValue(ValueError):
    """A value that does not fit its field; carries a message rendered in either language."""

    def __init__(self, detail: Localized | str):
        self.detail = detail
        super().__init__(detail.render("en") if isinstance(detail, Localized) else detail)
