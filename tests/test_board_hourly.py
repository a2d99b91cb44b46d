"""The board's calls-per-hour chart: the desk's hours and the bars drawn for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from console.i18n import set_timezone
from console.widgets.board.hourly import bar_cells, hour_bounds

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin() -> Iterator[None]:
    set_timezone(BERLIN)
    yield
    set_timezone(None)


@pytest.mark.parametrize(
    ("day", "hours"),
    [("2026-11-20", 24), ("2026-03-29", 23), ("2026-10-25", 25)],
)
def test_a_desk_day_has_the_hours_its_clock_shows(berlin: None, day: str, hours: int) -> None:
    """The day the clock goes forward has 23 hours, the day it goes back 25: the chart
    counts each call in the hour the desk's clock showed when it rang."""
    start = datetime.fromisoformat(day).replace(tzinfo=BERLIN)
    bounds = hour_bounds(start)
    assert len(bounds) == hours + 1
    assert bounds[0] == start and bounds[-1].astimezone(BERLIN).hour == 0
    assert all(round((b - a).total_seconds()) == 3600 for a, b in pairwise(bounds))


def test_bars_fill_bottom_up_and_one_call_is_never_invisible() -> None:
    assert bar_cells(12, 12) == "███"  # the busiest hour fills the chart's height
    assert bar_cells(6, 12) == "█▄ "  # half: one and a half cells of three
    assert bar_cells(1, 100) == "▁  "  # too small to scale, still seen
    assert bar_cells(0, 100) == "   " and bar_cells(0, 0) == "   "
