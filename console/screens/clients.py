"""The client base: search as you type, filters, sort, pages — over a million clients.

The screen only holds what it shows: one page, fetched by `storage.client_list.list_clients`
in an exclusive worker. The filter's total comes from a worker of its own, once per filter
(counting can cost several pages at 1,000,000 clients), so paging and sorting never wait
for it. Each keystroke starts a new worker that first sleeps the debounce
interval, so typing «Иван» runs one query, not four, and a slow query for «Ива» is cancelled
the moment «Иван» arrives instead of overwriting the newer result when it finally returns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Final, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from console.config import Settings
from console.data import ClientCount, ClientFilter, ClientRow, ClientSort, Page
from console.i18n import fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.key_layout import LettersSearch, is_russian_letter
from console.widgets.board.sources import DeskHost
from console.widgets.clients.filter_bar import ClientFilterBar
from console.widgets.clients.table import COLUMN_BY_KEY, SORTABLE, ClientTable
from console.widgets.columns import FittedTable, fit_parts, page_rows
from console.widgets.footer import ConsoleFooter
from console.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.data import ConsoleData

DEBOUNCE_SECONDS: Final = 0.15
QUERY_GROUP: Final = "clients-query"
COUNT_GROUP: Final = "clients-count"


@dataclass(frozen=True, slots=True)
class ClientQuery:
    """Everything that selects the rows on screen; a page result is matched against it."""

    filter: ClientFilter
    sort: ClientSort
    descending: bool
    page: int
    page_size: int


@dataclass
class ClientPageLoaded(Message):
    """A page of the client base arrived for `query`; a newer page supersedes it."""

    query: ClientQuery
    page: Page[ClientRow]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ClientPageLoaded)


@dataclass
class ClientCountLoaded(Message):
    """How many clients `filter` selects (without a search: a search's page counts)."""

    filter: ClientFilter
    count: ClientCount


@dataclass
class ClientChoicesLoaded(Message):
    """The cities and tariffs the filter lists offer."""

    cities: list[str]
    tariffs: list[tuple[int, str]]


class ClientsScreen(LettersSearch, Screen[None]):
    """The client base table with its search box, filters and page line."""

    CSS_PATH = "../styles/clients.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # First, and with Ctrl: shown even while the search box (which takes «n») has the
        # focus, so a new desk with an empty base sees how to add its first client.
        Binding(
            "ctrl+n,n",
            "new_client",
            "clients.key.new",
            tooltip="clients.tip.new",
            id="clients.new",
        ),
        Binding(
            "ctrl+f",
            "focus_search",
            "clients.key.search",
            tooltip="clients.tip.search",
            id="clients.search",
        ),
        Binding(
            "ctrl+l",
            "focus_filters",
            "clients.key.filters",
            tooltip="clients.tip.filters",
            id="clients.filters",
        ),
        Binding(
            "ctrl+r",
            "reset_filters",
            "clients.key.reset",
            tooltip="clients.tip.reset",
            id="clients.reset",
        ),
        Binding(
            "enter", "open_card", "clients.key.open", tooltip="clients.tip.open", id="clients.open"
        ),
        Binding("c", "call", "clients.key.call", tooltip="clients.tip.call", id="clients.call"),
        Binding(
            "s", "next_sort", "clients.key.sort", tooltip="clients.tip.sort", id="clients.sort"
        ),
        Binding(
            "r",
            "reverse_sort",
            "clients.key.reverse",
            tooltip="clients.tip.reverse",
            id="clients.reverse",
        ),
        Binding(
            "pageup",
            "previous_page",
            "clients.key.prev_page",
            tooltip="clients.tip.prev_page",
            id="clients.prev_page",
        ),
        Binding(
            "pagedown",
            "next_page",
            "clients.key.next_page",
            tooltip="clients.tip.next_page",
            id="clients.next_page",
        ),
        Binding(
            "ctrl+home",
            "first_page",
            "clients.key.first_page",
            tooltip="clients.tip.first_page",
            id="clients.first_page",
            show=False,
        ),
        # ctrl+s/ctrl+o, not ctrl+e: the search box (focused on arrival) takes ctrl+e as End.
        Binding(
            "ctrl+s",
            "export",
            "transfer.key.export",
            tooltip="transfer.tip.export_clients",
            id="clients.export",
        ),
        Binding(
            "ctrl+o",
            "import",
            "transfer.key.import",
            tooltip="transfer.tip.import",
            id="clients.import",
        ),
        # Ctrl: the search box (focused on arrival) takes letters; Ctrl+K is its «cut to end».
        Binding(
            "ctrl+g",
            "companies",
            "clients.key.companies",
            tooltip="clients.tip.companies",
            id="clients.companies",
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
        self.query_state = ClientQuery(
            ClientFilter(), ClientSort.NAME, False, 0, page_rows(settings.ui.page_size, 0)
        )
        self.shown: Page[ClientRow] | None = None
        self.shown_query: ClientQuery | None = None  # the query `shown` answers
        self.counted: tuple[ClientFilter, ClientCount] | None = None
        self._counting: ClientFilter | None = None  # the filter a count was asked for
        self._error: str = ""

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ClientFilterBar(id="client-filters")
        yield ClientTable(id="client-table")
        yield Static("", id="client-page-line")
        yield StatusBar(id="status-bar")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.title = tr("clients.title")
        self.query_one(ClientTable).show_sort(self.query_state.sort, self.query_state.descending)
        self.query_one(ClientFilterBar).focus_search()
        self._load_choices()
        # The first page once the table has its height: a page is what the screen shows.
        self.call_after_refresh(self._fit_page, force=True)

    @on(FittedTable.RowsFit, "#client-table")
    def _table_resized(self) -> None:
        self._fit_page()

    def on_resize(self) -> None:
        self.call_after_refresh(self._update_page_line)  # as many of its parts as fit

    def _fit_page(self, force: bool = False) -> None:
        """A page as long as the table shows rows (at most `ui.page_size`), keeping the
        first row on screen when the terminal changes size."""
        q = self.query_state
        size = page_rows(self._settings.ui.page_size, self.table.rows_that_fit)
        if size != q.page_size or force:
            self._run(replace(q, page_size=size, page=q.page * q.page_size // size), delay=0.0)

    def _today(self) -> date | None:
        """The console's «today» (a fixed one in tests), for clients' activity."""
        host = self.app
        return host.now().date() if isinstance(host, DeskHost) else None

    @property
    def table(self) -> ClientTable:
        return self.query_one(ClientTable)

    # --- queries ----------------------------------------------------------------------------

    def _run(self, query: ClientQuery, *, delay: float) -> None:
        self.query_state = query
        self.table.show_sort(query.sort, query.descending)
        self._fetch(query, delay)
        if query.filter != self._counting:
            self._recount(delay)

    def _recount(self, delay: float) -> None:
        self._counting = self.query_state.filter
        if not self._counting.search.strip():
            self._count(self._counting, delay)

    @work(exclusive=True, group=COUNT_GROUP, exit_on_error=False, description="client count")
    async def _count(self, flt: ClientFilter, delay: float) -> None:
        if delay:
            await cast("ConsoleApp", self.app).timers.sleep(delay)
        count = await self._data.clients_count(flt, today=self._today())
        self.post_message(ClientCountLoaded(flt, count))

    @work(exclusive=True, group=QUERY_GROUP, exit_on_error=False, description="client page")
    async def _fetch(self, query: ClientQuery, delay: float) -> None:
        if delay:
            await cast("ConsoleApp", self.app).timers.sleep(delay)
        page = await self._data.clients_page(
            query.filter,
            query.sort,
            query.descending,
            query.page,
            query.page_size,
            today=self._today(),
        )
        self.post_message(ClientPageLoaded(query, page))

    @work(group="clients-choices", exit_on_error=False, description="client filter lists")
    async def _load_choices(self) -> None:
        cities, tariffs = await self._data.filter_choices()
        self.post_message(ClientChoicesLoaded(cities, tariffs))

    @on(ClientPageLoaded)
    def _page_loaded(self, message: ClientPageLoaded) -> None:
        if message.query != self.query_state:
            return  # an answer to a question nobody is asking any more
        self._error = ""
        self.shown = message.page
        self.shown_query = message.query
        self.table.show_rows(message.page.rows)
        self._update_page_line()

    @on(ClientCountLoaded)
    def _count_loaded(self, message: ClientCountLoaded) -> None:
        if message.filter != self.query_state.filter:
            return
        self.counted = (message.filter, message.count)
        self._update_page_line()

    @property
    def shown_total(self) -> int | None:
        """The total the page line shows (None: unknown yet, or above the count's cap)."""
        return self._total()[0]

    def _total(self) -> tuple[int | None, object]:
        """(the shown filter's total, or None with the count it is above if known)."""
        page, q = self.shown, self.shown_query
        if page is None or q is None or page.total is not None:
            return (page.total if page is not None else None), None
        if self.counted is not None and self.counted[0] == q.filter:
            count = self.counted[1]
            return count.total, count.at_least
        return None, page.extra.get("total_at_least")

    @on(ClientChoicesLoaded)
    def _choices_loaded(self, message: ClientChoicesLoaded) -> None:
        self.query_one(ClientFilterBar).set_choices(message.cities, message.tariffs)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self._error = tr("clients.error", error=str(error) or type(error).__name__)
        self._update_page_line()
        self.notify(self._error, severity="error")

    def _update_page_line(self) -> None:
        line = self.query_one("#client-page-line", Static)
        if self._error:
            line.update(self._error)
            return
        page, q = self.shown, self.query_state
        if page is None:
            line.update(tr("clients.loading"))
            return
        parts = []
        total, at_least = self._total()
        if total is not None:
            pages = max(1, -(-total // page.page_size))
            parts.append(
                tr("clients.page_of", page=fmt_number(page.page + 1), pages=fmt_number(pages))
            )
            parts.append(tr("clients.total", count=fmt_number(total)))
        else:
            parts.append(tr("clients.page", page=fmt_number(page.page + 1)))
            if isinstance(at_least, int):
                parts.append(tr("clients.total_at_least", count=fmt_number(at_least)))
        if page.rows:
            first = page.page * page.page_size + 1
            parts.append(
                tr(
                    "clients.rows",
                    first=fmt_number(first),
                    last=fmt_number(first + len(page.rows) - 1),
                )
            )
        else:
            parts.append(tr("clients.none"))
        if page.extra.get("search_capped"):
            parts.append(tr("clients.search_capped"))
        parts.append(
            tr("clients.sorted_by", column=tr(f"clients.col.{_column_of(q.sort)}"))
            + (" ▼" if q.descending else " ▲")
        )
        parts.append(tr("clients.per_page", size=q.page_size))  # the least needed: last
        line.update(fit_parts(parts, line.content_region.width or self.size.width))

    # --- filters and search -----------------------------------------------------------------

    @on(ClientFilterBar.FiltersChanged)
    def _filters_changed(self, message: ClientFilterBar.FiltersChanged) -> None:
        if message.filter == self.query_state.filter:
            return
        query = replace(self.query_state, filter=message.filter, page=0)
        self._run(query, delay=DEBOUNCE_SECONDS if message.typed else 0.0)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    def on_key(self, event: events.Key) -> None:
        """Down from the search box goes to the results, as in every search field; a
        Russian letter typed over the results goes to the search box."""
        if event.key == "down" and isinstance(self.focused, Input) and self.table.row_count:
            event.stop()
            self.table.focus()
        elif is_russian_letter(event.character) and self.focused is self.table:
            event.stop()  # a name typed over the list searches for it (console.key_layout)
            self.query_one(ClientFilterBar).type_in_search(event.character or "")

    # --- sort ---------------------------------------------------------------------------------

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = COLUMN_BY_KEY.get(str(event.column_key.value))
        if column is None or column.sort is None:
            self.notify(tr("clients.not_sortable"), timeout=2)
            return
        self._sort_by(column.sort)

    def _sort_by(self, sort: ClientSort) -> None:
        q = self.query_state
        descending = not q.descending if sort == q.sort else False
        self._run(replace(q, sort=sort, descending=descending, page=0), delay=0.0)

    def action_next_sort(self) -> None:
        q = self.query_state
        index = SORTABLE.index(q.sort) if q.sort in SORTABLE else -1
        sort = SORTABLE[(index + 1) % len(SORTABLE)]
        self._run(replace(q, sort=sort, descending=False, page=0), delay=0.0)

    def action_reverse_sort(self) -> None:
        self._sort_by(self.query_state.sort)

    # --- paging ---------------------------------------------------------------------------------

    @on(ClientTable.PageRequested)
    def _page_requested(self, message: ClientTable.PageRequested) -> None:
        self._step_page(message.step)

    def action_next_page(self) -> None:
        self._step_page(+1)

    def action_previous_page(self) -> None:
        self._step_page(-1)

    def action_first_page(self) -> None:
        if self.query_state.page:
            self._run(replace(self.query_state, page=0), delay=0.0)

    def _step_page(self, step: int) -> None:
        q, shown = self.query_state, self.shown
        target = q.page + step
        if target < 0:
            return
        if step > 0 and shown is not None and shown.page == q.page and not shown.has_next:
            return
        self._run(replace(q, page=target), delay=0.0)

    # --- focus ------------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(ClientFilterBar).focus_search()

    def action_focus_filters(self) -> None:
        self.query_one(ClientFilterBar).focus_filters()

    def action_reset_filters(self) -> None:
        self.query_one(ClientFilterBar).clear()

    # --- rows: card, call, new --------------------------------------------------------------------

    @on(DataTable.RowSelected, "#client-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open_card(int(event.row_key.value))

    def action_open_card(self) -> None:
        client_id = self.table.current_client_id
        if client_id is not None:
            self.open_card(client_id)

    def open_card(self, client_id: int | None) -> None:
        from console.screens.card import ClientCardScreen

        self.app.push_screen(ClientCardScreen(client_id=client_id), callback=self._card_closed)

    def _card_closed(self, _result: object) -> None:
        """The card may have changed the client (or created one): show the page afresh."""
        self._fetch(self.query_state, 0.0)
        self._recount(0.0)
        self._load_choices()

    def action_new_client(self) -> None:
        self.open_card(None)

    def action_call(self) -> None:
        client_id = self.table.current_client_id
        if client_id is None:
            return
        from console.click_to_call import start_click_to_call

        self.run_worker(
            start_click_to_call(self.app, client_id),
            group="click-to-call",
            exit_on_error=False,
            description="click-to-call",
        )

    # --- Excel export and import --------------------------------------------------------------

    def action_companies(self) -> None:
        """The companies list (search by name or tax id), then the chosen one's card."""
        self._companies()

    @work(group="card-ask", exit_on_error=False, description="companies")
    async def _companies(self) -> None:
        from console.screens.companies import CompaniesDialog
        from console.screens.company import CompanyScreen

        company_id = await self.app.push_screen_wait(CompaniesDialog(self._data))
        if company_id is not None:
            await self.app.push_screen_wait(CompanyScreen(self._data, company_id))

    def action_export(self) -> None:
        """Export exactly what the search and filters select now (every page of it)."""
        from console.screens.export_dialog import ExportDialog, clients_export
        from console.widgets.transfer.common import desk_today

        dialog = ExportDialog(
            tr("transfer.export.title.clients"),
            tr("transfer.export.about.clients"),
            [clients_export(self._data, self.query_state.filter)],
            day=desk_today(self.app),
        )
        self.app.push_screen(dialog)

    def action_import(self) -> None:
        from console.screens.import_dialog import ImportDialog

        dialog = ImportDialog(self._data)
        self.app.push_screen(dialog, callback=self._imported)

    def _imported(self, report: object) -> None:
        if report is not None:  # committed: new and changed clients, maybe new cities
            self._card_closed(report)


def _column_of(sort: ClientSort) -> str:
    return next((c.key for c in COLUMN_BY_KEY.values() if c.sort == sort), "name")
