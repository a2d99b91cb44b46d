"""The edit form's life in its card: mounted ahead or on first need, filled, focused, left.

- **Mounting.** The form (two dozen inputs) is kept off the pop path: a popup mounts it
  ahead, hidden, while nothing rings (`prepare`), so a first-time caller's form opens in
  the card's own screen update; a card screen mounts it on the first edit.
- **Filling.** `open` fills it in this very update when it is composed, else once its
  mount is done (a worker awaits the mount, never polls); a newer fill replaces one still
  waiting. The tariffs it offers are loaded after it opens (`TariffsLoaded`).
- **Focus.** When the card goes off screen (another call's popup is shown) the cursor
  leaves the form, so no key lands in a hidden form; back on screen it returns to the field
  it was in, the text unselected.
- **Leaving.** Escape with nothing typed closes the form; with something typed it asks:
  save, discard or keep editing (a worker awaiting the dialog).

The form is held, not queried: a query walks every widget of the card and its form, and
the form is asked for several times on each pop (docs/performance.md, «Pop path: what the
code avoids, and why»). What the card is doing (view, edit, first call…) is the panel's
`CardState`; this class only acts on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.widget import Widget

from console.i18n import tr
from console.widgets.card.dialogs import LeaveEditDialog
from console.widgets.card.edit import CardEditForm
from console.widgets.card.state import Mode

if TYPE_CHECKING:
    from textual.widget import AwaitMount
    from textual.worker import Worker

    from console.widgets.card.panel import ClientCardPanel


@dataclass
class TariffsLoaded(Message, bubble=False):
    """The active tariffs the edit form offers."""

    tariffs: list[tuple[int, str]]


class CardEditor:
    """One panel's edit form: `form` once asked for, `composed()` once it can be filled."""

    def __init__(self, panel: ClientCardPanel) -> None:
        self._panel = panel
        self.form: CardEditForm | None = None
        self._mounting: AwaitMount | None = None  # its mount, awaited by whoever needs it
        # Where the cursor goes when the card is back on screen while editing: a field's
        # name, or the widget that had it when the card went off screen.
        self._refocus: Widget | str | None = None

    def composed(self) -> CardEditForm | None:
        """The form, if its inputs exist and it is in the panel (it can be filled now)."""
        form = self.form
        return form if form is not None and form.composed and form.is_attached else None

    @property
    def quick(self) -> bool:
        """The form shows only the main fields."""
        return self.form is not None and self.form.quick

    def show_all_fields(self) -> None:
        if self.form is not None:
            self.form.show_all_fields()

    # --- mounting and filling ---------------------------------------------------------------

    def prepare(self) -> None:
        """Mount the (hidden) form ahead of need: a first-time caller's card opens in edit
        mode, and composing two dozen inputs would otherwise be on that pop's path."""
        if self._panel.is_attached and self.form is None:
            self._mount_ahead()

    def _mount_ahead(self) -> Worker[CardEditForm]:
        return self._panel.run_worker(
            self._mounted,
            name="card-form-prepare",
            group="card-form-prepare",
            exit_on_error=False,
            description="edit form, ahead",
        )

    def open(self, values: dict[str, Any], new_phone: str | None, focus: str, quick: bool) -> None:
        """The form with `values` (and `new_phone` to type, for a new client), the cursor
        on `focus`: in this update if the form is composed, else once it is."""
        fill = partial(self._fill, values=values, new_phone=new_phone, focus=focus, quick=quick)
        form = self.composed()
        if form is not None:  # mounted ahead: the form shows in this very update
            self._panel.workers.cancel_group(self._panel, "card-form")
            fill(form)
        else:
            self._fill_later(fill)

    def _fill_later(self, fill: Callable[[CardEditForm], None]) -> Worker[None]:
        return self._panel.run_worker(
            partial(self._fill_mounted, fill),
            name="card-form",
            group="card-form",
            exclusive=True,
            exit_on_error=False,
            description="edit form",
        )

    async def _fill_mounted(self, fill: Callable[[CardEditForm], None]) -> None:
        form = await self._mounted()
        if not form.composed:
            return  # the card is being closed (the form was never composed)
        fill(form)

    async def _mounted(self) -> CardEditForm:
        """The form, composed: mounted now, or (mounted ahead) once its mount is done."""
        if self.form is None:
            self.form = CardEditForm(id="card-edit")
            self._mounting = self._panel.mount(self.form)
        if (mounting := self._mounting) is not None:
            await mounting  # (awaited again it would ask for a layout pass: once is enough)
            self._mounting = None
        return self.form

    def _fill(
        self,
        form: CardEditForm,
        *,
        values: dict[str, Any],
        new_phone: str | None,
        focus: str,
        quick: bool,
    ) -> None:
        panel = self._panel
        form.load(values, new_phone=new_phone, quick=quick)
        if panel.state.mode in (Mode.FIRST_CALL, Mode.NEW):
            form.settle()  # only what the operator types counts as a change
        panel.show_form(True)
        if self._on_screen():
            form.focus_field(focus)
        else:  # a popup not shown yet (or another call's is): typing stays where it is
            self._refocus = focus
        panel.keys_changed()
        self._load_tariffs()

    def clear(self) -> None:
        """Between calls: blank fields (the next caller's values change only theirs), and
        no cursor to bring back."""
        self._refocus = None
        if (form := self.composed()) is not None:
            form.clear()

    # --- the tariffs it offers --------------------------------------------------------------

    def _load_tariffs(self) -> Worker[None]:
        return self._panel.run_worker(
            self._fetch_tariffs,
            name="card-tariffs",
            group="card-tariffs",
            exclusive=True,
            exit_on_error=False,
            description="load tariffs",
        )

    async def _fetch_tariffs(self) -> None:
        panel = self._panel
        panel.post_message(TariffsLoaded(await panel.console.data.tariffs()))

    def tariffs_loaded(self, message: TariffsLoaded) -> None:
        """Offer them, with the client's own tariff even if it is retired."""
        form = self.composed()
        if form is None:
            return
        card = self._panel.card
        own = (card.tariff_id, card.tariff or "—") if card and card.tariff_id else None
        form.set_tariffs(message.tariffs, own)

    # --- focus while the card goes off screen and back --------------------------------------

    def _on_screen(self) -> bool:
        panel = self._panel
        return all(node.display for node in panel.ancestors_with_self if isinstance(node, Widget))

    def hide_focus(self) -> None:
        """The card goes off screen: keystrokes must not land in its hidden form."""
        panel = self._panel
        focused = panel.screen.focused
        if focused is not None and panel in focused.ancestors:
            self._refocus = focused if panel.editing else None
            panel.screen.set_focus(None)

    def restore_focus(self) -> None:
        """The card is back on screen: the cursor returns to where it was in the form."""
        target, self._refocus = self._refocus, None
        form = self.composed()
        if not self._panel.editing or form is None or target is None:
            return
        if isinstance(target, str):
            form.focus_field(target)
        elif target.is_attached:
            form.refocus(target)

    # --- leaving ----------------------------------------------------------------------------

    def typed(self) -> bool:
        """Editing, and the form differs from the card (or cannot even be read)."""
        form = self.form
        if not self._panel.editing or form is None or not form.composed:
            return False
        return form.typed()

    def leave(self) -> None:
        """Escape in the form: gone at once if nothing was typed, else asked (save, discard,
        keep editing)."""
        if not self._panel.editing:
            return
        if not self.typed():
            self._panel.cancel_edit()
        else:
            self._ask()

    def _ask(self) -> Worker[None]:
        return self._panel.run_worker(
            self._ask_leave,
            name="card-leave",
            group="card-ask",
            exclusive=True,
            exit_on_error=False,
            description="leave the form",
        )

    async def _ask_leave(self) -> None:
        panel = self._panel
        focused = panel.screen.focused
        choice = await panel.app.push_screen_wait(LeaveEditDialog(tr("card.leave.question")))
        if not panel.editing:
            return  # (the card was closed meanwhile)
        if choice == "save":
            panel.save()
        elif choice == "discard":
            panel.cancel_edit()
        elif focused is not None and focused.is_attached and self.form is not None:
            self.form.refocus(focused)  # the cursor where it was, the text unselected
