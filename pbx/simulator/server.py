"""A small Asterisk Manager Interface server on asyncio, for the demo and the tests.

It speaks AMI as Asterisk 22 does (banner ``Asterisk Call Manager/11.0.0``, CRLF framing,
Login with a secret check and a 1 s penalty on failure, Ping/Pong, Logoff/Goodbye,
Originate with the event sequence a real Asterisk produces, CoreShowChannels and
QueueStatus lists answered from live state, Hangup, Redirect), and it has the knobs tests
need to misbehave like a real network: drop every connection (an Asterisk restart), stop
answering without closing (a black-holed path), withhold answers to chosen actions, count
what it received, and push raw bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import ssl as ssl_module
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pbx.capture import parse_message
from pbx.simulator import queue_control, supervision
from pbx.simulator.mirror import Mirror
from pbx.simulator.templates import Step, instantiate, templates
from pbx.simulator.wire import BANNER, EOM, header, render, response

if TYPE_CHECKING:
    from pbx.simulator.generator import Generator, GeneratorConfig

log = logging.getLogger(__name__)

FULLY_BOOTED = "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 322\r\nLastReload: 322\r\nStatus: Fully Booted\r\n\r\n"  # noqa: E501
MAX_MESSAGE = 1 << 20
ORIGINATE_OUTCOMES = ("answered", "no_answer", "busy")


class SimulatorError(Exception):
    """The simulator cannot listen where it was asked to; `reason` says why, in words."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host = host
        self.port = port
        self.reason = reason


def _bind_failure(exc: OSError | OverflowError) -> str:
    if isinstance(exc, OverflowError):
        return "port must be 0-65535"
    if isinstance(exc, socket.gaierror) or not exc.errno or exc.errno < 0:
        return exc.strerror or str(exc)
    # asyncio wraps the bind error in a long sentence; the errno's own text is the reason.
    return os.strerror(exc.errno).lower()


