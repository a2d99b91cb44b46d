"""A DataTable of live calls updated in place by row key.

The desk says "calls changed" in bursts; the strip diffs the new list against its rows
inside one `batch_update()`: vanished keys removed, changed cells updated, new rows added
(dolphie's processlist pattern), so the cursor and scroll position survive every event.
One timer per strip re-renders the elapsed-time column once a second; rows have none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.widgets import DataTable

from console.i18n import fmt_duration, tr
from storage.phones import format_display

if TYPE_CHECKING:
    from pbx.call_events import LiveCall


COLUMNS = ("state", "operator", "caller", "client", "queue", "time")


@dataclass(frozen=True, slots=True)
class StripRow:
    key: str
    mine: bool
    state: str
    operator: str
    caller: str
    client: str
    queue: str
    since: float  # epoch seconds the shown time counts from

    def cells(self, now: float) -> tuple[str, ...]:
        return (
            tr(f"calls.state.{self.state}"),
            self.operator,
            self.caller,
            self.client,
            self.queue,
            fmt_duration(now - self.since),
        )


def epoch(value: float | datetime | None) -> float:
    if value is None:
        return time.time()
    return value.timestamp() if isinstance(value, datetime) else float(value)


def call_key(server: str, linkedid: str) -> str:
    return f"{server}/{linkedid}"


def caller_text(number: str | None, raw: str | None, name: str | None) -> str:
    """+7 916 123-45-67 «Иванова Мария», or the raw caller ID, or 'withheld'."""
    shown = format_display(number) if number else (raw or tr("calls.withheld"))
    return f"{shown} «{name}»" if name else shown


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
                caller=caller_text(call.number, call.number_raw, call.name),
                client=names.get(key, ""),
                queue=call.queue or "",
                since=epoch(since),
            )
        )
    rows.sort(key=lambda r: (not r.mine, r.since))
    return rows


class CallsStrip(DataTable[str]):
    """Live calls; Enter on a row opens that caller's card."""

    DEFAULT_CSS = """
    CallsStrip { height: auto; max-height: 8; }
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._clock = clock
        self._rows: dict[str, StripRow] = {}

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(tr(f"calls.col.{column}"), key=column)
        self.set_interval(1.0, self.tick, name="calls-strip-clock")

    @property
    def shown(self) -> dict[str, StripRow]:
        return dict(self._rows)

    def show(self, rows: list[StripRow]) -> None:
        """Make the table match `rows`, touching only what changed."""
        now = self._clock()
        wanted = {row.key: row for row in rows}
        kept = [k for k in self._rows if k in wanted]
        appended = kept + [k for k in wanted if k not in self._rows]
        selected = self._selected_key()
        with self.app.batch_update():
            if appended != list(wanted):  # a row moved (e.g. a new call of mine goes on top)
                self.clear()
                self._rows = {}
            for key in [k for k in self._rows if k not in wanted]:
                self.remove_row(key)
                del self._rows[key]
            for row in rows:
                old = self._rows.get(row.key)
                cells = row.cells(now)
                if old is None:
                    self.add_row(*cells, key=row.key)
                else:
                    for column, new, before in zip(COLUMNS, cells, old.cells(now), strict=True):
                        if new != before:  # a client name arrives late: widen
                            self.update_cell(row.key, column, new, update_width=True)
                self._rows[row.key] = row
            if selected in self._rows:
                self.move_cursor(row=self.get_row_index(selected))

    def _selected_key(self) -> str | None:
        if not self._rows or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # cursor beyond the rows while they change
            return None
        return key

    def tick(self) -> None:
        """The one clock of the strip: re-render the time column."""
        if not self._rows:
            return
        now = self._clock()
        with self.app.batch_update():
            for key, row in self._rows.items():
                self.update_cell(key, "time", fmt_duration(now - row.since))
