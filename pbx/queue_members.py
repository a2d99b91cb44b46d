"""Queue members: who is logged in to which queue, paused (why, since when) or ringing.

A pure state machine like the call tracker: AMI events in, `MemberChanged` values out; no
I/O. One entry per (queue, member interface), fed by

- the ``QueueStatus`` answer (``QueueParams`` … ``QueueMember`` … ``QueueStatusComplete``):
  the truth at that moment, asked at every (re)connect; a member the answer no longer lists
  for a queue it lists is logged out;
- ``QueueMemberAdded`` / ``QueueMemberRemoved`` (a dynamic member logged in or out, from a
  console, a phone's feature code or the CLI), ``QueueMemberPause`` (paused or unpaused, with
  ``PausedReason``), ``QueueMemberStatus`` (the device rings, talks, is unreachable).

Every one of those carries the member's whole state (``Membership``, ``Paused``,
``PausedReason``, ``Status``, ``InCall`` …), so each is applied as one upsert and what
changed is reported. Time in pause is counted per operator's device (``StateInterface``):
an operator paused in two queues at once (a static member of ``dispatch`` and a Local member
of ``dispatch-local`` share one phone) pauses once. Days are the desk's local days (``tz``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Literal, TypeAlias

from pbx.ami_event import AmiEvent
from pbx.connection_state import ConnectionState
from pbx.tracker_devices import OperatorDevice, member_base
from pbx.tracker_state import MAX_EPOCH

__all__ = [
    "DeviceState",
    "MemberChange",
    "MemberChanged",
    "MemberKey",
    "QueueMemberState",
    "QueueMembers",
]

MemberKey: TypeAlias = tuple[str, str]  # (queue, member interface)
Membership = Literal["static", "dynamic", "realtime"]
MEMBER_EVENTS = frozenset(
    {"QueueMember", "QueueMemberStatus", "QueueMemberAdded", "QueueMemberPause"}
)
HANDLED_EVENTS = MEMBER_EVENTS | {"QueueMemberRemoved", "QueueParams", "QueueStatusComplete"}
NEWS_EVENTS = frozenset({"QueueMemberPause", "QueueMemberAdded"})
_MAX_LISTINGS = 16  # QueueStatus answers being listed at once


class DeviceState(StrEnum):
    """A member's device as the queue sees it (``Status``: Asterisk's ast_device_state)."""

    UNKNOWN = "unknown"
    IDLE = "idle"  # 1 not in use
    IN_USE = "in_use"  # 2
    BUSY = "busy"  # 3
    INVALID = "invalid"  # 4
    UNAVAILABLE = "unavailable"  # 5 (not registered)
    RINGING = "ringing"  # 6
    RING_IN_USE = "ring_in_use"  # 7
    ON_HOLD = "on_hold"  # 8

    @classmethod
    def of(cls, status: str) -> DeviceState:
        try:
            return _STATUS[int(status)]
        except (ValueError, KeyError):
            return cls.UNKNOWN

    @property
    def ringing(self) -> bool:
        return self in (DeviceState.RINGING, DeviceState.RING_IN_USE)


_STATUS = dict(enumerate(DeviceState))


class MemberChange(StrEnum):
    """What one event changed for one member (one event may change several things)."""

    LOGGED_IN = "logged_in"
    LOGGED_OUT = "logged_out"
    PAUSED = "paused"
    UNPAUSED = "unpaused"
    REASON = "reason"  # still paused, another reason
    DEVICE = "device"  # rings, talks, unreachable…


@dataclass(frozen=True, slots=True)
class QueueMemberState:
    """One member of one queue, as last told by the PBX."""

    server: str
    queue: str
    interface: str  # as the queue knows it: IAX2/op101, Local/101@agents/n
    name: str  # MemberName («Оператор 101»)
    device: str  # the phone: StateInterface, else the interface (Local options cut)
    extension: str | None  # the configured operator of that device, if any
    membership: Membership
    logged_in: bool
    paused: bool
    reason: str | None  # PausedReason while paused
    paused_since: datetime | None  # while paused
    device_state: DeviceState
    in_call: bool
    calls_taken: int
    penalty: int
    changed_at: datetime

    @property
    def dynamic(self) -> bool:
        """Can be logged out (``QueueRemove``); static members can only be paused."""
        return self.membership != "static"

    @property
    def available(self) -> bool:
        """Logged in, not paused, device usable: a call to the queue would ring it."""
        return (
            self.logged_in
            and not self.paused
            and self.device_state not in (DeviceState.UNAVAILABLE, DeviceState.INVALID)
        )


@dataclass(frozen=True, slots=True)
class MemberChanged:
    """A member's state moved; ``previous`` is None the first time it is seen."""

    member: QueueMemberState
    previous: QueueMemberState | None
    changes: frozenset[MemberChange]

    @property
    def key(self) -> MemberKey:
        return (self.member.queue, self.member.interface)


