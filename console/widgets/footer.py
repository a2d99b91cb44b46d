"""The footer every console screen composes instead of Textual's `Footer`.

Textual 8.2.8 leaks in `Footer` (upstream Textualize/textual#6666): each rebuild of the
footer (`refresh_bindings()`, every focus change) composes new `FooterKey` widgets, and
each of them registers a watcher on the long-lived `Footer` (for `compact`). Those watchers
are pruned only when `Footer.compact` changes, so the removed keys (and everything they
reference) stay alive: a desk console grew by ~100 MB over 200 calls.

`ConsoleFooter` pokes `compact` after every recompose, which prunes the watchers of the
keys just removed. Remove that part once Textual ships the fix.

A rebuild also costs tens of milliseconds of the main thread, and Textual queues one per
`refresh_bindings()`; several requests before the next screen update are one rebuild here.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ConsoleFooter(Footer):
    """`Footer` without the watcher leak of textual#6666, rebuilding once per burst."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(Footer.compact)  # prunes watchers of removed FooterKeys (textual#6666)