class Session:
    """One client connection."""

    def __init__(
        self, sim: AmiSimulator, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ):
        self.sim = sim
        self.reader = reader
        self.writer = writer
        self.logged_in = False
        self.events_on = True
        self.claimed = False  # a replay owns this session's event stream
        self.expect: Counter[str] = Counter()  # action names a replay waits for
        self._inbox: dict[str, asyncio.Queue[dict[str, str]]] = {}
        self.closed = False

    def inbox(self, action: str) -> asyncio.Queue[dict[str, str]]:
        """Actions named ``action`` (lower case) the client sent for a replay to answer."""
        return self._inbox.setdefault(action, asyncio.Queue())

    def write(self, raw: str) -> None:
        if self.closed or self.sim.black_hole:
            return
        self.writer.write(raw.encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        if not self.closed:
            self.writer.write(data)

    def close(self, *, abort: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        if abort:
            self.writer.transport.abort()
        else:
            self.writer.close()

    async def serve(self) -> None:
        self.write(BANNER)
        try:
            while not self.closed:
                data = await self.reader.readuntil(EOM.encode())
                if self.sim.black_hole:
                    continue
                headers = parse_message(data.decode("utf-8", "replace"))
                await self.sim._handle(self, headers)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self.close()
            self.sim._sessions.discard(self)


class AmiSimulator:
    """``async with AmiSimulator(port=0, username=…, secret=…) as sim:`` then ``sim.port``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "console",
        secret: str = "console-secret",
        *,
        operators: Sequence[str] = ("IAX2/op101", "IAX2/op102", "IAX2/op103"),
        queues: Sequence[str] = ("dispatch",),
        dynamic_queues: Sequence[str] = (),
        auth_fail_delay: float = 1.0,
        call_speed: float = 1.0,
        ssl: ssl_module.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self._secret = secret
        self.operators = list(operators)
        self.auth_fail_delay = auth_fail_delay
        self.call_speed = call_speed  # 2.0 plays template calls twice as fast
        self._ssl = ssl
        self.mirror = Mirror()
        for queue in queues:
            self.mirror.set_members(queue, self.operators)
        for queue in dynamic_queues:  # members log in with QueueAdd (like queue `night`)
            self.mirror.set_members(queue, [])
        # spied-on channel name → (listen-in leg's Linkedid, its ChanSpyStop) per listener
        self.spies: dict[str, list[tuple[str, str]]] = {}
        self.pickup_talk_s = 3.0  # how long a picked-up call talks before the caller leaves
        # test knobs
        self.black_hole = False
        self.hold_actions: set[str] = set()  # lower-case action names left unanswered
        # lower-case action names refused as to a user without their write class
        self.denied_actions: set[str] = set()
        self.originate_outcome = "answered"
        self.busy_numbers: set[str] = set()
        # counters
        self.connections = 0
        self.connected_at: list[float] = []  # loop.time() of every accepted connection
        self.action_counts: Counter[str] = Counter()
        self.failed_logins = 0
        self._counted = asyncio.Event()  # set whenever a counter above moves
        self._server: asyncio.Server | None = None
        self._sessions: set[Session] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._calls: dict[str, asyncio.Task[None]] = {}
        self._claims: list[asyncio.Future[Session]] = []
        self._login_waiters: list[asyncio.Future[Session]] = []

    def __repr__(self) -> str:
        return f"AmiSimulator({self.host}:{self.port}, sessions={len(self._sessions)})"

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on host:port; raises SimulatorError when that is impossible."""
        try:
            self._server = await asyncio.start_server(
                self._accept, self.host, self.port, limit=MAX_MESSAGE, ssl=self._ssl
            )
        except (OSError, OverflowError) as exc:  # in use, no such address, port > 65535
            raise SimulatorError(self.host, self.port, _bind_failure(exc)) from None
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        for task in [*self._tasks, *self._calls.values()]:
            task.cancel()
        for task in [*self._tasks, *self._calls.values()]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._stop_listening()
        self.drop_connections()

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def drop_connections(self, *, abort: bool = False) -> None:
        """Close every client connection (Asterisk restarting); calls go on."""
        for session in list(self._sessions):
            session.close(abort=abort)
        self._sessions.clear()

    async def restart(
        self,
        downtime: float = 0.5,
        *,
        during: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Stop listening and drop everyone, wait, listen again on the same port.

        ``during`` runs while nobody is connected (calls go on in the meantime: events
        ``emit``-ted then reach no client, as on a PBX whose AMI link is down); the
        downtime is counted after it.
        """
        await self._stop_listening()
        self.drop_connections()
        if during is not None:
            await during()
        await asyncio.sleep(downtime)
        await self.start()

    async def wait_for_login(self, timeout_s: float = 5.0) -> Session:
        """The next session to log in (or the current one, if one is logged in)."""
        for session in self._sessions:
            if session.logged_in and not session.closed:
                return session
        waiter: asyncio.Future[Session] = asyncio.get_running_loop().create_future()
        self._login_waiters.append(waiter)
        async with asyncio.timeout(timeout_s):
            return await waiter

    async def wait_failed_logins(self, count: int, timeout_s: float = 10.0) -> None:
        """Until ``count`` logins have been refused in all."""
        await self._wait_count(lambda: self.failed_logins >= count, timeout_s)

    async def wait_actions(self, action: str, count: int = 1, timeout_s: float = 10.0) -> None:
        """Until ``count`` actions named ``action`` (lower case) have been received in all."""
        await self._wait_count(lambda: self.action_counts[action] >= count, timeout_s)

    async def _wait_count(self, reached: Callable[[], bool], timeout_s: float) -> None:
        async with asyncio.timeout(timeout_s):
            while not reached():
                self._counted.clear()
                await self._counted.wait()

    def claim_next_login(self) -> asyncio.Future[Session]:
        """Reserve the next session that logs in for a replay (it gets no FullyBooted)."""
        claim: asyncio.Future[Session] = asyncio.get_running_loop().create_future()
        self._claims.append(claim)
        return claim

    @property
    def sessions(self) -> list[Session]:
        return [s for s in self._sessions if s.logged_in and not s.closed]

    # -- sending ----------------------------------------------------------------------

    def emit(self, raw: str, *, to: Iterable[Session] | None = None) -> None:
        """Send one event to every logged-in session with events on (or to ``to``)."""
        self.mirror.observe(raw)
        targets = self._sessions if to is None else to
        for session in list(targets):
            if session.logged_in and session.events_on and (to is not None or not session.claimed):
                session.write(raw)
        if self.spies and raw.startswith("Event: Hangup\r\n"):
            spied = parse_message(raw).get("Channel", "")
            if spied in self.spies:
                supervision.spied_call_ended(self, spied)

    def inject(self, data: bytes) -> None:
        """Raw bytes to every logged-in session, bypassing all framing (fuzzing)."""
        for session in list(self._sessions):
            if session.logged_in:
                session.write_bytes(data)

    def start_call(
        self,
        template: str,
        *,
        devices: Sequence[str] | None = None,
        number: str | None = None,
        caller_name: str | None = None,
    ) -> str:
        """Play one recorded call with fresh ids; returns its Linkedid."""
        steps = self.call_steps(template, devices=devices, number=number, caller_name=caller_name)
        return self.play(steps)

    def call_steps(
        self,
        template: str,
        *,
        devices: Sequence[str] | None = None,
        number: str | None = None,
        caller_name: str | None = None,
    ) -> list[Step]:
        """The steps ``start_call`` would play, for a caller that plays them in parts."""
        tpl = templates()[template]
        chosen = list(devices) if devices is not None else self.operators
        mapping = dict(zip(tpl.devices, chosen, strict=False))
        return instantiate(tpl, devices=mapping, number=number, caller_name=caller_name)

    def play(self, steps: Sequence[Step]) -> str:
        linkedid = _linkedid(steps)
        task = asyncio.create_task(self._play(steps))
        self._calls[linkedid] = task
        task.add_done_callback(lambda _t: self._calls.pop(linkedid, None))
        return linkedid

    async def wait_call(self, linkedid: str) -> None:
        """Until the call `linkedid` has played to its end."""
        task = self._calls.get(linkedid)
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def wait_calls(self) -> None:
        """Until every call in progress has played to its end."""
        while self._calls:
            await asyncio.gather(*self._calls.values(), return_exceptions=True)

    def start_generator(self, config: GeneratorConfig) -> Generator:
        from pbx.simulator.generator import Generator

        generator = Generator(self, config)
        self._spawn(generator.run())
        return generator

    async def replay(
        self,
        path: Path,
        *,
        speed: float = 1.0,
        action_wait: float | None = None,
        close_at_end: bool = True,
    ) -> None:
        """Play a capture to the next client that logs in (see pbx.simulator.replay)."""
        from pbx.simulator.replay import replay

        session = await self.claim_next_login()
        await replay(
            self, session, path, speed=speed, action_wait=action_wait, close_at_end=close_at_end
        )

    # -- receiving --------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.connected_at.append(asyncio.get_running_loop().time())
        session = Session(self, reader, writer)
        self._sessions.add(session)
        await session.serve()

    async def _handle(self, session: Session, h: dict[str, str]) -> None:
        name = header(h, "Action").lower()
        aid = header(h, "ActionID")
        self.action_counts[name] += 1
        self._counted.set()
        if name == "login":
            await self._login(session, h, aid)
            return
        if not session.logged_in:
            session.write(response(aid, "Error", Message="Authentication Required"))
            return
        if name in self.hold_actions:
            return
        if name in self.denied_actions:
            session.write(response(aid, "Error", Message="Permission denied"))
            return
        if session.expect[name] > 0:
            session.expect[name] -= 1
            session.inbox(name).put_nowait(h)
            return
        handler = getattr(self, f"_action_{name}", None)
        if handler is None:
            session.write(response(aid, "Error", Message="Invalid/unknown command"))
        else:
            handler(session, h, aid)

    async def _login(self, session: Session, h: dict[str, str], aid: str) -> None:
        if header(h, "Username") != self.username or header(h, "Secret") != self._secret:
            self.failed_logins += 1
            self._counted.set()
            await asyncio.sleep(self.auth_fail_delay)
            session.write(response(aid, "Error", Message="Authentication failed"))
            session.close()
            return
        session.logged_in = True
        session.events_on = header(h, "Events", "on").lower() != "off"
        session.write(response(aid, Message="Authentication accepted"))
        claims = [c for c in self._claims if not c.done()]
        self._claims = claims[1:]
        if claims:
            session.claimed = True
            claims[0].set_result(session)
        elif session.events_on:
            session.write(FULLY_BOOTED)
        waiters, self._login_waiters = self._login_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(session)

    def _action_ping(self, session: Session, h: dict[str, str], aid: str) -> None:
        session.write(response(aid, Ping="Pong", Timestamp=f"{time.time():.6f}"))

    def _action_logoff(self, session: Session, h: dict[str, str], aid: str) -> None:
        session.write(response(aid, "Goodbye", Message="Thanks for all the fish."))
        session.close()

    def _action_coreshowchannels(self, session: Session, h: dict[str, str], aid: str) -> None:
        for raw in self.mirror.render_core_show_channels(aid):
            session.write(raw)

    def _action_queuestatus(self, session: Session, h: dict[str, str], aid: str) -> None:
        for raw in self.mirror.render_queue_status(aid, header(h, "Queue")):
            session.write(raw)

    def _action_queuepause(self, session: Session, h: dict[str, str], aid: str) -> None:
        queue_control.queue_pause(self, session, h, aid)

    def _action_queueadd(self, session: Session, h: dict[str, str], aid: str) -> None:
        queue_control.queue_add(self, session, h, aid)

    def _action_queueremove(self, session: Session, h: dict[str, str], aid: str) -> None:
        queue_control.queue_remove(self, session, h, aid)

    def _action_originate(self, session: Session, h: dict[str, str], aid: str) -> None:
        if header(h, "Application"):  # ChanSpy, PickupChan: pbx.simulator.supervision
            supervision.originate_application(self, session, h, aid)
            return
        device = header(h, "Channel")
        exten = header(h, "Exten")
        session.write(response(aid, Message="Originate successfully queued"))
        if device not in self.operators:
            outcome, lab = "no_device", "IAX2/op199"
        else:
            outcome = "busy" if exten in self.busy_numbers else self.originate_outcome
            lab = "IAX2/op101"
        tpl = templates()[f"originate_{outcome}"]
        name, _number = _split_caller_id(header(h, "CallerID"))
        steps = instantiate(
            tpl,
            devices={lab: device},
            number=exten,
            caller_name=name or "<unknown>",
            action_id=aid,
            context=header(h, "Context"),
        )
        self.play(steps)

    def _action_hangup(self, session: Session, h: dict[str, str], aid: str) -> None:
        chan = self.mirror.channels.get(header(h, "Channel"))
        if chan is None:
            session.write(response(aid, "Error", Message="No such channel"))
            return
        session.write(response(aid, Message="Channel Hungup"))
        self.hang_up_call(chan.fields.get("Linkedid", ""))

    def stop_call(self, linkedid: str) -> None:
        """Stop playing the call ``linkedid`` (its channels stay up)."""
        task = self._calls.pop(linkedid, None)
        if task is not None:
            task.cancel()

    def hang_up_call(self, linkedid: str) -> None:
        """Stop the call ``linkedid`` plays and hang up each of its channels."""
        self.stop_call(linkedid)
        for c in self.mirror.linked(linkedid):
            base = [("Channel", c.name), *c.fields.items()]
            if any(c.name == q.channel for qs in self.mirror.queues.values() for q in qs):
                self.emit(render([("Event", "QueueCallerLeave"), *base]))
            if c.bridge:
                self.emit(render([("Event", "BridgeLeave"), ("BridgeUniqueid", c.bridge), *base]))
            self.emit(render([("Event", "HangupRequest"), *base, ("Cause", "16")]))
            self.emit(
                render(
                    [("Event", "Hangup"), *base, ("Cause", "16"), ("Cause-txt", "Normal Clearing")]
                )
            )

    def _action_redirect(self, session: Session, h: dict[str, str], aid: str) -> None:
        chan = self.mirror.channels.get(header(h, "Channel"))
        if chan is None:
            session.write(response(aid, "Error", Message="Channel does not exist"))
            return
        session.write(response(aid, Message="Redirect successful"))
        fields = {
            **chan.fields,
            "Context": header(h, "Context"),
            "Exten": header(h, "Exten"),
            "Priority": header(h, "Priority", "1"),
        }
        self.emit(
            render(
                [
                    ("Event", "Newexten"),
                    ("Channel", chan.name),
                    *fields.items(),
                    ("Extension", fields["Exten"]),
                    ("Application", "Dial"),
                    ("AppData", ""),
                ]
            )
        )

    # -- internals --------------------------------------------------------------------

    async def _play(self, steps: Sequence[Step]) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for step in steps:
            delay = start + step.dt / self.call_speed - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self.emit(step.raw)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` until it ends or the simulator closes."""
        self._spawn(coro)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _linkedid(steps: Sequence[Step]) -> str:
    for step in steps:
        linked = parse_message(step.raw).get("Linkedid")
        if linked:
            return linked
    return f"nochannel-{id(steps)}"


def _split_caller_id(value: str) -> tuple[str, str]:
    """``"Name" <number>`` -> (name, number)."""
    name, _, rest = value.partition("<")
    return name.strip().strip('"').strip(), rest.rstrip(">").strip()
