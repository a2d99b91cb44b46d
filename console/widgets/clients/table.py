"""The client base table: one page of clients at a time, never more.

The database pages and sorts (a desk may hold a million clients); this widget only shows
what it is given, keyed by client id, so the cursor stays on the same client when a page is
redrawn. Blacklisted clients and clients with unpaid debts are marked in colour *and* with a
sign, so the mark survives a monochrome terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from console.i18n import fmt_date, fmt_money, fmt_number, tr
from storage.client_list import ClientRow
from storage.filters import ClientSort
from storage.phones import format_display


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key (also the catalog key suffix), the sort it maps to, its width."""

    key: str
    sort: ClientSort | None
    width: int | None = None


# Order and widths fit the columns a dispatcher needs (name to debt) in 120 terminal
# columns; registration and last call follow, a scroll away on a narrow terminal.
COLUMNS: tuple[Column, ...] = (
    Column("name", ClientSort.NAME, 26),
    Column("phone", None, 16),
    Column("city", ClientSort.CITY, 12),
    Column("tariff", None, 10),
    Column("debt", None, 12),
    Column("orders", ClientSort.ORDERS, 6),
    Column("status", None, 10),  # «Постоянный», «Неактивный»
    Column("activity", None, 10),
    Column("registered", ClientSort.REGISTERED, 10),
    Column("last_call", ClientSort.LAST_CALL, 10),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
SORTABLE: tuple[ClientSort, ...] = tuple(c.sort for c in COLUMNS if c.sort is not None)

BLACKLIST_STYLE = "bold red"
DEBT_STYLE = "yellow"


def row_cells(row: ClientRow) -> list[Text]:
    """The cells of one client, in `COLUMNS` order, styled for blacklist and debts."""
    has_debt = row.unpaid_debt_total > 0
    style = BLACKLIST_STYLE if row.blacklisted else ""
    mark = "⛔ " if row.blacklisted else ("₽ " if has_debt else "  ")
    cells = {
        "name": Text(mark + row.name, style=style or (DEBT_STYLE if has_debt else "")),
        "phone": Text(format_display(row.phone) if row.phone else ""),
        "city": Text(row.city),
        "tariff": Text(row.tariff or ""),
        "debt": Text(fmt_money(row.unpaid_debt_total) if has_debt else "", style=DEBT_STYLE),
        "orders": Text(fmt_number(row.completed_orders), justify="right"),
        "status": Text(tr(f"clients.status.{row.status}")),
        "activity": Text(tr(f"clients.activity.{row.activity}")),
        "registered": Text(fmt_date(row.registered_at)),
        "last_call": Text(fmt_date(row.last_call_at) if row.last_call_at else "—"),
    }
    return [cells[column.key] for column in COLUMNS]


def column_index(key: str) -> int:
    return next(i for i, column in enumerate(COLUMNS) if column.key == key)


class ClientTable(DataTable[Text]):
    """A page of clients. PgUp/PgDn ask for the neighbouring page instead of scrolling: the
    table holds one page, so scrolling inside it is what the arrows are for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pageup", "previous_page", show=False),
        Binding("pagedown", "next_page", show=False),
    ]

    class PageRequested(Message):
        """The person asked for the previous (-1) or next (+1) page."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._sort: ClientSort = ClientSort.NAME
        self._descending = False

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(self._label(column), key=column.key, width=column.width)

    def _label(self, column: Column) -> Text:
        label = tr(f"clients.col.{column.key}")
        if column.sort is not None and column.sort == self._sort:
            label += " ▼" if self._descending else " ▲"
        return Text(label)

    def show_sort(self, sort: ClientSort, descending: bool) -> None:
        """Mark the sorted column's header with an arrow."""
        self._sort, self._descending = sort, descending
        for column in COLUMNS:
            key = ColumnKey(column.key)
            if key in self.columns:
                self.columns[key].label = self._label(column)
        self._require_update_dimensions = True
        self.refresh()

    def show_rows(self, rows: Sequence[ClientRow]) -> None:
        """Show exactly these rows, keeping the cursor on the same client when it is still
        there; rows are keyed by client id so a refresh does not jump."""
        current = self.current_client_id
        with self.app.batch_update():
            self.clear()
            for row in rows:
                self.add_row(*row_cells(row), key=str(row.id))
            if current is not None and str(current) in self.rows:
                self.move_cursor(row=self.get_row_index(str(current)), animate=False)
            elif self.row_count:
                self.move_cursor(row=0, animate=False)

    @property
    def current_client_id(self) -> int | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return int(key.value) if key.value is not None else None

    def action_previous_page(self) -> None:
        self.post_message(self.PageRequested(-1))

    def action_next_page(self) -> None:
        self.post_message(self.PageRequested(+1))
