"""Yes/no before something that cannot be taken back (calling a blacklisted client)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.widgets.footer import ConsoleFooter


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for yes, False for no or Escape."""

    BINDINGS = [
        Binding("y", "answer(True)", "key.yes", tooltip="key.yes.tip", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", tooltip="key.no.tip", id="confirm.no"),
    ]

    def __init__(
        self, question: str, *, yes: str | None = None, no: str | None = None, danger: bool = False
    ) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._question = question
        self._yes = yes or tr("common.yes")
        self._no = no or tr("common.no")
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self._question, id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._yes, id="yes", variant="error" if self._danger else "primary")
                yield Button(self._no, id="no")
        yield ConsoleFooter()  # the dialog's keys, not those of the screen under it

    def on_mount(self) -> None:
        self.query_one("#no" if self._danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
