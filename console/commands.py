"""Command palette: every action a key can do, findable by its name.

The provider reads the bindings of the screen in front (and the app's), as the footer
shows them — translated and filtered by `check_action` — so a new binding is in the palette
without anyone remembering to add it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


def _entries(node: Screen[Any] | App[Any]) -> Iterator[tuple[Screen[Any] | App[Any], Binding]]:
    seen: set[str] = set()
    for _key, binding in node._bindings:
        if not binding.description or binding.system:
            continue
        ident = binding.id or binding.action
        if ident in seen:
            continue
        seen.add(ident)
        yield node, binding


class ConsoleCommands(Provider):
    """Actions of the current screen, then the app's (mode switches)."""

    def _available(self) -> Iterator[tuple[Screen[Any] | App[Any], Binding]]:
        screen = self.screen
        for node in (screen, self.app):
            for owner, binding in _entries(node):
                checked = owner.check_action(binding.action.split("(")[0], ())
                if checked is False or checked is None:
                    continue
                yield owner, binding

    async def discover(self) -> Hits:
        for owner, binding in self._available():
            yield DiscoveryHit(
                binding.description, partial(owner.run_action, binding.action), help=_help(binding)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for owner, binding in self._available():
            score = matcher.match(binding.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(binding.description),
                    partial(owner.run_action, binding.action),
                    help=_help(binding),
                )


def _help(binding: Binding) -> str:
    key = binding.key_display or binding.key
    return f"{binding.tooltip}  [{key}]" if binding.tooltip else f"[{key}]"
