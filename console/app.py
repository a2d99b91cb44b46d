"""The Textual app: wiring only. Screens and widgets do the showing.

`ConsoleApp(settings, sessions, desk)` gets everything built by the factory (`console.cli`):
it runs the desk in a worker, follows its events in another, and hands each event to the
widgets that asked for them (`follow_desk`) as typed messages. Both workers are
`exit_on_error=False`; one handler (`_worker_failed`) says what failed in words.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import Worker, WorkerState

from console.actors import seat_actor
from console.click_to_call import describe_target, error_text, reason_text
from console.commands import ConsoleCommands
from console.config import Settings
from console.data import ConsoleData
from console.followers import Followers
from console.i18n import set_language, to_local, tr
from console.i18n.bindings import ConsolePalette, localize_bindings, system_commands
from console.idle_gc import IdleCollector
from console.key_layout import TWIN_PAUSE_SECONDS, latin_twin
from console.keyboard import STALL_SECONDS, Keyboard, KeyHandled
from console.messages import (
    CallBacksChanged,
    CallerKnown,
    CallInLog,
    CallsChanged,
    CallUpdate,
    ConnectionChanged,
    DatabaseChanged,
    MembersChanged,
    OriginateUpdate,
    RingingForMe,
)
from console.ringing import CALL_MODE, RingingCalls
from console.screens.audit import AuditScreen
from console.screens.clients import ClientsScreen
from console.screens.dispatcher import DispatcherScreen
from console.screens.history import HistoryScreen
from console.screens.supervisor import SupervisorScreen
from console.screens.tariffs import TariffsScreen
from console.tasks import one_line
from console.timers import TEXTUAL_TIMERS, ConsoleTimers, Stoppable
from console.wording import connection_news, worker_words
from pbx.call_events import (
    CallRinging,
    LiveCall,
    OriginateProgress,
    OriginateResult,
    SupervisionEnded,
)
from pbx.queue_members import MemberChanged

if TYPE_CHECKING:
    from console.desk import ConnectionStatus, DeskEvent
    from console.outbox import OutboxStatus
    from storage.roles import Actor

log = logging.getLogger("opconsole.console")
SCREENSHOT = "console-screenshot"  # the name the app's screenshot deliveries go by
IDLE_GC_AFTER_START = 1.0  # the first screen is drawn: what exists now is frozen
IDLE_GC_TICK = 0.5  # how often the idle collector looks whether the console is quiet


class DeskLike(Protocol):
    """What the app uses of `console.desk.Desk` (tests pass a fake with the same shape)."""

    async def run(self) -> None: ...
    def listen(self) -> AsyncIterator[DeskEvent]: ...
    def live_calls(self) -> list[LiveCall]: ...
    def connections(self) -> dict[str, ConnectionStatus]: ...
    async def click_to_call(
        self, *, phone_e164: str, client_name: str, extension: str | None = None
    ) -> str: ...


# mode -> catalog key of its name (the palette's entries)
MODE_NAMES: dict[str, str] = {
    "dispatcher": "mode.dispatcher",
    "clients": "mode.clients",
    "supervisor": "mode.supervisor",
    "history": "mode.history",
    "audit": "mode.audit",
    "tariffs": "mode.tariffs",
}


class ConsoleApp(App[None]):
    """The operator console. `clock` is injectable so tests and snapshots are repeatable."""

    CSS_PATH = ["styles/app.tcss", "styles/dispatcher.tcss", "styles/card.tcss"]
    TITLE = "opconsole"
    COMMANDS = App.COMMANDS | {ConsoleCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1",
            "switch_mode('dispatcher')",
            "key.mode.dispatcher",
            tooltip="key.mode.dispatcher.tip",
            id="mode.dispatcher",
        ),
        Binding(
            "f2",
            "switch_mode('clients')",
            "key.mode.clients",
            tooltip="key.mode.clients.tip",
            id="mode.clients",
        ),
        Binding(
            "f3",
            "switch_mode('supervisor')",
            "key.mode.supervisor",
            tooltip="key.mode.supervisor.tip",
            id="mode.supervisor",
        ),
        Binding(
            "f4",
            "switch_mode('history')",
            "key.mode.history",
            tooltip="key.mode.history.tip",
            id="mode.history",
        ),
        # Screens a supervisor opens now and then: by key and in the palette, not in the
        # footer (its room is for the keys used while talking).
        Binding(
            "f9",
            "switch_mode('audit')",
            "key.mode.audit",
            tooltip="key.mode.audit.tip",
            id="mode.audit",
            show=False,
        ),
        Binding(
            "f10",
            "switch_mode('tariffs')",
            "key.mode.tariffs",
            tooltip="key.mode.tariffs.tip",
            id="mode.tariffs",
            show=False,
        ),
        # F8 is offered (footer, keys panel, palette) only while it acts: to the card of a
        # call at my phone that is not on screen, or back from there (`check_action`).
        Binding(
            "f8",
            "ringing_call",
            "key.ringing",
            tooltip="key.ringing.tip",
            id="app.ringing",
            priority=True,
        ),
        Binding(
            "f8",
            "ringing_back",
            "key.ringing.back",
            tooltip="key.ringing.back.tip",
            id="app.ringing.back",
            priority=True,
        ),
        # Textual adds this one itself, labelled «palette» in English whatever the language.
        Binding(
            "ctrl+p",
            "command_palette",
            "key.palette",
            tooltip="key.palette.tip",
            id="app.palette",
            show=False,
            priority=True,
        ),
    ]

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        desk: DeskLike,
        *,
        clock: Callable[[], datetime] | None = None,
        run_desk: bool = True,
        keep_card_after_call: bool = True,
        check_database: bool = True,
        idle_gc: IdleCollector | None = None,
        timers: ConsoleTimers = TEXTUAL_TIMERS,
        keys_clock: Callable[[], float] | None = None,
    ) -> None:
        set_language(settings.ui.language)
        super().__init__()
        localize_bindings(self)
        self.settings = settings
        self.sessions = sessions
        # Every query and write of the screens and widgets goes through here.
        self.data = ConsoleData(
            sessions,
            region=settings.phone.region,
            max_unpaid_debts=settings.rules.max_unpaid_debts,
            actor=lambda: self.seat,
            now=self.now,
            today=self.today,
            seat=lambda: seat_actor(self.settings),
        )
        self.desk = desk
        self._clock = clock or (lambda: datetime.now(UTC))
        self._run_desk = run_desk
        self._check_database = check_database
        self.keep_card_after_call = keep_card_after_call
        self.idle_gc = idle_gc
        self.timers = timers
        self.keyboard = Keyboard(keys_clock or timers.monotonic)
        self._key_stall: Stoppable | None = None
        self.database_ok: bool | None = None
        self.database_status: OutboxStatus | None = None  # the desk's, when it has one
        self._followers = Followers()
        self._originates: dict[str, str] = {}  # action_id -> who is being called
        self.operator_names = {o.extension: o.name for o in settings.operators}
        self.ringing = RingingCalls(self)
        self.add_mode("dispatcher", self._dispatcher_screen)
        self.add_mode("clients", partial(ClientsScreen, settings, self.data))
        self.add_mode("supervisor", partial(SupervisorScreen, settings, self.data))
        self.add_mode("history", partial(HistoryScreen, settings, self.data))
        self.add_mode("audit", partial(AuditScreen, settings, self.data))
        self.add_mode("tariffs", partial(TariffsScreen, self.data))
        self.add_mode(CALL_MODE, self.ringing.base_screen)

    @classmethod
    def at_desk(
        cls,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        desk: DeskLike,
        *,
        idle_gc: IdleCollector | None = None,
    ) -> Self:
        """The console as `opconsole` runs it at a desk (tests build theirs by hand). The
        idle collector tunes the whole process's GC: only the command that starts the
        console passes one (`console.cli.ui`)."""
        return cls(
            settings,
            sessions,
            desk,
            keep_card_after_call=settings.ui.keep_card_after_call,
            idle_gc=idle_gc,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key that would do nothing is not offered: the key of the screen one is on, F8
        while no call waits and nothing to go back to."""
        if action == "ringing_call":
            return self.ringing.offers_card()
        if action == "ringing_back":
            return self.ringing.offers_back()
        here = action == "switch_mode" and bool(parameters) and parameters[0] == self.current_mode
        return not here

    # --- services for screens -----------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    def epoch(self) -> float:
        return self._clock().timestamp()

    def today(self) -> date:
        return to_local(self._clock()).date()

    @property
    def seat(self) -> Actor:
        """Who sits here, with the role `[[operators]] role` gives them: what storage checks
        and the audit trail records."""
        return seat_actor(self.settings)

    @property
    def actor(self) -> str:
        """Who the audit trail names for changes made here: «Анна (101)»."""
        return self.seat.name

    def follow_desk(self, node: MessagePump) -> None:
        """Post every desk message to `node` from now on (until it is unmounted)."""
        self._followers.add(node)

    def unfollow_desk(self, node: MessagePump) -> None:
        self._followers.remove(node)

    def call_backs_changed(self) -> None:
        """A missed number was closed or reopened here: every screen that follows the desk
        reads its missed list again, as after a call-back written."""
        self._broadcast([CallBacksChanged()])

    def _dispatcher_screen(self) -> Screen[Any]:
        """The dispatcher's screen, also the base of `CALL_MODE` (see console.ringing)."""
        self.ringing.dispatcher = DispatcherScreen()
        return self.ringing.base_screen()

    # --- start --------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._follow_events()
        if self._run_desk:
            self._run_desk_worker()
        database = getattr(self.desk, "database", None)  # the real desk follows the database
        if self._check_database and callable(database):
            self._database_followed(database())
        self.switch_mode("dispatcher")
        self._warn_unknown_seat()
        self.screen_change_signal.subscribe(self, lambda _screen: self.ringing.changed())
        if self.idle_gc is not None:
            self.set_timer(IDLE_GC_AFTER_START, self.idle_gc.install)
            self.set_interval(IDLE_GC_TICK, self.idle_gc.tick)

    def _warn_unknown_seat(self) -> None:
        """A seat whose `[me].extension` is no operator has no phone, no name and no role:
        said once at start, not accepted without a word."""
        ext = self.settings.me.extension
        if self.settings.my_operator is not None:
            return
        log.warning("[me].extension %r is not one of [[operators]]: no phone, no role", ext)
        self.notify(
            tr("me.not_operator", extension=ext or "—"),
            title=tr("me.not_operator.title"),
            severity="warning",
            timeout=20,
        )

    def on_unmount(self) -> None:
        if self.idle_gc is not None:
            self.idle_gc.uninstall()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.idle_gc is not None:
                self.idle_gc.busy()  # no full collection while someone types
            # A key on the Russian layout acts as its Latin twin only when pressed on its
            # own, never as a letter of prose typed where no field has the focus.
            on_its_own = not self.keyboard.typed_within(TWIN_PAUSE_SECONDS)
            self.keyboard.typed()
            if on_its_own:
                event = latin_twin(event, self.focused, self.screen) or event
            if self.keyboard.hold(event):
                self._watch_key_stall()
                return
            await self._send_key(event)
            return
        await super().on_event(event)

    def action_ringing_call(self) -> None:
        self.ringing.toggle()

    def action_ringing_back(self) -> None:
        self.ringing.toggle()

    # --- keys, one at a time (see console.keyboard) ------------------------------------

    async def _send_key(self, key: events.Key | None) -> None:
        while key is not None:
            if self.keyboard.fenced(key, self.focused, self.screen):
                key = self.keyboard.done()  # typed before that form was on screen: not its
                continue
            target = self.focused or self.screen  # where Textual forwards it
            await super().on_event(key)
            if key.is_forwarded and target.post_message(KeyHandled(self.keyboard.sent())):
                return  # the next key goes when this marker is back (`on_key_handled`)
            key = self.keyboard.done()  # a priority binding took it: nothing in flight

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        # Not at once: what the key's binding asked for later (`Widget.focus` moves the
        # focus in a callback queued here) must happen before the next key is sent.
        self.call_later(self._key_done, message.serial)

    async def _key_done(self, serial: int) -> None:
        await self._send_key(self.keyboard.done(serial))

    def _watch_key_stall(self) -> None:
        if self._key_stall is None:
            self._key_stall = self.timers.later(
                self, STALL_SECONDS, partial(self._key_stalled, self.keyboard.in_flight)
            )

    async def _key_stalled(self, serial: int | None) -> None:
        self._key_stall = None
        if serial is not None and self.keyboard.in_flight == serial:
            await self._send_key(self.keyboard.done(serial))  # its marker was lost
        if self.keyboard.waiting:
            self._watch_key_stall()

    @work(group="desk", exit_on_error=False, description="desk: PBX connections")
    async def _run_desk_worker(self) -> None:
        await self.desk.run()

    @work(group="desk-feed", exclusive=True, exit_on_error=False, description="desk events")
    async def _follow_events(self) -> None:
        async for event in self.desk.listen():
            self.deliver(event)

    def _database_followed(self, status: OutboxStatus) -> None:
        """The desk's outbox says how the database is and what waits for it."""
        if not self._check_database:
            return
        self.database_status = status
        ok = None if status.state == "unknown" else status.state == "up"
        if ok is None:
            self._broadcast([DatabaseChanged(False, status=status)])
            return
        self._database_state(ok, status.detail, status)

    def _database_state(
        self, ok: bool, detail: str = "", status: OutboxStatus | None = None
    ) -> None:
        if self.database_ok is not None and ok != self.database_ok:
            if ok:
                self.notify(tr("status.db.back"), title=tr("status.db"))
            else:
                self.notify(
                    tr("status.db.lost", detail=detail),
                    title=tr("status.db"),
                    severity="error",
                    timeout=15,
                )
        self.database_ok = ok
        self._broadcast([DatabaseChanged(ok, detail, status)])

    # --- desk events -> messages --------------------------------------------------------

    def deliver(self, event: DeskEvent) -> None:
        """Turn one desk event into messages for the followers (synchronously: no await
        between the event and the ring reaching the dispatcher)."""
        received = time.monotonic()
        # Imported here: the desk module pulls in the AMI client, which the app's own
        # import (and the tests that pass a fake desk) does not need.
        from console.desk import CallerIdentified, CallLogged, ConnectionStatus
        from console.desk_call_backs import CallBackLogged
        from console.outbox import OutboxStatus

        if isinstance(event, OutboxStatus):
            self._database_followed(event)
        elif isinstance(event, ConnectionStatus):
            self._announce(event)
            self._broadcast([ConnectionChanged(event)])
        elif isinstance(event, CallerIdentified):
            self._broadcast([CallerKnown(event), CallsChanged()])
        elif isinstance(event, CallLogged):
            self._broadcast([CallInLog(event)])
        elif isinstance(event, CallBackLogged):
            self._broadcast([CallBacksChanged()])
        elif isinstance(event, MemberChanged):
            self._broadcast([MembersChanged()])
        elif isinstance(event, OriginateProgress | OriginateResult):
            self._originate(event)
            self._broadcast([OriginateUpdate(event)])
        elif isinstance(event, CallRinging):
            messages: list[Any] = []
            if self.settings.me.extension in event.started:
                messages.append(RingingForMe(event, received))
                if self.idle_gc is not None:
                    self.idle_gc.busy()
                    self.idle_gc.hold()  # no collection in the card's screen update
            self._broadcast([*messages, CallsChanged()])
        else:
            if isinstance(event, SupervisionEnded):
                self._supervision_failed(event)
            self._broadcast([CallUpdate(event), CallsChanged()])

    def _supervision_failed(self, event: SupervisionEnded) -> None:
        """My listen-in or pickup never got going: say why (my phone did not answer, was
        busy, or there was nothing left to join)."""
        if event.started or event.supervisor != self.settings.me.extension:
            return
        why = {3: "no_answer", 5: "busy"}.get(event.reason_code or 0, "nothing")
        self.notify(
            tr(f"supervise.not_started.{why}"),
            title=tr(f"supervise.kind.{event.kind}"),
            severity="warning",
        )

    def _broadcast(self, messages: Iterable[Any]) -> None:
        self._followers.post(messages)

    def _announce(self, status: ConnectionStatus) -> None:
        """A lost or never reached link is announced loudly; a connection quietly."""
        news = connection_news(status)
        if news is None:
            return
        if status.state == "up":
            self.notify(news, title=tr("status.pbx.title"))
            return
        seconds = 30 if status.state == "login_refused" else 20
        self.notify(news, title=tr("status.pbx.title"), severity="error", timeout=seconds)

    # --- click-to-call -------------------------------------------------------------------

    async def place_call(self, e164: str, name: str) -> str | None:
        """Ask the desk to ring my phone, then the client; None when it cannot start."""
        target = describe_target(e164, name)
        try:
            action_id = await self.desk.click_to_call(phone_e164=e164, client_name=name)
        except Exception as exc:  # the desk says why in words (ClickToCallError)
            self.notify(
                tr("c2c.cannot_start", target=target, reason=error_text(exc)),
                title=tr("c2c.title"),
                severity="error",
                timeout=10,
            )
            return None
        self._originates[action_id] = target
        self.notify(tr("c2c.started", target=target), title=tr("c2c.title"))
        return action_id

    def _originate(self, event: OriginateProgress | OriginateResult) -> None:
        target = self._originates.get(event.action_id)
        if target is None:
            return  # another console's call
        if isinstance(event, OriginateProgress):
            self.notify(tr(f"c2c.stage.{event.stage}", target=target), title=tr("c2c.title"))
            return
        del self._originates[event.action_id]
        if event.success:
            self.notify(tr("c2c.connected", target=target), title=tr("c2c.title"))
        else:
            self.notify(
                tr(
                    "c2c.failed", target=target, reason=reason_text(event.reason_code, event.reason)
                ),
                title=tr("c2c.title"),
                severity="error",
                timeout=15,
            )

    # --- one place for worker failures ----------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        self.worker_failed(event)

    def worker_failed(self, event: Worker.StateChanged) -> None:
        """Say what failed, in words. Widgets whose workers fail where people wait for them
        (a card) pass their StateChanged here: the message does not bubble."""
        worker = event.worker
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        what = worker_words(worker.description) if worker.description else worker.name
        from storage.availability import is_unavailable

        away = error is not None and is_unavailable(error)
        log.log(  # the console's log (console.session_log), once, in one line
            logging.WARNING if away else logging.ERROR,
            "%s failed: %s",
            worker.description or worker.name,
            one_line(error) if error is not None else "no reason given",
        )
        if worker.group == "desk" or worker.group == "desk-feed":
            self.notify(tr("error.desk", what=what, error=str(error)), severity="error", timeout=30)
            return
        if away and self._database_unreachable(worker):
            return
        self.notify(
            tr("error.worker", what=what, error=str(error) or type(error).__name__),
            severity="error",
            timeout=10,
        )

    def _database_unreachable(self, worker: Worker[Any]) -> bool:
        """A card that cannot load or save because the database is away says so in words
        (the form keeps what was typed); True when that was said."""
        recheck = getattr(self.desk, "recheck_database", None)
        if callable(recheck):
            recheck()  # the status bar follows at once, not at the next periodic check
        if worker.group == "card-load":
            notice = getattr(worker.node, "notice", None)
            if callable(notice):
                notice(tr("outage.card.unreachable"), loud=True)
                return True
        if worker.group == "card-write":
            self.notify(tr("outage.save.refused"), severity="error", timeout=15)
            return True
        return False

    # --- Textual's own commands, in the interface language -------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                ConsolePalette(
                    placeholder=tr("textual.palette.placeholder"), id="--command-palette"
                )
            )

    def search_themes(self) -> None:
        self.push_screen(ConsolePalette([ThemeProvider], placeholder=tr("textual.palette.themes")))

    def action_help_quit(self) -> None:
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(tr("textual.quit.hint", keys=key), title=tr("textual.quit.title"))
                return

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's screenshot, announced in the interface language (Textual announces
        deliveries named «screenshot» in English; this one is named otherwise)."""
        stamp = datetime.now().strftime(time_format or "%Y-%m-%dT%H_%M_%S")
        return self.deliver_text(
            io.StringIO(self.export_screenshot()),
            save_directory=path,
            save_filename=filename or f"{self.title}_{stamp}.svg",
            open_method="browser",
            mime_type="image/svg+xml",
            name=SCREENSHOT,
        )

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        if event.name == SCREENSHOT:
            self.notify(
                tr("textual.screenshot.saved", path=str(event.path or "")),
                title=tr("textual.cmd.screenshot"),
            )

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == SCREENSHOT:
            self.notify(
                tr("textual.screenshot.failed"),
                title=tr("textual.cmd.screenshot"),
                severity="error",
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from system_commands(super().get_system_commands(screen))
        for mode, key in MODE_NAMES.items():
            yield SystemCommand(
                tr("palette.mode", mode=tr(key)),
                tr("palette.mode.help"),
                partial(self.switch_mode, mode),
            )
