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

TAB_CELLS = 40  # a tab's most cells: a long organisation name must leave room for others


class PopupTabLine(Static):
    """`show(labels, current)`: labels are (popup id, text), in the order the calls came.

    The line never wraps: when the tabs do not fit, those around the current one are shown
    and «+N» at either end counts the calls beyond it (the keys still reach them)."""

    DEFAULT_CSS = """
    PopupTabLine { height: 1; width: 1fr; background: $panel; text-wrap: nowrap;
                   text-overflow: clip; }
    """

    _shown: tuple[object, ...] | None = None  # what the line on screen was drawn from
    _asked: tuple[tuple[tuple[str, str], ...], str | None, bool, bool] = ((), None, False, False)

    def show(
        self,
        labels: Sequence[tuple[str, str]],
        current: str | None,
        *,
        typing: bool = False,
        ended: bool = False,
    ) -> None:
        """`typing`: the call shown has its form up, where `]`, `[` and `X` are text;
        `ended`: some of the calls are over (X dismisses them, outside a form)."""
        # Compared by what it is drawn from: `Content` equality is by text only, and the
        # highlight of the current call is not text.
        self._asked = (tuple(labels), current, typing, ended)
        drawn = (*self._asked, self.size.width)
        if drawn == self._shown:  # (asked again after each pop: most often unchanged)
            return
        self._shown = drawn
        tabs: list[Content] = []
        for n, (popup_id, text) in enumerate(labels, 1):
            style = "bold reverse" if popup_id == current else ""
            # A click runs the screen's `pick_popup` action (popup ids are the dispatcher's
            # own «popup-N»); the text is a variable, so brackets in a caller's name stay text.
            part = Content.from_markup(
                f"[@click=screen.pick_popup('{popup_id}')] $n $text [/]",
                n=n,
                text=_shortened(text, TAB_CELLS),
            )
            tabs.append(part.stylize(style) if style else part)
        hints = []
        if len(tabs) > 1:
            hints.append(tr("popup.tabs.keys.typing" if typing else "popup.tabs.keys"))
        if ended and not typing:  # (in a form X is a letter: Esc first)
            hints.append(tr("popup.tabs.keys.ended"))
        keys = Content.styled("".join(hints), "dim") if hints else None
        at = next((n for n, (popup_id, _t) in enumerate(labels) if popup_id == current), 0)
        line = fit_tabs(tabs, at, keys, self.size.width or 10_000)
        self.update(line, layout=False)  # fixed size: no layout pass

    def on_resize(self) -> None:
        labels, current, typing, ended = self._asked
        self.show(labels, current, typing=typing, ended=ended)  # the tabs that fit the new width


def _shortened(text: str, cells: int) -> str:
    return text if len(text) <= cells else text[: cells - 1] + "…"


def fit_tabs(tabs: Sequence[Content], at: int, keys: Content | None, width: int) -> Content:
    """The tabs that fit in `width` cells around tab `at`, «+N» for those left out on
    either side, and the keys' hint if there is room for it too."""
    gap = Content(" ")

    def line(first: int, last: int) -> Content:
        parts: list[Content] = []
        if first > 0:
            parts.append(Content.styled(tr("popup.tabs.more_left", count=first), "bold"))
        parts.extend(tabs[first : last + 1])
        if last < len(tabs) - 1:
            parts.append(
                Content.styled(tr("popup.tabs.more_right", count=len(tabs) - 1 - last), "bold")
            )
        return gap.join(parts)

    if not tabs:
        return Content("")
    first = last = min(max(at, 0), len(tabs) - 1)
    while True:  # grow around the current tab, to the right first (the newer calls)
        grown = False
        if last + 1 < len(tabs) and line(first, last + 1).cell_length <= width:
            last += 1
            grown = True
        if first > 0 and line(first - 1, last).cell_length <= width:
            first -= 1
            grown = True
        if not grown:
            break
    shown = line(first, last)
    if keys is not None and (shown + keys).cell_length <= width:
        shown += keys
    return shown
