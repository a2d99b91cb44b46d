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

from console.data import ClientRow, ClientSort
from console.i18n import fmt_date, fmt_money, fmt_number, tr
from console.widgets.columns import ColumnSpec, FittedTable
from storage.phones import format_display


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key (also the catalog key suffix), the sort it maps to, and how it
    fits a narrow terminal (`ColumnSpec.drop`, `ColumnSpec.shrink_to`)."""

    key: str
    sort: ClientSort | None
    drop: int = 0
    shrink_to: int = 0


# What a dispatcher needs first (name, phone, debt) stays on any terminal; a narrow one
# drops registration, last call, activity, … whole, in that order, and only the name
# may be shortened (at a word boundary).
COLUMNS: tuple[Column, ...] = (
    Column("name", ClientSort.NAME, shrink_to=22),
    Column("phone", None),
    Column("city", ClientSort.CITY, drop=2),
    Column("tariff", None, drop=4),
    Column("debt", None, drop=1),
    Column("orders", ClientSort.ORDERS, drop=5),
    Column("status", None, drop=3),
    Column("activity", None, drop=6),
    Column("registered", ClientSort.REGISTERED, drop=8),
    Column("last_call", ClientSort.LAST_CALL, drop=7),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
SORTABLE: tuple[ClientSort, ...] = tuple(c.sort for c in COLUMNS if c.sort is not None)

BLACKLIST_STYLE = "bold red"
DEBT_STYLE = "yellow"


def row_cells(row: ClientRow) -> dict[str, Text]:
    """The cells of one client by column key, styled for blacklist and debts."""
    has_debt = row.unpaid_debt_total > 0
    style = BLACKLIST_STYLE if row.blacklisted else ""
    mark = "⛔ " if row.blacklisted else ("₽ " if has_debt else "  ")
    return {
        "name": Text(mark + row.name, style=style or (DEBT_STYLE if has_debt else "")),
        "phone": Text(format_display(row.phone) if row.phone else ""),
        "city": Text(row.city),
        "tariff": Text(row.tariff or ""),
        "debt": Text(fmt_money(row.unpaid_debt_total) if has_debt else "", style=DEBT_STYLE),
        "orders": Text(fmt_number(row.completed_orders), justify="right"),
        "status": Text(tr(f"word.status.{row.status}")),
        "activity": Text(tr(f"word.activity.{row.activity}")),
        "registered": Text(fmt_date(row.registered_at)),
        "last_call": Text(fmt_date(row.last_call_at) if row.last_call_at else "—"),
    }


def column_index(key: str) -> int:
    return next(i for i, column in enumerate(COLUMNS) if column.key == key)


class ClientTable(FittedTable):
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
        super().__init__(id=id)
        self._sort: ClientSort = ClientSort.NAME
        self._descending = False

    def on_mount(self) -> None:
        self._set_specs()

    def _set_specs(self) -> None:
        self.set_columns([ColumnSpec(c.key, self._label(c), c.drop, c.shrink_to) for c in COLUMNS])

    def _label(self, column: Column) -> Text:
        label = tr(f"clients.col.{column.key}")
        if column.sort is not None and column.sort == self._sort:
            label += " ▼" if self._descending else " ▲"
        return Text(label)

    def show_sort(self, sort: ClientSort, descending: bool) -> None:
        """Mark the sorted column's header with an arrow."""
        if (sort, descending) != (self._sort, self._descending) or not self.column_specs:
            self._sort, self._descending = sort, descending
            self._set_specs()

    def show_rows(self, rows: Sequence[ClientRow]) -> None:
        """Show exactly these rows, keeping the cursor on the same client when it is still
        there; rows are keyed by client id so a refresh does not jump."""
        self.show({str(row.id): row_cells(row) for row in rows})
        if self.row_count and self.cursor_key is None:
            self.move_cursor(row=0, animate=False)

    @property
    def current_client_id(self) -> int | None:
        key = self.cursor_key
        return int(key) if key is not None else None

    def action_previous_page(self) -> None:
        self.post_message(self.PageRequested(-1))

    def action_next_page(self) -> None:
        self.post_message(self.PageRequested(+1))
