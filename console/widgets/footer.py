"""The footer every console screen composes instead of Textual's `Footer`.

Textual 8.2.8 leaks in `Footer` (upstream Textualize/textual#6666): each rebuild of the
footer (`refresh_bindings()`, every focus change) composes new `FooterKey` widgets, and
each of them registers a watcher on the long-lived `Footer` (for `compact`). Those watchers
are pruned only when `Footer.compact` changes, so the removed keys (and everything they
reference) stay alive: a desk console's memory grew with every call (the figure is in
docs/performance.md, «Pop path: what the code avoids, and why»).

`ConsoleFooter` pokes `compact` after every recompose, which prunes the watchers of the
keys just removed. Remove that part once Textual ships the fix.

A rebuild also costs the main thread time on the pop path (same section), and Textual
queues one per `refresh_bindings()`; several requests before the next screen update are one
rebuild here, and a rebuild that would show the very keys already shown (a popup replaced
by the next one, focus moving inside a card) is skipped: on a desk most requests change
nothing. When only which keys apply changed (a card came: its keys are live now), the keys
on screen are dimmed or lit in place; new `FooterKey` widgets (and the garbage of the old
ones) only come when the set of keys itself changed.

The footer also fits the terminal: Textual's `Footer` lays every key out in one line and
lets the terminal cut it («f2 Кли▏»). Here the keys are taken in the order they act — the
focused widget's, then the screen's, then the app's; F8 to a ringing call's card first —
as long as they fit whole beside the palette key; the rest are left out (the palette lists
every command).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# FooterKey's own padding (Textual 8.2.8, not compact): " key " then "description ".
KEY_PADDING = 3
# The palette key, docked right, also has a border on its left and padding on its right.
PALETTE_EXTRA = 2
# Keys shown before all others while they act, however narrow the terminal: F8 to the card
# of a call ringing at my phone (or back from it) cannot wait behind a screen's own keys.
FIRST_KEYS = frozenset({"app.ringing", "app.ringing.back"})


ShownKey = tuple[Binding, bool, str]  # a binding, whether it acts now, its tooltip


def key_width(key_display: str, description: str) -> int:
    """Cells one key takes in the footer."""
    return cell_len(key_display) + cell_len(description) + KEY_PADDING


def fit_keys(widths: Iterable[int], room: int) -> int:
    """How many of the keys (in order of importance) fit whole in `room` cells."""
    used = count = 0
    for width in widths:
        if used + width > room:
            break
        used += width
        count += 1
    return count


class ConsoleFooter(Footer):
    """`Footer` without the watcher leak of textual#6666, rebuilding once per burst."""

    _rebuild_pending = False
    _shown: tuple[Any, ...] | None = None  # what the keys on screen were composed from
    _laid_out_width = 0

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
        """What `compose` reads to choose and lay out the keys (not whether each applies
        now): equal values compose the same keys in the same places."""
        keys, palette = self._layout()
        return (
            self.show_command_palette,
            self.compact,
            tuple((b.key, b.action, b.description, b.key_display) for b, _e, _t in keys),
            palette is not None,
        )

    def _layout(self) -> tuple[list[ShownKey], ShownKey | None]:
        """The keys that fit whole beside the palette key, most important first (one per
        action, in the order they act: the focused widget's, the screen's, the app's),
        and the palette key."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING
        by_action: dict[str, ShownKey] = {}
        for key, (_node, binding, enabled, tooltip) in active.items():
            if binding.show and key != palette_key and binding.action not in by_action:
                by_action[binding.action] = (binding, enabled, tooltip)
        if self.screen.is_modal:  # a dialog: its keys, and F8 too (it acts over a dialog)
            for _key, binding in self.app._bindings:
                if (
                    binding.id in FIRST_KEYS
                    and binding.action not in by_action
                    and self.app.check_action(binding.action, ())
                ):
                    by_action[binding.action] = (binding, True, binding.tooltip)
        keys = sorted(by_action.values(), key=lambda shown: shown[0].id not in FIRST_KEYS)
        room = self.size.width or self.app.size.width
        palette: ShownKey | None = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette_key in active:
            _node, binding, enabled, tooltip = active[palette_key]
            palette = (binding, enabled, tooltip)
            room -= key_width(self.app.get_key_display(binding), binding.description)
            room -= PALETTE_EXTRA
        widths = [key_width(self.app.get_key_display(b), b.description) for b, _e, _t in keys]
        return keys[: fit_keys(widths, room)], palette

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys, palette = self._layout()
        for binding, enabled, tooltip in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            binding, enabled, _tooltip = palette
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self, event: events.Resize) -> None:
        """Another width may fit more keys or fewer."""
        if event.size.width != self._laid_out_width:
            self._laid_out_width = event.size.width
            if self._bindings_ready:
                self.bindings_changed(self.screen)

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
