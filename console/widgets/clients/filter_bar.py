"""The search box and, under it, the compact row of filters above the client table.

Every change becomes one `FiltersChanged` message carrying the whole `ClientFilter`, so the
screen never has to piece the query together from widgets, and a burst of keystrokes can
be collapsed (`can_replace`) before the screen even sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Input, Select

from console.data import Activity, ClientFilter, ClientStatus
from console.i18n import tr
from console.widgets.columns import grid_columns, select_width

_ANY = Select.NULL


class ClientFilterBar(Vertical):
    """Search as you type (a full line: «Search: name, phone digits, e-mail» must be readable)
    over one row of six filters sharing the width: city, blacklist, status, activity, tariff
    and debts. Both rows are one line high, so the table keeps the screen."""

    DEFAULT_CSS: ClassVar[str] = """
    ClientFilterBar { height: auto; }
    ClientFilterBar > Input { width: 1fr; }
    ClientFilterBar > #filter-row {
        height: auto; margin-top: 1; grid-size: 6; grid-gutter: 0 1; grid-rows: 1;
    }
    ClientFilterBar > #filter-row > Select { width: 1fr; }
    """

    class FiltersChanged(Message):
        """The filter as it stands now; a newer one supersedes an older one."""

        def __init__(self, flt: ClientFilter, *, typed: bool) -> None:
            super().__init__()
            self.filter = flt
            self.typed = typed  # from the search box: worth a short debounce

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ClientFilterBar.FiltersChanged)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cities: list[str] = []
        self._tariffs: list[tuple[int, str]] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder=tr("clients.search.placeholder"), id="search", compact=True)
        with Grid(id="filter-row"):
            yield from self._filters()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Six filters in a row where each shows its label whole, else three (two rows)
        or two (three rows): a label is never cut («Чёрный ▼», «Активност ▼»)."""
        row = self.query_one("#filter-row", Grid)
        width = row.size.width or self.size.width
        if not width:
            return
        need = max(select_width(select) for select in self.query(Select))
        row.styles.grid_size_columns = grid_columns(need, width, (6, 3, 2))

    def _filters(self) -> ComposeResult:
        yield Select[str]([], prompt=tr("clients.filter.city"), id="city", compact=True)
        yield Select[bool](
            [
                (tr("clients.filter.blacklisted"), True),
                (tr("clients.filter.not_blacklisted"), False),
            ],
            prompt=tr("clients.filter.blacklist"),
            id="blacklist",
            compact=True,
        )
        yield Select[str](
            [(tr(f"word.status.{s.value}"), s.value) for s in ClientStatus],
            prompt=tr("clients.filter.status"),
            id="status",
            compact=True,
        )
        yield Select[str](
            [(tr(f"word.activity.{a.value}"), a.value) for a in Activity],
            prompt=tr("clients.filter.activity"),
            id="activity",
            compact=True,
        )
        yield Select[int]([], prompt=tr("clients.filter.tariff"), id="tariff", compact=True)
        yield Select[bool](
            [(tr("clients.filter.with_debts"), True), (tr("clients.filter.without_debts"), False)],
            prompt=tr("clients.filter.debts"),
            id="debts",
            compact=True,
        )

    def set_choices(self, cities: Sequence[str], tariffs: Sequence[tuple[int, str]]) -> None:
        """Fill the city and tariff lists (they come from the database, after mount)."""
        self._cities, self._tariffs = list(cities), list(tariffs)
        self.query_one("#city", Select).set_options((c, c) for c in self._cities)
        self.query_one("#tariff", Select).set_options((name, tid) for tid, name in self._tariffs)
        self._fit()

    @property
    def current(self) -> ClientFilter:
        def value(widget_id: str) -> object | None:
            v = self.query_one(f"#{widget_id}", Select).value
            return None if v is _ANY else v

        city = value("city")
        blacklisted = value("blacklist")
        status = value("status")
        activity = value("activity")
        tariff = value("tariff")
        debts = value("debts")
        return ClientFilter(
            search=self.query_one("#search", Input).value.strip(),
            city=city if isinstance(city, str) else None,
            blacklisted=blacklisted if isinstance(blacklisted, bool) else None,
            status=status if isinstance(status, str) else None,
            activity=Activity(activity) if isinstance(activity, str) else None,
            tariff_id=tariff if isinstance(tariff, int) else None,
            has_unpaid_debts=debts if isinstance(debts, bool) else None,
        )

    def clear(self) -> None:
        """Back to every client: empty search, every filter at «any»."""
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#search", Input).value = ""
            for select in self.query(Select):
                select.clear()
        self.post_message(self.FiltersChanged(self.current, typed=False))

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def type_in_search(self, text: str) -> None:
        """A new search starting with `text`, typed over the list: the search box takes the
        keys from then on, its cursor after `text` (not selecting it, as a focus would)."""
        search = self.query_one("#search", Input)
        selects = search.select_on_focus
        search.select_on_focus = False
        search.value = text
        search.cursor_position = len(text)
        search.focus()  # Textual moves the focus in a callback of the app's queue, so

        def restore() -> None:  # put back after that callback and the Focus it posts
            search.call_later(setattr, search, "select_on_focus", selects)

        self.app.call_later(restore)

    def focus_filters(self) -> None:
        self.query_one("#city", Select).focus()

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FiltersChanged(self.current, typed=True))

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.FiltersChanged(self.current, typed=False))
