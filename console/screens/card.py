"""A client's card as a screen of its own: opened from the client base, history, board.

`ClientCardScreen(client_id=...)` shows the card with the same keys as the dispatcher's
popup; `client_id=None` opens an empty form for a new client. Escape (when not editing)
closes it and returns the client id shown (None if nothing was created), so the opener can
refresh its row; leaving a new client's form without creating anyone closes it too.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header

from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.widgets.card.keys import (
    CARD_ACTIONS,
    CARD_BINDINGS,
    CARD_MORE_BINDINGS,
    CARD_PLACE_BINDINGS,
    CardActions,
)
from console.widgets.card.panel import ClientCardPanel, NewClientLeft
from console.widgets.footer import ConsoleFooter


class ClientCardScreen(CardActions, Screen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *CARD_BINDINGS,
        Binding(
            "escape,q", "close", "key.card.close", tooltip="key.card.close.tip", id="card.close"
        ),
        *CARD_PLACE_BINDINGS,
        *CARD_MORE_BINDINGS,
    ]

    def __init__(self, client_id: int | None = None, *, phone: str = "") -> None:
        super().__init__(classes="card-screen")
        localize_bindings(self)
        self._client_id = client_id
        self._phone = phone

    def compose(self) -> ComposeResult:
        yield Header()
        yield ClientCardPanel(client_id=self._client_id, id="card-panel")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.title = tr("card.title")
        if self._client_id is None:
            self.query_one(ClientCardPanel).start_new(self._phone)

    def card_panel(self) -> ClientCardPanel | None:
        return self.query_one(ClientCardPanel)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CARD_ACTIONS:
            return self.check_card_action(action)
        if action == "close":
            panel = self.card_panel()
            return panel is None or not panel.editing
        return True

    def action_close(self) -> None:
        panel = self.card_panel()
        if panel is not None and panel.editing:
            return
        self.dismiss(panel.client_id if panel is not None else None)

    def on_client_saved(self) -> None:
        self.refresh_bindings()

    def on_new_client_left(self, _message: NewClientLeft) -> None:
        """Nobody was created: back to where the new client was asked for."""
        self.dismiss(None)
