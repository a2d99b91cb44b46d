"""What a card is doing, as one value: `CardState.mode`, and what waits on the next load.

The panel used to keep some twenty flags (empty, editing, registering, a save held, a load
by phone…) whose combinations were the real state; here the state is one `Mode`, the loads
on their way one `CardLoad`, and a first-time caller's form one `FirstCall`. The panel
changes them only through these methods, so what the keys and the footer may do is read
off one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.data import ClientCard

Then = Callable[["ClientCard"], None]


class Mode(Enum):
    BLANK = "blank"  # nothing to show: a popup between calls, a withheld number
    LOADING = "loading"  # the first card is on its way (by id or by the caller's number)
    MISSING = "missing"  # the client asked for does not exist (any more)
    VIEW = "view"  # a client's card in view
    EDIT = "edit"  # a client's card in the edit form
    FIRST_CALL = "first_call"  # a first-time caller's form, up before their client exists
    NEW = "new"  # a new client typed in by hand (the client base's «new client»)


EDITING = frozenset({Mode.EDIT, Mode.FIRST_CALL, Mode.NEW})


@dataclass
class FirstCall:
    """A first-time caller's form: their number (a save creates the client with it if the
    desk could not), whether the desk is still registering them, and a save asked for
    meanwhile (it waits for the client)."""

    e164: str
    registering: bool = True
    save_held: bool = False


@dataclass
class CardLoad:
    """The load on its way (answers to older tokens are dropped) and what waits for it."""

    token: int = 0
    by_phone: bool = False  # by the caller's number, not by id
    on_unknown: Callable[[], None] | None = None  # nobody owns that number
    # Whom the desk says is calling, while the load by number is on its way.
    expected: tuple[int, Then] | None = None
    edit: tuple[str, bool] | None = None  # open the form on it: (field to focus, quick)
    then: Then | None = None  # told once about the card it brings


class CardState:
    """One card's state; the panel asks it and moves it, nothing else does."""

    def __init__(self, client_id: int | None = None) -> None:
        self.mode = Mode.BLANK
        self.card: ClientCard | None = None
        self.client_id = client_id
        self.load = CardLoad()
        self.first_call: FirstCall | None = None

    @property
    def editing(self) -> bool:
        return self.mode in EDITING

    def next_load(self) -> int:
        """A new load starts: the token its answer must carry."""
        self.load.token += 1
        return self.load.token

    def blank(self) -> None:
        """Between calls: nothing shown, nothing waited for."""
        self.mode = Mode.BLANK
        self.card = None
        self.client_id = None
        self.first_call = None
        self.load = CardLoad(token=self.load.token + 1)

    def loading(self) -> None:
        if self.mode in (Mode.BLANK, Mode.MISSING):
            self.mode = Mode.LOADING

    def arrived(self, card: ClientCard) -> None:
        """A card is in: shown, or bound to the form that is up."""
        self.card = card
        self.client_id = card.id
        self.first_call = None
        self.mode = Mode.EDIT if self.editing else Mode.VIEW

    def missing(self) -> None:
        if self.card is None and not self.editing:
            self.mode = Mode.MISSING

    def edit(self) -> None:
        assert self.card is not None
        self.mode = Mode.EDIT

    def new_client(self) -> None:
        self.card = None
        self.client_id = None
        self.mode = Mode.NEW

    def first_caller(self, e164: str) -> None:
        self.card = None
        self.client_id = None
        self.first_call = FirstCall(e164)
        self.mode = Mode.FIRST_CALL

    def stop_editing(self) -> None:
        # (a first-time caller's number stays: the desk's answer then shows their card)
        self.mode = Mode.VIEW if self.card is not None else Mode.BLANK
