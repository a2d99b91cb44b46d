"""Reading the PBX's own lists after a reconnect: what is alive now, grouped by call.

After a reconnect the connection asks CoreShowChannels (and/or Status) and QueueStatus; their
list items say which channels exist, in what state and for how long, and who waits in which
queue. This module only turns those items into a `Snapshot`; the tracker compares it with
what it knew (`CallTracker.resync`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from pbx.ami_event import AmiEvent
from pbx.tracker_state import MAX_EPOCH

# A channel older than this is garbage on the wire, not a call (and would overflow datetimes).
MAX_DURATION_S = 30 * 86_400.0
CHANNEL_ITEMS = frozenset({"CoreShowChannel", "Status"})
RINGING_STATES = frozenset({"Ringing", "Ring"})


@dataclass(frozen=True, slots=True)
class ChannelItem:
    """One live channel as the PBX listed it."""

    uid: str
    name: str
    linkedid: str
    state: str  # ChannelStateDesc: Down, Ring, Ringing, Up, Busy…
    since: float  # epoch when the channel appeared: when listed minus its Duration/Seconds
    bridged: bool
    caller_num: str
    caller_name: str
    exten: str
    application: str = ""  # what the channel runs (ChanSpy for a listen-in leg)
    app_data: str = ""


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A caller waiting in a queue (QueueEntry): no Linkedid, only the caller's channel."""

    queue: str
    position: int | None
    since: float  # epoch when the caller joined: when listed minus Wait
    uid: str
    channel: str


@dataclass(slots=True)
class Snapshot:
    calls: dict[str, list[ChannelItem]] = field(default_factory=dict)
    queue_entries: list[QueueItem] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)  # (interface, state iface)
    malformed: int = 0
    taken_at: float | None = None  # when the earliest list item was produced


def parse_age(text: str) -> float | None:
    """Seconds from `HH:MM:SS` (CoreShowChannel Duration) or a plain number (Status Seconds)."""
    text = text.strip()
    if not text:
        return None
    try:
        if ":" in text:
            total = 0.0
            for part in text.split(":"):
                total = total * 60 + int(part)
            value = total
        else:
            value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return min(value, MAX_DURATION_S)


def parse_int(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def listed_at(item: AmiEvent, fallback: float) -> float:
    """When the PBX produced a list item: its Timestamp, its arrival, else `fallback`."""
    for value in (item.headers.get("Timestamp"), item.received_at):
        try:
            epoch = float(value) if value is not None else -1.0
        except ValueError:
            continue
        if 0.0 < epoch < MAX_EPOCH:
            return epoch
    return fallback


def _channel(item: AmiEvent, at: float) -> ChannelItem | None:
    h = item.headers
    uid = h.get("Uniqueid", "")
    name = h.get("Channel", "")
    if not uid or not name:
        return None
    age = parse_age(h.get("Duration", "")) if "Duration" in h else None
    if age is None:
        age = parse_age(h.get("Seconds", "")) or 0.0
    return ChannelItem(
        uid=uid,
        name=name,
        linkedid=h.get("Linkedid") or uid,
        state=h.get("ChannelStateDesc", ""),
        since=at - age,
        bridged=bool(h.get("BridgeId") or h.get("BridgeID")),
        caller_num=h.get("CallerIDNum", ""),
        caller_name=h.get("CallerIDName", ""),
        exten=h.get("Exten", ""),
        application=h.get("Application", ""),
        app_data=h.get("ApplicationData", "") or h.get("Data", ""),
    )


def collect(items: Iterable[AmiEvent], now: float) -> Snapshot:
    """Group list items by call; the first item for a channel wins (CoreShowChannel first).

    Ages are relative to when each list was produced, so each item's own time is the
    reference; `now` only stands in when an item carries no usable time.
    """
    snap = Snapshot()
    seen: set[str] = set()
    for item in items:
        name = item.name
        at = listed_at(item, now)
        snap.taken_at = at if snap.taken_at is None else min(snap.taken_at, at)
        if name in CHANNEL_ITEMS:
            channel = _channel(item, listed_at(item, now))
            if channel is None:
                snap.malformed += 1
            elif channel.uid not in seen:
                seen.add(channel.uid)
                snap.calls.setdefault(channel.linkedid, []).append(channel)
        elif name == "QueueEntry":
            h = item.headers
            queue = h.get("Queue", "")
            if not queue or not (h.get("Uniqueid") or h.get("Channel")):
                snap.malformed += 1
                continue
            snap.queue_entries.append(
                QueueItem(
                    queue=queue,
                    position=parse_int(h.get("Position")),
                    since=listed_at(item, now) - (parse_age(h.get("Wait", "")) or 0.0),
                    uid=h.get("Uniqueid", ""),
                    channel=h.get("Channel", ""),
                )
            )
        elif name in ("QueueMember", "QueueMemberStatus"):
            h = item.headers
            interface = h.get("Interface") or h.get("Location") or ""
            snap.members.append((interface, h.get("StateInterface", "")))
    for channels in snap.calls.values():
        channels.sort(key=lambda c: c.since)  # oldest first: the order things happened
    return snap
