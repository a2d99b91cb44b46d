"""Who did what at the desk: the audit trail of every client, tariff and merge, and of the
supervisor's actions on the board (pause, queue log in/out, listen-in, pickup), filtered by
operator, date range and kind of change, a page at a time, newest first; exported to
Excel with the same filters; Enter opens the client an entry concerns."""

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
from textual.widgets import DataTable, Input, Select, Static
from textual.worker import Worker, WorkerState

from console.config import Settings
from console.data import CHANGE_KINDS, OTHER_KIND, AuditFilter, AuditRow
from console.i18n import fmt_datetime, fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.merge_words import client_words, describe_entry, kind_word, refusal_line
from console.typed_dates import parse_day
from console.widgets.board.sources import DeskHost, local_midnight, utc_now
from console.widgets.columns import ColumnSpec, FittedTable, grid_columns, page_rows, select_width
from console.widgets.footer import ConsoleFooter
from console.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from console.data import ConsoleData

DATE_FIELD_WIDTH: Final = 12
COLUMNS: Final = (
    ColumnSpec("at", "", 0),
    ColumnSpec("who", "", 0, shrink_to=12),
    ColumnSpec("client", "", 2, shrink_to=14),
    ColumnSpec("kind", "", 3),
    ColumnSpec("change", "", 0, shrink_to=20),
)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    filter: AuditFilter
    page: int
    page_size: int


@dataclass
class AuditLoaded(Message):
    """A page of the trail for `query` (one row more than the page: is there a next?)."""

    query: AuditQuery
    rows: list[AuditRow]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AuditLoaded)


@dataclass
class ActorsLoaded(Message):
    """Everyone the trail names, and the tariffs' names (to word a tariff change)."""

    actors: list[str]
    tariffs: dict[int, str]


def _unbroken(row: AuditRow) -> str:
    """The client's column: a nameless client's number is cut at its end when narrow
    («+7 916 555-00…»), never after its first group as words would be («+7 916…»)."""
    words = client_words(row)
    return words.replace(" ", "\u00a0") if not row.client_name and row.client_phone else words


