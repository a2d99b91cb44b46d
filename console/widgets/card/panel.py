"""One client card with its actions: view, edit, phones, blacklist, debts, call.

Used by the dispatcher's popups (one panel per ringing call) and by `ClientCardScreen`.
Every query and write runs in a worker (`exit_on_error=False`); results come back as
messages, so the UI never waits on the database. Writes are one transaction each, with the
operator as the actor; refusals from storage (the number belongs to another client, the
client was changed meanwhile) are explained in words, never swallowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker

from console.i18n import fmt_date, fmt_datetime, fmt_money, to_local, tr
from console.messages import CardLoaded, ClientSaved
from console.widgets.card.dialogs import (
    AddDebtDialog,
    ConflictDialog,
    MarkPaidDialog,
    NewDebt,
    Payment,
    TextPrompt,
)
from console.widgets.card.edit import FIELDS, CardEditForm, FormError, field_label
from console.widgets.card.view import ClientCardView
from storage.cards import ClientCard, load_card_by_phone, load_client_card
from storage.errors import (
    DebtAlreadyPaid,
    DomainError,
    DuplicatePhone,
    EditConflict,
    InvalidChange,
    InvalidPhone,
    LastPhone,
    NotFound,
)
from storage.models import Tariff
from storage.phones import format_display

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from console.app import ConsoleApp

Write = Callable[["AsyncSession"], Awaitable[Any]]
FORM_WAIT_ROUNDS = 100  # × 10 ms: an edit form mounted ahead finishes composing in this


@dataclass
class TariffsLoaded(Message, bubble=False):
    """The active tariffs the edit form offers."""

    tariffs: list[tuple[int, str]]


def card_values(card: ClientCard) -> dict[str, Any]:
    """The card's editable values, as the form compares them."""
    return {f.name: getattr(card, f.name) for f in FIELDS}


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
        return tr("card.error.invalid", field=field_label(exc.field), message=exc.message)
    if isinstance(exc, NotFound):
        return tr("card.error.not_found")
    return str(exc)


