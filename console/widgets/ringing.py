"""The bar that shows calls ringing (or answered) at my phone while the dispatcher works
elsewhere.

It lies over the line above the footer (the status bar, on the main screens) of whatever
screen or dialog is up — not over the top, where the client base's search box is — on a
layer of its own, so the screen below is not laid out again. A ring never moves the
dispatcher's screen, focus or text; the card is one key away (F8) and the same key brings
them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from textual.widgets import Static

from console.i18n import fmt_duration, tr
from console.wording import caller_text

SHOWN_CALLS = 2  # lines for ringing calls; the rest are counted


@dataclass(frozen=True, slots=True)
class RingingCall:
    """What the bar says about one ringing call."""

    state: str  # «Ringing», «Talking»
    ringing: bool  # still ringing (not answered yet)
    number: str | None
    number_raw: str
    caller_name: str | None
    client_name: str | None
    queue: str | None
    rang_at: datetime | None


def ring_line(call: RingingCall, now: datetime) -> str:
    waiting = (now - call.rang_at).total_seconds() if call.rang_at is not None else 0.0
    since = tr("ringing.waiting" if call.ringing else "ringing.since", time=fmt_duration(waiting))
    return tr(
        "ringing.line",
        state=call.state,
        since=since,
        caller=caller_text(call.number, call.number_raw, call.caller_name),
        client=tr("ringing.client", name=call.client_name) if call.client_name else "",
        queue=tr("ringing.queue", queue=call.queue) if call.queue else "",
    )


def bar_text(calls: Sequence[RingingCall], now: datetime, *, back: bool) -> str:
    """Newest call first; `back`: the dispatcher came here with F8 and may go back."""
    lines = [ring_line(call, now) for call in reversed(calls[-SHOWN_CALLS:])]
    if len(calls) > SHOWN_CALLS:
        lines[-1] = tr("ringing.more", count=len(calls) - SHOWN_CALLS) + lines[-1]
    if back:  # F8 goes back first (then, from there, to these calls)
        lines.insert(0, tr("ringing.back"))
    elif lines:  # the key first: a narrow terminal cuts the end of the line
        lines[0] = tr("ringing.go") + lines[0]
    return "\n".join(lines)


class RingingBar(Static):
    """Mounted into a screen the first time a call rings while it is up; hidden when idle."""

    DEFAULT_CSS = """
    RingingBar { layer: ringing; dock: bottom; margin-bottom: 1; width: 1fr; height: auto;
                 padding: 0 1; background: $success-darken-2; color: $text; text-style: bold;
                 text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__("", id="ringing-bar")
        self.text = ""

    def say(self, text: str) -> None:
        if text != self.text:
            # Laid out again only when its height changes: it is updated every second
            # (the waiting times), maybe while a ring's card is on its way.
            grows = text.count("\n") != self.text.count("\n")
            self.text = text
            self.update(text, layout=grows)
        self.display = bool(text)