Listener = Callable[[MemberChanged], None]


class QueueMembers:
    """Queue member states of one server. See the module docstring.

    ``feed(event)`` and ``resync(items, now)`` return what changed and tell subscribers
    (``subscribe``); ``members()``, ``member(queue, interface)`` and ``of_device(device)``
    read the state; ``paused_seconds(device)`` is the time in pause on the desk's day.
    ``clock`` (epoch seconds) is read only by ``paused_seconds`` without an explicit ``now``.
    """

    def __init__(
        self,
        *,
        server: str,
        operators: Sequence[OperatorDevice] = (),
        clock: Callable[[], float],
        tz: tzinfo | None = None,
    ) -> None:
        self.server = server
        self.stats: Counter[str] = Counter()
        self._clock = clock
        self._tz = tz
        self._extensions = {op.device.lower(): op.extension for op in operators}
        self._members: dict[MemberKey, QueueMemberState] = {}
        self._listeners: list[Listener] = []
        self._listing: dict[str, dict[str, set[str]]] = {}  # ActionID → queue → interfaces
        # Pause accounting per device: paused memberships, since when, seconds per day.
        self._paused_in: dict[str, set[MemberKey]] = {}
        self._pause_started: dict[str, float] = {}
        self._paused_total: dict[tuple[str, date], float] = {}
        self._last_time = 0.0

    # ------------------------------------------------------------------ reading

    def members(self) -> list[QueueMemberState]:
        """Every member known, logged out ones included, by queue then interface."""
        return [self._members[k] for k in sorted(self._members)]

    def member(self, queue: str, interface: str) -> QueueMemberState | None:
        return self._members.get((queue, interface))

    def of_device(self, device: str) -> list[QueueMemberState]:
        """Every membership of one phone (an operator), by queue."""
        wanted = device.lower()
        return [m for m in self.members() if m.device.lower() == wanted]

    def queues(self) -> list[str]:
        return sorted({q for q, _ in self._members})

    def paused_since(self, device: str) -> datetime | None:
        """When the device's current pause began (in any queue), None if not paused."""
        started = self._pause_started.get(device.lower())
        return _utc(started) if started is not None else None

    def paused_seconds(self, device: str, now: float | None = None) -> float:
        """Seconds the device spent paused (in at least one queue) on the day of ``now``."""
        now = self._clock() if now is None else now
        key = device.lower()
        day = self._day(now)
        total = self._paused_total.get((key, day), 0.0)
        started = self._pause_started.get(key)
        if started is not None and started < now:
            total += now - max(started, self._day_start(day))
        return total

    # ------------------------------------------------------------------ subscribing

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every change (after ``feed``/``resync`` applied it).
        Returns the function that unsubscribes. A listener that raises is counted in
        ``stats`` and does not stop the others."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # ------------------------------------------------------------------ feeding

    def handle(self, item: AmiEvent | ConnectionState) -> list[MemberChanged]:
        """One item of ``AmiClient.events()``: events are fed, an ``up`` with a snapshot
        resyncs (the QueueStatus answer asked at every (re)connect)."""
        if isinstance(item, ConnectionState):
            if item.is_up and item.snapshot is not None:
                return self.resync(item.snapshot, item.since.timestamp())
            return []
        return self.feed(item)

    def feed(self, event: AmiEvent) -> list[MemberChanged]:
        """Apply one AMI event; never raises (garbage is counted in ``stats``)."""
        name = event.name
        if name not in HANDLED_EVENTS:
            return []
        if event.server != self.server:
            self.stats["other_server"] += 1
            return []
        try:
            changes = self._apply(name, event.headers, self._time(event.received_at))
        except Exception:  # a bug or garbage we did not foresee must not stop the desk
            self.stats["errors"] += 1
            return []
        return self._tell(changes)

    def resync(self, items: Iterable[AmiEvent], now: float) -> list[MemberChanged]:
        """Apply a complete QueueStatus answer (items without the closing event): members
        listed are upserted, members of listed queues that are missing are logged out."""
        t = self._time(now)
        listed: dict[str, set[str]] = {}
        changes: list[MemberChanged] = []
        try:
            for item in items:
                if item.server != self.server:
                    continue
                h = item.headers
                if item.name == "QueueParams" and h.get("Queue"):
                    listed.setdefault(h["Queue"], set())
                elif item.name == "QueueMember":
                    if h.get("Queue"):
                        listed.setdefault(h["Queue"], set()).add(_interface(h))
                    change = self._upsert(h, t, news=False)
                    if change is not None:
                        changes.append(change)
            changes += self._log_out_missing(listed, t)
        except Exception:
            self.stats["errors"] += 1
        self.stats["resyncs"] += 1
        return self._tell(changes)

    # ------------------------------------------------------------------ internals

    def _apply(self, name: str, h: Mapping[str, str], t: float) -> list[MemberChanged]:
        action_id = h.get("ActionID", "")
        if name == "QueueParams":
            if action_id and h.get("Queue"):
                if action_id not in self._listing and len(self._listing) >= _MAX_LISTINGS:
                    del self._listing[next(iter(self._listing))]  # never completed (a drop)
                self._listing.setdefault(action_id, {}).setdefault(h["Queue"], set())
            return []
        if name == "QueueStatusComplete":
            listed = self._listing.pop(action_id, None)
            return self._log_out_missing(listed, t) if listed else []
        if name == "QueueMemberRemoved":
            change = self._remove(h, t)
            return [change] if change is not None else []
        change = self._upsert(h, t, news=name in NEWS_EVENTS)
        if name == "QueueMember" and action_id and h.get("Queue"):
            queues = self._listing.setdefault(action_id, {})
            queues.setdefault(h["Queue"], set()).add(_interface(h))
        return [change] if change is not None else []

    def _upsert(self, h: Mapping[str, str], t: float, *, news: bool) -> MemberChanged | None:
        key = (h.get("Queue", ""), _interface(h))
        if not key[0] or not key[1]:
            self.stats["malformed"] += 1
            return None
        old = self._members.get(key)
        return self._store(old, self._state(key, h, t, old, news=news), t)

    def _state(
        self,
        key: MemberKey,
        h: Mapping[str, str],
        t: float,
        old: QueueMemberState | None,
        *,
        news: bool,
    ) -> QueueMemberState:
        """The member as an event with its whole state describes it; ``news``: the event is
        the change itself (a pause, a login), so a pause in it began when it arrived."""
        queue, interface = key
        paused = h.get("Paused", "0").strip() == "1"
        reason = (h.get("PausedReason") or "").strip() or None if paused else None
        since: float | None = None
        if paused:
            if old is not None and old.paused and old.paused_since is not None:
                since = old.paused_since.timestamp()
            elif news:
                since = t
            else:
                # Found paused in a list or a status: Asterisk's own LastPause, if sane.
                since = _sane_past(h.get("LastPause", ""), t)
        device = (h.get("StateInterface") or "").strip() or member_base(interface)
        return QueueMemberState(
            server=self.server,
            queue=queue,
            interface=interface,
            name=(h.get("MemberName") or h.get("Name") or "").strip() or interface,
            device=device,
            extension=self._extensions.get(device.lower()),
            membership=_membership(h.get("Membership", "")),
            logged_in=True,
            paused=paused,
            reason=reason,
            paused_since=_utc(since) if since is not None else None,
            device_state=DeviceState.of(h.get("Status", "")),
            in_call=h.get("InCall", "0").strip() == "1",
            calls_taken=_int(h.get("CallsTaken")),
            penalty=_int(h.get("Penalty")),
            changed_at=_utc(t),
        )

    def _remove(self, h: Mapping[str, str], t: float) -> MemberChanged | None:
        key = (h.get("Queue", ""), _interface(h))
        if not key[0] or not key[1]:
            self.stats["malformed"] += 1
            return None
        old = self._members.get(key)
        if old is None:  # logged out before we knew it: remember it as logged out
            return self._store(None, _logged_out(self._state(key, h, t, None, news=False), t), t)
        if not old.logged_in:
            return None
        return self._store(old, _logged_out(old, t), t)

    def _log_out_missing(self, listed: Mapping[str, set[str]], t: float) -> list[MemberChanged]:
        changes: list[MemberChanged] = []
        for (queue, interface), old in list(self._members.items()):
            if queue in listed and interface not in listed[queue] and old.logged_in:
                change = self._store(old, _logged_out(old, t), t)
                if change is not None:
                    changes.append(change)
        return changes

    def _store(
        self, old: QueueMemberState | None, new: QueueMemberState, t: float
    ) -> MemberChanged | None:
        changes: set[MemberChange] = set()
        if new.logged_in and (old is None or not old.logged_in):
            changes.add(MemberChange.LOGGED_IN)
        if not new.logged_in and (old is None or old.logged_in):
            changes.add(MemberChange.LOGGED_OUT)
        was_paused = old is not None and old.paused
        if new.paused and not was_paused:
            changes.add(MemberChange.PAUSED)
        elif was_paused and not new.paused:
            changes.add(MemberChange.UNPAUSED)
        elif new.paused and old is not None and old.reason != new.reason:
            changes.add(MemberChange.REASON)
        if (
            old is not None
            and old.logged_in
            and new.logged_in
            and (old.device_state, old.in_call) != (new.device_state, new.in_call)
        ):
            changes.add(MemberChange.DEVICE)
        key = (new.queue, new.interface)
        if old is not None and not changes:
            # Nothing a person would see; keep the counters fresh without a report.
            self._members[key] = replace(new, changed_at=old.changed_at)
            return None
        self._members[key] = new
        self._account_pause(key, new, t)
        return MemberChanged(new, old, frozenset(changes))

    def _account_pause(self, key: MemberKey, member: QueueMemberState, t: float) -> None:
        device = member.device.lower()
        keys = self._paused_in.setdefault(device, set())
        was_paused = bool(keys)
        if member.paused and member.logged_in:
            keys.add(key)
        else:
            keys.discard(key)
        if keys and not was_paused:
            since = member.paused_since.timestamp() if member.paused_since else t
            self._pause_started[device] = min(since, t)
        elif was_paused and not keys:
            started = self._pause_started.pop(device, t)
            self._add_pause(device, started, t)

    def _add_pause(self, device: str, start: float, end: float) -> None:
        """Credit [start, end) to each local day it covers; days before yesterday go."""
        keep_from = self._day(end) - timedelta(days=1)
        for key in [k for k in self._paused_total if k[1] < keep_from]:
            del self._paused_total[key]
        while start < end:
            day = self._day(start)
            next_day = self._day_start(day + timedelta(days=1))
            stop = min(end, next_day)
            self._paused_total[(device, day)] = (
                self._paused_total.get((device, day), 0.0) + stop - start
            )
            start = stop

    def _day(self, epoch: float) -> date:
        return datetime.fromtimestamp(epoch, self._tz).date() if self._tz else _local(epoch)

    def _day_start(self, day: date) -> float:
        if self._tz is not None:
            return datetime(day.year, day.month, day.day, tzinfo=self._tz).timestamp()
        return datetime(day.year, day.month, day.day).timestamp()  # the machine's local day

    def _time(self, received_at: float) -> float:
        t = received_at if 0.0 < received_at < MAX_EPOCH else self._last_time
        self._last_time = max(self._last_time, t)
        return t

    def _tell(self, changes: list[MemberChanged]) -> list[MemberChanged]:
        for change in changes:
            for listener in list(self._listeners):
                try:
                    listener(change)
                except Exception:
                    self.stats["listener_errors"] += 1
        return changes


def _interface(h: Mapping[str, str]) -> str:
    # Events say Interface; QueueStatus's QueueMember says Location.
    return (h.get("Interface") or h.get("Location") or "").strip()


def _membership(value: str) -> Membership:
    value = value.strip().lower()
    if value == "dynamic":
        return "dynamic"
    if value == "realtime":
        return "realtime"
    return "static"


def _logged_out(old: QueueMemberState, t: float) -> QueueMemberState:
    return replace(
        old,
        logged_in=False,
        paused=False,
        reason=None,
        paused_since=None,
        device_state=DeviceState.UNKNOWN,
        in_call=False,
        changed_at=_utc(t),
    )


def _int(value: str | None) -> int:
    try:
        return int((value or "0").strip())
    except ValueError:
        return 0


def _sane_past(value: str, t: float) -> float:
    """Asterisk's epoch ``LastPause`` if it is a moment before ``t``, else ``t``."""
    try:
        epoch = float(value)
    except ValueError:
        return t
    return epoch if 0.0 < epoch <= t else t


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _local(epoch: float) -> date:
    return datetime.fromtimestamp(epoch).date()  # the machine's local day
