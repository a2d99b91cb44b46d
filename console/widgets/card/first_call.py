"""A first-time caller's form, from the ring to their client.

Nobody owns the caller's number yet while the desk is registering them (a write
transaction, slow at times: docs/performance.md, «Session 5»). Their quick form opens at
once with the number and what the PBX gave (`open`), instead of after the new row is
committed and read back. Then one of two things happens:

- the desk's registration lands: the panel loads the new client and `bind` makes the form
  theirs — untouched fields take the client's values, typed ones stay, and a save the
  dispatcher asked for meanwhile (held by `save_waits`) is made now, into that client;
- the desk could not register them (`registration_failed`, the database was away): the
  form stays as typed, and a save creates the client with the caller's number (a save held
  meanwhile is made at once).

The flow keeps its facts in `CardState.first_call` (`FirstCall`) and acts on the form
through its host, the panel (`FirstCallHost`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from console.widgets.card.edit import card_values
from console.widgets.card.state import Mode

if TYPE_CHECKING:
    from console.data import ClientCard
    from console.widgets.card.state import CardState, FirstCall

# What a first-time caller's form opens on: the name, only the fields asked on the line.
FIRST_FIELD = "last_name"


class Rebasable(Protocol):
    def rebase(self, values: Mapping[str, Any]) -> None:
        """The client being typed in exists now with `values` (`CardEditForm.rebase`)."""


class FirstCallHost(Protocol):
    """What the flow asks of the card that shows the form (`ClientCardPanel`)."""

    def open_form(
        self, values: dict[str, Any], new_phone: str | None, focus: str, quick: bool
    ) -> None: ...

    def composed_form(self) -> Rebasable | None: ...

    def save(self) -> None: ...


class FirstCallFlow:
    """The life of one panel's first-time-caller form."""

    def __init__(self, state: CardState, host: FirstCallHost) -> None:
        self._state = state
        self._host = host

    @property
    def e164(self) -> str | None:
        """The caller's number while their form is (or was) up before their client."""
        first = self._state.first_call
        return first.e164 if first is not None else None

    def open(self, e164: str, values: dict[str, Any]) -> None:
        """Their form, now, with what the PBX gave (`values`) and the cursor on the name."""
        self._state.first_caller(e164)
        self._host.open_form(values, None, FIRST_FIELD, True)

    def save_waits(self) -> bool:
        """A save asked for while the desk is still registering the caller waits for their
        client (True); False: nothing to wait for."""
        first = self._state.first_call
        if first is None or not first.registering:
            return False
        first.save_held = True
        return True

    def registration_failed(self) -> None:
        """The desk could not register the caller: a save of their form (one held now, or
        the next) creates the client instead; what is typed stays."""
        first = self._state.first_call
        if first is None:
            return
        first.registering = False
        if first.save_held:
            first.save_held = False
            self._host.save()

    def waiting(self) -> FirstCall | None:
        """The form a card arriving now binds to (asked before the card is in: the state
        forgets the first call when it is)."""
        return self._state.first_call if self._state.mode is Mode.FIRST_CALL else None

    def bind(self, card: ClientCard, first: FirstCall) -> None:
        """The caller's client exists now (`card`): the form is theirs; a save asked for
        while it did not is made now."""
        form = self._host.composed_form()
        if form is None:  # still composing: filled with the client as it is
            self._host.open_form(card_values(card), None, FIRST_FIELD, True)
            return
        form.rebase(card_values(card))
        if first.save_held:
            self._host.save()
