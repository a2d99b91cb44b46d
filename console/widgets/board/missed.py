"""Today's missed callers, one line per number: the board's «to call back» panel and
History's missed tab are this one table.

Each line says who called (number, client or caller ID name, queue), how many times and
when (first and last), how many call-backs were dialled since and how the last one ended,
and how long the number has waited to be returned; a returned number says when and how
(«✓ called back 10:32», or the client got through on their own), a number closed without
a call-back says when, why and by whom («✕ closed 10:40 — spam (Вера (103))»); both are
dimmed below the unreturned ones. The state is the database's (`storage.call_backs`), so
every console shows the same and a restart changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.text import Text

from console.data import MissedNumber
from console.i18n import fmt_duration, fmt_number, fmt_time, tr
from console.widgets.board.live_table import LiveTable
from console.widgets.columns import ColumnSpec
from console.wording import caller_number, close_reason

RETURNED_STYLE = "dim"
TICK_STYLE = "green"
CLOSED_STYLE = "yellow"


def unreturned(rows: Iterable[MissedNumber]) -> int:
    """How many of these numbers still wait to be called back."""
    return sum(1 for m in rows if not m.returned)


def who_called(row: MissedNumber) -> str:
    """The client who owns the number, else what the caller ID said, in «» (as the board's
    live half writes it)."""
    if row.client_name:
        return row.client_name
    return f"«{row.name}»" if row.name else ""


def missed_cells(row: MissedNumber, now: datetime) -> dict[str, Text]:
    """The cells of one missed number at `now` (the «unreturned» column ticks)."""
    style = RETURNED_STYLE if row.returned else ""
    if row.closed and row.returned_at is not None:
        status = Text(
            tr(
                "callbacks.status.closed",
                time=fmt_time(row.returned_at),
                reason=close_reason(row.close_reason or ""),
                who=row.closed_by or "",
            ),
            style=CLOSED_STYLE,
        )
        # The mark stays where the status column is dropped (80 columns): the line still
        # tells closed from returned, and from a number still waiting.
        waiting = Text("✕", style=CLOSED_STYLE, justify="right")
    elif row.returned_at is not None:
        status = Text(
            tr(f"callbacks.status.{row.returned_how}", time=fmt_time(row.returned_at)),
            style=TICK_STYLE,
        )
        waiting = Text("✓", style=TICK_STYLE, justify="right")
    else:
        outcome = row.last_outcome or "dialling"
        status = Text(tr(f"callbacks.outcome.{outcome}") if row.attempts else "")
        age = max(0.0, (now - row.first_at).total_seconds())
        waiting = Text(fmt_duration(age), justify="right", style="bold")
    return {
        "caller": Text(caller_number(row.number, row.number_raw), style=style),
        "client": Text(who_called(row), style=style),
        "queue": Text(row.queue or "", style=style),
        "missed": Text(fmt_number(row.missed), style=style, justify="right"),
        "first": Text(fmt_time(row.first_at), style=style),
        "last": Text(fmt_time(row.last_at), style=style),
        "attempts": Text(fmt_number(row.attempts), style=style, justify="right"),
        "waiting": waiting,
        "status": status,
    }


class MissedPanel(LiveTable):
    """Missed numbers of the desk's day, the unreturned first (the longest wait on top);
    the row under the cursor is the number the call-back key dials."""

    CURSOR = True
    LABELS = "callbacks.col"
    COLUMNS = (
        ColumnSpec("caller", ""),
        ColumnSpec("client", "", shrink_to=16),
        ColumnSpec("queue", "", drop=6),
        ColumnSpec("missed", "", drop=2),
        ColumnSpec("first", "", drop=4),
        ColumnSpec("last", "", drop=7),
        ColumnSpec("attempts", "", drop=3),
        ColumnSpec("waiting", ""),
        ColumnSpec("status", "", drop=1),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.missed: list[MissedNumber] = []

    def show_missed(self, rows: Sequence[MissedNumber], now: datetime) -> None:
        self.missed = list(rows)
        self.show_keeping_cursor({m.number: missed_cells(m, now) for m in self.missed})

    def selected(self) -> MissedNumber | None:
        """The missed number under the cursor."""
        number = self.cursor_key
        return next((m for m in self.missed if m.number == number), None)
