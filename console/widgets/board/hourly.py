"""Today's inbound calls per hour as a bar chart drawn in the terminal, for the board.

One column per hour of the desk's day (the hours to come stay empty, so the axis never
moves), bars three rows high in eighths of a cell, the current hour picked out, and a line
above saying today's total and the busiest hour in words — a figure a supervisor can
read aloud, not only a shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

from rich.text import Text
from textual.widget import Widget

from console.i18n import fmt_number, fmt_time, to_local, tr

if TYPE_CHECKING:
    from console.data import HourCount

ROWS: Final = 3  # bar rows; with the title and the hours line the chart is 5 lines tall
EIGHTHS: Final = " ▁▂▃▄▅▆▇█"
AXIS_EVERY: Final = 3  # an hour label every third hour
NOW_STYLE: Final = "bold yellow"
BAR_STYLE: Final = "cyan"


def hour_bounds(day_start: datetime) -> list[datetime]:
    """The desk's hours of the day that starts at `day_start` (local midnight): their
    starts and the end of the last one, 24 hours on most days, 23 or 25 on the days a
    clock moves. Each bound is a real instant, counted in UTC and shown locally."""
    start = day_start.astimezone(UTC)  # a local zone's arithmetic is by the wall clock
    bounds = [start]
    local_day = to_local(day_start).date()
    while True:
        nxt = start + timedelta(hours=1)
        if to_local(nxt).date() != local_day:
            bounds.append(nxt)
            return bounds
        bounds.append(nxt)
        start = nxt


def bar_cells(value: int, top: int) -> str:
    """`ROWS` characters, bottom first, for `value` on a scale whose full bar is `top`."""
    if top <= 0 or value <= 0:
        return " " * ROWS
    eighths = max(1, round(value * ROWS * 8 / top))  # a call in an hour is never invisible
    cells = []
    for _ in range(ROWS):
        part = min(8, eighths)
        cells.append(EIGHTHS[part])
        eighths -= part
    return "".join(cells)


class HourlyChart(Widget):
    """Inbound calls per hour today; `show` hands it the hours and the clock."""

    DEFAULT_CSS = """
    HourlyChart {
        height: 5;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hours: list[HourCount] = []
        self._now: datetime | None = None

    def show(self, hours: Sequence[HourCount], now: datetime) -> None:
        hours = list(hours)
        if hours == self._hours and self._current(now) == self._current(self._now):
            return  # the clock ticks every second; the chart changes by the hour
        self._hours, self._now = hours, now
        self.refresh()

    def _current(self, now: datetime | None) -> int | None:
        if now is None:
            return None
        return next((i for i, h in enumerate(self._hours) if h.start <= now < h.end), None)

    def render(self) -> Text:
        hours = self._hours
        if not hours:
            return Text(tr("board.hourly.none"), style="dim")
        total = sum(h.inbound for h in hours)
        busiest = max(hours, key=lambda h: (h.inbound, -h.start.timestamp()))
        unanswered = sum(h.unanswered for h in hours)
        title = Text(tr("board.hourly.title"), style="bold")
        if total:
            title.append(
                " "
                + tr(
                    "board.hourly.summary",
                    total=fmt_number(total),
                    unanswered=fmt_number(unanswered),
                    start=fmt_time(busiest.start),
                    end=fmt_time(busiest.end),
                    count=fmt_number(busiest.inbound),
                )
            )
        else:
            title.append(" " + tr("board.hourly.none"), style="dim")
        top = max(h.inbound for h in hours)
        label = fmt_number(top) if top else ""
        margin = len(label) + 1
        room = max(1, self.size.width - margin)
        width = 3 if room >= 3 * len(hours) else 2 if room >= 2 * len(hours) else 1
        current = self._current(self._now)
        columns = [bar_cells(h.inbound, top) for h in hours]
        lines = [title]
        for row in reversed(range(ROWS)):
            line = Text((label if row == ROWS - 1 else "").rjust(len(label)) + " ")
            for i, cells in enumerate(columns):
                style = NOW_STYLE if i == current else BAR_STYLE
                line.append(cells[row] * max(1, width - 1), style=style)
                if width > 1:
                    line.append(" ")
            lines.append(line)
        axis = Text(" " * margin)
        span = width * AXIS_EVERY
        for i in range(0, len(hours), AXIS_EVERY):
            label = str(to_local(hours[i].start).hour).ljust(span)[:span]
            here = current is not None and i <= current < i + AXIS_EVERY
            axis.append(label, style=NOW_STYLE if here else "dim")
        lines.append(axis)
        return Text("\n").join(lines)
