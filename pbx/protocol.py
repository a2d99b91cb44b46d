"""panoramisk's AMI protocol with the 1.4 pitfalls fixed, for one TCP (or TLS) connection.

panoramisk stays the parser (``Message.from_line``) and the action/response matcher
(``Action.add_message``); this subclass changes what 1.4 gets wrong for a dispatch desk:

* bytes are decoded with an *incremental* UTF-8 decoder, so a Cyrillic name split across
  two TCP reads survives (1.4 decodes each read alone with ``errors="ignore"``);
* each message is handled in its own ``try``: a failing handler costs that message only,
  never the connection or the rest of the read (1.4 closes the transport);
* events that carry a pending action's ActionID (OriginateResponse, list items) are
  delivered to the event sink as well (1.4 swallows them into the action's result);
* undecodable, header-less and oversized messages are counted and skipped;
* when the connection closes, pending actions fail with ``ConnectionLostError`` and are
  never queued for re-sending (1.4 re-sends them after the next FullyBooted, which would
  dial a click-to-call twice);
* actions are never logged: a Login carries the secret.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final, cast

from panoramisk.actions import Action
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message

from pbx.ami_event import AmiEvent
from pbx.errors import ConnectionLostError

log = logging.getLogger(__name__)

EOM = "\r\n\r\n"
BANNER = "Asterisk Call Manager/"
DEFAULT_MAX_MESSAGE = 1 << 20  # 1 MiB: far above any real AMI message
_FAILED_RESPONSES = frozenset({"Error", "Fail", "Failure"})
_LOGGED_ERRORS = 10  # handler errors logged with a traceback; later ones are only counted

EventSink = Callable[[AmiEvent], None]
# The switch of speed-ups on a library's internals, shared with `storage.shortcuts`.
SHORTCUTS_OFF_ENV: Final = "OPCONSOLE_SHORTCUTS_OFF"


@dataclass(slots=True)
class ProtocolStats:
    """What one connection received; malformed input is counted, never fatal."""

    messages: int = 0
    events: int = 0
    malformed: int = 0
    oversized: int = 0
    handler_errors: int = 0


def arrival_time(message: Message, default: float) -> float:
    """When AmiProtocol received `message` (set on every message it handles)."""
    stamp = getattr(message, "received_at", None)
    return stamp if isinstance(stamp, float) else default


HeaderReader = Callable[[Message], dict[str, Any]]


def public_headers(message: Message) -> dict[str, Any]:
    """Every header of `message` as received, through its Mapping API."""
    return dict(message.items())


def _stored_headers(message: Message) -> dict[str, Any]:
    """The same read from panoramisk's internal `{lowercase: (Key, value)}` store: the
    Mapping API lowercases and looks up every key again (docs/performance.md)."""
    return dict(message._store.values())


# The shortcut above, named for OPCONSOLE_SHORTCUTS_OFF, and the release it was written for.
HEADERS_SHORTCUT: Final = "panoramisk-headers"
_STORE_WRITTEN_FOR: Final = "1.4"


def header_reader() -> HeaderReader:
    """`_stored_headers` on the panoramisk release it was written for unless switched off
    (`OPCONSOLE_SHORTCUTS_OFF`: `all` or names separated by commas), else `public_headers`."""
    off = {part.strip().lower() for part in os.environ.get(SHORTCUTS_OFF_ENV, "").split(",")}
    if "all" in off or HEADERS_SHORTCUT in off:
        return public_headers
    try:
        release = version("panoramisk")
    except PackageNotFoundError:
        return public_headers
    written_for = release.split(".")[:2] == _STORE_WRITTEN_FOR.split(".")
    return _stored_headers if written_for else public_headers


def event_from_message(
    server: str,
    message: Message,
    received_at: float,
    read_headers: HeaderReader = public_headers,
) -> AmiEvent:
    """Freeze a panoramisk Message into an AmiEvent.

    A repeated header keeps its first value, as ``pbx.capture.parse_message`` does, so a
    capture read from file and the same bytes off a socket give equal events.
    """
    headers = read_headers(message)
    # Message also stores its body under "content" (always "" for events): not a header.
    headers.pop("content", None)
    if list in set(map(type, headers.values())):  # rare: scan only when a header repeats
        for key, value in headers.items():
            if type(value) is list:
                headers[key] = value[0]
    return AmiEvent(server, headers.get("Event", ""), headers, received_at)


class AmiProtocol(AMIProtocol):  # type: ignore[misc]
    """One AMI connection. Plain callbacks in, no panoramisk Manager involved."""

    def __init__(
        self,
        *,
        server: str,
        on_event: EventSink,
        on_lost: Callable[[Exception | None], None] | None = None,
        clock: Callable[[], float] = time.time,
        max_message: int = DEFAULT_MAX_MESSAGE,
        stats: ProtocolStats | None = None,
    ) -> None:
        super().__init__()
        self.server = server
        self._on_event = on_event
        self._on_lost = on_lost
        self._clock = clock
        self._last_stamp = 0.0
        self._max_message = max_message
        self.stats = stats if stats is not None else ProtocolStats()
        self.encoding = "utf-8"
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self._buffer = ""
        self._skipping = False
        self.version: str | None = None
        self.closed = False
        self.responses: dict[str, Action] = {}
        self.transport: asyncio.Transport
        self._read_headers = header_reader()  # runs for every event

    # -- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.closed = False
        self.responses = {}
        self.factory = None
        self.log = log

    def data_received(self, data: bytes) -> None:
        buf = self._buffer + self._decoder.decode(data)
        if self.version is None:
            buf = self._read_banner(buf)
            if self.version is None:
                self._buffer = buf
                return
        parts = buf.split(EOM)
        rest = parts.pop()
        for part in parts:
            if self._skipping:  # tail of an oversized message
                self._skipping = False
                continue
            self._handle_raw(part)
        if len(rest) > self._max_message:
            self.stats.oversized += 1
            self.stats.malformed += 1
            self._skipping = True
            rest = ""
        self._buffer = rest

    def connection_lost(self, exc: Exception | None) -> None:
        was_open = not self.closed
        self.closed = True
        self._fail_pending("connection lost")
        if was_open or self._on_lost is not None:
            callback, self._on_lost = self._on_lost, None
            if callback is not None:
                callback(exc)

    # -- panoramisk AMIProtocol API ---------------------------------------------------

    def send(self, data: Any, as_list: bool | None = None) -> asyncio.Future[Any]:
        """Register the action for its response and write it. Never logs the action."""
        action = data if isinstance(data, Action) else Action(data, as_list=as_list)
        action.as_list = as_list
        self.responses[action.id] = action
        self.transport.write(str(action).encode("utf-8"))
        future: asyncio.Future[Any] = action.future
        return future

    def forget(self, action_id: str) -> None:
        """Stop waiting for an action (timed out or cancelled): a late answer is ignored."""
        self.responses.pop(action_id, None)

    def handle_message(self, message: Message, received_at: float | None = None) -> None:
        stamp = self._stamp() if received_at is None else received_at
        # List items are handed back to the caller later, as a whole: they keep the time
        # they arrived (`arrival_time`), not the time the list completed.
        message.received_at = stamp
        is_event = "event" in message  # Message's keys are case-insensitive
        action = self._pending_action(message) if self.responses else None
        if action is not None:
            if not is_event and message.get("response") in _FAILED_RESPONSES:
                # 1.4 leaves a list action waiting forever after an Error answer.
                if not action.future.done():
                    action.responses.append(message)
                    action.future.set_result([message] if action.as_list else message)
                self.responses.pop(action.id, None)
            elif action.add_message(message):
                self.responses.pop(action.id, None)
        if is_event:
            self.stats.events += 1
            self._on_event(event_from_message(self.server, message, stamp, self._read_headers))

    def _pending_action(self, message: Message) -> Action | None:
        """The action this message answers (by CommandID, else ActionID, as 1.4's
        ``Message.id``); a repeated ActionID counts by its first value, as in events."""
        action_id = message.get("commandid") or message.get("actionid")
        if type(action_id) is list:
            action_id = action_id[0]
        return self.responses.get(action_id) if action_id else None

    def close(self) -> None:
        """Close gracefully; pending actions fail now (never queued for re-sending)."""
        self._fail_pending("connection closed")
        if not self.closed:
            self.closed = True
            self.transport.close()

    def abort(self) -> None:
        """Drop the connection at once (dead peer): no FIN handshake to wait for."""
        self._fail_pending("connection dead (no answer to keepalive)")
        if not self.closed:
            self.closed = True
            self.transport.abort()

    # -- internals --------------------------------------------------------------------

    def _read_banner(self, buf: str) -> str:
        end = buf.find("\r\n")
        if end < 0:
            if len(buf) > 256:  # not Asterisk: stop waiting for a banner
                self.version = ""
            return buf
        first = buf[:end]
        if first.startswith(BANNER):
            self.version = first[len(BANNER) :].strip()
            return buf[end + 2 :]
        self.version = ""
        return buf

    def _handle_raw(self, part: str) -> None:
        self.stats.messages += 1
        part = part.strip("\r\n")
        if not part:
            self.stats.messages -= 1
            return
        if len(part) > self._max_message:
            self.stats.oversized += 1
            self.stats.malformed += 1
            return
        if not part.isascii():
            try:
                part.encode("utf-8")
            except UnicodeEncodeError:  # surrogate-escaped bytes: invalid UTF-8
                self.stats.malformed += 1
                return
        try:
            message = Message.from_line(part)
            if message is None:
                self.stats.malformed += 1
                return
            self.handle_message(message, self._stamp())
        except Exception:
            self.stats.handler_errors += 1
            if self.stats.handler_errors <= _LOGGED_ERRORS:
                log.exception("%s: error handling an AMI message (skipped)", self.server)

    def _stamp(self) -> float:
        """Arrival time, strictly increasing: messages of one TCP read get distinct stamps
        in stream order, so time order is arrival order (a resync list and the events
        that crossed it stay distinguishable)."""
        now = self._clock()
        if now <= self._last_stamp:
            now = self._last_stamp + 1e-6
        self._last_stamp = now
        return now

    def _fail_pending(self, why: str) -> None:
        pending, self.responses = self.responses, {}
        for action in pending.values():
            if not action.future.done():
                name = action.get("Action", "?")
                action.future.set_exception(
                    ConnectionLostError(f"{name} {action.id}: {why}; not re-sent")
                )
