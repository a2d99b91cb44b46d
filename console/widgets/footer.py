"""The footer every console screen composes instead of Textual's `Footer`.

Textual 8.2.8 leaks in `Footer` (upstream Textualize/textual#6666): each rebuild of the
footer (`refresh_bindings()`, every focus change) composes new `FooterKey` widgets, and
each of them registers a watcher on the long-lived `Footer` (for `compact`). Those watchers
are pruned only when `Footer.compact` changes, so the removed keys (and everything they
reference) stay alive: a desk console grew by ~100 MB over 200 calls.

`ConsoleFooter` pokes `compact` after every recompose, which prunes the watchers of the
keys just removed. Remove that part once Textual ships the fix.

A rebuild also costs tens of milliseconds of the main thread, and Textual queues one per
`refresh_bindings()`; several requests before the next screen update are one rebuild here,
and a rebuild that would show the very keys already shown (a popup replaced by the next
one, focus moving inside a card) is skipped: on a desk most requests change nothing. When
only which keys apply changed (a card came: its keys are live now), the keys on screen are
dimmed or lit in place; new `FooterKey` widgets (and the garbage of the old ones) only come
when the set of keys itself changed.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class ConsoleFooter(Footer):
    """`Footer` without the watcher leak of textual#6666, rebuilding once per burst."""

    _rebuild_pending = False
    _shown: tuple[Any, ...] | None = None  # what the keys on screen were composed from

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        if self._what_to_show() == self._shown:
            self._light_keys()
            return
        await self.recompose()

    def _what_to_show(self) -> tuple[Any, ...]:
        """What `Footer.compose` reads to choose and lay out the keys (not whether each
        applies now): equal values compose the same keys in the same places."""
        return (
            self.show_command_palette,
            self.compact,
            tuple(
                (b.key, b.action, b.description, b.show, b.key_display, b.group)
                for _node, b, _enabled, _tip in self.screen.active_bindings.values()
            ),
        )

    def _light_keys(self) -> None:
        """Dim the keys that no longer apply and light those that do, in place."""
        bindings = self.screen.active_bindings
        for key in self.query(FooterKey):
            found = bindings.get(key.key)
            if found is None:
                continue
            _node, _binding, enabled, tooltip = found
            if key._disabled == enabled:
                key._disabled = not enabled
                key.set_class(not enabled, "-disabled")
            if tooltip and key.tooltip != tooltip:
                key.tooltip = tooltip

    async def recompose(self) -> None:
        self._shown = self._what_to_show() if self.is_attached and self._bindings_ready else None
        await super().recompose()
        self.mutate_reactive(Footer.compact)  # prunes watchers of removed FooterKeys (textual#6666)
