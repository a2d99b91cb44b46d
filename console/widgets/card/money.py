"""A client's money from the card: the history of account and bonus operations, and a new
operation.

`OperationsDialog` lists the operations newest first (amount, kind, comment, operator,
time) with filters by kind and period; it loads only when opened, never with the card.
`n` there opens `NewOperationDialog` (top-up, debit, correction, bonus credit or spend;
amount and comment): only a supervisor or an admin is offered the key, and storage itself
refuses anyone else, which the dialog says in words. Every query and write goes through
`console.data` in a worker; the dialog dismisses True when money moved, so the card
reloads its balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from console.data import (
    CompanyOperationKind,
    DomainError,
    InvalidChange,
    NotAllowed,
    OperationFilter,
    OperationKind,
    OperationRow,
)
from console.i18n import fmt_datetime, fmt_money, fmt_number, parse_money, tr
from console.i18n.bindings import localize_bindings
from console.widgets.board.sources import DeskHost, local_midnight, utc_now
from console.widgets.card.dialogs import _Dialog
from console.widgets.footer import ConsoleFooter
from console.wording import invalid_change, not_allowed

if TYPE_CHECKING:
    from console.data import ClientCard, ConsoleData

HISTORY_LIMIT: Final = 200
# The period filter: days back from today's local midnight (None: all time).
PERIODS: Final[dict[str, int | None]] = {
    "all": None,
    "today": 0,
    "week": 6,
    "month": 29,
    "year": 364,
}
COLUMNS: Final = ("at", "kind", "amount", "comment", "operator")


def refusal_text(exc: DomainError) -> str:
    """A refused operation in words: the role, the amount, or what storage said."""
    if isinstance(exc, NotAllowed):
        return not_allowed(exc)
    if isinstance(exc, InvalidChange):
        return f"{tr('money.new.amount')}: {invalid_change(exc)}"
    return str(exc)


@dataclass(frozen=True, slots=True)
class NewOperation:
    kind: OperationKind | CompanyOperationKind
    amount: Decimal  # as typed: positive, a correction signed
    comment: str


@dataclass
class OperationsLoaded(Message):
    """The operations the filter `flt` selects, newest first."""

    flt: OperationFilter
    rows: list[OperationRow]


class NewOperationDialog(_Dialog[NewOperation]):
    """What moves, by how much, and why. Compact fields: the whole dialog, buttons
    included, fits a 24-line terminal."""

    DEFAULT_CSS = """
    NewOperationDialog Input { background: $boost; }
    NewOperationDialog .money-hint { color: $text-muted; }
    """
    AUTO_FOCUS = "#amount"  # the kind is a top-up unless changed: the amount comes first

    def __init__(
        self,
        title: str,
        kinds: type[OperationKind] | type[CompanyOperationKind] = OperationKind,
    ) -> None:
        super().__init__(title)
        self._kinds = kinds  # a company's account has no bonus kinds

    def fields(self) -> ComposeResult:
        yield Label(tr("money.new.kind"))
        yield Select(
            [(tr(f"money.kind.{k.value}"), k.value) for k in self._kinds],
            value=OperationKind.CREDIT.value,
            allow_blank=False,
            id="kind",
            compact=True,
        )
        yield Label(tr("money.new.amount"))
        yield Input(id="amount", placeholder=fmt_number(Decimal(500), places=2), compact=True)
        yield Static(tr("money.new.amount.hint"), classes="money-hint")
        yield Label(tr("money.new.comment"))
        yield Input(id="comment", compact=True)

    def result(self) -> NewOperation | str:
        kind = self._kinds(str(self.query_one("#kind", Select).value))
        amount = parse_money(self.query_one("#amount", Input).value)
        if kind.value == OperationKind.CORRECTION.value:
            if amount is None or amount == 0:
                return tr("money.new.bad_correction")
        elif amount is None or amount <= 0:
            return tr("money.new.bad_amount")
        comment = self.query_one("#comment", Input).value.strip()
        return NewOperation(kind, amount, comment)


class OperationsDialog(ModalScreen[bool]):
    """A client's account and bonus operations; a new one for a supervisor or an admin."""

    # (its width is in styles/card.tcss: the app's `.dialog-body` rule wins over DEFAULT_CSS)
    DEFAULT_CSS = """
    OperationsDialog #money-filters { height: auto; }
    OperationsDialog #money-filters Select { width: 1fr; margin-right: 1; }
    OperationsDialog #money-table { height: auto; max-height: 16; }
    OperationsDialog #money-line { color: $text-muted; }
    OperationsDialog #money-error { color: $error; height: auto; }
    """

    AUTO_FOCUS = "#money-table"  # the rows, not a filter: the keys act at once

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_operation", "key.money.new", tooltip="key.money.new.tip", id="money.new"),
        Binding(
            "escape", "close", "key.money.close", tooltip="key.money.close.tip", id="money.close"
        ),
    ]

    def __init__(self, data: ConsoleData, card: ClientCard) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._data = data
        self._card = card
        self._balance = card.balance
        self._bonus = card.bonus_balance
        self.moved = False  # money moved while the dialog was up: the card reloads
        self.flt = OperationFilter()
        self.rows: list[OperationRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(Content(self._title()), id="money-title", classes="dialog-title")
            with Horizontal(id="money-filters"):
                yield Select[str](
                    [(tr(f"money.kind.{k.value}"), k.value) for k in OperationKind],
                    prompt=tr("money.filter.kind.all"),
                    id="money-kind",
                    compact=True,
                )
                yield Select[str](
                    [(tr(f"money.period.{p}"), p) for p in PERIODS],
                    value="all",
                    allow_blank=False,
                    id="money-period",
                    compact=True,
                )
            table: DataTable[Text] = DataTable(cursor_type="row", id="money-table")
            for column in COLUMNS:
                table.add_column(tr(f"money.col.{column}"), key=column)
            yield table
            yield Static(tr("money.loading"), id="money-line")
            read_only = "" if self._data.may() else tr("money.read_only")
            yield Static(Content(read_only), id="money-error")
        yield ConsoleFooter()

    def _title(self) -> str:
        return tr(
            "money.history.title",
            name=self._card.name or "—",
            balance=fmt_money(self._balance),
            bonus=fmt_money(self._bonus),
        )

    def on_mount(self) -> None:
        self._load(self.flt)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_operation":
            return True if self._data.may() else None  # shown dimmed to a dispatcher
        return True

    # --- the list ---------------------------------------------------------------------------

    def _now(self) -> datetime:
        host = self.app
        return host.now() if isinstance(host, DeskHost) else utc_now()

    def _filter(self) -> OperationFilter:
        kind = self.query_one("#money-kind", Select).value
        period = self.query_one("#money-period", Select).value
        days = PERIODS.get(period) if isinstance(period, str) else None
        since = None
        if days is not None:
            since = local_midnight(self._now()) - timedelta(days=days)
        kinds = frozenset({OperationKind(kind)}) if isinstance(kind, str) else frozenset()
        return OperationFilter(kinds=kinds, since=since)

    @on(Select.Changed, "#money-kind, #money-period")
    def _filters_changed(self) -> None:
        flt = self._filter()
        if flt != self.flt:
            self.flt = flt
            self._load(flt)

    @work(
        exclusive=True,
        group="money-history",
        exit_on_error=False,
        description="account operations",
    )
    async def _load(self, flt: OperationFilter) -> None:
        rows = await self._data.operations(self._card.id, flt, limit=HISTORY_LIMIT)
        self.post_message(OperationsLoaded(flt, rows))

    @on(OperationsLoaded)
    def _loaded(self, message: OperationsLoaded) -> None:
        if message.flt != self.flt:
            return  # the filter changed meanwhile: its own answer is on the way
        self.rows = message.rows
        table: DataTable[Text] = self.query_one("#money-table", DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(  # Text, not markup: a comment is shown as typed
                Text(fmt_datetime(row.at)),
                Text(tr(f"money.kind.{row.kind.value}")),
                Text(fmt_money(row.amount), justify="right"),
                Text(row.comment or "—"),
                Text(row.operator),
                key=str(row.id),
            )
        if not self.rows:
            line = tr("money.none")
        elif len(self.rows) >= HISTORY_LIMIT:
            line = tr("money.count.capped", count=fmt_number(len(self.rows)))
        else:
            line = tr("money.count", count=fmt_number(len(self.rows)))
        self.query_one("#money-line", Static).update(line)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.query_one("#money-line", Static).update(
                tr("history.error", error=str(error) or type(error).__name__)
            )

    # --- a new operation --------------------------------------------------------------------

    def action_new_operation(self) -> None:
        """Asks what moves, then makes it; storage decides whether this person may."""
        self._new_operation()

    @work(group="card-ask", exit_on_error=False, description="new account operation")
    async def _new_operation(self) -> None:
        name = self._card.name or "—"
        operation = await self.app.push_screen_wait(
            NewOperationDialog(tr("money.new.title", name=name))
        )
        if operation is None:
            return
        error = self.query_one("#money-error", Static)
        try:
            balance, bonus = await self._data.add_operation(
                self._card.id, OperationKind(operation.kind), operation.amount, operation.comment
            )
        except DomainError as exc:
            text = refusal_text(exc)
            error.update(Content(text))
            self.notify(text, severity="error", timeout=8, markup=False)
            return
        self.moved = True
        self._balance, self._bonus = balance, bonus
        self.query_one("#money-title", Static).update(Content(self._title()))
        error.update("")
        self.notify(
            tr(
                "money.new.done",
                kind=tr(f"money.kind.{operation.kind.value}"),
                amount=fmt_money(operation.amount),
                balance=fmt_money(balance),
                bonus=fmt_money(bonus),
            )
        )
        self._load(self.flt)

    def action_close(self) -> None:
        self.dismiss(self.moved)
