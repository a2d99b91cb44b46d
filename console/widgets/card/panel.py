"""One client card with its actions: view, edit, phones, blacklist, debts, call.

Used by the dispatcher's popups (one panel per ringing call) and by `ClientCardScreen`.
The panel coordinates; each part of a card's life is a piece of its own:

- `state.py`: what the card is doing, as one `CardState`;
- `loading.py`: the loads, by id or by the caller's number (`CardLoader`);
- `first_call.py`: a first-time caller's form, open before their client exists
  (`FirstCallFlow`);
- `editing.py`: the edit form's life: mounted ahead, filled, focus, leaving (`CardEditor`);
- `saving.py`: the form's save, conflicts and the actions' writes (`CardSaver`);
- `actions.py`: the actions that ask in dialogs.

Every query and write goes through `console.data` in a worker (`exit_on_error=False`), so
the UI never waits on the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker

from console.i18n import tr
from console.messages import CardLoaded
from console.widgets.card.edit import CardEditForm, card_values
from console.widgets.card.editing import CardEditor, TariffsLoaded
from console.widgets.card.first_call import FirstCallFlow
from console.widgets.card.loading import Arrived, CardLoader, Missing, Nobody, Reload
from console.widgets.card.saving import CardSaver
from console.widgets.card.state import CardState, Mode, Then
from console.widgets.card.view import ClientCardView

if TYPE_CHECKING:
    from collections.abc import Callable

    from console.app import ConsoleApp
    from console.data import ClientCard
    from console.widgets.card.actions import CardAction


@dataclass
class NewClientLeft(Message):
    """A new client's form was left without creating anyone: whoever opened it may close."""


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
    # with classes on the panel: a class change restyles the panel and every widget in it,
    # a cost on the pop path (docs/performance.md, «Pop path: what the code avoids, and
    # why»). `-editing` is still set, as a marker only (no restyle), for whoever watches
    # the panel (bench/).

    def __init__(self, *, client_id: int | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = CardState(client_id)
        self.loader = CardLoader(self, self.state)
        self.editor = CardEditor(self)
        self.first = FirstCallFlow(self.state, self)
        self.saver = CardSaver(self)
        # Told about every card shown, inside the update that shows it (the popup: to come
        # on screen together with its first card); None: a first-time caller's form.
        self.card_listener: Callable[[ClientCard | None], None] | None = None
        self._notice = ("", False)
        self._view_card: ClientCard | None = None  # the card the view was filled with
        # Held, not queried: a query walks every widget of the card and its form (~50),
        # and the view is asked for several times on each pop.
        self._view = ClientCardView(id="card-view")

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
        return self.first.e164

    @property
    def quick_form(self) -> bool:
        """The edit form shows only the main fields."""
        return self.editor.quick

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

    def notice(self, text: str, *, loud: bool = False) -> None:
        label = self.query_one("#card-notice", Static)
        if (text, loud) == self._notice:
            return  # unchanged: no layout pass (on the pop path, a whole-screen one)
        self._notice = (text, loud)
        label.update(text)
        label.set_class(loud, "-loud")
        label.display = bool(text)

    # --- loading (loading.py) -------------------------------------------------------------

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
        edit = (edit_focus, quick) if edit_focus is not None else None
        self.loader.by_id(client_id, edit=edit, then=then)
        state = self.state
        if state.card is None and state.load.edit is None and not state.editing:
            # (with an edit pending or a first-time caller's form up, the «new client»
            # notice is up: a reload keeps it)
            self.notice(tr("card.loading"))

    def load_phone(self, e164: str, *, unknown: Callable[[], None] | None = None) -> None:
        """Find the card by the caller's number; `unknown()` if nobody owns it."""
        self.loader.by_phone(e164, unknown=unknown)
        self.notice(tr("card.loading"))

    def expect(self, client_id: int, then: Then) -> None:
        """The desk says who is calling: `then(card)` once that client's card is shown."""
        if not self.loader.expect(client_id, then):
            self.load(client_id, then=then)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        self.console.worker_failed(event)  # the app says it in words (an outage too)

    def on_card_loaded(self, message: CardLoaded) -> None:
        match self.loader.answer(message):
            case Arrived(card):
                self._show_card(card)
            case Reload(client_id, then):
                self.load(client_id, then=then)
            case Missing():
                self.notice(tr("card.error.not_found"), loud=True)
            case Nobody(unknown) if unknown is not None:
                unknown()

    def _show_card(self, card: ClientCard) -> None:
        """A card is in: shown, or bound to the first-time caller's form, in one update."""
        state = self.state
        binding = self.first.waiting()  # (asked before `arrived`, which forgets it)
        with self.app.batch_update():
            state.arrived(card)
            if state.load.edit is None and binding is None:
                self.notice("")
            self._show_parts()  # (with an edit to open, the view waits, hidden: see there)
            if binding is not None:
                self.first.bind(card, binding)
            if state.load.edit is not None:
                (focus, quick), state.load.edit = state.load.edit, None
                self.start_edit(focus, quick=quick)
            if state.load.then is not None:
                then, state.load.then = state.load.then, None
                then(card)
            if self.card_listener is not None:
                self.card_listener(card)
        self.keys_changed()

    def reset(self) -> bool:
        """Blank the panel for another call (the dispatcher reuses closed popups); False
        when it cannot be: a save is still on its way to the database."""
        if any(
            w.group == "card-write" and not w.is_finished for w in self.workers if w.node is self
        ):
            return False
        self.workers.cancel_node(self)  # loads in flight: their answers are for the last call
        self.state.blank()
        self.show_form(False)
        self.editor.clear()
        # What the next call shows until its card is in, set now while nothing rings: a
        # notice changed on the pop path would cost a layout pass of the whole screen.
        self.notice(tr("card.loading"))
        return True

    def _show_parts(self) -> None:
        """The card's view, or the edit form while editing, or neither while empty."""
        editing = self.has_class("-editing")  # the form is filled (not only asked for)
        edit_next = self.state.load.edit is not None and self.editor.composed() is not None
        shown = not editing and self.card is not None and not edit_next
        # The view is filled when it is to be seen: a first-time caller's card opens in the
        # edit form, and filling the hidden view would only delay that update.
        if shown and self.card is not None and self._view_card is not self.card:
            self._view.show(self.card)
            self._view_card = self.card
        self._view.display = shown
        if self.editor.form is not None:
            self.editor.form.display = editing

    def keys_changed(self) -> None:
        """What the card's keys can do changed (a card arrived, edit mode came or went):
        the footer of the screen showing this card must say so."""
        if self.is_attached:
            self.screen.refresh_bindings()

    # --- the edit form (editing.py) -------------------------------------------------------

    def prepare_form(self) -> None:
        """Mount the (hidden) edit form ahead of need (a spare popup, while nothing rings)."""
        self.editor.prepare()

    def composed_form(self) -> CardEditForm | None:
        return self.editor.composed()

    def start_edit(self, focus: str = "last_name", *, quick: bool = False) -> None:
        """Edit mode on `focus`; `quick`: only the main fields (a first-time caller)."""
        if self.card is None:
            if self.client_id is not None:
                self.state.load.edit = (focus, quick)
            return
        self.state.edit()
        self.open_form(card_values(self.card), None, focus, quick)

    def open_form(
        self, values: dict[str, Any], new_phone: str | None, focus: str, quick: bool = False
    ) -> None:
        self.editor.open(values, new_phone, focus, quick)

    def start_new(self, phone: str = "") -> None:
        """A new client typed in by hand (from the client base)."""
        self.state.new_client()
        self.notice(tr("card.new"), loud=True)
        focus = "phone" if not phone else "last_name"
        self.open_form({"kind": "personal", "status": "new"}, phone, focus)

    def show_form(self, shown: bool) -> None:
        """The form is filled (shown) or closed: `-editing` marks it, no restyle."""
        self.set_class(shown, "-editing", update=False)
        self._show_parts()

    def show_all_fields(self) -> None:
        self.editor.show_all_fields()
        self.keys_changed()

    def on_tariffs_loaded(self, message: TariffsLoaded) -> None:
        self.editor.tariffs_loaded(message)

    def hide_focus(self) -> None:
        """The card goes off screen: keystrokes must not land in its hidden form."""
        self.editor.hide_focus()

    def restore_focus(self) -> None:
        """The card is back on screen: the cursor returns to where it was in the form."""
        self.editor.restore_focus()

    def has_unsaved_typing(self) -> bool:
        """Editing, and the form differs from the card (or cannot even be read)."""
        return self.editor.typed()

    def leave_edit(self) -> None:
        """Escape in the form: closed, or asked (save, discard, keep editing)."""
        self.editor.leave()

    def cancel_edit(self) -> None:
        new = self.state.mode is Mode.NEW
        self.close_form()
        if new:
            self.post_message(NewClientLeft())

    def close_form(self) -> None:
        self.state.stop_editing()
        self.hide_focus()  # the form goes: keys go to the screen's bindings again
        self.show_form(False)
        self.notice("")
        self.keys_changed()

    # --- a first-time caller (first_call.py) ----------------------------------------------

    def open_first_call(self, e164: str, values: dict[str, Any]) -> None:
        """A first-time caller: their form opens now, with what the PBX gave (`values`),
        while the desk registers them; `load` of the new client binds the form to it."""
        self.first.open(e164, values)
        if self.card_listener is not None:
            self.card_listener(None)

    def registration_failed(self) -> None:
        """The desk could not register the first-time caller: a save creates them."""
        self.first.registration_failed()

    # --- writes (saving.py) ---------------------------------------------------------------

    def save(self) -> None:
        self.saver.save()

    def act(self, action: CardAction) -> None:
        """Run one of `actions.py` on the card shown (nothing without one, nor while editing)."""
        if self.card is not None and not self.editing:
            self.saver.act(action, self.card)
