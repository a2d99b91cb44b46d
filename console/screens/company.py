"""A company's card: its record, its account, its employees and its latest operations.

Opened from an employee's card (`o`, the cursor on that employee) or from the companies
list (the client base's Ctrl+G, or the palette). What a dispatcher needs on the line is at
the top: the account's balance (a negative one says so) and, opened from a caller's card,
whether this caller may ride on the company's account.

Keys: Enter opens the employee's card; `n` moves the company's money (credit, debit,
correction) and `t` allows or forbids the employee to ride on the account: a supervisor's
or an admin's (a dispatcher's key says why not, in words, before asking anything; storage
refuses them anyway). `e` edits the record, `a` links a client, `u` unlinks the employee: any
operator's, as on the card itself (a contact that changed is learnt on the line), and
audited. Every read and write goes through `console.data` in a worker; the screen
dismisses True when something changed, so the card it came from reloads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from console.data import (
    COMPANY_ACCOUNT,
    COMPANY_MONEY,
    CompanyOperationKind,
    DomainError,
    InvalidChange,
    NotFound,
    require_role,
)
from console.i18n import fmt_datetime, fmt_money, fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.screens.confirm import ConfirmScreen
from console.widgets.card.money import NewOperationDialog
from console.widgets.card.places import CompanyDialog
from console.widgets.card.saving import explain
from console.widgets.columns import ColumnSpec, FittedTable
from console.widgets.footer import ConsoleFooter
from console.wording import invalid_change
from storage.phones import format_display

if TYPE_CHECKING:
    from console.data import CompanyCard, CompanyOperationRow, ConsoleData, Employee

RECENT_OPERATIONS: Final = 20
# A change asked for: the write to await, and what to say from its result once made.
Asked = tuple[Awaitable[Any], Callable[[Any], str]]
EMPLOYEE_COLUMNS: Final = (
    ColumnSpec("name", "", 0, shrink_to=16),
    ColumnSpec("account", "", 0),
    ColumnSpec("phones", "", 1, shrink_to=18),
)
OPERATION_COLUMNS: Final = (
    ColumnSpec("at", "", 0),
    ColumnSpec("kind", "", 0),
    ColumnSpec("amount", "", 0),
    ColumnSpec("comment", "", 2, shrink_to=12),
    ColumnSpec("operator", "", 1),
)


@dataclass
class CompanyLoaded(Message):
    """The company (None: it is gone) and its latest operations."""

    card: CompanyCard | None
    operations: list[CompanyOperationRow]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CompanyLoaded)


def phones_text(employee: Employee) -> str:
    """«+7 916 123-45-67 (жена), +7 495 …»: every number with whose it is."""
    return ", ".join(
        f"{format_display(e164)} ({label})" if label else format_display(e164)
        for e164, label in employee.phones
    )


def account_word(allowed: bool) -> str:
    return tr("company.account.yes" if allowed else "company.account.no")


def company_refusal(exc: DomainError) -> str:
    """A refusal in words; a bad field of the record by the form's own label."""
    if isinstance(exc, InvalidChange) and exc.field in CompanyDialog.FIELDS:
        return f"{tr(f'company.field.{exc.field}')}: {invalid_change(exc)}"
    if isinstance(exc, NotFound):
        return tr("company.gone")
    return explain(exc)


