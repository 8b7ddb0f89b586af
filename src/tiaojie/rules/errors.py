"""Located errors in rule files: `path:line: message`, in Chinese or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..i18n import Lang, Localized, tr

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class RuleError:
    """One problem in one rule file, found at a key path that the locator turns into a line."""

    path: Path
    line: int | None
    key: str  # what kind of problem it is (`toml_syntax`, `wrong_type`, …): stable for tests and tools
    params: dict = field(default_factory=dict, hash=False, compare=False)
    loc: Loc = ()
    # The words, when they are not the key's own message with `params` (a TOML syntax error said
    # with its hint, a schema error said through the validation table).
    text: Localized | None = field(default=None, hash=False, compare=False)

    def message(self, lang: Lang = "zh") -> str:
        if self.text is not None:
            return self.text.render(lang)
        return tr(self.key, lang, **self.params)

    def render(self, lang: Lang = "zh") -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message(lang)}"


class RuleSetError(Exception):
    """A rule set that did not load; the working set, if any, stays in force."""

    def __init__(self, errors: Iterable[RuleError]):
        self.errors = list(errors)
        super().__init__("\n".join(e.render("en") for e in self.errors))

    def render(self, lang: Lang = "zh") -> str:
        return "\n".join(e.render(lang) for e in self.errors)


class EvaluationError(Exception):
    """A case that cannot be evaluated: bad input, no policy in force, a unique table with two hits."""

    def __init__(self, key: str, **params: object):
        self.key = key
        self.params = params
        super().__init__(tr(key, "en", **params))

    def message(self, lang: Lang = "zh") -> str:
        return tr(self.key, lang, **self.params)

    @property
    def localized(self) -> Localized:
        """The message, to be rendered later in either language (inside another message)."""
        return Localized(self.key, **self.params)
