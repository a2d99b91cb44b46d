"""Missed and abandoned callers with one-key call-back (`c`) and closing without one (`x`,
`console.screens.close_missed`), and the call history with filters.

Both read the database, never the live desk: a missed number must still be on the list
after the console restarts, and be returned on every console once someone got through
(`storage.call_backs`). The history pages in the database like the client base; the
missed list is the desk's day (`console.desk_day`, as the board's) and short by nature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Final

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from console.config import Settings
from console.data import Call, CallFilter, Disposition, MissedNumber, Page
from console.desk_day import day_start, period_words
from console.i18n import fmt_datetime, fmt_duration, fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.messages import CallBacksChanged, CallInLog
from console.typed_dates import parse_day
from console.widgets.board.missed import MissedPanel, unreturned
from console.widgets.board.sources import Clock, DeskHost, utc_now
from console.widgets.columns import (
    ColumnSpec,
    FittedTable,
    grid_columns,
    page_rows,
    select_width,
)
from console.widgets.footer import ConsoleFooter
from console.widgets.status_bar import StatusBar
from console.wording import caller_number

if TYPE_CHECKING:
    from console.data import ConsoleData

MISSED_TICK_SECONDS: Final = 15.0  # the «unreturned» ages move on
DATE_FIELD_WIDTH: Final = 12  # «22.11.2026» and the field's padding


@dataclass
class MissedLoaded(Message):
    """The desk's day's missed numbers, the unreturned first."""

    rows: list[MissedNumber]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MissedLoaded)


@dataclass
class HistoryLoaded(Message):
    """A page of the call history for `query`."""

    query: HistoryQuery
    page: Page[Call]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HistoryLoaded)


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    filter: CallFilter
    page: int
    page_size: int


# Caller ID name (what the PBX said) and client (the owner of the number in the client
# base) side by side: they differ whenever a client calls from someone else's phone. A
# narrow terminal drops the caller ID name first, then what is least needed to call back.
NAMES_SHRINK_TO: Final = {"cid_name": 12, "client": 16}  # names shortened at a word


def call_columns(**drop: int) -> tuple[ColumnSpec, ...]:
    """The columns of a table of calls, in the order given, each with its drop priority
    (0: never dropped, the highest first); both History tables are built by it."""
    return tuple(
        ColumnSpec(key, "", priority, shrink_to=NAMES_SHRINK_TO.get(key, 0))
        for key, priority in drop.items()
    )


HISTORY_COLUMNS: Final = call_columns(
    time=0,
    direction=7,
    caller=0,
    cid_name=3,
    client=0,
    queue=6,
    operator=4,
    disposition=1,
    wait=5,
    talk=2,
)


def call_cells(row: Call, at: datetime, *, style: str = "") -> dict[str, Text]:
    """The cells History shows of a call: when, who called (number, caller ID name, the
    client who owns the number), the queue, how it ended, the wait."""
    return {
        "time": Text(fmt_datetime(at), style=style),
        "caller": Text(caller_number(row.number, row.number_raw), style=style),
        "cid_name": Text(row.name or "", style=style),
        "client": Text(row.client_name or "", style=style),
        "queue": Text(row.queue or "", style=style),
        "disposition": Text(tr(f"history.disposition.{row.disposition}"), style=style),
        "wait": Text(fmt_duration(row.wait_s), style=style, justify="right"),
    }


def _labelled(columns: Sequence[ColumnSpec]) -> list[ColumnSpec]:
    return [replace(c, label=tr(f"history.col.{c.key}")) for c in columns]


class HistoryScreen(Screen[None]):
    """Missed calls (call back with one key) and the whole call log with filters."""

    CSS_PATH = "../styles/board.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "show_tab('missed')",
            "history.key.missed",
            tooltip="history.tip.missed",
            id="history.missed",
        ),
        Binding(
            "l",
            "show_tab('calls')",
            "history.key.calls",
            tooltip="history.tip.calls",
            id="history.calls",
        ),
        Binding(
            "c",
            "call_back",
            "history.key.call_back",
            tooltip="history.tip.call_back",
            id="history.call_back",
        ),
        Binding(
            "x",
            "close_missed",
            "callbacks.key.close",
            tooltip="callbacks.tip.close",
            id="history.close_missed",
        ),
        Binding(
            "enter", "open_card", "history.key.open", tooltip="history.tip.open", id="history.open"
        ),
        Binding(
            "pageup",
            "previous_page",
            "history.key.prev_page",
            tooltip="history.tip.prev_page",
            id="history.prev_page",
        ),
        Binding(
            "pagedown",
            "next_page",
            "history.key.next_page",
            tooltip="history.tip.next_page",
            id="history.next_page",
        ),
        Binding(
            "f5", "reload", "history.key.reload", tooltip="history.tip.reload", id="history.reload"
        ),
        Binding(
            "ctrl+s",
            "export",
            "transfer.key.export",
            tooltip="transfer.tip.export_calls",
            id="history.export",
        ),
        # Opened from a card (one client's calls): Escape goes back to it.
        Binding(
            "escape", "back", "key.history.back", tooltip="key.history.back.tip", id="history.back"
        ),
    ]

    def __init__(
        self,
        settings: Settings,
        data: ConsoleData,
        *,
        clock: Clock | None = None,
        client: tuple[int, str] | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        """`client` (id, name): one client's calls, opened over their card (the filter
        shows the name; Escape goes back)."""
        super().__init__(name=name, id=id)
        localize_bindings(self)
        self._settings = settings
        self._data = data
        self._clock_override = clock
        self.missed: list[MissedNumber] = []
        self.missed_since: datetime | None = None
        self._client = client
        first = CallFilter(client_id=client[0]) if client is not None else CallFilter()
        self.history_query = HistoryQuery(first, 0, page_rows(settings.ui.page_size, 0))
        self.history: Page[Call] | None = None

    def compose(self) -> ComposeResult:
        initial = "calls" if self._client is not None else "missed"
        with TabbedContent(initial=initial, id="history-tabs"):
            with TabPane(tr("history.tab.missed"), id="missed"):
                yield MissedPanel(id="missed-table")
                yield Static(id="missed-line")
            with TabPane(tr("history.tab.calls"), id="calls"):
                with Grid(id="history-filters"):
                    yield Input(
                        placeholder=tr("history.filter.since"), id="history-since", compact=True
                    )
                    yield Input(
                        placeholder=tr("history.filter.until"), id="history-until", compact=True
                    )
                    yield Select[str](
                        [
                            (f"{o.name} ({o.extension})", o.extension)
                            for o in self._settings.operators
                        ],
                        prompt=tr("history.filter.operator"),
                        id="history-operator",
                        compact=True,
                    )
                    yield Select[str](
                        [(tr(f"history.disposition.{d.value}"), d.value) for d in Disposition],
                        prompt=tr("history.filter.disposition"),
                        id="history-disposition",
                        compact=True,
                    )
                    yield Input(
                        self._client[1] if self._client is not None else "",
                        placeholder=tr("history.filter.client"),
                        id="history-client",
                        compact=True,
                    )
                yield FittedTable(id="history-table")
                yield Static(id="history-line")
        yield StatusBar(id="status-bar")
        yield ConsoleFooter()

    def _clock(self) -> datetime:
        if self._clock_override is not None:
            return self._clock_override()
        host = self.app
        return host.now() if isinstance(host, DeskHost) else utc_now()

    def on_mount(self) -> None:
        self.title = tr("history.title")
        self.query_one("#history-table", FittedTable).set_columns(_labelled(HISTORY_COLUMNS))
        host = self.app
        if isinstance(host, DeskHost):
            host.follow_desk(self)  # a call logged or a call-back written: read again
        self.reload_missed()
        self._load_history(self.history_query)
        self.set_interval(MISSED_TICK_SECONDS, self._show_missed, name="missed-ages")
        if self._client is not None:
            self.query_one("#history-table").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._client is not None  # only over the card it was opened from
        if action in ("call_back", "close_missed"):  # on the missed tab only
            tabs = self.query(TabbedContent)
            missed_tab = bool(tabs) and tabs.first().active == "missed"
            if action == "close_missed" and missed_tab and not self._data.may():
                return None  # shown dimmed to a dispatcher: storage refuses them
            return missed_tab
        return True

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        if self._client is not None:
            self.dismiss(None)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_filters)

    def _fit_filters(self) -> None:
        """The five filters side by side where each shows its text whole, else on two
        rows: «Итог: все ▼» is never cut, the client field never squeezed out."""
        row = self.query_one("#history-filters", Grid)
        if not row.size.width:
            return
        need = max(
            max(select_width(select) for select in row.query(Select)),
            max(cell_len(str(field.placeholder)) + 2 for field in row.query(Input)),
            DATE_FIELD_WIDTH,
        )
        row.styles.grid_size_columns = grid_columns(need, row.size.width, (5, 3, 2))

    @on(FittedTable.RowsFit, "#history-table")
    def _table_resized(self) -> None:
        """Shown (its tab opened) or resized: the filters and the page fit it anew."""
        self._fit_filters()
        self._fit_page()

    def _fit_page(self) -> None:
        """A page of the history as long as its table shows rows (at most `ui.page_size`);
        the table has a height only while its tab is shown."""
        table = self.query_one("#history-table", FittedTable)
        if not table.rows_that_fit:
            return
        q = self.history_query
        size = page_rows(self._settings.ui.page_size, table.rows_that_fit)
        if size != q.page_size:
            self.history_query = replace(q, page_size=size, page=q.page * q.page_size // size)
            self._load_history(self.history_query)

    # --- tabs -------------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one("#missed-table" if tab == "missed" else "#history-table").focus()

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def action_reload(self) -> None:
        self.reload_missed()
        self._load_history(self.history_query)

    # --- missed calls ----------------------------------------------------------------------

    @on(CallInLog)
    @on(CallBacksChanged)
    def reload_missed(self) -> None:
        """Read the day's missed numbers again (a call logged, a call-back written, F5)."""
        now = self._clock()
        self.missed_since = day_start(now)
        self._load_missed(self.missed_since)

    @work(exclusive=True, group="history-missed", exit_on_error=False, description="missed calls")
    async def _load_missed(self, since: datetime) -> None:
        self.post_message(MissedLoaded(await self._data.missed_numbers(since)))

    @on(MissedLoaded)
    def _missed_loaded(self, message: MissedLoaded) -> None:
        self.missed = message.rows
        self._show_missed()

    def _show_missed(self) -> None:
        now = self._clock()
        panel = self.query_one("#missed-table", MissedPanel)
        panel.show_missed(self.missed, now)
        self.query_one("#missed-line", Static).update(
            tr(
                "callbacks.history.line",
                count=fmt_number(len(self.missed)),
                waiting=fmt_number(unreturned(self.missed)),
                period=period_words(now),
            )
        )

    def _selected_missed(self) -> MissedNumber | None:
        if self.active_tab != "missed":
            return None
        return self.query_one("#missed-table", MissedPanel).selected()

    def action_call_back(self) -> None:
        """Call the selected number back; it shows as returned once someone answers."""
        row = self._selected_missed()
        if row is None:
            return
        from console.click_to_call import call_back

        call_back(self, row)

    def action_close_missed(self) -> None:
        """Close the selected number without calling back, or reopen it if closed."""
        row = self._selected_missed()
        if row is None:
            return
        from console.screens.close_missed import MissedCloser

        MissedCloser(self, self._data, self.reload_missed).start(row)

    # --- history -----------------------------------------------------------------------------

    @work(exclusive=True, group="history-page", exit_on_error=False, description="call history")
    async def _load_history(self, query: HistoryQuery) -> None:
        page = await self._data.calls_page(query.filter, query.page, query.page_size)
        self.post_message(HistoryLoaded(query, page))

    @on(HistoryLoaded)
    def _history_loaded(self, message: HistoryLoaded) -> None:
        if message.query != self.history_query:
            return
        self.history = message.page
        self._show_history(message.page.rows)

    def _show_history(self, rows: Sequence[Call]) -> None:
        names = {o.extension: o.name for o in self._settings.operators}
        shown: dict[str, dict[str, Text]] = {}
        for row in rows:
            operator = row.answered_by or ", ".join(row.operators_rung)
            missed = row.disposition != Disposition.ANSWERED
            shown[str(row.id)] = {
                **call_cells(row, row.started_at),
                "direction": Text(tr(f"history.direction.{row.direction}")),
                "operator": Text(names.get(operator, operator)),
                "disposition": Text(
                    tr(f"history.disposition.{row.disposition}"),
                    style="yellow" if missed else "",
                ),
                "talk": Text(fmt_duration(row.talk_s), justify="right"),
            }
        self.query_one("#history-table", FittedTable).show(shown)
        page = self.history
        line = tr("history.page", page=fmt_number((page.page if page else 0) + 1))
        if page is not None and page.total is not None:
            line += " · " + tr("history.total", count=fmt_number(page.total))
        self.query_one("#history-line", Static).update(line)

    @on(Input.Changed, "#history-since, #history-until, #history-client")
    @on(Select.Changed, "#history-operator, #history-disposition")
    def _history_filters_changed(self) -> None:
        flt = self._history_filter()
        if flt is None or flt == self.history_query.filter:
            return
        self.history_query = replace(self.history_query, filter=flt, page=0)
        self._load_history(self.history_query)

    def _history_filter(self) -> CallFilter | None:
        """The filter the inputs describe, or None while one of them is half-typed."""
        since = parse_day(self.query_one("#history-since", Input).value)
        until = parse_day(self.query_one("#history-until", Input).value)
        if since is False or until is False:
            return None
        operator = self.query_one("#history-operator", Select).value
        disposition = self.query_one("#history-disposition", Select).value
        client_text = self.query_one("#history-client", Input).value.strip()
        client_id: int | None = None
        if self._client is not None and client_text == self._client[1]:
            client_id = self._client[0]  # the client it was opened for, by name
        elif client_text:
            if not client_text.isdigit():
                return None
            client_id = int(client_text)
        midnight = day_start(self._clock())
        return CallFilter(
            since=_at_midnight(since, midnight) if isinstance(since, date) else None,
            until=(_at_midnight(until, midnight) + timedelta(days=1))
            if isinstance(until, date)
            else None,
            operator=operator if isinstance(operator, str) else None,
            disposition=disposition if isinstance(disposition, str) else None,
            client_id=client_id,
        )

    def filter_by_client(self, client_id: int) -> None:
        """Show one client's calls (e.g. opened from a card)."""
        self.query_one("#history-client", Input).value = str(client_id)
        self.action_show_tab("calls")

    def action_next_page(self) -> None:
        page = self.history
        if self.active_tab != "calls" or page is None or not page.has_next:
            return
        self.history_query = replace(self.history_query, page=self.history_query.page + 1)
        self._load_history(self.history_query)

    def action_previous_page(self) -> None:
        if self.active_tab != "calls" or self.history_query.page == 0:
            return
        self.history_query = replace(self.history_query, page=self.history_query.page - 1)
        self._load_history(self.history_query)

    def action_export(self) -> None:
        """Export the calls the history's filters select (all pages), whichever tab is open."""
        from console.screens.export_dialog import ExportDialog, calls_export
        from console.widgets.transfer.common import desk_today

        dialog = ExportDialog(
            tr("transfer.export.title.calls"),
            tr("transfer.export.about.calls"),
            [calls_export(self._data, self.history_query.filter)],
            day=desk_today(self.app),
        )
        self.app.push_screen(dialog)

    # --- cards ---------------------------------------------------------------------------------

    def action_open_card(self) -> None:
        client_id: int | None = None
        if self.active_tab == "missed":
            row = self._selected_missed()
            client_id = row.client_id if row else None
        elif self.history is not None:
            index = self.query_one("#history-table", DataTable).cursor_row
            rows = self.history.rows
            client_id = rows[index].client_id if 0 <= index < len(rows) else None
        if client_id is None:
            return
        from console.screens.card import ClientCardScreen

        self.app.push_screen(ClientCardScreen(client_id=client_id))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_card()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                tr("history.error", error=str(error) or type(error).__name__), severity="error"
            )


def _at_midnight(day: date, reference: datetime) -> datetime:
    return datetime.combine(day, reference.timetz())
