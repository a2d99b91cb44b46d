"""One client card with its actions: view, edit, phones, blacklist, debts, call.

Used by the dispatcher's popups (one panel per ringing call) and by `ClientCardScreen`.
What the card is doing is one `CardState` (`state.py`); the actions that ask in dialogs
live in `actions.py` and run here as workers; every query and write goes through
`console.data` in a worker (`exit_on_error=False`), so the UI never waits on the database.
Writes are one transaction each, with the operator as the actor; refusals from storage
(the number belongs to another client, the client was changed meanwhile) are explained in
words, never swallowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Static
from textual.worker import Worker

from console.data import (
    ClientCard,
    DebtAlreadyPaid,
    DomainError,
    DuplicatePhone,
    EditConflict,
    InvalidChange,
    InvalidPhone,
    LastPhone,
    NotFound,
)
from console.i18n import fmt_datetime, tr
from console.messages import CardLoaded, ClientSaved
from console.widgets.card.actions import CardAction, Change
from console.widgets.card.dialogs import ConflictDialog, LeaveEditDialog
from console.widgets.card.edit import FIELDS, CardEditForm, FormError, field_label, invalid_text
from console.widgets.card.state import CardState, Mode, Then
from console.widgets.card.view import ClientCardView
from storage.phones import format_display

if TYPE_CHECKING:
    from collections.abc import Callable

    from console.app import ConsoleApp


@dataclass
class TariffsLoaded(Message, bubble=False):
    """The active tariffs the edit form offers."""

    tariffs: list[tuple[int, str]]


@dataclass
class NewClientLeft(Message):
    """A new client's form was left without creating anyone: whoever opened it may close."""


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
        return tr("card.error.invalid", field=field_label(exc.field), message=invalid_text(exc))
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
        self.state = CardState(client_id)
        # Told about every card shown, inside the update that shows it (the popup: to come
        # on screen together with its first card); None: a first-time caller's form.
        self.card_listener: Callable[[ClientCard | None], None] | None = None
        # Where the cursor goes when this card is back on screen while editing: a field's
        # name, or the widget that had it when the card went off screen.
        self._refocus: Widget | str | None = None
        self._notice = ("", False)
        self._view_card: ClientCard | None = None  # the card the view was filled with
        # Held, not queried: a query walks every widget of the card and its form (~50),
        # and these are asked for several times on each pop.
        self._view = ClientCardView(id="card-view")
        self._edit_form: CardEditForm | None = None  # mounted on first need, or ahead
        self._form_mounting: AwaitMount | None = None  # its mount, awaited by whoever needs it

    # --- the state, as the keys and the screens ask for it ------------------------------

    @property
    def card(self) -> ClientCard | None:
        return self.state.card

    @property
    def client_id(self) -> int | None:
        return self.state.client_id

    @client_id.setter
    def client_id(self, client_id: int | None) -> None:
        self.state.client_id = client_id

    @property
    def editing(self) -> bool:
        return self.state.editing

    @property
    def first_call(self) -> str | None:
        """The number of a first-time caller whose form is up before their client is."""
        first = self.state.first_call
        return first.e164 if first is not None else None

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
        then: Then | None = None,
    ) -> None:
        """(Re)load the card by id; with `edit_focus`, open edit mode on that field; `then`
        is called once with the card when it is shown."""
        state = self.state
        state.client_id = client_id
        pending = state.load
        pending.by_phone = False
        pending.on_unknown = None
        pending.expected = None
        if edit_focus is not None:
            pending.edit = (edit_focus, quick)
        if then is not None:
            pending.then = then
        token = state.next_load()
        if state.card is None and pending.edit is None and not state.editing:
            # (with an edit pending or a first-time caller's form up, the «new client»
            # notice is up: a reload keeps it)
            self.notice(tr("card.loading"))
        state.loading()
        self._fetch(token, client_id, None)

    def load_phone(self, e164: str, *, unknown: Callable[[], None] | None = None) -> None:
        """Find the card by the caller's number (the fast path for known callers);
        `unknown()` if nobody owns the number."""
        token = self.state.next_load()
        self.state.load.by_phone = True
        self.state.load.on_unknown = unknown
        self.state.loading()
        self.notice(tr("card.loading"))
        self._fetch(token, None, e164)

    def expect(self, client_id: int, then: Then) -> None:
        """The desk says who is calling: `then(card)` once that client's card is shown.

        A load by the caller's number already on its way brings that very card: it is
        left to finish rather than cancelled for a load by id (a cancelled query costs its
        pooled connection, and the card would come a query later)."""
        if self.card is not None and self.card.id == client_id:
            then(self.card)
        elif self.state.load.by_phone:
            self.state.load.expected = (client_id, then)
        else:
            self.load(client_id, then=then)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        self.console.worker_failed(event)  # the app says it in words (an outage too)

    @work(group="card-load", exclusive=True, exit_on_error=False, description="load client card")
    async def _fetch(self, token: int, client_id: int | None, e164: str | None) -> None:
        data = self.console.data
        if client_id is not None:
            card = await data.card(client_id)
        else:
            assert e164 is not None
            card = await data.card_by_phone(e164)
        self.post_message(CardLoaded(token, card))

    def on_card_loaded(self, message: CardLoaded) -> None:
        state = self.state
        pending = state.load
        if message.token != pending.token:
            return  # a newer load is on its way
        card = message.card
        expected, pending.expected = pending.expected, None
        unknown, pending.on_unknown = pending.on_unknown, None
        pending.by_phone = False
        if expected is not None:
            client_id, then = expected
            if card is None or card.id != client_id:  # the number changed hands meanwhile
                self.load(client_id, then=then)
                return
            pending.then = then
        if card is None:
            if state.client_id is not None:
                state.missing()
                self.notice(tr("card.error.not_found"), loud=True)
            elif unknown is not None:
                unknown()  # by phone: nobody yet (CallerIdentified will bring the client)
            return
        binding = state.mode is Mode.FIRST_CALL
        held = state.first_call is not None and state.first_call.save_held
        with self.app.batch_update():  # the card in one screen update
            state.arrived(card)
            if pending.edit is None and not binding:
                self.notice("")
            self._show_parts()  # (with an edit to open, the view waits, hidden: see there)
            if binding:
                self._bind_first_call(card, save=held)
            if pending.edit is not None:
                (focus, quick), pending.edit = pending.edit, None
                self.start_edit(focus, quick=quick)
            if pending.then is not None:
                then, pending.then = pending.then, None
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
        self.state.blank()
        self._refocus = None
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
        editing = self.has_class("-editing")  # the form is filled (not only asked for)
        edit_next = self.state.load.edit is not None and self._composed_form() is not None
        shown = not editing and self.card is not None and not edit_next
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
        """The edit form, composed: mounted now, or (mounted ahead) once its mount is done."""
        if self._edit_form is None:
            self._edit_form = CardEditForm(id="card-edit")
            self._form_mounting = self.mount(self._edit_form)
        if (mounting := self._form_mounting) is not None:
            await mounting  # (awaited again it would ask for a layout pass: once is enough)
            self._form_mounting = None
        return self._edit_form

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
                self.state.load.edit = (focus, quick)
            return
        self.state.edit()
        self._edit(card_values(self.card), None, focus, quick)

    def _edit(self, values: dict[str, Any], new_phone: str | None, focus: str, quick: bool) -> None:
        form = self._composed_form()
        if form is not None:  # mounted ahead: the form shows in this very update
            self.workers.cancel_group(self, "card-form")
            self._fill_form(form, values, new_phone, focus, quick)
        else:
            self._open_form(values, new_phone, focus, quick)

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
        if self.state.mode in (Mode.FIRST_CALL, Mode.NEW):
            form.settle()  # only what the operator types counts as a change
        self.set_class(True, "-editing", update=False)
        self._show_parts()
        if self._on_screen():
            form.focus_field(focus)
        else:  # a popup not shown yet (or another call's is): typing stays where it is
            self._refocus = focus
        self._keys_changed()
        self._load_tariffs()

    # --- a first-time caller --------------------------------------------------------------

    def open_first_call(self, e164: str, values: dict[str, Any]) -> None:
        """A first-time caller: their form opens now, with what the PBX gave (`values`),
        while the desk registers them; `load` of the new client binds the form to it and
        keeps what was typed meanwhile (see `_bind_first_call`)."""
        self.state.first_caller(e164)
        self._edit(values, None, "last_name", True)
        if self.card_listener is not None:
            self.card_listener(None)

    def registration_failed(self) -> None:
        """The desk could not register the first-time caller (the database is away): a
        save of their form creates the client instead."""
        first = self.state.first_call
        if first is None:
            return
        first.registering = False
        if first.save_held:
            first.save_held = False
            self.save()

    def _bind_first_call(self, card: ClientCard, *, save: bool) -> None:
        """The caller's client exists now: the form is theirs; a save asked for while it
        did not is made now."""
        form = self._composed_form()
        if form is None:  # still composing: fill it with the client as it is
            self._open_form(card_values(card), None, "last_name", True)
            return
        form.rebase(card_values(card))
        if save:
            self.save()

    # --- focus while the card goes off screen and back ------------------------------------

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
        self.state.new_client()
        self.notice(tr("card.new"), loud=True)
        self._open_form(
            {"kind": "personal", "status": "new"}, phone, "phone" if not phone else "last_name"
        )

    @work(group="card-tariffs", exclusive=True, exit_on_error=False, description="load tariffs")
    async def _load_tariffs(self) -> None:
        self.post_message(TariffsLoaded(await self.console.data.tariffs()))

    def on_tariffs_loaded(self, message: TariffsLoaded) -> None:
        form = self._composed_form()
        if form is None:
            return
        card = self.card
        own = (card.tariff_id, card.tariff or "—") if card and card.tariff_id else None
        form.set_tariffs(message.tariffs, own)

    # --- leaving the form -------------------------------------------------------------------

    def has_unsaved_typing(self) -> bool:
        """Editing, and the form differs from the card (or cannot even be read)."""
        if not self.editing:
            return False
        form = self._edit_form
        if form is None or not form.composed:
            return False
        return form.typed()

    def leave_edit(self) -> None:
        """Escape in the form: gone at once if nothing was typed, else asked (save, discard,
        keep editing)."""
        if not self.editing:
            return
        if not self.has_unsaved_typing():
            self.cancel_edit()
            return
        self._ask_leave()

    @work(group="card-ask", exclusive=True, exit_on_error=False, description="leave the form")
    async def _ask_leave(self) -> None:
        focused = self.screen.focused
        choice = await self.app.push_screen_wait(LeaveEditDialog(tr("card.leave.question")))
        if not self.editing:
            return  # (the card was closed meanwhile)
        if choice == "save":
            self.save()
        elif choice == "discard":
            self.cancel_edit()
        elif focused is not None and focused.is_attached and self._edit_form is not None:
            self._edit_form.refocus(focused)  # the cursor where it was, the text unselected

    def cancel_edit(self) -> None:
        new = self.state.mode is Mode.NEW
        self._close_form()
        if new:
            self.post_message(NewClientLeft())

    def _close_form(self) -> None:
        self.state.stop_editing()
        self.hide_focus()  # the form goes: keys go to the screen's bindings again
        self.set_class(False, "-editing", update=False)
        self._show_parts()
        self.notice("")
        self._keys_changed()

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        form = self.query_one(CardEditForm)
        try:
            values = form.checked()
        except FormError as exc:
            form.show_errors(exc.errors)
            return
        changes = form.changes_in(values) if self.card is not None else values
        first = self.state.first_call
        if self.card is None:
            if first is not None and first.registering:
                first.save_held = True  # the desk is creating this caller: save into them
                return
            self._create(changes, first.e164 if first is not None else form.new_phone)
            return
        if not changes:
            self.cancel_edit()
            return
        self._save(self.card.id, self.card.version, changes)

    @work(group="card-write", exit_on_error=False, description="save client")
    async def _save(self, client_id: int, version: int, changes: dict[str, Any]) -> None:
        try:
            await self.console.data.update_client(client_id, version, changes)
        except EditConflict as conflict:
            await self._conflict(conflict, changes)
            return
        except DomainError as exc:
            self.app.notify(explain(exc), severity="error")
            return
        self.app.notify(tr("card.saved"))
        self._saved(client_id)

    @work(group="card-write", exit_on_error=False, description="create client")
    async def _create(self, values: dict[str, Any], phone: str) -> None:
        if not phone:
            self.app.notify(tr("card.error.phone_required"), severity="error")
            return
        values = {k: v for k, v in values.items() if v not in (None, "")}
        try:
            client_id = await self.console.data.create_client(values, phone)
        except DomainError as exc:
            self.app.notify(explain(exc), severity="error")
            return
        self.app.notify(tr("card.created"))
        self._saved(client_id)

    def _saved(self, client_id: int) -> None:
        self._close_form()
        self.post_message(ClientSaved(client_id))
        self.load(client_id)

    async def _conflict(self, conflict: EditConflict, mine: dict[str, Any]) -> None:
        """Someone saved first: reload theirs, or keep editing on top of their version."""
        fields = list(dict.fromkeys([*conflict.their_changes, *mine]))
        rows = [
            (field_label(f), _shown(conflict.current.get(f)), _shown(mine.get(f, "—")))
            for f in fields
            if f in {x.name for x in FIELDS}
        ]
        dialog = ConflictDialog(
            changed_by=conflict.changed_by, changed_at=conflict.changed_at, rows=rows
        )
        if await self.app.push_screen_wait(dialog):
            self.cancel_edit()
            if self.client_id is not None:
                self.load(self.client_id)
        elif self.card is not None and (theirs := await self.console.data.card(self.card.id)):
            # Keep editing on top of their version: the fields I did not touch show theirs
            # (a save would otherwise write my stale values back over their change), the
            # ones I typed stay mine.
            self.state.card = theirs
            self.query_one(CardEditForm).rebase(card_values(theirs))

    # --- actions on a loaded card ---------------------------------------------------------

    def act(self, action: CardAction) -> None:
        """Run one of `actions.py` on the card shown (nothing without one).

        It runs in an app worker, not the panel's: a popup recycled for the next call while
        a dialog is open (its call ended) must not lose what the operator then confirms."""
        if self.card is not None and not self.editing:
            self.app.run_worker(
                self._act(action, self.card),
                group="card-ask",  # (a worker awaiting a person's answer)
                exit_on_error=False,
                description="card action",
            )

    async def _act(self, action: CardAction, card: ClientCard) -> None:
        change = await action(self.console, card)
        if change is None:
            return
        if self.is_attached and self.client_id == card.id:
            self._write(card.id, change)  # (a save in flight keeps the panel from a reset)
        elif await self._commit(change) and self.is_attached:
            self.post_message(ClientSaved(card.id))  # the card moved on: whoever shows it reloads

    @work(group="card-write", exit_on_error=False, description="change client")
    async def _write(self, client_id: int, change: Change) -> None:
        if await self._commit(change):
            self.post_message(ClientSaved(client_id))
            if self.client_id == client_id:
                self.load(client_id)

    async def _commit(self, change: Change) -> bool:
        """Make the change; a refusal is explained in words (False)."""
        try:
            await change.write(self.console.data)
        except DomainError as exc:
            self.app.notify(explain(exc), severity="error", timeout=8)
            return False
        self.app.notify(change.done)
        return True


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    return str(value)
