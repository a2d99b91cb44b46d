"""The board-only app a browser of the wall screen runs: no dispatcher, no card, no keys.

It has no bindings at all (not even Textual's Ctrl+Q or the command palette), and no key,
click or paste reaches the board at all, so a key or a clickable row the console's board
gains later is not offered here either: a viewer can look, scroll and resize, never act.
Closing the tab ends this process only (its textual-serve session), never the desk: the
console and the recorder run elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from console.actors import seat_actor
from console.config import Settings
from console.data import ConsoleData
from console.desk import CallerIdentified, CallLogged, ConnectionStatus, DeskEvent
from console.followers import Followers
from console.i18n import set_language, to_local, tr
from console.i18n.bindings import localize_bindings
from console.messages import (
    CallerKnown,
    CallInLog,
    CallsChanged,
    ConnectionChanged,
    DatabaseChanged,
    MembersChanged,
)
from console.outbox import OutboxStatus
from console.screens.supervisor import SupervisorScreen
from console.wallboard.desk import WatchDesk
from console.widgets.footer import ConsoleFooter
from console.widgets.status_bar import StatusBar
from pbx.queue_members import MemberChanged

# What a viewer may not send: scrolling and moving the mouse stay (they only look).
IGNORED_INPUT = (events.Key, events.MouseDown, events.MouseUp, events.Click, events.Paste)


class WallboardScreen(SupervisorScreen, inherit_bindings=False):
    """The supervisor's board without a key: none of its actions, no footer of keys."""

    CSS_PATH = "../styles/board.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if not isinstance(widget, ConsoleFooter):
                yield widget

    # The status bar's database: a desk says it from its outbox; this board has none, so
    # it says what its own reads found (today's figures, read every minute).
    def on_board_stats_loaded(self) -> None:
        self.query_one(StatusBar).post_message(DatabaseChanged(True))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "board-stats":
            self.query_one(StatusBar).post_message(DatabaseChanged(False))


class WallboardApp(App[None], inherit_bindings=False):
    """One browser's board. `run_desk=False` lets tests drive the desk themselves."""

    CSS_PATH = ["../styles/app.tcss"]
    TITLE = "opconsole"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        desk: WatchDesk,
        *,
        clock: Callable[[], datetime] | None = None,
        run_desk: bool = True,
    ) -> None:
        set_language(settings.ui.language)
        super().__init__()
        localize_bindings(self)
        self.settings = settings
        self.desk = desk
        self._clock = clock or (lambda: datetime.now(UTC))
        self._run_desk = run_desk
        self._followers = Followers()
        # The board reads names and today's figures; it never writes (its engine refuses).
        self.data = ConsoleData(
            sessions,
            region=settings.phone.region,
            max_unpaid_debts=settings.rules.max_unpaid_debts,
            actor=lambda: seat_actor(settings),
            now=self.now,
            today=lambda: to_local(self.now()).date(),
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, IGNORED_INPUT) and not getattr(event, "is_forwarded", False):
            return  # a wall screen is looked at: nothing typed or clicked reaches the board
        await super().on_event(event)

    # --- what the board asks of its host (console.widgets.board.sources.DeskHost) -----------

    def now(self) -> datetime:
        return self._clock()

    def follow_desk(self, node: MessagePump) -> None:
        self._followers.add(node)

    # --- running ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = tr("wallboard.title")
        self._follow_events()
        if self._run_desk:
            self._run_desk_worker()
        self.push_screen(WallboardScreen(self.settings, self.data))

    @work(group="desk", exit_on_error=False, description="desk: PBX connections")
    async def _run_desk_worker(self) -> None:
        await self.desk.run()

    @work(group="desk-feed", exclusive=True, exit_on_error=False, description="desk events")
    async def _follow_events(self) -> None:
        async for event in self.desk.listen():
            self._followers.post(messages_for(event))


def messages_for(event: DeskEvent) -> list[Any]:
    """What the board and its status bar are told of one desk event."""
    if isinstance(event, ConnectionStatus):
        return [ConnectionChanged(event)]
    if isinstance(event, CallLogged):
        return [CallInLog(event)]
    if isinstance(event, CallerIdentified):
        return [CallerKnown(event), CallsChanged()]
    if isinstance(event, MemberChanged):
        return [MembersChanged()]
    if isinstance(event, OutboxStatus):
        return []  # a desk's journal; a watching desk has none
    return [CallsChanged()]
