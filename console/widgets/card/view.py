"""The client card, read-only: what the dispatcher reads to the caller, loudest first.

Order on screen is order of importance during a call: a blacklist banner nobody can miss,
"orders blocked" when debts are over the limit, "over the credit limit" when the balance
is below it, the name and the default tariff (read aloud), then phones, address, comment,
counters, money (balance, bonus, credit limit, discount, rating), unpaid and the last paid
debts, and the last calls.
Each part is its own small widget with `show(card)`, so a reload touches text, not layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from console.i18n import (
    fmt_address,
    fmt_date,
    fmt_datetime,
    fmt_duration,
    fmt_money,
    fmt_number,
    tr,
)
from console.wording import address_line, company_line
from storage.phones import format_display

# Addresses the card lists (most used first); the rest are one key away (`a`).
SHOWN_ADDRESSES = 3

if TYPE_CHECKING:
    from console.data import ClientCard


class BlacklistBanner(Static):
    """Red, full width, first line of the card; hidden for clients not blacklisted."""

    DEFAULT_CSS = """
    BlacklistBanner { display: none; width: 1fr; background: $error; color: $text;
                      text-style: bold; padding: 0 1; }
    """

    def show(self, card: ClientCard) -> None:
        # `.display`, not a class: a class change restyles the node on the pop path.
        self.display = card.blacklisted
        if not card.blacklisted:
            return
        since = fmt_datetime(card.blacklisted_at) if card.blacklisted_at else "—"
        self.update(
            Content(
                tr(
                    "card.blacklist.banner",
                    reason=card.blacklist_reason or "—",
                    since=since,
                    by=card.blacklisted_by or "—",
                )
            )
        )


class DebtsBanner(Static):
    """Amber line when unpaid debts are over `rules.max_unpaid_debts`: no new orders."""

    DEFAULT_CSS = """
    DebtsBanner { display: none; width: 1fr; background: $warning; color: $background;
                  text-style: bold; padding: 0 1; }
    """

    def show(self, card: ClientCard) -> None:
        self.display = card.orders_blocked
        if card.orders_blocked:
            self.update(
                tr(
                    "card.debts.blocked",
                    count=len(card.unpaid_debts),
                    total=fmt_money(card.unpaid_debt_total),
                )
            )


class CreditBanner(Static):
    """Amber line when the balance is below the negative credit limit (like the debts')."""

    DEFAULT_CSS = """
    CreditBanner { display: none; width: 1fr; background: $warning; color: $background;
                   text-style: bold; padding: 0 1; }
    """

    def show(self, card: ClientCard) -> None:
        over = card.over_credit_limit
        self.display = over
        if over:
            self.update(
                tr(
                    "money.card.over_limit",
                    balance=fmt_money(card.balance),
                    limit=fmt_money(-card.credit_limit),
                )
            )


class TariffBadge(Static):
    """The default tariff, reversed colours: the dispatcher reads it aloud on every order."""

    DEFAULT_CSS = """
    TariffBadge { width: auto; min-width: 16; background: $primary; color: $text;
                  text-style: bold; padding: 0 2; content-align: center middle; }
    """

    def show(self, card: ClientCard) -> None:
        name = card.tariff or tr("card.tariff.none")
        self.update(Content(tr("card.tariff.badge", tariff=name)))


class CardDetails(Static):
    """Phones, address, comment, status, money and counters: one widget, one line each.

    One widget rather than one per line: every widget on the card costs layout and render
    time in the screen update that pops it (see docs/performance.md)."""

    def show(self, card: ClientCard) -> None:
        c = card
        phones = ", ".join(
            format_display(p.e164) + (f" ({p.label})" if p.label else "") for p in card.phones
        )
        lines = (
            tr("card.phones", phones=phones or "—"),
            *self._company(card),
            *self._addresses(card),
            tr("card.comment", comment=c.comment or "—"),
            tr(
                "card.status",
                status=tr(f"card.status.{c.status}"),
                activity=tr(f"card.activity.{card.activity}"),
                registered=fmt_date(c.registered_at),
            ),
            tr(
                "money.card.line",
                balance=fmt_money(c.balance),
                bonus=fmt_money(c.bonus_balance),
                limit=fmt_money(c.credit_limit),
                discount=f"{fmt_number(c.discount_percent.normalize())}%",
                rating=fmt_number(c.rating, places=2),
            ),
            tr(
                "card.counters",
                completed=fmt_number(c.completed_orders),
                false=fmt_number(c.false_orders),
                bonus=fmt_number(c.bonus_orders),
                complaints=fmt_number(c.complaints),
            ),
        )
        self.update(Content("\n".join(lines)))  # plain text: a «[» in a comment is a «[»

    @staticmethod
    def _company(card: ClientCard) -> tuple[str, ...]:
        return () if card.company is None else (company_line(card.company),)

    @staticmethod
    def _addresses(card: ClientCard) -> tuple[str, ...]:
        """The addresses, most used first (three at most, then how many more); a client
        without any shows the client row's own address as before."""
        c = card
        if not c.addresses:
            address = ", ".join(
                part for part in (c.city, fmt_address(c.street, c.house, c.entrance)) if part
            )
            return (tr("card.address", address=address or "—"),)
        key = "card.address" if len(c.addresses) == 1 else "card.addresses"
        first = tr(key, address=address_line(c.addresses[0]))
        indent = " " * (cell_len(first) - cell_len(address_line(c.addresses[0])))
        lines = [first, *(indent + address_line(a) for a in c.addresses[1:SHOWN_ADDRESSES])]
        if len(c.addresses) > SHOWN_ADDRESSES:
            more = len(c.addresses) - SHOWN_ADDRESSES
            lines.append(indent + tr("card.addresses.more", count=more))
        return tuple(lines)


class DebtsList(Vertical):
    """Unpaid debts: the total, then each with order reference and date; under them the
    last few paid ones (when, how much, who closed it, the comment) with their count, so
    «I already paid the driver» is settled on the line."""

    DEFAULT_CSS = """
    DebtsList { height: auto; margin-top: 1; }
    DebtsList > DataTable { height: auto; max-height: 6; }
    DebtsList #debts-paid { display: none; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="debts-total")
        table: DataTable[str] = DataTable(cursor_type="row", id="debts-table")
        yield table
        yield Static(id="debts-paid")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in ("order", "date", "amount", "reason"):
            table.add_column(tr(f"card.debts.col.{column}"), key=column)

    def show(self, card: ClientCard) -> None:
        debts = card.unpaid_debts
        if debts:
            line = tr("card.debts.total", count=len(debts), total=fmt_money(card.unpaid_debt_total))
        else:
            line = tr("card.debts.none")
        title = Content.styled(tr("card.debts.title"), "bold")
        self.query_one("#debts-total", Static).update(Content.assemble(title, "\n", line))
        table: DataTable[str] = self.query_one(DataTable)
        table.clear()
        table.display = bool(debts)
        for debt in debts:
            table.add_row(
                debt.order_ref or "—",
                fmt_date(debt.created_at),
                fmt_money(debt.amount),
                tr(f"card.debt.reason.{debt.reason}"),
                key=str(debt.id),
            )
        self._show_paid(card)

    def _show_paid(self, card: ClientCard) -> None:
        paid = self.query_one("#debts-paid", Static)
        paid.display = bool(card.paid_debt_count)
        if not card.paid_debt_count:
            return
        lines = [
            tr(
                "money.paid.title",
                count=fmt_number(card.paid_debt_count),
            )
        ]
        lines.extend(
            tr(
                "money.paid.line",
                at=fmt_datetime(d.paid_at),
                amount=fmt_money(d.amount),
                order=d.order_ref or "—",
                by=d.paid_by or "—",
                comment=d.payment_comment or "—",
            )
            for d in card.paid_debts
        )
        paid.update(Content("\n".join(lines)))  # plain text: a comment is shown as typed

    def selected_debt_id(self) -> int | None:
        table: DataTable[str] = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None


class RecentCalls(Static):
    """The client's last calls, newest first (a finished call shows up here once logged).

    Text in columns, not a `DataTable`: nothing here is selected, and a table widget would
    be the costliest part of the card to draw when it pops."""

    COLUMNS = ("when", "direction", "result", "operator", "talk")

    def show(self, card: ClientCard) -> None:
        # Operators by name, as everywhere else on screen («Анна», not «101»).
        names: Mapping[str, str] = getattr(self.app, "operator_names", {})
        rows = [
            (
                fmt_datetime(call.started_at),
                tr(f"card.call.direction.{call.direction}"),
                tr(f"card.call.disposition.{call.disposition}"),
                names.get(call.answered_by, call.answered_by) if call.answered_by else "—",
                fmt_duration(call.talk_s) if call.talk_s else "—",
            )
            for call in card.recent_calls
        ]
        title = Content.styled(tr("card.calls.title"), "bold")
        if not rows:
            self.update(Content.assemble(title, "\n", tr("card.calls.none")))
            return
        header = tuple(tr(f"card.calls.col.{column}") for column in self.COLUMNS)
        widths = [max(cell_len(row[i]) for row in (header, *rows)) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(
                cell + " " * (w - cell_len(cell)) for cell, w in zip(cells, widths, strict=False)
            )

        lines = [title, Content.styled(line(header).rstrip(), "dim")]
        lines.extend(Content(line(row).rstrip()) for row in rows)
        self.update(Content("\n").join(lines))


class ClientCardView(VerticalScroll):
    """Everything about one client, read-only."""

    DEFAULT_CSS = """
    ClientCardView { height: 1fr; }
    ClientCardView .card-head { height: auto; }
    ClientCardView #card-name { width: 1fr; text-style: bold; }
    ClientCardView RecentCalls { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield BlacklistBanner(id="blacklist-banner")
        yield DebtsBanner(id="debts-banner")
        yield CreditBanner(id="credit-banner")
        with Horizontal(classes="card-head"):
            yield Static(id="card-name")
            yield TariffBadge(id="tariff-badge")
        yield CardDetails(id="card-details")
        yield DebtsList(id="card-debts")
        yield RecentCalls(id="card-calls")

    def show(self, card: ClientCard) -> None:
        c = card
        name = c.name or tr("card.name.unnamed")
        if c.kind == "corporate" and c.organisation and c.organisation != name:
            name = f"{name} · {c.organisation}"
        self.query_one("#card-name", Static).update(Content(name))
        self.query_one(BlacklistBanner).show(card)
        self.query_one(DebtsBanner).show(card)
        self.query_one(CreditBanner).show(card)
        self.query_one(TariffBadge).show(card)
        self.query_one(CardDetails).show(card)
        self.query_one(DebtsList).show(card)
        self.query_one(RecentCalls).show(card)

    def selected_debt_id(self) -> int | None:
        return self.query_one(DebtsList).selected_debt_id()
