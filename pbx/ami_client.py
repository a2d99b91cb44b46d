"""AMI client for one Asterisk server, shaped like aiomqtt's Client.

    async with AmiClient(server="main", host="pbx", username="console", secret=s) as ami:
        async for item in ami.events():
            if isinstance(item, ConnectionState):
                if item.is_up and item.snapshot is not None:
                    tracker.resync(item.snapshot, item.since.timestamp())
            else:
                tracker.feed(item)

One stream carries both AMI events and connection-state changes, in the order they
happened. ``__aenter__`` returns at once and the client keeps (re)connecting in the
background: a desk console must start even when the PBX is down, so the state (connecting,
up, login refused, down since …) is data for the UI, not an exception.

panoramisk 1.4 is the parser and action matcher (``pbx.protocol.AmiProtocol``), but its
``Manager`` is not used: it re-sends unanswered actions after a reconnect (a click-to-call
could dial twice), never checks Pong, retries a refused login every 2 s forever without
telling anyone, and closes the connection when an event callback raises. This client owns
the connection loop, keepalive, timeouts and backoff instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import random
import socket
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from panoramisk.actions import Action
from panoramisk.message import Message

from pbx.ami_event import AmiEvent
from pbx.connection_state import Backoff, ConnectionState, LinkProblem, LinkState
from pbx.errors import (
    ActionFailedError,
    ActionTimeoutError,
    AmiError,
    ConnectionLostError,
    NotConnectedError,
    OriginateOutcomeUnknownError,
    PermissionDeniedError,
)
from pbx.protocol import (
    DEFAULT_MAX_MESSAGE,
    AmiProtocol,
    ProtocolStats,
    arrival_time,
    event_from_message,
)
from pbx.supervise import OriginateRequest
from pbx.timers import LOOP_TIMERS, Timers

log = logging.getLogger(__name__)

StreamItem = AmiEvent | ConnectionState
RESYNC_ACTIONS = ("CoreShowChannels", "QueueStatus")
DEFAULT_BACKOFF = Backoff()
_FAILED = frozenset({"Error", "Fail", "Failure"})


def make_tls_context(*, cafile: str | None = None, verify: bool = True) -> ssl.SSLContext:
    """TLS context for Asterisk's AMI TLS port (``tlsbindaddr``, 5039 by convention)."""
    context = ssl.create_default_context(cafile=cafile)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class AmiClient:
    """Connection to one ``[[pbx]]`` server: events out, actions in. See module docstring."""

    def __init__(
        self,
        *,
        server: str,
        host: str,
        port: int = 5038,
        username: str,
        secret: str,
        tls: bool = False,
        tls_context: ssl.SSLContext | None = None,
        ping_interval: float = 5.0,
        action_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        backoff: Backoff = DEFAULT_BACKOFF,
        login_retry_delay: float = 45.0,
        resync_actions: Sequence[str] = RESYNC_ACTIONS,
        clock: Callable[[], float] = time.time,
        timers: Timers = LOOP_TIMERS,
        rng: random.Random | None = None,
        max_message: int = DEFAULT_MAX_MESSAGE,
    ) -> None:
        self.server = server
        self.host = host
        self.port = port
        self.username = username
        self.__secret = secret
        self.tls = tls
        self._tls_context = tls_context
        self.ping_interval = ping_interval
        self.action_timeout = action_timeout
        self.connect_timeout = connect_timeout
        self.backoff = backoff
        self.login_retry_delay = login_retry_delay
        self.resync_actions = tuple(resync_actions)
        self._clock = clock
        self._timers = timers
        self._rng = rng or random.Random()
        self._max_message = max_message
        self.stats = ProtocolStats()
        self._queue: deque[StreamItem] = deque()
        self._wake = asyncio.Event()
        self._state = ConnectionState(server, LinkState.CONNECTING, self._now(), "")
        self._up = asyncio.Event()
        self._proto: AmiProtocol | None = None
        self._ready = False  # logged in; actions may be sent
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._drop_reason = ""

    def __repr__(self) -> str:
        scheme = "tls" if self.tls else "tcp"
        return (
            f"AmiClient(server={self.server!r}, {scheme}://{self.username}@{self.host}:"
            f"{self.port}, state={self._state.state.value})"
        )

    # -- lifecycle --------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._task is not None:
            raise RuntimeError("AmiClient is not reentrant")
        self._enqueue(self._state)
        self._task = asyncio.create_task(self._run(), name=f"ami-{self.server}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Log off politely (best effort), stop reconnecting, end ``events()``."""
        if self._closed:
            return
        proto = self._proto if self._ready else None
        if proto is not None and not proto.closed:
            with contextlib.suppress(AmiError):
                await self._request(proto, {"Action": "Logoff"}, timeout_s=1.0, as_list=False)
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._proto is not None:
            self._proto.close()
        self._wake.set()

    # -- public API -------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    async def events(self) -> AsyncIterator[StreamItem]:
        """AMI events and ``ConnectionState`` changes, in order, until the client closes.

        One consumer: items are handed out once. The queue is unbounded; the producer is a
        plain callback inside ``data_received`` that never blocks or raises.
        """
        queue = self._queue
        while True:
            while queue:
                yield queue.popleft()
            if self._closed:
                return
            self._wake.clear()
            await self._wake.wait()

    async def wait_until_up(self, timeout_s: float | None = None) -> None:
        """Wait for the next (or current) ``up``; TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout_s):
            await self._up.wait()

    async def send_action(
        self, action: Mapping[str, str], *, timeout_s: float | None = None
    ) -> dict[str, str]:
        """Send one action and return its response headers.

        Raises NotConnectedError (nothing sent), ActionTimeoutError, ConnectionLostError
        (sent, never re-sent) or ActionFailedError (``Response: Error``).
        """
        proto = self._require_ready()
        result = await self._request(proto, action, timeout_s=timeout_s, as_list=False)
        return _check(action, result)

    async def list_action(
        self,
        name: str,
        headers: Mapping[str, str] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> list[AmiEvent]:
        """Send a list action (CoreShowChannels, QueueStatus, …) and return its items.

        The items come back without the closing ``…Complete`` event. They also appear in
        ``events()`` in their place in the stream, as every event does.
        """
        proto = self._require_ready()
        return await self._list(proto, name, headers, timeout_s)

    async def snapshot(self, *, timeout_s: float | None = None) -> list[AmiEvent]:
        """Live channels and queue state (the resync actions), items only."""
        proto = self._require_ready()
        items: list[AmiEvent] = []
        for name in self.resync_actions:
            items.extend(await self._list(proto, name, None, timeout_s))
        return items

    async def originate(self, call: OriginateRequest, *, timeout_s: float | None = None) -> str:
        """Queue an Originate (a click-to-call, a listen-in, a pickup: ``pbx.originate``,
        ``pbx.supervise``); returns its ActionID once Asterisk says 'queued'.

        The outcome arrives later as an OriginateResponse event with that ActionID. If the
        connection drops or the answer times out after sending, the call may be ringing:
        OriginateOutcomeUnknownError, and it is never re-sent.
        """
        proto = self._require_ready()
        try:
            result = await self._request(
                proto, call.to_action(), timeout_s=timeout_s, as_list=False
            )
        except ConnectionLostError as exc:
            raise OriginateOutcomeUnknownError(call.action_id, "connection lost") from exc
        except ActionTimeoutError as exc:
            raise OriginateOutcomeUnknownError(call.action_id, "no answer from PBX") from exc
        _check({"Action": "Originate"}, result)
        return call.action_id

    # -- connection loop --------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                proto, lost = await self._connect()
            except (OSError, TimeoutError) as exc:
                self._set_state(
                    LinkState.DOWN,
                    f"cannot connect: {_describe(exc)}",
                    problem=LinkProblem.CANNOT_CONNECT,
                    cause=_cause(exc),
                )
                await self._timers.sleep(self.backoff.delay(attempt, self._rng))
                attempt += 1
                continue
            try:
                logged_in = await self._login(proto)
            except AmiError as exc:
                proto.close()
                self._set_state(
                    LinkState.DOWN,
                    f"login failed: {exc}",
                    problem=LinkProblem.LOGIN_FAILED,
                    cause=str(exc),
                )
                await self._timers.sleep(self.backoff.delay(attempt, self._rng))
                attempt += 1
                continue
            if not logged_in:
                proto.close()
                self._set_state(
                    LinkState.LOGIN_REFUSED,
                    "login refused (check username/secret)",
                    problem=LinkProblem.LOGIN_REFUSED,
                )
                delay = self.login_retry_delay * (1.0 + 0.25 * self._rng.random())
                await self._timers.sleep(delay)
                continue
            attempt = 0
            await self._serve(proto, lost)
            await self._timers.sleep(self.backoff.delay(attempt, self._rng))
            attempt = 1

    async def _connect(self) -> tuple[AmiProtocol, asyncio.Future[None]]:
        loop = asyncio.get_running_loop()
        lost: asyncio.Future[None] = loop.create_future()

        def on_lost(_exc: Exception | None) -> None:
            if not lost.done():
                lost.set_result(None)

        def factory() -> AmiProtocol:
            return AmiProtocol(
                server=self.server,
                on_event=self._enqueue,
                on_lost=on_lost,
                clock=self._clock,
                max_message=self._max_message,
                stats=self.stats,
            )

        context = (self._tls_context or make_tls_context()) if self.tls else None
        async with self._timers.timeout(self.connect_timeout):
            _transport, proto = await loop.create_connection(
                factory, self.host, self.port, ssl=context
            )
        self._proto = proto
        return proto, lost

    async def _login(self, proto: AmiProtocol) -> bool:
        login = {
            "Action": "Login",
            "Username": self.username,
            "Secret": self.__secret,
            "Events": "on",
        }
        result = await self._request(proto, login, timeout_s=None, as_list=False)
        return isinstance(result, Message) and result.get("Response") == "Success"

    async def _serve(self, proto: AmiProtocol, lost: asyncio.Future[None]) -> None:
        """Resync, report up, keep alive until the connection is lost; then report down."""
        self._ready = True
        self._drop_reason = ""
        keepalive = asyncio.create_task(self._keepalive(proto))
        try:
            snapshot: tuple[AmiEvent, ...] | None = None
            detail = ""
            problem: LinkProblem | None = None
            cause = ""
            if self.resync_actions:
                try:
                    snapshot = tuple(await self.snapshot())
                except AmiError as exc:
                    detail = f"resync failed: {exc}"
                    problem, cause = LinkProblem.RESYNC_FAILED, str(exc)
            if not lost.done():
                self._set_state(LinkState.UP, detail, snapshot, problem=problem, cause=cause)
                self._up.set()
            await lost
        finally:
            keepalive.cancel()
            self._ready = False
            self._up.clear()
            proto.close()
        self._set_state(
            LinkState.DOWN,
            self._drop_reason or "connection closed by the PBX",
            problem=LinkProblem.KEEPALIVE if self._drop_reason else LinkProblem.CLOSED,
        )

    async def _keepalive(self, proto: AmiProtocol) -> None:
        """Ping every ping_interval; two unanswered in a row mean the peer is dead."""
        timers = self._timers
        interval = self.ping_interval
        missed = 0
        await timers.sleep(interval)
        while not proto.closed:
            started = timers.time()
            try:
                await self._request(proto, {"Action": "Ping"}, timeout_s=interval, as_list=False)
            except ActionTimeoutError:
                missed += 1
                if missed >= 2:
                    self._drop_reason = f"no answer to {missed} keepalive pings"
                    proto.abort()
                    return
                continue
            except AmiError:
                return
            missed = 0
            await timers.sleep(max(0.0, interval - (timers.time() - started)))

    # -- helpers ----------------------------------------------------------------------

    async def _request(
        self,
        proto: AmiProtocol,
        action: Mapping[str, str],
        *,
        timeout_s: float | None,
        as_list: bool | None,
    ) -> Any:
        if proto.closed:
            raise NotConnectedError(f"{self.server}: not connected")
        sent = Action(dict(action), as_list=as_list)
        future = proto.send(sent, as_list=as_list)
        limit = self.action_timeout if timeout_s is None else timeout_s
        try:
            async with self._timers.timeout(limit):
                return await future
        except TimeoutError:
            name = action.get("Action", "?")
            raise ActionTimeoutError(
                f"{name} {sent.id}: no answer from {self.server} within {limit:g} s"
            ) from None
        finally:
            proto.forget(sent.id)
            if not future.done():
                future.cancel()

    async def _list(
        self,
        proto: AmiProtocol,
        name: str,
        headers: Mapping[str, str] | None,
        timeout_s: float | None,
    ) -> list[AmiEvent]:
        action = {"Action": name, **(headers or {})}
        result = await self._request(proto, action, timeout_s=timeout_s, as_list=True)
        messages: list[Message] = result if isinstance(result, list) else [result]
        first = messages[0]
        if "event" not in first and first.get("Response") in _FAILED:
            raise ActionFailedError(name, str(first.get("Message", "")))
        stamp = self._clock()
        return [
            event_from_message(self.server, m, arrival_time(m, stamp))
            for m in messages
            if "event" in m and not str(m.get("Event", "")).endswith("Complete")
        ]

    def _require_ready(self) -> AmiProtocol:
        proto = self._proto
        if not self._ready or proto is None or proto.closed:
            raise NotConnectedError(f"{self.server}: not connected ({self._state.state.value})")
        return proto

    def _enqueue(self, item: StreamItem) -> None:
        self._queue.append(item)
        if not self._wake.is_set():
            self._wake.set()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _set_state(
        self,
        state: LinkState,
        detail: str,
        snapshot: tuple[AmiEvent, ...] | None = None,
        *,
        problem: LinkProblem | None = None,
        cause: str = "",
    ) -> None:
        if self._closed or (state is self._state.state and state is not LinkState.UP):
            return
        self._state = ConnectionState(
            self.server, state, self._now(), detail, snapshot, problem=problem, cause=cause
        )
        level = logging.INFO if state is LinkState.UP else logging.WARNING
        log.log(level, "AMI %s: %s%s", self.server, state.value, f" ({detail})" if detail else "")
        self._enqueue(self._state)


def _check(action: Mapping[str, str], result: Any) -> dict[str, str]:
    message = result[0] if isinstance(result, list) else result
    headers = {k: v if isinstance(v, str) else v[0] for k, v in message.items() if k != "content"}
    if headers.get("Response") in _FAILED:
        message = headers.get("Message", "")
        # The AMI user lacks the write class the action needs: the desk's set-up, not a
        # refusal of what was asked.
        kind = PermissionDeniedError if message == "Permission denied" else ActionFailedError
        raise kind(action.get("Action", "?"), message)
    return headers


def _cause(exc: BaseException) -> str:
    """What went wrong underneath, as data: an errno name («ECONNREFUSED»), «timeout»,
    «name_unknown» (DNS), or the exception's own text when it has no code."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, socket.gaierror):
        return "name_unknown"
    code = exc.errno if isinstance(exc, OSError) else None
    if code is not None and code in errno.errorcode:
        return errno.errorcode[code]
    return _describe(exc)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