class AuditScreen(Screen[None]):
    """The desk's audit trail with filters."""

    CSS_PATH = "../styles/client_base.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_card", "audit.key.open", tooltip="audit.tip.open", id="audit.open"),
        Binding(
            "pageup",
            "previous_page",
            "audit.key.prev_page",
            tooltip="audit.tip.prev_page",
            id="audit.prev_page",
        ),
        Binding(
            "pagedown",
            "next_page",
            "audit.key.next_page",
            tooltip="audit.tip.next_page",
            id="audit.next_page",
        ),
        Binding("f5", "reload", "audit.key.reload", tooltip="audit.tip.reload", id="audit.reload"),
        Binding(
            "ctrl+s", "export", "transfer.key.export", tooltip="audit.tip.export", id="audit.export"
        ),
    ]

    def __init__(
        self,
        settings: Settings,
        data: ConsoleData,
        *,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        localize_bindings(self)
        self._settings = settings
        self._data = data
        self.query_now = AuditQuery(AuditFilter(), 0, page_rows(settings.ui.page_size, 0))
        self.rows: list[AuditRow] = []
        self.has_next = False
        self.tariffs: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        with Grid(id="audit-filters"):
            yield Select[str](
                [], prompt=tr("audit.filter.operator"), id="audit-operator", compact=True
            )
            yield Input(placeholder=tr("audit.filter.since"), id="audit-since", compact=True)
            yield Input(placeholder=tr("audit.filter.until"), id="audit-until", compact=True)
            yield Select[str](
                [(kind_word(k), k) for k in (*CHANGE_KINDS, OTHER_KIND)],
                prompt=tr("audit.filter.kind"),
                id="audit-kind",
                compact=True,
            )
        yield FittedTable(id="audit-table")
        yield Static(id="audit-detail", markup=False)  # the highlighted entry, whole
        yield Static(id="audit-line")
        yield StatusBar(id="status-bar")
        yield ConsoleFooter()

    def _clock(self) -> datetime:
        host = self.app
        return host.now() if isinstance(host, DeskHost) else utc_now()

    def on_mount(self) -> None:
        self.title = tr("audit.title")
        table = self.query_one(FittedTable)
        table.set_columns([replace(c, label=tr(f"audit.col.{c.key}")) for c in COLUMNS])
        table.focus()
        self._load_actors()
        self._load(self.query_now)

    def on_screen_resume(self) -> None:
        self.action_reload()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_filters)

    def _fit_filters(self) -> None:
        row = self.query_one("#audit-filters", Grid)
        if not row.size.width:
            return
        need = max(
            max(select_width(select) for select in row.query(Select)),
            max(cell_len(str(field.placeholder)) + 2 for field in row.query(Input)),
            DATE_FIELD_WIDTH,
        )
        row.styles.grid_size_columns = grid_columns(need, row.size.width, (4, 2))

    @on(FittedTable.RowsFit, "#audit-table")
    def _table_resized(self) -> None:
        self._fit_filters()
        table = self.query_one(FittedTable)
        if not table.rows_that_fit:
            return
        q = self.query_now
        size = page_rows(self._settings.ui.page_size, table.rows_that_fit)
        if size != q.page_size:
            self.query_now = replace(q, page_size=size, page=q.page * q.page_size // size)
            self._load(self.query_now)

    # --- loading ------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load_actors()
        self._load(self.query_now)

    @work(exclusive=True, group="audit-actors", exit_on_error=False, description="audit trail")
    async def _load_actors(self) -> None:
        actors = await self._data.audit_actors()
        self.post_message(ActorsLoaded(actors, await self._data.tariff_names()))

    @on(ActorsLoaded)
    def _actors_loaded(self, message: ActorsLoaded) -> None:
        self.tariffs = message.tariffs
        select = self.query_one("#audit-operator", Select)
        current = select.value
        select.set_options([(a, a) for a in message.actors])
        if isinstance(current, str) and current in message.actors:
            select.value = current

    @work(exclusive=True, group="audit-page", exit_on_error=False, description="audit trail")
    async def _load(self, query: AuditQuery) -> None:
        rows = await self._data.audit_page(
            query.filter, query.page_size + 1, query.page * query.page_size
        )
        self.post_message(AuditLoaded(query, rows))

    @on(AuditLoaded)
    def _loaded(self, message: AuditLoaded) -> None:
        if message.query != self.query_now:
            return
        size = message.query.page_size
        self.has_next = len(message.rows) > size
        self.rows = message.rows[:size]
        self._show(self.rows)

    def _show(self, rows: Sequence[AuditRow]) -> None:
        shown: dict[str, dict[str, Text]] = {}
        for row in rows:
            kind, what = describe_entry(row, self.tariffs)
            shown[str(row.id)] = {
                "at": Text(fmt_datetime(row.at)),
                "who": Text(row.actor),
                "client": Text(_unbroken(row)),
                "kind": Text(kind),
                "change": Text(what),
            }
        self.query_one(FittedTable).show(shown)
        self._show_detail()
        line = tr("audit.page", page=fmt_number(self.query_now.page + 1))
        if not rows:
            line = tr("audit.none")
        self.query_one("#audit-line", Static).update(line)

    def _show_detail(self) -> None:
        """The highlighted entry whole (the table may cut a long change short)."""
        index = self.query_one(FittedTable).cursor_row
        row = self.rows[index] if 0 <= index < len(self.rows) else None
        detail = self.query_one("#audit-detail", Static)
        detail.display = row is not None
        if row is not None:
            detail.update(describe_entry(row, self.tariffs)[1])

    @on(DataTable.RowHighlighted, "#audit-table")
    def _highlighted(self) -> None:
        self._show_detail()

    # --- filters and pages -------------------------------------------------------------------

    @on(Input.Changed, "#audit-since, #audit-until")
    @on(Select.Changed, "#audit-operator, #audit-kind")
    def _filters_changed(self) -> None:
        flt = self.typed_filter()
        if flt is None or flt == self.query_now.filter:
            return
        self.query_now = replace(self.query_now, filter=flt, page=0)
        self._load(self.query_now)

    def typed_filter(self) -> AuditFilter | None:
        """The filter the fields describe, or None while a date is half-typed."""
        since = parse_day(self.query_one("#audit-since", Input).value)
        until = parse_day(self.query_one("#audit-until", Input).value)
        if since is False or until is False:
            return None
        operator = self.query_one("#audit-operator", Select).value
        kind = self.query_one("#audit-kind", Select).value
        midnight = local_midnight(self._clock())
        return AuditFilter(
            actor=operator if isinstance(operator, str) else None,
            since=datetime.combine(since, midnight.timetz()) if isinstance(since, date) else None,
            until=datetime.combine(until, midnight.timetz()) + timedelta(days=1)
            if isinstance(until, date)
            else None,
            kinds=frozenset({kind}) if isinstance(kind, str) else frozenset(),
        )

    def action_next_page(self) -> None:
        if self.has_next:
            self.query_now = replace(self.query_now, page=self.query_now.page + 1)
            self._load(self.query_now)

    def action_previous_page(self) -> None:
        if self.query_now.page > 0:
            self.query_now = replace(self.query_now, page=self.query_now.page - 1)
            self._load(self.query_now)

    def action_export(self) -> None:
        from console.screens.export_dialog import ExportDialog, export_kind
        from console.widgets.transfer.common import desk_today

        tariffs = dict(self.tariffs)
        kind = export_kind(
            "",
            "audit",
            self._data.audit_export(
                self.query_now.filter, lambda r: describe_entry(r, tariffs), client_words
            ),
            "audit",
        )
        dialog = ExportDialog(
            tr("audit.export.title"), tr("audit.export.about"), [kind], day=desk_today(self.app)
        )
        self.app.push_screen(dialog)

    def action_open_card(self) -> None:
        index = self.query_one(FittedTable).cursor_row
        row = self.rows[index] if 0 <= index < len(self.rows) else None
        if row is None or row.client_id is None or row.client_name is None:
            return
        from console.screens.card import ClientCardScreen

        self.app.push_screen(ClientCardScreen(client_id=row.client_id))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_card()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(refusal_line(event.worker.error), severity="error")
