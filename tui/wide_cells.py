"""Chinese characters kept whole where one widget is drawn over others (a toast, a Select's list).

Textual's compositor cuts every line of the screen at each widget's left and right edge, and
cuts the strip of every widget drawn there at those same columns — also the edges of widgets
*under* it. A double-width character that straddles such a column cannot be halved, so it is
replaced by two spaces: a toast over the case form's result panel read `调整只能登    未关闭的期间`,
the panel's border and padding having cut 记 and 在 (Textual issue #6357, open as of 8.2).

`keep_wide_characters_whole()` changes only that: where a widget's strip would be cut between
two parts that it draws itself (nothing in front of it on either side), a wide character on the
cut stays in the left part, the two parts become one, and the right part's place is held by an
empty strip so that nothing behind claims it. Lines without a wide character on a cut are cut
exactly as before. Partial updates are told where such a joined part really ends.

It replaces two methods of Textual's private `Compositor`, so it is applied only to the Textual
it was written for (8.x, as pinned in pyproject.toml); tests/tui/test_everyone.py shows a toast
over the result panel whole and fails if a Textual upgrade stops this from applying.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from rich.cells import get_character_cell_size
from textual.geometry import Region
from textual.strip import Strip

SUPPORTED_MAJOR = "8."
EMPTY = Strip([], 0)
_applied = False


def keep_wide_characters_whole() -> bool:
    """Apply the change once per process; False when this Textual is not the one it was written for."""
    global _applied
    if _applied:
        return True
    import textual
    from textual._compositor import Compositor

    if not textual.__version__.startswith(SUPPORTED_MAJOR):
        return False
    original_partial = Compositor.render_partial_update

    def render_partial_update(self: Any) -> Any:
        update = original_partial(self)
        joined = getattr(self, "_wide_joined_lines", None)
        if update is not None and joined:
            _fix_ends(update.chops, update.chop_ends, joined)
        return update

    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    Compositor.render_partial_update = render_partial_update  # type: ignore[method-assign]
    _applied = True
    return True


def wide_joins(strip: Strip) -> set[int]:
    """Columns (from the strip's start) that fall inside a double-width character."""
    joins: set[int] = set()
    x = 0
    for segment in strip:
        text = segment.text
        if segment.control:
            continue
        if text.isascii():
            x += len(text)
            continue
        for char in text:
            width = get_character_cell_size(char)
            if width == 2:
                joins.add(x + 1)
            x += width
    return joins


def _render_chops(self: Any, crop: Region, is_rendered_line: Callable[[int], bool]) -> Sequence[Mapping[int, Strip]]:
    """Textual 8.2's `Compositor._render_chops`, but a strip is not cut through a wide character
    between two parts that this widget draws itself (see the module's docstring)."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    joined_lines: set[int] = set()
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips):
            if not is_rendered_line(y):
                continue
            chops_line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            pieces = _pieces(strip, render_x, final_cuts, chops_line)
            if pieces is None:
                pieces = zip(final_cuts, strip.divide([cut - render_x for cut in final_cuts[1:]]))
            else:
                joined_lines.add(y)
            # Painting front to back: the first strip for a cut wins.
            for cut, piece in pieces:
                if chops_line.get(cut) is None:
                    chops_line[cut] = piece
    self._wide_joined_lines = joined_lines
    return chops  # type: ignore[return-value]


def _pieces(strip: Strip, render_x: int, final_cuts: list[int],
            chops_line: dict[int, Strip | None]) -> Iterable[tuple[int, Strip]] | None:
    """The parts of `strip` for the buckets at `final_cuts`, joined across a cut that would halve
    a wide character when both sides are still free; None when no cut needs it."""
    if len(final_cuts) < 3 or all(segment.text.isascii() for segment in strip):
        return None
    joins = wide_joins(strip)
    if not joins:
        return None
    rel = [cut - render_x for cut in final_cuts]
    free = [chops_line.get(cut) is None for cut in final_cuts[:-1]]
    joined = [False] + [rel[i] in joins and free[i - 1] and free[i] for i in range(1, len(rel) - 1)]
    if not any(joined):
        return None
    # A joined cut moves one column right, past the character it would have halved.
    bounds = [0] + [rel[i] + 1 if joined[i] else rel[i] for i in range(1, len(rel) - 1)] + [rel[-1]]
    out: list[tuple[int, Strip]] = []
    run: list[Strip] = []  # the parts joined into the bucket at out[start]
    start = 0
    for i in range(len(rel) - 1):
        piece = strip.crop(bounds[i], max(bounds[i], bounds[i + 1]))
        if joined[i]:
            run.append(piece)
            out.append((final_cuts[i], EMPTY))  # held: nothing behind may draw here
            continue
        if len(run) > 1:
            out[start] = (out[start][0], Strip.join(run))
        start, run = len(out), [piece]
        out.append((final_cuts[i], piece))
    if len(run) > 1:
        out[start] = (out[start][0], Strip.join(run))
    return out


def _fix_ends(chops: Sequence[Mapping[int, Strip | None]], chop_ends: list[list[int]], lines: set[int]) -> None:
    """A partial update writes each part up to its end: a joined part ends where its text does,
    a held one where it starts."""
    for y in lines:
        if y >= len(chops):
            continue
        ends = chop_ends[y] = list(chop_ends[y])
        for index, (x, strip) in enumerate(chops[y].items()):
            if strip is not None and index < len(ends):
                ends[index] = x + strip.cell_length