class CompanyScreen(Screen[bool]):
    """One company: record, balance, employees (Enter: a card), latest operations."""

    DEFAULT_CSS = """
    CompanyScreen #company-head { padding: 0 1; height: auto; }
    CompanyScreen #company-balance { padding: 0 1; text-style: bold; }
    CompanyScreen #company-balance.-negative { color: $error; }
    CompanyScreen #company-caller { padding: 0 1; text-style: bold; }
    CompanyScreen .company-section { padding: 0 1; color: $text-muted; margin-top: 1; }
    CompanyScreen #company-employees { height: auto; max-height: 45%; }
    CompanyScreen #company-operations { height: 1fr; }
    CompanyScreen #company-line { padding: 0 1; color: $error; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(  # priority: over the table's own (hidden) Enter, so the footer shows it
            "enter", "open_employee", "company.key.open", tooltip="company.key.open.tip",
            id="company.open", priority=True,
        ),
        Binding(
            "n", "new_operation", "company.key.money", tooltip="company.key.money.tip",
            id="company.money",
        ),
        Binding(
            "t", "toggle_account", "company.key.account", tooltip="company.key.account.tip",
            id="company.account",
        ),
        Binding("e", "edit", "company.key.edit", tooltip="company.key.edit.tip", id="company.edit"),
        Binding("a", "link", "company.key.link", tooltip="company.key.link.tip", id="company.link"),
        Binding(
            "u", "unlink", "company.key.unlink", tooltip="company.key.unlink.tip",
            id="company.unlink",
        ),
        Binding(
            "escape,q", "close", "company.key.close", tooltip="company.key.close.tip",
            id="company.close",
        ),
    ]  # fmt: skip

    def __init__(self, data: ConsoleData, company_id: int, *, client_id: int | None = None):
        super().__init__(classes="company-screen")
        localize_bindings(self)
        self._data = data
        self.company_id = company_id
        self._client_id = client_id  # the caller whose card opened it: their line on top
        self.card: CompanyCard | None = None
        self.operations: list[CompanyOperationRow] = []
        self.changed = False  # something was written: the card under it reloads
        self._placed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(tr("company.loading"), id="company-head")
        yield Static(id="company-balance")
        yield Static(id="company-caller")
        yield Static(id="company-employees-title", classes="company-section")
        yield FittedTable(id="company-employees")
        yield Static(id="company-operations-title", classes="company-section")
        yield FittedTable(id="company-operations", show_cursor=False)
        read_only = "" if self._data.may() else tr("company.read_only")
        yield Static(Text(read_only), id="company-line")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.title = tr("company.title")
        employees = self.query_one("#company-employees", FittedTable)
        employees.set_columns(
            [replace(c, label=tr(f"company.col.{c.key}")) for c in EMPLOYEE_COLUMNS]
        )
        operations = self.query_one("#company-operations", FittedTable)
        operations.set_columns(
            [replace(c, label=tr(f"money.col.{c.key}")) for c in OPERATION_COLUMNS]
        )
        operations.can_focus = False  # the keys act on the employees
        employees.focus()
        self.reload()

    # --- what it shows --------------------------------------------------------------------

    def reload(self) -> None:
        self._load()

    @work(exclusive=True, group="company", exit_on_error=False, description="load company")
    async def _load(self) -> None:
        try:
            card = await self._data.company(self.company_id)
        except NotFound:
            self.post_message(CompanyLoaded(None, []))
            return
        operations = await self._data.company_operations(self.company_id, limit=RECENT_OPERATIONS)
        self.post_message(CompanyLoaded(card, operations))

    @on(CompanyLoaded)
    def _loaded(self, message: CompanyLoaded) -> None:
        self.card, self.operations = message.card, message.operations
        head = self.query_one("#company-head", Static)
        if message.card is None:
            head.update(tr("company.gone"))
            self.refresh_bindings()
            return
        company = message.card.company
        self.sub_title = company.name
        lines = [tr("company.head", name=company.name, tax_id=company.tax_id or "—")]
        contact = ", ".join(
            part
            for part in (
                company.contact_name,
                format_display(company.contact_phone) if company.contact_phone else "",
            )
            if part
        )
        lines.append(tr("company.head.contact", contact=contact or "—"))
        if company.comment:
            lines.append(tr("company.head.comment", comment=company.comment))
        head.update(Text("\n".join(lines)))  # Text: a name is shown as typed, not as markup
        negative = company.balance < 0
        balance = self.query_one("#company-balance", Static)
        key = "company.balance.negative" if negative else "company.balance"
        balance.update(Text(tr(key, balance=fmt_money(company.balance))))
        balance.set_class(negative, "-negative")
        self._show_caller(message.card)
        self._show_employees(message.card)
        self._show_operations()
        self.refresh_bindings()

    def _show_caller(self, card: CompanyCard) -> None:
        caller = self.query_one("#company-caller", Static)
        caller.display = self._client_id is not None
        if self._client_id is None:
            return
        employee = next((e for e in card.employees if e.client_id == self._client_id), None)
        if employee is None:
            caller.update(Text(tr("company.caller.gone", name="—")))
            return
        account = "company.account.may" if employee.may_order_on_account else "company.account.not"
        caller.update(Text(tr("company.caller", name=employee.name or "—", account=tr(account))))

    def _show_employees(self, card: CompanyCard) -> None:
        title = self.query_one("#company-employees-title", Static)
        count = len(card.employees)
        title.update(
            tr("company.employees", count=fmt_number(count))
            if count
            else tr("company.employees.none")
        )
        table = self.query_one("#company-employees", FittedTable)
        table.show(
            {
                str(e.client_id): {
                    "name": Text(e.name or "—"),
                    "account": Text(account_word(e.may_order_on_account)),
                    "phones": Text(phones_text(e)),
                }
                for e in card.employees
            }
        )
        if self._client_id is not None and not self._placed:
            self._placed = True  # the caller's row under the cursor, once
            index = next(
                (i for i, e in enumerate(card.employees) if e.client_id == self._client_id), 0
            )
            table.move_cursor(row=index)

    def _show_operations(self) -> None:
        title = self.query_one("#company-operations-title", Static)
        count = len(self.operations)
        title.update(
            tr("company.operations", count=fmt_number(count))
            if count
            else tr("company.operations.none")
        )
        self.query_one("#company-operations", FittedTable).show(
            {
                str(o.id): {
                    "at": Text(fmt_datetime(o.at)),
                    "kind": Text(tr(f"money.kind.{o.kind.value}")),
                    "amount": Text(fmt_money(o.amount), justify="right"),
                    "comment": Text(o.comment or "—"),
                    "operator": Text(o.operator),
                }
                for o in self.operations
            }
        )

    def selected(self) -> Employee | None:
        """The employee under the cursor."""
        if self.card is None:
            return None
        index = self.query_one("#company-employees", FittedTable).cursor_row
        employees = self.card.employees
        return employees[index] if 0 <= index < len(employees) else None

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("close",):
            return True
        if self.card is None:
            return None  # on its way (or gone): the keys stay where they are, dimmed
        if action in ("open_employee", "toggle_account", "unlink") and self.selected() is None:
            return None
        return True

    @on(DataTable.RowSelected, "#company-employees")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_employee()

    @on(DataTable.RowHighlighted, "#company-employees")
    def _row_highlighted(self) -> None:
        self.refresh_bindings()

    def action_open_employee(self) -> None:
        from console.screens.card import ClientCardScreen

        if (employee := self.selected()) is not None:
            self.app.push_screen(
                ClientCardScreen(client_id=employee.client_id), callback=self._back
            )

    def _back(self, _result: object) -> None:
        self.reload()  # the card may have changed the employee (a label, their company)

    def action_new_operation(self) -> None:
        self._ask("money")

    def action_toggle_account(self) -> None:
        self._ask("account")

    def action_edit(self) -> None:
        self._ask("edit")

    def action_link(self) -> None:
        self._ask("link")

    def action_unlink(self) -> None:
        self._ask("unlink")

    def action_close(self) -> None:
        self.dismiss(self.changed)

    @work(group="card-ask", exit_on_error=False, description="change company")
    async def _ask(self, what: str) -> None:
        """Ask what the change needs, make it, say how it went (a refusal in words)."""
        card = self.card
        if card is None:
            return
        line = self.query_one("#company-line", Static)
        try:
            # The rule storage applies, told before the operator types an amount for nothing.
            if what in ("money", "account"):
                rule = COMPANY_MONEY if what == "money" else COMPANY_ACCOUNT
                require_role(self._data.seat(), rule)
            asked = await self._asked(what, card)
            if asked is None:
                return
            write, done = asked
            result = await write
        except DomainError as exc:
            text = company_refusal(exc)
            line.update(Text(text))
            self.notify(text, severity="error", timeout=8, markup=False)
            return
        self.changed = True
        line.update("")
        self.notify(done(result), markup=False)
        self.reload()

    async def _asked(self, what: str, card: CompanyCard) -> Asked | None:
        """The write `what` makes (an awaitable) and what to say once it is made (from its
        result), or None when the operator let it go."""
        data, company = self._data, card.company
        employee = self.selected()
        if what == "money":
            operation = await self.app.push_screen_wait(
                NewOperationDialog(
                    tr("company.money.title", name=company.name), CompanyOperationKind
                )
            )
            if operation is None:
                return None
            kind = CompanyOperationKind(operation.kind)
            return data.add_company_operation(
                company.id, kind, operation.amount, operation.comment
            ), lambda balance: tr(
                "company.money.done",
                kind=tr(f"money.kind.{kind.value}"),
                amount=fmt_money(operation.amount),
                balance=fmt_money(balance),
            )
        if what == "edit":
            values = await self.app.push_screen_wait(
                CompanyDialog(
                    tr("company.edit.title", name=company.name),
                    {f: getattr(company, f) for f in CompanyDialog.FIELDS},
                )
            )
            if values is None:
                return None
            return data.update_company(company.id, values), lambda _r: tr("company.saved")
        if what == "link":
            from console.screens.client_pick import ClientPickDialog

            client_id = await self.app.push_screen_wait(
                ClientPickDialog(tr("company.link.title", name=company.name), data)
            )
            if client_id is None:
                return None
            name = await data.client_name(client_id)
            return data.link_company(
                client_id, company.id, may_order_on_account=False
            ), lambda _r: tr("company.linked.employee", name=name or "—", company=company.name)
        if employee is None:
            return None
        name = employee.name or "—"
        if what == "account":
            allowed = not employee.may_order_on_account
            said = "company.account.allowed" if allowed else "company.account.forbidden"
            return data.set_company_account(employee.client_id, allowed), lambda _r: tr(
                said, name=name
            )
        if what == "unlink":
            question = tr("company.unlink.question", name=name, company=company.name)
            if not await self.app.push_screen_wait(ConfirmScreen(question)):
                return None
            return data.unlink_company(employee.client_id), lambda _r: tr(
                "company.unlinked", name=name, company=company.name
            )
        return None

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            text = tr("history.error", error=str(error) or type(error).__name__)
            self.query_one("#company-line", Static).update(Text(text))
