"""A DataTable of live calls updated in place by row key.

The desk says "calls changed" in bursts; the strip diffs the new list against its rows
inside one `batch_update()`: vanished keys removed, changed cells updated, new rows added
(dolphie's processlist pattern), so the cursor and scroll position survive every event.
One timer per strip re-renders the elapsed-time column once a second; rows have none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from console.i18n import fmt_duration, tr
from console.widgets.columns import ColumnSpec, FittedTable
from console.wording import caller_text

if TYPE_CHECKING:
    from pbx.call_events import LiveCall


# The caller ID name (what the PBX said) and the client (the owner of the number) apart:
# they differ whenever a client calls from someone else's phone. Narrow, the caller ID
# name goes first, then the queue.
COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("state", ""),
    ColumnSpec("operator", "", drop=3, shrink_to=10),
    ColumnSpec("caller", ""),
    ColumnSpec("cid_name", "", drop=1, shrink_to=12),
    ColumnSpec("client", "", shrink_to=16),
    ColumnSpec("queue", "", drop=2),
    ColumnSpec("time", ""),
)


@dataclass(frozen=True, slots=True)
class StripRow:
    key: str
    mine: bool
    state: str
    operator: str
    caller: str
    caller_name: str  # what the caller ID said
    client: str  # the owner of the number in the client base
    queue: str
    since: float  # epoch seconds the shown time counts from

    def cells(self, now: float) -> dict[str, Text]:
        return {
            "state": Text(tr(f"calls.state.{self.state}")),
            "operator": Text(self.operator),
            "caller": Text(self.caller),
            "cid_name": Text(self.caller_name),
            "client": Text(self.client),
            "queue": Text(self.queue),
            "time": Text(fmt_duration(now - self.since)),
        }


def epoch(value: float | datetime | None) -> float:
    if value is None:
        return time.time()
    return value.timestamp() if isinstance(value, datetime) else float(value)


def call_key(server: str, linkedid: str) -> str:
    return f"{server}/{linkedid}"


def build_rows(
    calls: Iterable[LiveCall],
    *,
    me: str,
    names: Mapping[str, str],
    operator_names: Mapping[str, str],
) -> list[StripRow]:
    """Rows in display order: calls at my phone first, then the desk, oldest first."""
    rows: list[StripRow] = []
    for call in calls:
        ringing = tuple(call.ringing)
        talking = call.talking
        mine = me in ringing or talking == me
        if talking:
            operator = operator_names.get(talking, talking)
        else:
            operator = ", ".join(operator_names.get(e, e) for e in ringing)
        since = call.since if call.state == "talking" else call.started_at
        key = call_key(call.server, call.linkedid)
        rows.append(
            StripRow(
                key=key,
                mine=mine,
                state=call.state,
                operator=operator,
                caller=caller_text(call.number, call.number_raw, None),
                caller_name=call.name or "",
                client=names.get(key, ""),
                queue=call.queue or "",
                since=epoch(since),
            )
        )
    rows.sort(key=lambda r: (not r.mine, r.since))
    return rows


class CallsStrip(FittedTable):
    """Live calls; Enter on a row opens that caller's card."""

    DEFAULT_CSS = """
    CallsStrip { height: auto; max-height: 8; }
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._rows: dict[str, StripRow] = {}

    def on_mount(self) -> None:
        self.set_columns([replace(c, label=tr(f"calls.col.{c.key}")) for c in COLUMNS])
        self.set_interval(1.0, self.tick, name="calls-strip-clock")

    @property
    def strip_rows(self) -> dict[str, StripRow]:
        return dict(self._rows)

    def show_calls(self, rows: list[StripRow]) -> None:
        """Make the table match `rows`, touching only what changed."""
        now = self._clock()
        self._rows = {row.key: row for row in rows}
        self.show({row.key: row.cells(now) for row in rows})

    def tick(self) -> None:
        """The one clock of the strip: re-render the time column."""
        if not self._rows:
            return
        now = self._clock()
        with self.app.batch_update():
            for key, row in self._rows.items():
                self.update_cell_of(key, "time", Text(fmt_duration(now - row.since)))
