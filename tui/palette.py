"""The command palette in the UI's language. Textual writes the line it shows when nothing
matches in English; this palette says it in the UI's language."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, ProviderSource

from .strings import Lang, tr

# The id Textual gives the line that says nothing matched (CommandPalette._NO_MATCHES).
NO_MATCHES_ID = getattr(CommandPalette, "_NO_MATCHES", "--no-matches")


class Palette(CommandPalette):
    def __init__(self, lang: Lang, providers: ProviderSource | None = None, *, placeholder: str,
                 id: str | None = None):  # noqa: A002 - Textual's own name for it
        super().__init__(providers, placeholder=placeholder, id=id)
        self.lang = lang

    def watch__list_visible(self, visible: bool) -> None:
        # Textual shows its list again once it has added the "No matches found" line to it.
        if not visible:
            return
        results = self.query_one(CommandList)
        if results.option_count == 1 and results.get_option_at_index(0).id == NO_MATCHES_ID:
            results.replace_option_prompt(
                NO_MATCHES_ID, Align.center(Text(tr("palette_no_matches", self.lang), style="not bold")))
