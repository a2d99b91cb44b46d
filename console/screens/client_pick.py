"""Find another client by what one types (name, phone, e-mail): the second card of a
merge. Dismisses with the chosen client's id, or None on Escape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.widgets.footer import ConsoleFooter
from storage.phones import format_display

if TYPE_CHECKING:
    from console.data import ConsoleData, SearchHit


@dataclass
class HitsFound(Message):
    """The clients matching `text`, best first."""

    text: str
    hits: list[SearchHit]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HitsFound)


def hit_text(hit: SearchHit) -> str:
    parts = [hit.name or "—"]
    if hit.phone:
        parts.append(format_display(hit.phone))
    if hit.city:
        parts.append(hit.city)
    parts.append(f"#{hit.client_id}")
    return " · ".join(parts)


class ClientPickDialog(ModalScreen[int | None]):
    """A search field and the clients it finds (never `exclude`, the card one is on)."""

    CSS_PATH = "../styles/client_base.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="pick.cancel"),
    ]

    def __init__(self, title: str, data: ConsoleData, *, exclude: int | None = None) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._title = title
        self._data = data
        self._exclude = exclude
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self._title, classes="dialog-title")
            yield Input(placeholder=tr("merge.pick.placeholder"), id="pick-query", compact=True)
            yield OptionList(id="pick-hits")
            yield Static(tr("merge.pick.hint"), id="pick-line")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.query_one("#pick-hits", OptionList).display = False
        self.query_one("#pick-query", Input).focus()

    @on(Input.Changed, "#pick-query")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @work(exclusive=True, group="pick-search", exit_on_error=False, description="client search")
    async def _search(self, text: str) -> None:
        hits = await self._data.find_clients(text) if text.strip() else []
        self.post_message(HitsFound(text, [h for h in hits if h.client_id != self._exclude]))

    @on(HitsFound)
    def _found(self, message: HitsFound) -> None:
        if message.text != self.query_one("#pick-query", Input).value:
            return  # typed on meanwhile
        self.hits = message.hits
        hits = self.query_one("#pick-hits", OptionList)
        hits.clear_options()
        hits.add_options([Option(hit_text(h), id=str(h.client_id)) for h in self.hits])
        hits.display = bool(self.hits)
        if self.hits:
            hits.highlighted = 0
        line = tr("merge.pick.hint") if self.hits or not message.text else tr("merge.pick.none")
        self.query_one("#pick-line", Static).update(line)

    @on(Input.Submitted, "#pick-query")
    def _submitted(self) -> None:
        if self.hits:
            hits = self.query_one("#pick-hits", OptionList)
            hits.focus()

    @on(OptionList.OptionSelected, "#pick-hits")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
