"""Writes from a card: the form's save (an update, or a new client), a conflict with someone
else's save, and the changes the card's actions name (`actions.py`).

Each write is one audited transaction through `console.data`, in a "card-write" worker of
the panel (a popup with a write in flight is not blanked for the next call:
`ClientCardPanel.reset`; the app's worker handler words a write the database refuses by
being away). A refusal from storage (the number belongs to another client, the client was
changed meanwhile, a value it does not take) is explained in words, never swallowed, and
the form keeps what was typed.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from console.data import (
    DebtAlreadyPaid,
    DomainError,
    DuplicatePhone,
    EditConflict,
    InvalidChange,
    InvalidPhone,
    LastPhone,
    NotAllowed,
    NotFound,
)
from console.i18n import fmt_datetime, tr
from console.messages import ClientSaved
from console.widgets.card.dialogs import ConflictDialog
from console.widgets.card.edit import (
    FIELDS,
    CardEditForm,
    FormError,
    card_values,
    field_label,
    invalid_text,
)
from console.wording import not_allowed
from storage.phones import format_display

if TYPE_CHECKING:
    from textual.worker import Worker

    from console.app import ConsoleApp
    from console.data import ClientCard
    from console.widgets.card.actions import CardAction, Change
    from console.widgets.card.panel import ClientCardPanel


def explain(exc: DomainError) -> str:
    """A storage refusal in the operator's words."""
    if isinstance(exc, DuplicatePhone):
        return tr(
            "card.error.duplicate_phone",
            phone=format_display(exc.e164),
            owner=exc.owner_name or f"#{exc.owner_id}",
            id=exc.owner_id,
        )
    if isinstance(exc, InvalidPhone):
        return tr("card.error.invalid_phone", raw=exc.raw or "—")
    if isinstance(exc, LastPhone):
        return tr("card.error.last_phone", phone=format_display(exc.e164))
    if isinstance(exc, DebtAlreadyPaid):
        when = fmt_datetime(exc.paid_at) if exc.paid_at else "—"
        return tr("card.error.already_paid", by=exc.paid_by or "—", at=when)
    if isinstance(exc, InvalidChange):
        return tr("card.error.invalid", field=field_label(exc.field), message=invalid_text(exc))
    if isinstance(exc, NotFound):
        return tr("card.error.not_found")
    if isinstance(exc, NotAllowed):
        return not_allowed(exc)
    return str(exc)


class CardSaver:
    """The writes of one panel's card."""

    def __init__(self, panel: ClientCardPanel) -> None:
        self._panel = panel

    @property
    def _app(self) -> ConsoleApp:
        return self._panel.console

    # --- the form ---------------------------------------------------------------------------

    def save(self) -> None:
        """Save the form: every bad field named at once; nothing changed closes it; a
        first-time caller's save waits for the client the desk is creating."""
        panel = self._panel
        form = panel.query_one(CardEditForm)
        try:
            values = form.checked()
        except FormError as exc:
            form.show_errors(exc.errors)
            return
        card = panel.card
        if card is None:
            if panel.first.save_waits():
                return  # the desk is creating this caller: the save goes into them
            phone = panel.first.e164
            self._create(values, phone if phone is not None else form.new_phone)
            return
        changes = form.changes_in(values)
        if not changes:
            panel.cancel_edit()
            return
        self._save(card.id, card.version, changes)

    def _save(self, client_id: int, version: int, changes: dict[str, Any]) -> Worker[None]:
        return self._panel.run_worker(
            partial(self._update, client_id, version, changes),
            name="card-save",
            group="card-write",
            exit_on_error=False,
            description="save client",
        )

    def _create(self, values: dict[str, Any], phone: str) -> Worker[None]:
        return self._panel.run_worker(
            partial(self._insert, values, phone),
            name="card-create",
            group="card-write",
            exit_on_error=False,
            description="create client",
        )

    async def _update(self, client_id: int, version: int, changes: dict[str, Any]) -> None:
        try:
            await self._app.data.update_client(client_id, version, changes)
        except EditConflict as conflict:
            await self._conflict(conflict, changes)
            return
        except DomainError as exc:
            self._app.notify(explain(exc), severity="error")
            return
        self._app.notify(tr("card.saved"))
        self._saved(client_id)

    async def _insert(self, values: dict[str, Any], phone: str) -> None:
        if not phone:
            self._app.notify(tr("card.error.phone_required"), severity="error")
            return
        values = {k: v for k, v in values.items() if v not in (None, "")}
        try:
            client_id = await self._app.data.create_client(values, phone)
        except DomainError as exc:
            self._app.notify(explain(exc), severity="error")
            return
        self._app.notify(tr("card.created"))
        self._saved(client_id)

    def _saved(self, client_id: int) -> None:
        panel = self._panel
        panel.close_form()
        panel.post_message(ClientSaved(client_id, panel))
        panel.load(client_id)

    async def _conflict(self, conflict: EditConflict, mine: dict[str, Any]) -> None:
        """Someone saved first: reload theirs, or keep editing on top of their version."""
        panel = self._panel
        fields = list(dict.fromkeys([*conflict.their_changes, *mine]))
        rows = [
            (field_label(f), _shown(conflict.current.get(f)), _shown(mine.get(f, "—")))
            for f in fields
            if f in {x.name for x in FIELDS}
        ]
        dialog = ConflictDialog(
            changed_by=conflict.changed_by, changed_at=conflict.changed_at, rows=rows
        )
        if await self._app.push_screen_wait(dialog):
            panel.cancel_edit()
            if panel.client_id is not None:
                panel.load(panel.client_id)
        elif panel.card is not None and (theirs := await self._app.data.card(panel.card.id)):
            # Keep editing on top of their version: the fields I did not touch show theirs
            # (a save would otherwise write my stale values back over their change), the
            # ones I typed stay mine.
            panel.state.card = theirs
            panel.query_one(CardEditForm).rebase(card_values(theirs))

    # --- the card's actions -----------------------------------------------------------------

    def act(self, action: CardAction, card: ClientCard) -> None:
        """Run one of `actions.py` on `card`, then make the write it names.

        It runs in an app worker, not the panel's: a popup recycled for the next call while
        a dialog is open (its call ended) must not lose what the operator then confirms."""
        self._app.run_worker(
            self._act(action, card),
            group="card-ask",  # (a worker awaiting a person's answer)
            exit_on_error=False,
            description="card action",
        )

    async def _act(self, action: CardAction, card: ClientCard) -> None:
        panel = self._panel
        change = await action(self._app, card)
        if change is None:
            return
        if panel.is_attached and panel.client_id == card.id:
            self._change(card.id, change)  # (a save in flight keeps the panel from a reset)
        elif await self._commit(change) and panel.is_attached:
            # the card moved on: whoever shows it reloads
            panel.post_message(ClientSaved(card.id, panel))

    def _change(self, client_id: int, change: Change) -> Worker[None]:
        return self._panel.run_worker(
            partial(self._write, client_id, change),
            name="card-change",
            group="card-write",
            exit_on_error=False,
            description="change client",
        )

    async def _write(self, client_id: int, change: Change) -> None:
        panel = self._panel
        if await self._commit(change):
            panel.post_message(ClientSaved(client_id, panel))
            if panel.client_id == client_id:
                panel.load(client_id)

    async def _commit(self, change: Change) -> bool:
        """Make the change; a refusal is explained in words (False)."""
        try:
            await change.write(self._app.data)
        except DomainError as exc:
            self._app.notify(explain(exc), severity="error", timeout=8)
            return False
        if change.done:  # (a screen that made its own writes said so already)
            self._app.notify(change.done)
        return True


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    return str(value)
