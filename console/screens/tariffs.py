"""The desk's tariffs: offered and retired ones with how many clients have each; add,
rename, retire and offer again.

A retired tariff stays on the clients that have it (the card still names it) and is
offered no more (the card form lists only offered ones). Managing tariffs needs a
supervisor or an admin: storage refuses anyone else, and the screen says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.i18n import fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.merge_words import refusal_line
from console.screens.confirm import ConfirmScreen
from console.widgets.card.dialogs import TextPrompt
from console.widgets.columns import ColumnSpec, FittedTable
from console.widgets.footer import ConsoleFooter
from console.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from console.data import ConsoleData, TariffRow

COLUMNS: Final = (
    ColumnSpec("name", "", 0, shrink_to=16),
    ColumnSpec("clients", "", 0),
    ColumnSpec("state", "", 1),
)


@dataclass
class TariffsLoaded(Message):
    """Every tariff, by name."""

    rows: list[TariffRow]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TariffsLoaded)


class TariffsScreen(Screen[None]):
    """Tariffs with their clients; keys to add, rename, retire or offer again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "tariffs.key.add", tooltip="tariffs.tip.add", id="tariffs.add"),
        Binding(
            "r", "rename", "tariffs.key.rename", tooltip="tariffs.tip.rename", id="tariffs.rename"
        ),
        Binding(
            "x",
            "toggle_active",
            "tariffs.key.retire",
            tooltip="tariffs.tip.retire",
            id="tariffs.retire",
        ),
        Binding(
            "f5", "reload", "tariffs.key.reload", tooltip="tariffs.tip.reload", id="tariffs.reload"
        ),
    ]

    def __init__(self, data: ConsoleData, *, name: str | None = None, id: str | None = None):
        super().__init__(name=name, id=id)
        localize_bindings(self)
        self._data = data
        self.rows: list[TariffRow] = []

    def compose(self) -> ComposeResult:
        yield Static(tr("tariffs.about"), id="tariffs-about")
        yield FittedTable(id="tariffs-table")
        yield Static(id="tariffs-line")
        yield StatusBar(id="status-bar")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.title = tr("tariffs.title")
        table = self.query_one(FittedTable)
        table.set_columns([replace(c, label=tr(f"tariffs.col.{c.key}")) for c in COLUMNS])
        table.focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(exclusive=True, group="tariffs", exit_on_error=False, description="load tariffs")
    async def _load(self) -> None:
        self.post_message(TariffsLoaded(await self._data.all_tariffs()))

    @on(TariffsLoaded)
    def _loaded(self, message: TariffsLoaded) -> None:
        self.rows = message.rows
        shown: dict[str, dict[str, Text]] = {}
        for row in self.rows:
            style = "" if row.active else "dim"
            shown[str(row.id)] = {
                "name": Text(row.name, style=style),
                "clients": Text(fmt_number(row.clients), style=style, justify="right"),
                "state": Text(
                    tr("tariffs.state.offered" if row.active else "tariffs.state.retired"),
                    style=style,
                ),
            }
        self.query_one(FittedTable).show(shown)
        offered = sum(1 for r in self.rows if r.active)
        line = tr(
            "tariffs.line",
            offered=fmt_number(offered),
            retired=fmt_number(len(self.rows) - offered),
        )
        self.query_one("#tariffs-line", Static).update(line if self.rows else tr("tariffs.none"))

    def selected(self) -> TariffRow | None:
        index = self.query_one(FittedTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    # --- changes ---------------------------------------------------------------------------

    def action_add(self) -> None:
        self._ask(None, "add")

    def action_rename(self) -> None:
        if (row := self.selected()) is not None:
            self._ask(row, "rename")

    def action_toggle_active(self) -> None:
        if (row := self.selected()) is not None:
            self._ask(row, "retire" if row.active else "restore")

    @work(group="card-ask", exit_on_error=False, description="change tariff")
    async def _ask(self, row: TariffRow | None, what: str) -> None:
        """Ask what the change needs, make it, say how it went (a refusal in words)."""
        data = self._data
        if what == "add":
            name = await self.app.push_screen_wait(
                TextPrompt(tr("tariffs.add.title"), tr("tariffs.add.label"))
            )
            if not name:
                return
            done, write = tr("tariffs.added", name=name), data.add_tariff(name)
        elif row is None:
            return
        elif what == "rename":
            name = await self.app.push_screen_wait(
                TextPrompt(
                    tr("tariffs.rename.title", name=row.name),
                    tr("tariffs.rename.label"),
                    value=row.name,
                )
            )
            if not name or name == row.name:
                return
            done, write = (
                tr("tariffs.renamed", old=row.name, new=name),
                data.rename_tariff(row.id, name),
            )
        elif what == "retire":
            question = tr("tariffs.retire.question", name=row.name, clients=row.clients)
            if not await self.app.push_screen_wait(ConfirmScreen(question)):
                return
            done, write = (
                tr("tariffs.retired", name=row.name),
                data.set_tariff_active(row.id, False),
            )
        else:
            done, write = (
                tr("tariffs.restored", name=row.name),
                data.set_tariff_active(row.id, True),
            )
        try:
            await write
        except Exception as exc:  # a refusal (role, name taken) or the database
            self.notify(refusal_line(exc), severity="error", timeout=8)
            return
        self.notify(done)
        self._load()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(refusal_line(event.worker.error), severity="error")
