"""Small modal dialogs the card opens: one value or a few, returned typed by `dismiss`.

Each validates what it can without the database (an amount is a positive number, a date
is a date) and says what is wrong next to the field; what only the database knows (the
number belongs to another client) comes back from the save as a notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from console.data import DebtReason
from console.i18n import fmt_amount, fmt_date, fmt_datetime, parse_money, tr
from console.i18n.bindings import localize_bindings
from console.typed_dates import parse_date
from console.widgets.footer import ConsoleFooter


@dataclass(frozen=True, slots=True)
class NewDebt:
    amount: Decimal
    reason: str
    order_ref: str
    comment: str


@dataclass(frozen=True, slots=True)
class Payment:
    paid_on: date
    comment: str


def parse_amount(text: str) -> Decimal | None:
    """«1 234,50» or «1234.50» -> Decimal; None unless a positive amount."""
    value = parse_money(text)
    return value if value is not None and value > 0 else None


T = TypeVar("T")


class _Dialog(ModalScreen[T | None], Generic[T]):
    """Escape cancels (None); ctrl+s or the OK button submits."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "key.ok", tooltip="key.ok.tip", id="dialog.ok"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self._title, classes="dialog-title")
            yield from self.fields()
            yield Static("", id="dialog-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("common.ok"), id="ok", variant="primary")
                yield Button(tr("common.cancel"), id="cancel")
        yield ConsoleFooter()  # the dialog's keys, not those of the card under it

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit_height)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_height)

    def _fit_height(self) -> None:
        """On a terminal too short for the dialog (a debt's four fields at 80×24) its
        fields are one line high, so the title — whose card this is —, every field and the
        buttons are in sight together; shorter still, the body scrolls from the top, its
        buttons docked in sight (app.tcss)."""
        body = self.query_one(".dialog-body")
        if body.max_scroll_y > 0:
            for field in body.query("Input, Select"):
                if isinstance(field, Input | Select):
                    field.compact = True
            self.call_after_refresh(self._from_the_top)

    def _from_the_top(self) -> None:
        """The first field took the focus (and was scrolled to) before the body had its
        height: the dialog shows from its title, the focused field in sight."""
        self.query_one(".dialog-body").scroll_home(animate=False, immediate=True)
        if self.focused is not None:
            self.focused.scroll_visible(animate=False, immediate=True)

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> T | str:
        """The value, or an error message to show."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        value = self.result()
        if isinstance(value, str):
            self.query_one("#dialog-error", Static).update(value)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(_Dialog[str]):
    """One line of text (a phone number to add, a blacklist reason)."""

    def __init__(
        self,
        title: str,
        label: str,
        *,
        value: str = "",
        required: bool = True,
        placeholder: str = "",
    ) -> None:
        super().__init__(title)
        self._label = label
        self._value = value
        self._required = required
        self._placeholder = placeholder

    def fields(self) -> ComposeResult:
        yield Label(self._label)
        yield Input(self._value, placeholder=self._placeholder, id="text")

    def result(self) -> str:
        text = self.query_one("#text", Input).value.strip()
        if self._required and not text:
            return tr("card.dialog.required")
        return text

    def action_submit(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if self._required and not text:
            self.query_one("#dialog-error", Static).update(tr("card.dialog.required"))
            return
        self.dismiss(text)


class AddDebtDialog(_Dialog[NewDebt]):
    def fields(self) -> ComposeResult:
        yield Label(tr("card.debt.amount"))
        yield Input(id="amount", placeholder=fmt_amount(Decimal(500)))
        yield Label(tr("card.debt.reason"))
        yield Select(
            [(tr(f"card.debt.reason.{r.value}"), r.value) for r in DebtReason],
            value=DebtReason.UNPAID_ORDER.value,
            allow_blank=False,
            id="reason",
        )
        yield Label(tr("card.debt.order_ref"))
        yield Input(id="order-ref")
        yield Label(tr("card.debt.comment"))
        yield Input(id="comment")

    def result(self) -> NewDebt | str:
        amount = parse_amount(self.query_one("#amount", Input).value)
        if amount is None:
            return tr("card.debt.bad_amount")
        reason = self.query_one("#reason", Select).value
        return NewDebt(
            amount=amount,
            reason=str(reason),
            order_ref=self.query_one("#order-ref", Input).value.strip(),
            comment=self.query_one("#comment", Input).value.strip(),
        )


class MarkPaidDialog(_Dialog[Payment]):
    """When it was paid (today unless said otherwise) and a comment for accounting."""

    def __init__(self, title: str, today: date) -> None:
        super().__init__(title)
        self._today = today

    def fields(self) -> ComposeResult:
        yield Label(tr("card.debt.paid_on"))
        yield Input(fmt_date(self._today), id="paid-on")
        yield Label(tr("card.debt.payment_comment"))
        yield Input(id="comment")

    def result(self) -> Payment | str:
        paid_on = parse_date(self.query_one("#paid-on", Input).value)
        if paid_on is None:
            return tr("card.debt.bad_date")
        if paid_on > self._today:
            return tr("card.debt.future_date")
        return Payment(paid_on, self.query_one("#comment", Input).value.strip())


class ConflictDialog(ModalScreen[bool]):
    """Someone else saved this client first: show their change beside mine.

    Dismisses True to reload (theirs stays, my edit is dropped) or False to go back to
    editing with my values still in the form; nothing is ever written over theirs."""

    BINDINGS = [
        Binding(
            "r",
            "answer(True)",
            "card.conflict.reload",
            tooltip="card.conflict.reload.tip",
            id="conflict.reload",
        ),
        Binding(
            "escape",
            "answer(False)",
            "card.conflict.back",
            tooltip="card.conflict.back.tip",
            id="conflict.back",
        ),
    ]

    def __init__(
        self, *, changed_by: str, changed_at: datetime | None, rows: list[tuple[str, str, str]]
    ) -> None:
        """`rows` are (field label, their value, my value)."""
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._by = changed_by
        self._at = changed_at
        self._rows = rows

    def compose(self) -> ComposeResult:
        from textual.widgets import DataTable

        with Vertical(classes="dialog-body"):
            when = fmt_datetime(self._at) if self._at else "—"
            yield Static(
                tr("card.conflict.title", by=self._by or "—", at=when), classes="dialog-title"
            )
            table: DataTable[str] = DataTable(id="conflict-table", cursor_type="row")
            table.add_columns(
                tr("card.conflict.field"), tr("card.conflict.theirs"), tr("card.conflict.mine")
            )
            for row in self._rows:
                table.add_row(*row)
            yield table
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("card.conflict.reload"), id="reload", variant="warning")
                yield Button(tr("card.conflict.back"), id="back")
        yield ConsoleFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "reload")

    def action_answer(self, reload: bool) -> None:
        self.dismiss(reload)


LeaveChoice = Literal["save", "discard", "keep"]


class LeaveEditDialog(ModalScreen[LeaveChoice]):
    """Escape in a form with unsaved changes: save them, throw them away, or keep editing
    (Escape again, the safe answer: nothing typed is lost by a key pressed twice)."""

    BINDINGS = [
        Binding("ctrl+s", "answer('save')", "card.leave.save", id="leave.save"),
        Binding("ctrl+d", "answer('discard')", "card.leave.discard", id="leave.discard"),
        Binding("escape", "answer('keep')", "card.leave.keep", id="leave.keep"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self._question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("card.leave.save"), id="save", variant="primary")
                yield Button(tr("card.leave.discard"), id="discard", variant="error")
                yield Button(tr("card.leave.keep"), id="keep")
        yield ConsoleFooter()  # its keys: Ctrl+S, Ctrl+D, Esc

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(cast("LeaveChoice", event.button.id))

    def action_answer(self, choice: LeaveChoice) -> None:
        self.dismiss(choice)