class ClientCardPanel(Vertical):
    """A card that loads itself; `card` is None until the query returns."""

    DEFAULT_CSS = """
    ClientCardPanel { height: 1fr; }
    ClientCardPanel #card-notice { padding: 0 1; color: $text-muted; }
    ClientCardPanel #card-notice.-loud { color: $text; background: $boost; text-style: bold; }
    ClientCardPanel CardEditForm { display: none; }
    ClientCardPanel ClientCardView { display: none; }
    """
    # The view and the form are shown and hidden with `.display` (see `_show_parts`), not
    # with classes on the panel: a class change restyles the panel and every widget in it
    # (tens of milliseconds on the pop path). `-editing` is still set, as a marker only
    # (no restyle), for whoever watches the panel (bench/).

    def __init__(self, *, client_id: int | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._empty = True  # no card and no new-client form: the view stays hidden
        self.client_id = client_id
        self.card: ClientCard | None = None
        self.editing = False
        self._token = 0
        self._edit_after_load: tuple[str, bool] | None = None  # (field to focus, quick)
        self._after_load: Callable[[ClientCard], None] | None = None
        # Told about every card shown, inside the update that shows it (the popup: to come
        # on screen together with its first card); None: a first-time caller's form.
        self.card_listener: Callable[[ClientCard | None], None] | None = None
        self._by_phone = False  # the card is on its way by the caller's number
        self._unknown: Callable[[], None] | None = None  # nobody owns that number
        # A first-time caller's form, up before the client exists: their number (a save
        # creates the client with it if the desk could not), whether the desk is still
        # registering them, and a save asked for meanwhile (it waits for the client).
        self._first_call: str | None = None
        self._registering = False
        self._save_held = False
        # Where the cursor goes when this card is back on screen while editing: a field's
        # name, or the widget that had it when the card went off screen.
        self._refocus: Widget | str | None = None
        self._notice = ("", False)
        self._view_card: ClientCard | None = None  # the card the view was filled with
        # Held, not queried: a query walks every widget of the card and its form (~50),
        # and these are asked for several times on each pop.
        self._view = ClientCardView(id="card-view")
        self._edit_form: CardEditForm | None = None  # mounted on first need, or ahead
        # Whom the desk says is calling, while the load by number is on its way.
        self._expected: tuple[int, Callable[[ClientCard], None]] | None = None

    @property
    def console(self) -> ConsoleApp:
        return cast("ConsoleApp", self.app)

    def compose(self) -> ComposeResult:
        notice = Static("", id="card-notice")
        notice.display = False
        yield notice
        yield self._view
        # The edit form (two dozen inputs) is mounted on first edit: the pop path stays light.

    def on_mount(self) -> None:
        if self.client_id is not None:
            self.load(self.client_id)

    # --- loading ----------------------------------------------------------------------

    def notice(self, text: str, *, loud: bool = False) -> None:
        label = self.query_one("#card-notice", Static)
        if (text, loud) == self._notice:
            return  # unchanged: no layout pass (on the pop path, a whole-screen one)
        self._notice = (text, loud)
        label.update(text)
        label.set_class(loud, "-loud")
        label.display = bool(text)

    def load(
        self,
        client_id: int,
        *,
        edit_focus: str | None = None,
        quick: bool = False,
        then: Callable[[ClientCard], None] | None = None,
    ) -> None:
        """(Re)load the card by id; with `edit_focus`, open edit mode on that field; `then`
        is called once with the card when it is shown."""
        self.client_id = client_id
        self._by_phone = False
        self._unknown = None
        self._expected = None
        if edit_focus is not None:
            self._edit_after_load = (edit_focus, quick)
        if then is not None:
            self._after_load = then
        self._token += 1
        if self.card is None and self._edit_after_load is None and not self.editing:
            # (with an edit pending or a first-time caller's form up, the «new client»
            # notice is up: a reload keeps it)
            self.notice(tr("card.loading"))
        self._fetch(self._token, client_id, None)

    def load_phone(self, e164: str, *, unknown: Callable[[], None] | None = None) -> None:
        """Find the card by the caller's number (the fast path for known callers);
        `unknown()` if nobody owns the number."""
        self._token += 1
        self._by_phone = True
        self._unknown = unknown
        self.notice(tr("card.loading"))
        self._fetch(self._token, None, e164)

    def expect(self, client_id: int, then: Callable[[ClientCard], None]) -> None:
        """The desk says who is calling: `then(card)` once that client's card is shown.

        A load by the caller's number already on its way brings that very card: it is
        left to finish rather than cancelled for a load by id (a cancelled query costs its
        pooled connection, and the card would come a query later)."""
        if self.card is not None and self.card.id == client_id:
            then(self.card)
        elif self._by_phone:
            self._expected = (client_id, then)
        else:
            self.load(client_id, then=then)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        self.console.worker_failed(event)  # the app says it in words (an outage too)

    @work(group="card-load", exclusive=True, exit_on_error=False, description="load client card")
    async def _fetch(self, token: int, client_id: int | None, e164: str | None) -> None:
        app = self.console
        settings = app.settings
        async with app.sessions() as session:
            if client_id is not None:
                try:
                    card: ClientCard | None = await load_client_card(
                        session,
                        client_id,
                        today=app.today(),
                        max_unpaid_debts=settings.rules.max_unpaid_debts,
                    )
                except NotFound:
                    card = None
            else:
                assert e164 is not None
                card = await load_card_by_phone(
                    session,
                    e164,
                    settings.phone.region,
                    today=app.today(),
                    max_unpaid_debts=settings.rules.max_unpaid_debts,
                )
        self.post_message(CardLoaded(token, card))

    def on_card_loaded(self, message: CardLoaded) -> None:
        if message.token != self._token:
            return  # a newer load is on its way
        card = message.card
        expected, self._expected = self._expected, None
        unknown, self._unknown = self._unknown, None
        self._by_phone = False
        if expected is not None:
            client_id, then = expected
            if card is None or card.id != client_id:  # the number changed hands meanwhile
                self.load(client_id, then=then)
                return
            self._after_load = then
        if card is None:
            if self.client_id is not None:
                self.notice(tr("card.error.not_found"), loud=True)
            elif unknown is not None:
                unknown()  # by phone: nobody yet (CallerIdentified will bring the client)
            return
        binding = self._first_call is not None and self.editing
        with self.app.batch_update():  # the card in one screen update
            self.card = card
            self.client_id = card.id
            self._empty = False
            if self._edit_after_load is None and not binding:
                self.notice("")
            self._show_parts()  # (with an edit to open, the view waits, hidden: see there)
            self._first_call = None
            self._registering = False
            if binding:
                self._bind_first_call(card)
            if self._edit_after_load is not None:
                (focus, quick), self._edit_after_load = self._edit_after_load, None
                self.start_edit(focus, quick=quick)
            if self._after_load is not None:
                then, self._after_load = self._after_load, None
                then(card)
            if self.card_listener is not None:
                self.card_listener(card)
        self._keys_changed()

    def reset(self) -> bool:
        """Blank the panel for another call (the dispatcher reuses closed popups); False
        when it cannot be: a save is still on its way to the database."""
        if any(
            w.group == "card-write" and not w.is_finished for w in self.workers if w.node is self
        ):
            return False
        self.workers.cancel_node(self)  # loads in flight: their answers are for the last call
        self._token += 1
        self.card = None
        self.client_id = None
        self.editing = False
        self._edit_after_load = None
        self._after_load = None
        self._by_phone = False
        self._unknown = None
        self._first_call = None
        self._registering = self._save_held = False
        self._refocus = None
        self._expected = None
        self._empty = True
        self.set_class(False, "-editing", update=False)
        self._show_parts()
        if (form := self._composed_form()) is not None:
            form.clear()
        # What the next call shows until its card is in, set now while nothing rings: a
        # notice changed on the pop path would cost a layout pass of the whole screen.
        self.notice(tr("card.loading"))
        return True

    def _show_parts(self) -> None:
        """The card's view, or the edit form while editing, or neither while empty."""
        editing = self.has_class("-editing")
        edit_next = self._edit_after_load is not None and self._composed_form() is not None
        shown = not editing and not self._empty and not edit_next
        # The view is filled when it is to be seen: a first-time caller's card opens in the
        # edit form, and filling the hidden view would only delay that update.
        if shown and self.card is not None and self._view_card is not self.card:
            self._view.show(self.card)
            self._view_card = self.card
        self._view.display = shown
        if self._edit_form is not None:
            self._edit_form.display = editing

    def _keys_changed(self) -> None:
        """What the card's keys can do changed (a card arrived, edit mode came or went):
        the footer of the screen showing this card must say so."""
        if self.is_attached:
            self.screen.refresh_bindings()

    # --- edit mode ----------------------------------------------------------------------

    async def _form(self) -> CardEditForm:
        form = self._edit_form
        if form is not None:
            # mounted ahead (`prepare_form`) and maybe still composing: wait for its inputs
            for _ in range(FORM_WAIT_ROUNDS):
                if form.composed or not form.is_attached:
                    break
                await asyncio.sleep(0.01)
            return form
        form = self._edit_form = CardEditForm(id="card-edit")
        await self.mount(form)
        return form

    def prepare_form(self) -> None:
        """Mount the (hidden) edit form ahead of need: a first-time caller's card opens in
        edit mode, and composing two dozen inputs would otherwise be on that pop's path."""
        if self.is_attached and self._edit_form is None:
            self._prepare_form()

    @work(group="card-form-prepare", exit_on_error=False, description="edit form, ahead")
    async def _prepare_form(self) -> None:
        await self._form()

    def start_edit(self, focus: str = "last_name", *, quick: bool = False) -> None:
        """Edit mode on `focus`; `quick`: only the main fields (a first-time caller)."""
        if self.card is None:
            if self.client_id is not None:
                self._edit_after_load = (focus, quick)
            return
        self.editing = True
        form = self._composed_form()
        if form is not None:  # mounted ahead: the form shows in the update with the card
            self.workers.cancel_group(self, "card-form")
            self._fill_form(form, card_values(self.card), None, focus, quick)
        else:
            self._open_form(card_values(self.card), None, focus, quick)

    @property
    def quick_form(self) -> bool:
        """The edit form shows only the main fields."""
        return self._edit_form is not None and self._edit_form.quick

    def show_all_fields(self) -> None:
        if self._edit_form is not None:
            self._edit_form.show_all_fields()
        self._keys_changed()

    def _composed_form(self) -> CardEditForm | None:
        form = self._edit_form
        return form if form is not None and form.composed and form.is_attached else None

    @work(group="card-form", exclusive=True, exit_on_error=False, description="edit form")
    async def _open_form(
        self, values: dict[str, Any], new_phone: str | None, focus: str, quick: bool = False
    ) -> None:
        form = await self._form()
        if not form.composed:
            return  # the card is being closed (the form was never composed)
        self._fill_form(form, values, new_phone, focus, quick)

    def _fill_form(
        self,
        form: CardEditForm,
        values: dict[str, Any],
        new_phone: str | None,
        focus: str,
        quick: bool = False,
    ) -> None:
        form.load(values, new_phone=new_phone, quick=quick)
        if self._first_call is not None and self.card is None:
            form.settle()  # only what the operator types counts as a change
        self.set_class(True, "-editing", update=False)
        self._show_parts()
        if self._on_screen():
            form.focus_field(focus)
        else:  # a popup not shown yet (or another call's is): typing stays where it is
            self._refocus = focus
        self._keys_changed()
        self._load_tariffs()

    def open_first_call(self, e164: str, values: dict[str, Any]) -> None:
        """A first-time caller: their form opens now, with what the PBX gave (`values`),
        while the desk registers them; `load` of the new client binds the form to it and
        keeps what was typed meanwhile (see `_bind_first_call`)."""
        self.card = None
        self.client_id = None
        self._first_call = e164
        self._registering = True
        self._empty = False
        self.editing = True
        form = self._composed_form()
        if form is not None:  # mounted ahead: the form shows in this very update
            self.workers.cancel_group(self, "card-form")
            self._fill_form(form, values, None, "last_name", quick=True)
        else:
            self._open_form(values, None, "last_name", True)
        if self.card_listener is not None:
            self.card_listener(None)

    @property
    def first_call(self) -> str | None:
        """The number of a first-time caller whose form is up before their client is."""
        return self._first_call

    def registration_failed(self) -> None:
        """The desk could not register the first-time caller (the database is away): a
        save of their form creates the client instead."""
        self._registering = False
        if self._save_held:
            self._save_held = False
            self.save()

    def _bind_first_call(self, card: ClientCard) -> None:
        form = self._composed_form()
        if form is None:  # still composing: fill it with the client as it is
            self._open_form(card_values(card), None, "last_name", True)
            return
        form.rebase(card_values(card))
        if self._save_held:  # the operator saved before the client existed: now it does
            self._save_held = False
            self.save()

    def _on_screen(self) -> bool:
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def hide_focus(self) -> None:
        """The card goes off screen: keystrokes must not land in its hidden form."""
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            self._refocus = focused if self.editing else None
            self.screen.set_focus(None)

    def restore_focus(self) -> None:
        """The card is back on screen: the cursor returns to where it was in the form."""
        target, self._refocus = self._refocus, None
        form = self._composed_form()
        if not self.editing or form is None or target is None:
            return
        if isinstance(target, str):
            form.focus_field(target)
        elif target.is_attached:
            form.refocus(target)

    def start_new(self, phone: str = "") -> None:
        """A new client typed in by hand (from the client base)."""
        self.card = None
        self.client_id = None
        self._empty = False
        self.notice(tr("card.new"), loud=True)
        self.editing = True
        self._open_form(
            {"kind": "personal", "status": "new"}, phone, "phone" if not phone else "last_name"
        )

    @work(group="card-tariffs", exclusive=True, exit_on_error=False, description="load tariffs")
    async def _load_tariffs(self) -> None:
        async with self.console.sessions() as session:
            rows = await session.execute(
                select(Tariff.id, Tariff.name).where(Tariff.active).order_by(Tariff.name)
            )
            tariffs = [(tid, name) for tid, name in rows]
        self.post_message(TariffsLoaded(tariffs))

    def on_tariffs_loaded(self, message: TariffsLoaded) -> None:
        form = self._composed_form()
        if form is None:
            return
        card = self.card
        own = (card.tariff_id, card.tariff or "—") if card and card.tariff_id else None
        form.set_tariffs(message.tariffs, own)

    def has_unsaved_typing(self) -> bool:
        """Editing, and the form differs from the card (or cannot even be read)."""
        if not self.editing:
            return False
        form = self._edit_form
        if form is None or not form.composed:
            return False
        try:  # (a new client's form differs from its blank baseline as soon as it is open)
            return bool(form.changes())
        except FormError:
            return True

    def cancel_edit(self) -> None:
        self.editing = False
        self.hide_focus()  # the form goes: keys go to the screen's bindings again
        self.set_class(False, "-editing", update=False)
        if self.card is None:
            self._empty = True
        self._show_parts()
        self.notice("")
        self._keys_changed()

    def save(self) -> None:
        form = self.query_one(CardEditForm)
        try:
            changes = form.changes() if self.card is not None else form.values()
        except FormError as exc:
            self.app.notify(f"{field_label(exc.field)}: {exc}", severity="error")
            form.focus_field(exc.field)
            return
        if self.card is None:
            if self._registering:  # the desk is creating this caller: save into that client
                self._save_held = True
                return
            self._create(changes, self._first_call or form.new_phone)
            return
        if not changes:
            self.cancel_edit()
            return
        self._save(self.card.id, self.card.version, changes)

    @work(group="card-write", exit_on_error=False, description="save client")
    async def _save(self, client_id: int, version: int, changes: dict[str, Any]) -> None:
        from storage.clients import update_client

        app = self.console
        try:
            async with app.sessions.begin() as session:
                await update_client(session, client_id, version, changes, app.actor, at=app.now())
        except EditConflict as conflict:
            self._show_conflict(conflict, changes)
            return
        except DomainError as exc:
            self.app.notify(explain(exc), severity="error")
            return
        self.app.notify(tr("card.saved"))
        self.cancel_edit()
        self.post_message(ClientSaved(client_id))
        self.load(client_id)

    @work(group="card-write", exit_on_error=False, description="create client")
    async def _create(self, values: dict[str, Any], phone: str) -> None:
        from storage.clients import create_client

        app = self.console
        if not phone:
            self.app.notify(tr("card.error.phone_required"), severity="error")
            return
        values = {k: v for k, v in values.items() if v not in (None, "")}
        try:
            async with app.sessions.begin() as session:
                client = await create_client(
                    session,
                    values,
                    [phone],
                    actor=app.actor,
                    region=app.settings.phone.region,
                    at=app.now(),
                )
                client_id = client.id
        except DomainError as exc:
            self.app.notify(explain(exc), severity="error")
            return
        self.app.notify(tr("card.created"))
        self.cancel_edit()
        self.post_message(ClientSaved(client_id))
        self.load(client_id)

    def _show_conflict(self, conflict: EditConflict, mine: dict[str, Any]) -> None:
        fields = list(dict.fromkeys([*conflict.their_changes, *mine]))
        rows = [
            (field_label(f), _shown(conflict.current.get(f)), _shown(mine.get(f, "—")))
            for f in fields
            if f in {x.name for x in FIELDS}
        ]
        dialog = ConflictDialog(
            changed_by=conflict.changed_by, changed_at=conflict.changed_at, rows=rows
        )

        def decided(reload: bool | None) -> None:
            if reload:
                self.cancel_edit()
                if self.client_id is not None:
                    self.load(self.client_id)
            elif self.card is not None:
                # Keep editing, knowingly on top of their version now.
                from dataclasses import replace

                self.card = replace(self.card, version=conflict.current_version)
                form = self.query_one(CardEditForm)
                form.set_baseline({**card_values(self.card), **conflict.current})

        self.app.push_screen(dialog, decided)

    # --- actions on a loaded card ---------------------------------------------------------

    def _write(self, description: str, op: Write, done: str) -> None:
        if self.card is None:
            return
        self._run_write(self.card.id, op, done, description)

    @work(group="card-write", exit_on_error=False, description="change client")
    async def _run_write(self, client_id: int, op: Write, done: str, _what: str) -> None:
        try:
            async with self.console.sessions.begin() as session:
                await op(session)
        except DomainError as exc:
            self.app.notify(explain(exc), severity="error", timeout=8)
            return
        self.app.notify(done)
        self.post_message(ClientSaved(client_id))
        self.load(client_id)

    def add_phone(self) -> None:
        if self.card is None:
            return
        card = self.card

        def got(raw: str | None) -> None:
            if not raw:
                return
            from storage.clients import add_phone

            app = self.console

            async def op(session: AsyncSession) -> None:
                await add_phone(
                    session,
                    card.id,
                    raw,
                    actor=app.actor,
                    region=app.settings.phone.region,
                    at=app.now(),
                )

            self._write("add phone", op, tr("card.phone.added"))

        self.app.push_screen(
            TextPrompt(
                tr("card.phone.add.title", name=card.name or "—"),
                tr("card.phone.add.label"),
                placeholder="+7 916 123-45-67",
            ),
            got,
        )

    def remove_phone(self) -> None:
        if self.card is None:
            return
        card = self.card
        from console.screens.call_picker import CallPickerScreen

        def got(e164: str | None) -> None:
            if not e164:
                return
            from storage.clients import remove_phone

            app = self.console

            async def op(session: AsyncSession) -> None:
                await remove_phone(
                    session,
                    card.id,
                    e164,
                    actor=app.actor,
                    region=app.settings.phone.region,
                    at=app.now(),
                )

            self._write("remove phone", op, tr("card.phone.removed"))

        self.app.push_screen(
            CallPickerScreen(
                tr("card.phone.remove.title"), [(p.e164, p.label) for p in card.phones]
            ),
            got,
        )

    def toggle_blacklist(self) -> None:
        if self.card is None:
            return
        card = self.card
        from storage.clients import set_blacklist

        app = self.console
        if card.blacklisted:
            from console.screens.confirm import ConfirmScreen

            def lift(yes: bool | None) -> None:
                if not yes:
                    return

                async def op(session: AsyncSession) -> None:
                    await set_blacklist(session, card.id, False, "", app.actor, at=app.now())

                self._write("lift blacklist", op, tr("card.blacklist.lifted"))

            self.app.push_screen(
                ConfirmScreen(tr("card.blacklist.lift.question", name=card.name or "—")), lift
            )
            return

        def got(reason: str | None) -> None:
            if not reason:
                return

            async def op(session: AsyncSession) -> None:
                await set_blacklist(session, card.id, True, reason, app.actor, at=app.now())

            self._write("blacklist", op, tr("card.blacklist.done"))

        self.app.push_screen(
            TextPrompt(
                tr("card.blacklist.title", name=card.name or "—"), tr("card.blacklist.reason")
            ),
            got,
        )

    def add_debt(self) -> None:
        if self.card is None:
            return
        card = self.card

        def got(debt: NewDebt | None) -> None:
            if debt is None:
                return
            from storage.debts import add_debt

            app = self.console

            async def op(session: AsyncSession) -> None:
                await add_debt(
                    session,
                    card.id,
                    debt.amount,
                    reason=debt.reason,
                    actor=app.actor,
                    order_ref=debt.order_ref,
                    comment=debt.comment,
                    at=app.now(),
                )

            self._write("add debt", op, tr("card.debt.added"))

        self.app.push_screen(AddDebtDialog(tr("card.debt.add.title", name=card.name or "—")), got)

    def mark_debt_paid(self) -> None:
        if self.card is None:
            return
        debt_id = self._view.selected_debt_id()
        if debt_id is None:
            self.app.notify(tr("card.debt.none_selected"), severity="warning")
            return
        app = self.console

        def got(payment: Payment | None) -> None:
            if payment is None:
                return
            from storage.debts import mark_debt_paid

            at = paid_moment(payment, app.now())

            async def op(session: AsyncSession) -> None:
                await mark_debt_paid(
                    session, debt_id, actor=app.actor, at=at, comment=payment.comment
                )

            self._write("mark debt paid", op, tr("card.debt.paid"))

        debt = next((d for d in self.card.unpaid_debts if d.id == debt_id), None)
        title = tr(
            "card.debt.pay.title",
            amount=fmt_money(debt.amount) if debt else "—",
            order=(debt.order_ref if debt else "") or "—",
            date=fmt_date(debt.created_at) if debt else "—",
            name=self.card.name or "—",
        )
        self.app.push_screen(MarkPaidDialog(title, app.today()), got)


def paid_moment(payment: Payment, now: datetime) -> datetime:
    """Today's payment is stamped now; an earlier day at local noon (a date was asked)."""
    local_now = to_local(now)
    if payment.paid_on == local_now.date():
        return now
    return datetime.combine(payment.paid_on, time(12, 0), tzinfo=local_now.tzinfo).astimezone(UTC)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    return str(value)
