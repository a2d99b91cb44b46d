"""The card's actions on a client: each asks what it needs, then names one write.

An action runs in a worker (`ClientCardPanel.act`, then `CardSaver.act` in saving.py): its
dialogs are awaited with `push_screen_wait`, one after the other, and it returns the
`Change` to make, or None when the operator let it go. `CardSaver` makes the write (one
audited transaction through `console.data`) and explains a refusal from storage in words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from console.i18n import fmt_date, fmt_money, to_local, tr
from console.screens.call_picker import CallPickerScreen, PickScreen
from console.screens.confirm import ConfirmScreen
from console.widgets.card.dialogs import AddDebtDialog, MarkPaidDialog, Payment, TextPrompt
from console.widgets.card.money import OperationsDialog
from storage.phones import format_display

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.data import ClientCard, ConsoleData


@dataclass(frozen=True, slots=True)
class Change:
    """A write to make, and what the operator is told once it is made."""

    write: Callable[[ConsoleData], Awaitable[object]]
    done: str


CardAction = Callable[["ConsoleApp", "ClientCard"], Awaitable[Change | None]]


async def add_phone(app: ConsoleApp, card: ClientCard) -> Change | None:
    raw = await app.push_screen_wait(
        TextPrompt(
            tr("card.phone.add.title", name=card.name or "—"),
            tr("card.phone.add.label"),
            placeholder="+7 916 123-45-67",
        )
    )
    if not raw:
        return None
    return Change(lambda data: data.add_phone(card.id, raw), tr("card.phone.added"))


async def remove_phone(app: ConsoleApp, card: ClientCard) -> Change | None:
    """Which number goes; the last one is refused by storage (LastPhone), in words."""
    e164: str | None = card.phones[0].e164 if card.phones else None
    if len(card.phones) > 1:  # (the only one goes straight to storage, which says why not)
        e164 = await app.push_screen_wait(
            CallPickerScreen(
                tr("card.phone.remove.title"), [(p.e164, p.label) for p in card.phones]
            )
        )
    if not e164:
        return None
    return Change(lambda data: data.remove_phone(card.id, e164), tr("card.phone.removed"))


async def toggle_blacklist(app: ConsoleApp, card: ClientCard) -> Change | None:
    """Lift it after a yes; put it with a reason."""
    name = card.name or "—"
    if card.blacklisted:
        if not await app.push_screen_wait(
            ConfirmScreen(tr("card.blacklist.lift.question", name=name))
        ):
            return None
        return Change(
            lambda data: data.set_blacklist(card.id, False, ""), tr("card.blacklist.lifted")
        )
    reason = await app.push_screen_wait(
        TextPrompt(tr("card.blacklist.title", name=name), tr("card.blacklist.reason"))
    )
    if not reason:
        return None
    return Change(lambda data: data.set_blacklist(card.id, True, reason), tr("card.blacklist.done"))


async def add_debt(app: ConsoleApp, card: ClientCard) -> Change | None:
    debt = await app.push_screen_wait(
        AddDebtDialog(tr("card.debt.add.title", name=card.name or "—"))
    )
    if debt is None:
        return None
    return Change(
        lambda data: data.add_debt(
            card.id,
            debt.amount,
            reason=debt.reason,
            order_ref=debt.order_ref,
            comment=debt.comment,
        ),
        tr("card.debt.added"),
    )


async def mark_debt_paid(app: ConsoleApp, card: ClientCard) -> Change | None:
    """Which debt (asked when there are several), then when it was paid."""
    debts = card.unpaid_debts
    if not debts:
        app.notify(tr("card.debt.none"), severity="warning")
        return None
    debt = debts[0]
    if len(debts) > 1:
        options = [
            (
                str(d.id),
                tr(
                    "card.debt.pick.option",
                    amount=fmt_money(d.amount),
                    order=tr("card.debt.pick.order", order=d.order_ref) if d.order_ref else "",
                    date=fmt_date(d.created_at),
                    reason=tr(f"card.debt.reason.{d.reason}"),
                ),
            )
            for d in debts
        ]
        picked = await app.push_screen_wait(PickScreen(tr("card.debt.pick.title"), options))
        chosen = next((d for d in debts if str(d.id) == picked), None)
        if chosen is None:
            return None
        debt = chosen
    title = tr(
        "card.debt.pay.title",
        amount=fmt_money(debt.amount),
        order=debt.order_ref or "—",
        date=fmt_date(debt.created_at),
        name=card.name or "—",
    )
    payment = await app.push_screen_wait(MarkPaidDialog(title, app.today()))
    if payment is None:
        return None
    at = paid_moment(payment, app.now())
    return Change(
        lambda data: data.mark_debt_paid(debt.id, at=at, comment=payment.comment),
        tr("card.debt.paid"),
    )


async def merge_client(app: ConsoleApp, card: ClientCard) -> Change | None:
    """Another card of the same person into this one: find it, see what moves and which
    values stay (pick per field), then merge (one transaction; a supervisor's right)."""
    from console.data import DomainError, NotAllowed, require_role
    from console.merge_words import refusal_line
    from console.screens.client_pick import ClientPickDialog
    from console.screens.merge_dialog import MergeDialog

    try:  # the rule storage applies, told before the operator searches for nothing
        require_role(app.data.seat(), "merge clients")
    except NotAllowed as exc:
        app.notify(refusal_line(exc), severity="error", timeout=8)
        return None
    name = card.name or "—"
    other_id = await app.push_screen_wait(
        ClientPickDialog(tr("merge.pick.title", name=name), app.data, exclude=card.id)
    )
    if other_id is None:
        return None
    try:
        preview = await app.data.merge_preview(card.id, other_id)
    except DomainError as exc:
        app.notify(refusal_line(exc), severity="error", timeout=8)
        return None
    picks = await app.push_screen_wait(MergeDialog(preview))
    if picks is None:
        return None
    versions = (preview.survivor_version, preview.other_version)
    return Change(
        lambda data: data.merge_clients(card.id, other_id, picks, versions),
        tr("merge.done", other=preview.other_name or "—", survivor=name),
    )


async def who_did_what(app: ConsoleApp, card: ClientCard) -> Change | None:
    """The client's audit trail in a dialog: nothing to write."""
    from console.data import AuditFilter
    from console.screens.audit_dialog import AuditDialog

    rows = await app.data.audit_page(AuditFilter(client_id=card.id), AUDIT_ROWS)
    tariffs = await app.data.tariff_names()
    # A client without a name as the trail names one: by their number.
    name = card.name or (format_display(card.phones[0].e164) if card.phones else "")
    title = tr("audit.dialog.title", name=name or tr("card.name.unnamed"))
    await app.push_screen_wait(AuditDialog(title, rows, tariffs))
    return None


AUDIT_ROWS = 200  # a client's trail in the dialog: the latest entries


async def _nothing(_data: ConsoleData) -> None:
    """The account dialog made its writes itself: only the card is left to reload."""


async def account(app: ConsoleApp, card: ClientCard) -> Change | None:
    """The client's operations history, and new operations from there (the dialog writes
    them); once money moved, the card reloads to show the new balance."""
    if not await app.push_screen_wait(OperationsDialog(app.data, card)):
        return None
    return Change(_nothing, tr("money.moved"))


def paid_moment(payment: Payment, now: datetime) -> datetime:
    """Today's payment is stamped now; an earlier day at local noon (a date was asked)."""
    local_now = to_local(now)
    if payment.paid_on == local_now.date():
        return now
    return datetime.combine(payment.paid_on, time(12, 0), tzinfo=local_now.tzinfo).astimezone(UTC)
