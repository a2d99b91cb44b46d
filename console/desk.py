"""The desk: every PBX connection, its call tracker, caller identification and the call log,
wired together without a screen.

The console and the headless recorder (`opconsole record`) both run a `Desk`, so a console
and a recorder side by side write one row per call (the call log upserts by Linkedid) and
create one client per new number (get-or-create is atomic). The UI subscribes with
`listen()`; nothing here imports Textual.

What the desk writes on its own goes through its outbox (`console.outbox`): into a local
journal first, then to the database, so a database outage, a lock or a restart delays the
call log but never loses it. The ring is published before any write starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import partial
from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.config import PbxSettings, Settings
from console.desk_call_backs import CALL_BACK_KINDS, CallBackLogged, DeskCallBacks
from console.desk_writes import AUDIT, REGISTER, DeskWrites, describe, journal_path
from console.journal import Journal
from console.outbox import Backoff, Outbox, OutboxStatus
from console.queue_control import ALL_QUEUES, QueueControl
from console.tasks import Tasks
from pbx.ami_client import AmiClient, make_tls_context
from pbx.call_events import (
    CallEnded,
    CallEvent,
    CallQueued,
    CallRecord,
    CallRinging,
    LiveCall,
    OriginateResult,
    SupervisionStarted,
)
from pbx.connection_state import ConnectionState
from pbx.errors import AmiError, OriginateOutcomeUnknownError
from pbx.originate import ClickToCall
from pbx.queue_actions import QueueActionDone
from pbx.queue_members import MemberChanged, QueueMembers, QueueMemberState
from pbx.supervise import SpyMode
from pbx.tracker import CallTracker
from pbx.tracker_devices import OperatorDevice
from pbx.tracker_feed import TrackerFeed
from storage.availability import is_unavailable
from storage.calls import CallLogEntry
from storage.phones import NumberKind, classify_number, format_for_dial

log = logging.getLogger("opconsole.desk")


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """One PBX link's state as people see it in the status bar.

    `been_up`: the link was up at some time before this state began, so an «up» is a
    reconnection and a «down» a lost link (rather than a first connection, or a PBX never
    reached). `problem` and `cause` are `pbx.connection_state.LinkProblem`'s value and the
    error underneath, for the screen to word; `detail` is the same in English, for logs."""

    server: str
    state: str  # connecting | up | login_refused | down
    since: datetime
    detail: str = ""
    been_up: bool = False
    problem: str = ""
    cause: str = ""


@dataclass(frozen=True, slots=True)
class CallerIdentified:
    """Who is calling: the client (created on a first call), a colleague, or nobody known."""

    server: str
    linkedid: str
    client_id: int | None
    created: bool
    kind: str  # phone | internal | withheld | invalid
    colleague: str | None = None


@dataclass(frozen=True, slots=True)
class CallLogged:
    """A finished call is in the call log (and so in the client's history and today's figures)."""

    server: str
    linkedid: str
    client_id: int | None
    call_id: int


DeskEvent: TypeAlias = (
    CallEvent
    | ConnectionStatus
    | CallerIdentified
    | CallLogged
    | OutboxStatus
    | MemberChanged
    | CallBackLogged
)
FLUSH_S = 10.0  # on shutdown: time for the database to take what waits, the rest stays


class Desk:
    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        *,
        client_factory: Callable[[PbxSettings], AmiClient] | None = None,
        role: str = "console",
        journal: Journal | None = None,
        prepare_database: Callable[[], Awaitable[None]] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        """`role` names the journal file (console, record); `prepare_database` runs before
        the first write (migrations that could not run at start); `sleep` and `backoff`
        pace the retries (tests inject them)."""
        self.settings = settings
        self.sessions = sessions
        self._client_factory = client_factory or self._make_client
        operators = [OperatorDevice(o.extension, o.name, o.device) for o in settings.operators]
        classify = partial(classify_number, region=settings.phone.region)
        self._trackers = {
            p.name: CallTracker(server=p.name, operators=operators, classify=classify)
            for p in settings.pbx
        }
        # Queue members of each PBX (logged in/out, paused with reason): the board's states.
        self._members = {
            p.name: QueueMembers(server=p.name, operators=operators, clock=time.time)
            for p in settings.pbx
        }
        self._queues: dict[str, set[str]] = {}  # the queues each PBX listed at its last resync
        self._clients: dict[str, AmiClient] = {}
        self._connections = {
            p.name: ConnectionStatus(p.name, "connecting", datetime.now(UTC)) for p in settings.pbx
        }
        self._subscribers: set[asyncio.Queue[DeskEvent]] = set()
        # Identification of each call's caller: its client id goes into the log entry.
        self._callers: dict[tuple[str, str], asyncio.Task[int | None]] = {}
        self._tasks = Tasks(log)
        self._writes = DeskWrites(sessions, settings.phone.region)
        self.control = QueueControl(
            settings,
            self._trackers,
            self._members,
            self._clients,
            lambda server: self._connections[server].state == "up",
            keeper=self._writes,  # each action taken, for the audit trail
        )
        self.outbox = Outbox(
            journal or Journal(journal_path(settings.database.journal_dir, role)),
            apply=self._writes.apply,
            ping=self._writes.ping,
            is_transient=is_unavailable,
            describe_error=self._writes.describe_error,
            describe_entry=describe,
            prepare=prepare_database,
            on_status=self._publish,
            sleep=sleep,
            backoff=backoff,
            urgent={REGISTER},  # a new caller's card waits for it
            # No call of their own, so not among the calls said to wait: a supervisor's
            # action, and a call-back's marks (the call it dialled is logged as a call).
            uncounted={AUDIT, *CALL_BACK_KINDS},
        )
        self._writes.outbox = self.outbox
        self.call_backs = DeskCallBacks(lambda: self.outbox, self._tasks, self._publish)

    # --- what the UI and the recorder see ---------------------------------------------

    def listen(self) -> AsyncIterator[DeskEvent]:
        """Every event from now on, in order, for one subscriber."""
        queue: asyncio.Queue[DeskEvent] = asyncio.Queue()
        self._subscribers.add(queue)

        async def stream() -> AsyncIterator[DeskEvent]:
            try:
                while True:
                    yield await queue.get()
            finally:
                self._subscribers.discard(queue)

        return stream()

    def live_calls(self) -> list[LiveCall]:
        return [call for tracker in self._trackers.values() for call in tracker.live_calls()]

    def connections(self) -> dict[str, ConnectionStatus]:
        return dict(self._connections)

    def database(self) -> OutboxStatus:
        """The database's state and how many calls wait in the journal for it."""
        return self.outbox.status

    def recheck_database(self) -> None:
        """Something failed on the database: check it now rather than at the next tick."""
        self.outbox.recheck()

    def _publish(self, event: DeskEvent) -> None:
        for queue in self._subscribers:
            queue.put_nowait(event)

    # --- running -----------------------------------------------------------------------

    def _make_client(self, pbx: PbxSettings) -> AmiClient:
        return AmiClient(
            server=pbx.name,
            host=pbx.host,
            port=pbx.port,
            username=pbx.username,
            secret=pbx.secret.reveal(),
            tls=pbx.tls,
            tls_context=make_tls_context(cafile=pbx.tls_ca) if pbx.tls and pbx.tls_ca else None,
            ping_interval=pbx.ping_interval,
        )

    async def run(self) -> None:
        """Replay the journal, connect to every [[pbx]] and keep going until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.outbox.run(), name="desk-outbox")
            for pbx in self.settings.pbx:
                group.create_task(self._run_server(pbx), name=f"desk-{pbx.name}")

    async def _run_server(self, pbx: PbxSettings) -> None:
        feed = TrackerFeed(self._trackers[pbx.name])
        members = self._members[pbx.name]
        async with self._client_factory(pbx) as client:
            self._clients[pbx.name] = client
            try:
                async for item in client.events():
                    if isinstance(item, ConnectionState):
                        self._on_connection(item)
                    for event in feed.handle(item):
                        self._on_call_event(event)
                    # Every event, and each (re)connect's QueueStatus answer.
                    if isinstance(item, ConnectionState) and item.snapshot is not None:
                        self._queues[pbx.name] = {
                            e.headers["Queue"]
                            for e in item.snapshot
                            if e.name == "QueueParams" and e.headers.get("Queue")
                        }
                    for change in members.handle(item):
                        self._publish(change)
            finally:
                self._clients.pop(pbx.name, None)

    def _on_connection(self, change: ConnectionState) -> None:
        """Publish a link state change (the tracker's resync is TrackerFeed's business)."""
        previous = self._connections.get(change.server)
        status = ConnectionStatus(
            change.server,
            change.state.value,
            change.since,
            change.detail,
            been_up=previous is not None and (previous.been_up or previous.state == "up"),
            problem=change.problem.value if change.problem else "",
            cause=change.cause,
        )
        self._connections[change.server] = status
        if previous is None or (previous.state, previous.detail) != (status.state, status.detail):
            self._publish(status)
        if change.is_up and change.snapshot is None:
            log.warning("pbx %s: no resync snapshot: %s", change.server, change.detail)

    def _on_call_event(self, event: CallEvent) -> None:
        # Publish first: the card pops on this event, identification follows.
        self._publish(event)
        if isinstance(event, CallRinging | CallQueued):
            # The first sign of a caller: a phone rings, or the caller waits in a queue
            # (and may give up before any phone rang).
            live = self._trackers[event.server].live_call(event.linkedid)
            if live is not None:
                self._identify_once(live)
        elif isinstance(event, OriginateResult):
            self.call_backs.ended(event)
        elif isinstance(event, CallEnded):
            # A caller seen only now (gone before any queue or phone) still gets a card.
            # Identification is started first: its registration is journaled before the
            # call's log entry, so it is written first.
            record = event.record
            self._identify_once(record)
            self._tasks.spawn(
                self._log_call(record),
                what=f"logging call {record.server}/{record.linkedid}",
                lost="the call waits in the journal if it was kept, else it is not in the log",
            )

    def _identify_once(self, call: LiveCall | CallRecord) -> None:
        key = (call.server, call.linkedid)
        if key in self._callers:
            return
        if isinstance(call, CallRecord) and not (call.direction == "inbound" and call.number):
            return  # nothing to tell the screens about a finished call without a client
        self._callers[key] = self._tasks.spawn(
            self._identify(call),
            what=f"identifying the caller of call {call.linkedid}",
            lost="the card shows the caller by number only",
        )

    async def _identify(self, call: LiveCall | CallRecord) -> int | None:
        """Who is calling; a caller's first call to the service (in whatever way it ends)
        registers the client, dated when the call reached the PBX."""
        number = classify_number(call.number_raw, self.settings.phone.region)
        kind = str(number.kind)
        colleague = None
        client_id: int | None = None
        created = False
        if call.direction == "internal":
            kind = str(NumberKind.INTERNAL)
            # Who dialled: the device the call came from, else its caller ID.
            placed_by = call.placed_by if isinstance(call, LiveCall) else None
            colleague = placed_by or number.raw
            operator = self.settings.operator(colleague)
            colleague = operator.name if operator else colleague
        elif call.direction == "inbound" and number.kind is NumberKind.PHONE:
            result = await self._writes.register(
                server=call.server,
                linkedid=call.linkedid,
                number_raw=number.raw,
                caller_name=call.name,
                at=call.started_at,  # registration = when the call reached the PBX
            )
            if result is not None:
                client_id, created = result
        self._publish(
            CallerIdentified(call.server, call.linkedid, client_id, created, kind, colleague)
        )
        return client_id

    async def _log_call(self, record: CallRecord) -> None:
        # Kept at once, whatever the caller's identification is doing: its registration
        # entry (if any) is older, so it is written first, and a log entry without a
        # client id is linked to the owner of its number when it is written.
        caller = self._callers.pop((record.server, record.linkedid), None)
        known = caller.result() if caller is not None and _succeeded(caller) else None
        logged = await self._writes.log_call(call_log_entry(record, known))
        if logged is None:
            return
        call_id, client_id = logged
        self._publish(CallLogged(record.server, record.linkedid, client_id, call_id))

    async def flush(self, timeout_s: float = FLUSH_S) -> None:
        """On shutdown: let identification and logging in flight reach the journal and,
        for up to `timeout_s`, the database; what is left is written at the next start."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._tasks.wait()
        entries = self.outbox.entries_waiting()
        if entries:
            log.warning(
                "%d calls (%d entries) not yet in the database stay in journal %s: written at"
                " the next start",
                self.outbox.waiting(),
                entries,
                self.outbox.journal.path,
            )

    # --- the supervisor's actions (console.queue_control) -------------------------------

    def queue_members(self) -> list[QueueMemberState]:
        """Every queue member of every PBX, logged out ones included."""
        return self.control.members()

    def queue_names(self) -> list[str]:
        """Every queue a PBX told of: listed at the last (re)connect, or with members."""
        names = {m.queue for m in self.control.members()}
        for listed in self._queues.values():
            names |= listed
        return sorted(names)

    def paused_seconds(self, device: str) -> float:
        """Time `device` spent paused today (the desk's local day)."""
        return self.control.paused_seconds(device)

    def supervisions(self) -> list[SupervisionStarted]:
        """Who listens to whom now."""
        return self.control.supervisions()

    def may_supervise(self) -> bool:
        return self.control.may_supervise()

    async def pause(
        self, device: str, queue: str | None = ALL_QUEUES, reason: str | None = None
    ) -> QueueActionDone:
        return await self.control.pause(device, queue, reason)

    async def unpause(self, device: str, queue: str | None = ALL_QUEUES) -> QueueActionDone:
        return await self.control.unpause(device, queue)

    async def log_in(self, device: str, queue: str) -> QueueActionDone:
        return await self.control.log_in(device, queue)

    async def log_out(self, device: str, queue: str) -> QueueActionDone:
        return await self.control.log_out(device, queue)

    async def listen_in(self, device: str, mode: SpyMode = "listen", label: str = "") -> str:
        return await self.control.listen(device, mode, label)

    async def pickup(self, device: str, label: str = "") -> str:
        return await self.control.pickup(device, label)

    # --- click-to-call -----------------------------------------------------------------

    async def click_to_call(
        self, *, phone_e164: str, client_name: str, extension: str | None = None
    ) -> str:
        """Ring the operator's own phone, then the client. Returns the ActionID that the
        OriginateProgress/OriginateResult events carry."""
        ext = extension or self.settings.me.extension
        operator = self.settings.operator(ext)
        if operator is None:
            raise ClickToCallError("no_device", extension=ext)
        if not self.settings.pbx:
            raise ClickToCallError("no_pbx")
        server = self.settings.pbx[0].name
        client = self._clients.get(server)
        if client is None or self._connections[server].state != "up":
            raise ClickToCallError("not_connected", server=server)
        dial = format_for_dial(
            phone_e164, self.settings.phone.dial_format, self.settings.phone.region
        )
        call = ClickToCall(
            device=operator.device,
            dial_string=dial,
            context=self.settings.phone.outbound_context,
            client_name=client_name or None,
        )
        tracker = self._trackers[server]
        tracker.expect_originate(call.action_id, ext, dial)
        # Kept before it is sent: a call-back attempt counts from the moment it is dialled.
        self.call_backs.dialled(
            server=server,
            action_id=call.action_id,
            number=phone_e164,
            extension=ext,
            operator=f"{operator.name} ({ext})",
            at=datetime.now(UTC),
        )
        try:
            return await client.originate(call)
        except OriginateOutcomeUnknownError as exc:
            tracker.forget_originate(call.action_id)
            self.call_backs.not_sent(server, call.action_id, datetime.now(UTC), str(exc))
            raise ClickToCallError("outcome_unknown") from exc
        except AmiError as exc:
            tracker.forget_originate(call.action_id)
            self.call_backs.not_sent(server, call.action_id, datetime.now(UTC), str(exc))
            raise ClickToCallError("refused", detail=str(exc)) from exc


def _succeeded(task: asyncio.Task[int | None]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def call_log_entry(record: CallRecord, client_id: int | None) -> CallLogEntry:
    """The call log's row for a finished call: pbx's record field for field, plus storage's
    client. Built from the record's fields so that a field added to one dataclass and not
    the other fails here (and in tests/test_call_log_fields.py), not as a silent gap."""
    return CallLogEntry(
        client_id=client_id, **{f.name: getattr(record, f.name) for f in fields(record)}
    )


class ClickToCallError(Exception):
    """Click-to-call cannot start: `code` says why and `params` fill in the details, for
    the screen to word (`console.click_to_call.error_text`); the message is English, for
    logs."""

    ENGLISH = {
        "no_device": "extension {extension!r} is not in [[operators]]: no device to ring",
        "no_pbx": "no PBX configured",
        "not_connected": "PBX {server} is not connected",
        "outcome_unknown": "outcome unknown: the connection to the PBX failed while the call"
        " was being placed; your phone may ring — check before calling again",
        "refused": "{detail}",
    }

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(self.ENGLISH[code].format(**params))
        self.code = code
        self.params = params
