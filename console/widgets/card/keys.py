"""The card's keys, shared by the dispatcher (acting on the popup shown) and the card
screen, so a dispatcher's fingers learn one set of keys for a card wherever it is."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from console.widgets.card import actions, places
from console.widgets.card.state import Mode

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.data import ClientCard, ConsoleData
    from console.widgets.card.actions import CardAction
    from console.widgets.card.panel import ClientCardPanel

CARD_BINDINGS: list[BindingType] = [
    Binding("e", "card_edit", "key.card.edit", tooltip="key.card.edit.tip", id="card.edit"),
    Binding(
        "ctrl+s",
        "card_save",
        "key.card.save",
        tooltip="key.card.save.tip",
        id="card.save",
        priority=True,
    ),
    Binding(
        "f6",  # Ctrl+E is the inputs' «end of line»
        "card_all_fields",
        "key.card.all_fields",
        tooltip="key.card.all_fields.tip",
        id="card.all_fields",
        priority=True,
    ),
    Binding(
        "escape", "card_cancel", "key.card.cancel", tooltip="key.card.cancel.tip", id="card.cancel"
    ),
    Binding("c", "card_call", "key.card.call", tooltip="key.card.call.tip", id="card.call"),
    Binding(
        "b",
        "card_blacklist",
        "key.card.blacklist",
        tooltip="key.card.blacklist.tip",
        id="card.blacklist",
    ),
    Binding(
        "p",
        "card_add_phone",
        "key.card.add_phone",
        tooltip="key.card.add_phone.tip",
        id="card.add_phone",
    ),
    Binding(
        "P",  # what a terminal sends for Shift+P («shift+p» never arrives)
        "card_remove_phone",
        "key.card.remove_phone",
        tooltip="key.card.remove_phone.tip",
        id="card.remove_phone",
    ),
    Binding(
        "d",
        "card_add_debt",
        "key.card.add_debt",
        tooltip="key.card.add_debt.tip",
        id="card.add_debt",
    ),
    Binding(
        "m",
        "card_mark_paid",
        "key.card.mark_paid",
        tooltip="key.card.mark_paid.tip",
        id="card.mark_paid",
    ),
]
# The card's keys that open more about the client (its account, its whole call history):
# after the screen's own keys, so a narrow footer keeps those that act on the call.
CARD_MORE_BINDINGS: list[BindingType] = [
    Binding(
        "s",  # «счёт», the statement («o» is the company's)
        "card_operations",
        "key.card.operations",
        tooltip="key.card.operations.tip",
        id="card.operations",
    ),
    Binding(
        "h",
        "card_calls",
        "key.card.calls",
        tooltip="key.card.calls.tip",
        id="card.calls",
    ),
    # Last: a narrow footer drops them first (the palette and the keys panel keep them).
    Binding(
        "w",
        "card_audit",
        "key.card.audit",
        tooltip="key.card.audit.tip",
        id="card.audit",
    ),
    Binding(
        "j",
        "card_merge",
        "key.card.merge",
        tooltip="key.card.merge.tip",
        id="card.merge",
    ),
]
# The card's addresses, company and phone labels: after the screen's own keys (the
# popup's «x», the card screen's «esc»), so a narrow footer drops these first.
CARD_PLACE_BINDINGS: list[BindingType] = [
    Binding(
        "a",
        "card_addresses",
        "key.card.addresses",
        tooltip="key.card.addresses.tip",
        id="card.addresses",
    ),
    Binding(
        "o",
        "card_company",
        "key.card.company",
        tooltip="key.card.company.tip",
        id="card.company",
    ),
    Binding(
        "l",
        "card_phone_label",
        "key.card.phone_label",
        tooltip="key.card.phone_label.tip",
        id="card.phone_label",
    ),
]

_NEEDS_CARD = {
    "card_edit",
    "card_call",
    "card_blacklist",
    "card_add_phone",
    "card_remove_phone",
    "card_add_debt",
    "card_mark_paid",
    "card_addresses",
    "card_company",
    "card_phone_label",
    "card_audit",
    "card_merge",
    "card_operations",
    "card_calls",
}
_NEEDS_EDIT = {"card_save", "card_cancel"}
_NEEDS_QUICK_FORM = {"card_all_fields"}
CARD_ACTIONS = frozenset(_NEEDS_CARD | _NEEDS_EDIT | _NEEDS_QUICK_FORM)  # `check_card_action`


class CardActions(DOMNode):
    """Mixin: `action_card_*` run on `card_panel()`; footer shows what applies now."""

    def card_panel(self) -> ClientCardPanel | None:
        raise NotImplementedError

    def check_card_action(self, action: str) -> bool | None:
        """For card actions: True (live), None (shown dimmed: the card is on its way) or
        False (hidden: the edit form is up, or for save/cancel, it is not; or there is no
        card to come — a withheld number, a colleague, a client that is gone); only for
        `CARD_ACTIONS`.

        The footer keeps the same keys between calls and only dims or lights them: a ring
        then never changes the set of keys, and the footer is not rebuilt on the pop path.
        """
        panel = self.card_panel()
        editing = panel is not None and panel.editing
        if action in _NEEDS_QUICK_FORM:
            return editing and panel is not None and panel.quick_form
        if action in _NEEDS_EDIT:
            return editing
        if editing:
            return False
        if panel is None or panel.state.mode is Mode.LOADING:
            return None
        if panel.card is None:
            return False
        if not self._role_allows(action, panel.card):
            return None  # shown dimmed: this seat's role may not (storage would refuse)
        return True

    def _role_allows(self, action: str, card: ClientCard) -> bool:
        """What only a supervisor or an admin may do: close a debt, lift a blacklist. (A
        merge stays lit: its key says in words why a dispatcher may not.)"""
        data: ConsoleData | None = getattr(self.app, "data", None)
        if data is None or action not in ("card_mark_paid", "card_blacklist"):
            return True
        if action == "card_blacklist" and not card.blacklisted:
            return True  # anyone may blacklist
        return data.may()

    def action_card_edit(self) -> None:
        if (panel := self.card_panel()) is not None:
            panel.start_edit()

    def action_card_all_fields(self) -> None:
        if (panel := self.card_panel()) is not None and panel.editing:
            panel.show_all_fields()

    def action_card_save(self) -> None:
        if (panel := self.card_panel()) is not None and panel.editing:
            panel.save()

    def action_card_cancel(self) -> None:
        if (panel := self.card_panel()) is not None and panel.editing:
            panel.leave_edit()

    def action_card_call(self) -> None:
        panel = self.card_panel()
        if panel is None or panel.card is None:
            return
        from console.click_to_call import start_click_to_call

        self.app.run_worker(
            start_click_to_call(self.app, panel.card.id),
            group="click-to-call",
            exit_on_error=False,
            description="click-to-call",
        )

    def action_card_blacklist(self) -> None:
        self._act(actions.toggle_blacklist)

    def action_card_add_phone(self) -> None:
        self._act(actions.add_phone)

    def action_card_remove_phone(self) -> None:
        self._act(actions.remove_phone)

    def action_card_add_debt(self) -> None:
        self._act(actions.add_debt)

    def action_card_mark_paid(self) -> None:
        self._act(actions.mark_debt_paid)

    def action_card_addresses(self) -> None:
        self._act(places.manage_addresses)

    def action_card_company(self) -> None:
        self._act(places.open_company)

    def action_card_phone_label(self) -> None:
        self._act(places.label_phone)

    def action_card_audit(self) -> None:
        self._act(actions.who_did_what)

    def action_card_merge(self) -> None:
        self._act(actions.merge_client)

    def action_card_operations(self) -> None:
        self._act(actions.account)

    def action_card_calls(self) -> None:
        """The client's whole call history: History filtered to this client (by name);
        Escape comes back to the card."""
        panel = self.card_panel()
        if panel is None or panel.card is None:
            return
        from console.screens.history import HistoryScreen

        app = cast("ConsoleApp", self.app)
        card = panel.card
        app.push_screen(
            HistoryScreen(app.settings, app.data, client=(card.id, card.name or f"#{card.id}"))
        )

    def _act(self, action: CardAction) -> None:
        if (panel := self.card_panel()) is not None:
            panel.act(action)
