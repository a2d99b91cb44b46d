"""What the simulated PBX has up right now, learnt from the events it sends.

Asterisk answers CoreShowChannels and QueueStatus from its live state; the simulator keeps
that state by watching its own outgoing events (Newchannel … Hangup, QueueCallerJoin …
Leave), so replayed, generated and scripted calls all resync the same way. Item fields
follow the real answers in resync_actions.jsonl.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pbx.capture import parse_message
from pbx.simulator.wire import render

SNAPSHOT = (
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
)


@dataclass(slots=True)
class Channel:
    name: str
    fields: dict[str, str]
    created: float
    application: str = ""
    app_data: str = ""
    bridge: str = ""


@dataclass(slots=True)
class QueueCaller:
    channel: str
    uniqueid: str
    number: str
    name: str
    joined: float


@dataclass(slots=True)
class Member:
    name: str
    location: str
    status: str = "1"  # AST_DEVICE_NOT_INUSE
    in_call: str = "0"
    state_interface: str = ""
    membership: str = "static"
    penalty: str = "0"
    calls_taken: str = "0"
    paused: bool = False
    reason: str = ""
    last_pause: str = "0"
    login_time: str = "0"

    def fields(self, queue: str) -> list[tuple[str, str]]:
        """The member as queue events carry it (QueueMemberAdded, …Pause, …Removed)."""
        return [
            ("Queue", queue),
            ("MemberName", self.name),
            ("Interface", self.location),
            ("StateInterface", self.state_interface or self.location),
            ("Membership", self.membership),
            ("Penalty", self.penalty),
            ("CallsTaken", self.calls_taken),
            ("LastCall", "0"),
            ("LastPause", self.last_pause),
            ("LoginTime", self.login_time),
            ("InCall", self.in_call),
            ("Status", self.status),
            ("Paused", "1" if self.paused else "0"),
            ("PausedReason", self.reason if self.paused else ""),
            ("Ringinuse", "0"),
            ("Wrapuptime", "0"),
        ]


@dataclass
class Mirror:
    """Live channels and queues. ``observe`` every event sent; ``render_*`` for lists."""

    queues: dict[str, list[QueueCaller]] = field(default_factory=dict)
    members: dict[str, list[Member]] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic

    def set_members(self, queue: str, devices: Sequence[str]) -> None:
        self.queues.setdefault(queue, [])
        self.members[queue] = [Member(f"Оператор {d.rsplit('/', 1)[-1]}", d) for d in devices]

    def observe(self, raw: str) -> None:
        h = parse_message(raw)
        event = h.get("Event")
        if not event:
            return
        name = h.get("Channel", "")
        if event == "Newchannel" and name:
            self.channels[name] = Channel(name, {k: h.get(k, "") for k in SNAPSHOT}, self.clock())
        self._update(name, h, "")
        dest = h.get("DestChannel", "")
        if dest:
            self._update(dest, h, "Dest")
        chan = self.channels.get(name)
        if event == "Newexten" and chan is not None:
            chan.application = h.get("Application", chan.application)
            chan.app_data = h.get("AppData", chan.app_data)
        elif event == "OriginateResponse" and chan is not None and h.get("Application"):
            chan.application = h.get("Application", "")  # a listen-in or pickup leg
            chan.app_data = h.get("Data", "")
        elif event == "BridgeEnter" and chan is not None:
            chan.bridge = h.get("BridgeUniqueid", "")
        elif event == "BridgeLeave" and chan is not None:
            chan.bridge = ""
        elif event == "Hangup":
            self.channels.pop(name, None)
            self._leave(name)
        elif event == "QueueCallerJoin":
            queue = self.queues.setdefault(h.get("Queue", ""), [])
            queue.append(
                QueueCaller(
                    name,
                    h.get("Uniqueid", ""),
                    h.get("CallerIDNum", ""),
                    h.get("CallerIDName", ""),
                    self.clock(),
                )
            )
        elif event == "QueueCallerLeave":
            self._leave(name)
        elif event == "QueueMemberStatus":
            for member in self.members.get(h.get("Queue", ""), []):
                if member.location == h.get("Interface"):
                    member.status = h.get("Status", member.status)
                    member.in_call = h.get("InCall", member.in_call)

    def linked(self, linkedid: str) -> list[Channel]:
        return [c for c in self.channels.values() if c.fields.get("Linkedid") == linkedid]

    def render_core_show_channels(self, action_id: str) -> list[str]:
        now = self.clock()
        items = []
        for chan in self.channels.values():
            secs = int(now - chan.created)
            items.append(
                render(
                    [
                        ("Event", "CoreShowChannel"),
                        ("ActionID", action_id),
                        ("Channel", chan.name),
                        *((k, chan.fields.get(k, "")) for k in SNAPSHOT),
                        ("Application", chan.application),
                        ("ApplicationData", chan.app_data),
                        ("Duration", f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"),
                        ("BridgeId", chan.bridge),
                    ]
                )
            )
        return _list(action_id, "CoreShowChannelsComplete", items)

    def render_queue_status(self, action_id: str, only: str = "") -> list[str]:
        now = self.clock()
        items = []
        for queue, callers in self.queues.items():
            if only and queue != only:
                continue
            items.append(
                render(
                    [
                        ("Event", "QueueParams"),
                        ("Queue", queue),
                        ("Max", "0"),
                        ("Strategy", "ringall"),
                        ("Calls", str(len(callers))),
                        *((k, "0") for k in ("Holdtime", "TalkTime", "Completed", "Abandoned")),
                        ("ServiceLevel", "0"),
                        ("ServicelevelPerf", "0.0"),
                        ("ServicelevelPerf2", "0.0"),
                        ("Weight", "0"),
                        ("ActionID", action_id),
                    ]
                )
            )
            for m in self.members.get(queue, []):
                items.append(
                    render(
                        [
                            ("Event", "QueueMember"),
                            ("Queue", queue),
                            ("Name", m.name),
                            ("Location", m.location),
                            ("StateInterface", m.state_interface or m.location),
                            ("Membership", m.membership),
                            ("Penalty", m.penalty),
                            ("CallsTaken", m.calls_taken),
                            ("LastCall", "0"),
                            ("LastPause", m.last_pause),
                            ("LoginTime", m.login_time),
                            ("InCall", m.in_call),
                            ("Status", m.status),
                            ("Paused", "1" if m.paused else "0"),
                            ("PausedReason", m.reason if m.paused else ""),
                            ("Wrapuptime", "0"),
                            ("ActionID", action_id),
                        ]
                    )
                )
            for pos, c in enumerate(callers, start=1):
                items.append(
                    render(
                        [
                            ("Event", "QueueEntry"),
                            ("Queue", queue),
                            ("Position", str(pos)),
                            ("Channel", c.channel),
                            ("Uniqueid", c.uniqueid),
                            ("CallerIDNum", c.number or "unknown"),
                            ("CallerIDName", _bare(c.name)),
                            ("ConnectedLineNum", "unknown"),
                            ("ConnectedLineName", "unknown"),
                            ("Wait", str(int(now - c.joined))),
                            ("Priority", "0"),
                            ("ActionID", action_id),
                        ]
                    )
                )
        return _list(action_id, "QueueStatusComplete", items)

    def _update(self, name: str, h: dict[str, str], prefix: str) -> None:
        chan = self.channels.get(name)
        if chan is None or h.get(prefix + "Uniqueid") != chan.fields.get("Uniqueid"):
            return
        for k in SNAPSHOT:
            value = h.get(prefix + k)
            if value is not None:
                chan.fields[k] = value

    def _leave(self, channel: str) -> None:
        for callers in self.queues.values():
            callers[:] = [c for c in callers if c.channel != channel]


def _bare(name: str) -> str:
    # QueueStatus prints a missing name as "unknown", events as "<unknown>".
    return "unknown" if name in ("", "<unknown>") else name


def _list(action_id: str, complete: str, items: list[str]) -> list[str]:
    head = render(
        [
            ("Response", "Success"),
            ("ActionID", action_id),
            ("EventList", "start"),
            (
                "Message",
                "Channels will follow"
                if complete.startswith("Core")
                else "Queue status will follow",
            ),
        ]
    )
    tail = render(
        [
            ("Event", complete),
            ("ActionID", action_id),
            ("EventList", "Complete"),
            ("ListItems", str(len(items))),
        ]
    )
    return [head, *items, tail]
