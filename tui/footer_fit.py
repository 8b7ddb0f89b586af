"""Which keys the footer shows, so that they fit on one line of the terminal as it is now.

Textual's footer scrolls sideways when its keys are wider than the terminal: the keys past the
edge are there but unseen. Instead the footer is compact, the F-keys carry short labels (their
full names are their tooltips and the palette's entries), the F-key of the screen shown is left
out, and when that is still too wide the keys least needed here are left off the footer — still
bound, listed in the command palette and the keys panel. What goes first: a screen's keys after
its first three, then the other screens' F-keys (from the last), then the screen's first keys.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from rich.cells import cell_len
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen

SCREEN_FIRST = 3  # a screen's keys kept before the F-keys are: what its work needs most


def goto_target(action: str) -> str | None:
    """The screen an F-key's action opens (`goto('ledger')` → `ledger`), else None."""
    if action.startswith("goto(") and action.endswith(")"):
        return action[5:-1].strip("'\"")
    return None


def key_width(key_display: str, description: str) -> int:
    """A key's cells in the compact footer: the key, a space, its description, a space after."""
    return cell_len(key_display) + 1 + cell_len(description) + 1


def fit_footer(bindings: dict[str, ActiveBinding], width: int, screen_id: str,
               key_display: Callable[[Binding], str], palette_key: str | None,
               short_label: Callable[[str], str]) -> dict[str, ActiveBinding]:
    """`bindings` (a screen's `active_bindings`) with `show` turned off for the keys the footer
    has no room for at `width` cells, and the F-keys relabelled short (full name as tooltip)."""
    out = dict(bindings)
    shown: list[tuple[str, int, str]] = []  # (key, width, kind), in the footer's order
    actions: set[str] = set()
    for key, active in bindings.items():
        binding = active.binding
        target = goto_target(binding.action)
        if target is not None and binding.show:
            if target == screen_id:  # the screen shown: its own F-key leads nowhere
                out[key] = active._replace(binding=replace(binding, show=False))
                continue
            label = short_label(target)
            binding = replace(binding, description=label, tooltip=binding.description)
            out[key] = active._replace(binding=binding)
        if not binding.show or key == palette_key or binding.action in actions:
            continue
        actions.add(binding.action)  # the footer shows one key per action
        kind = "goto" if target is not None else "screen" if isinstance(active.node, Screen) else "other"
        shown.append((key, key_width(key_display(binding), binding.description), kind))
    used = sum(w for _, w, _ in shown)
    if palette_key in out:
        palette = out[palette_key].binding
        used += 1 + key_width(key_display(palette), palette.description)  # its left border
    if width <= 0 or used <= width:
        return out
    screen_keys = [entry for entry in shown if entry[2] == "screen"]
    order = (list(reversed(screen_keys[SCREEN_FIRST:])) + list(reversed([e for e in shown if e[2] == "goto"]))
             + list(reversed(screen_keys[:SCREEN_FIRST])))
    for key, cells, _ in order:
        if used <= width:
            break
        active = out[key]
        out[key] = active._replace(binding=replace(active.binding, show=False))
        used -= cells
    return out
