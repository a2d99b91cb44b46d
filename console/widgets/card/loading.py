"""Loading one panel's card: by id, or by the caller's number, and what waits for it.

`CardLoader` starts each load in the panel's "card-load" worker group (a newer load cancels
the older one; the app's worker handler words a load that fails, an outage too) and the
worker answers the panel with a `CardLoaded` message carrying the load's token. The panel
hands that message back to `answer`, which drops answers to older loads and says what the
card that came means:

- `Arrived`: a card to show (the panel then opens a pending edit and tells `then`);
- `Reload`: the desk named the caller while a load by number was on its way, and the
  number belongs to someone else now: load that client by id;
- `Missing`: the client asked for by id does not exist (any more);
- `Nobody`: nobody owns the caller's number (yet): a first-time caller.

The loader moves only the load's part of `CardState` (`state.load`, the token, the mode
while loading); what is shown and the notices are the panel's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeAlias, cast

from console.messages import CardLoaded

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

    from console.app import ConsoleApp
    from console.data import ClientCard
    from console.widgets.card.state import CardState, Then


@dataclass(frozen=True, slots=True)
class Arrived:
    """The card to show."""

    card: ClientCard


@dataclass(frozen=True, slots=True)
class Reload:
    """The caller's number found someone else than the desk named: load them by id."""

    client_id: int
    then: Then


@dataclass(frozen=True, slots=True)
class Missing:
    """No client has the id asked for (any more)."""


@dataclass(frozen=True, slots=True)
class Nobody:
    """Nobody owns the caller's number; `unknown` is what the load by number was told to
    call then (None: nothing)."""

    unknown: Callable[[], None] | None


# None: an older load's answer, dropped.
Answer: TypeAlias = Arrived | Reload | Missing | Nobody | None


class CardLoader:
    """The loads of one panel's card: `node` runs their workers and receives `CardLoaded`."""

    def __init__(self, node: DOMNode, state: CardState) -> None:
        self._node = node
        self._state = state

    def by_id(
        self, client_id: int, *, edit: tuple[str, bool] | None = None, then: Then | None = None
    ) -> None:
        """(Re)load the card of `client_id`; `edit`: open the form on (field, quick) once it
        is in; `then` is told once about the card it brings."""
        state = self._state
        state.client_id = client_id
        pending = state.load
        pending.by_phone = False
        pending.on_unknown = None
        pending.expected = None
        if edit is not None:
            pending.edit = edit
        if then is not None:
            pending.then = then
        token = state.next_load()
        state.loading()
        self._fetch(token, client_id, None)

    def by_phone(self, e164: str, *, unknown: Callable[[], None] | None = None) -> None:
        """Find the card by the caller's number (the fast path for known callers);
        `unknown()` if nobody owns the number."""
        state = self._state
        token = state.next_load()
        state.load.by_phone = True
        state.load.on_unknown = unknown
        state.loading()
        self._fetch(token, None, e164)

    def expect(self, client_id: int, then: Then) -> bool:
        """The desk says who is calling: `then(card)` once that client's card is shown.
        True when that is taken care of (the card is shown, or the load by the caller's
        number on its way brings it); False: the card is to be loaded by id.

        A load by number is left to finish rather than cancelled for a load by id: a
        cancelled query costs its pooled connection, and the card would come a query later."""
        state = self._state
        if state.card is not None and state.card.id == client_id:
            then(state.card)
            return True
        if state.load.by_phone:
            state.load.expected = (client_id, then)
            return True
        return False

    def answer(self, message: CardLoaded) -> Answer:
        """What a load's answer means for the panel (None: a newer load is on its way)."""
        state = self._state
        pending = state.load
        if message.token != pending.token:
            return None
        card = message.card
        expected, pending.expected = pending.expected, None
        unknown, pending.on_unknown = pending.on_unknown, None
        pending.by_phone = False
        if expected is not None:
            client_id, then = expected
            if card is None or card.id != client_id:  # the number changed hands meanwhile
                return Reload(client_id, then)
            pending.then = then
        if card is not None:
            return Arrived(card)
        if state.client_id is not None:
            state.missing()
            return Missing()
        return Nobody(unknown)  # by phone: nobody yet (CallerIdentified brings the client)

    def _fetch(self, token: int, client_id: int | None, e164: str | None) -> Worker[None]:
        return self._node.run_worker(
            partial(self._query, token, client_id, e164),
            name="card-load",
            group="card-load",
            exclusive=True,
            exit_on_error=False,
            description="load client card",
        )

    async def _query(self, token: int, client_id: int | None, e164: str | None) -> None:
        data = cast("ConsoleApp", self._node.app).data
        if client_id is not None:
            card = await data.card(client_id)
        else:
            assert e164 is not None
            card = await data.card_by_phone(e164)
        self._node.post_message(CardLoaded(token, card))
