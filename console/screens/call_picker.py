"""Choose one of a few: a client's phones (to call or remove one), their unpaid debts."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.i18n.bindings import localize_bindings
from console.widgets.footer import ConsoleFooter
from storage.phones import format_display


class PickScreen(ModalScreen[str | None]):
    """Dismisses with the chosen option's id, or None on Escape. Keys 1-9 pick directly."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="picker.cancel"),
    ]

    def __init__(self, title: str, options: Sequence[tuple[str, str]]) -> None:
        """`options` are (id, text) pairs, in the order the card shows them."""
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._title = title
        self._options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self._title, id="title")
            yield OptionList(
                *[
                    Option(f"{n}. {text}", id=key)
                    for n, (key, text) in enumerate(self._options, start=1)
                ],
                id="choices",
            )
        yield ConsoleFooter()  # the dialog's keys, not those of the screen under it

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: object) -> None:
        key = getattr(event, "character", None)
        if key and key.isdigit() and 1 <= int(key) <= len(self._options):
            self.dismiss(self._options[int(key) - 1][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class CallPickerScreen(PickScreen):
    """Dismisses with the chosen E.164 number, or None on Escape."""

    def __init__(self, title: str, phones: Sequence[tuple[str, str]]) -> None:
        """`phones` are (e164, label) pairs in the order the card shows them."""
        shown = [
            (e164, format_display(e164) + (f"  {label}" if label else "")) for e164, label in phones
        ]
        super().__init__(title, shown)
