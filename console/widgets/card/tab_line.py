"""One line naming the calls that have a popup; the one shown is highlighted.

Textual's `Tabs` would be a widget per call, an animated underline (a dozen extra screen
updates after each ring, drawn while the next ring may be arriving) and a removal that
completes a little later. The dispatcher needs none of that: a label per call, the current
one reversed, `]`/`[` (ctrl+n in a form) to move and a click to pick. One widget does it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from console.i18n import tr


class PopupTabLine(Static):
    """`show(labels, current)`: labels are (popup id, text), in the order the calls came."""

    DEFAULT_CSS = """
    PopupTabLine { height: 1; width: 1fr; background: $panel; }
    """

    _shown: tuple[object, ...] | None = None  # what the line on screen was drawn from

    def show(
        self, labels: Sequence[tuple[str, str]], current: str | None, *, typing: bool = False
    ) -> None:
        """`typing`: the call shown has its form up, where `]` and `[` are text."""
        # Compared by what it is drawn from: `Content` equality is by text only, and the
        # highlight of the current call is not text.
        drawn = (tuple(labels), current, typing)
        if drawn == self._shown:  # (asked again after each pop: most often unchanged)
            return
        self._shown = drawn
        parts: list[Content] = []
        for n, (popup_id, text) in enumerate(labels, 1):
            style = "bold reverse" if popup_id == current else ""
            # A click runs the screen's `pick_popup` action (popup ids are the dispatcher's
            # own «popup-N»); the text is a variable, so brackets in a caller's name stay text.
            part = Content.from_markup(
                f"[@click=screen.pick_popup('{popup_id}')] $n $text [/]", n=n, text=text
            )
            parts.append(part.stylize(style) if style else part)
        if len(parts) > 1:
            keys = "popup.tabs.keys.typing" if typing else "popup.tabs.keys"
            parts.append(Content.styled(tr(keys), "dim"))
        self.update(Content(" ").join(parts), layout=False)  # fixed size: no layout pass
