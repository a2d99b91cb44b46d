"""Replaying recorded AMI sessions through the call tracker alone, for the tracker tests.

The desk in the captures: operators 101–103 on IAX2/op101…103 (tests/fixtures/ami/README.md).
Times are anchored at an arbitrary epoch; tests compare durations, never wall-clock times.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pbx.ami_event import AmiEvent
from pbx.call_events import CallEnded, CallEvent, CallRecord
from pbx.capture import capture_events, parse_message, read_capture, to_event
from pbx.tracker import CallTracker, OperatorDevice
from storage.phones import classify_number

FIXTURES = Path(__file__).parent / "fixtures" / "ami"
SERVER = "lab"
BASE_EPOCH = 1_795_365_000.0
OPERATORS = (
    OperatorDevice("101", "Оператор 101", "IAX2/op101"),
    OperatorDevice("102", "Оператор 102", "IAX2/op102"),
    OperatorDevice("103", "Оператор 103", "IAX2/op103"),
)
classify_ru = functools.partial(classify_number, region="RU")

E = TypeVar("E")


def make_tracker(operators: Sequence[OperatorDevice] = OPERATORS) -> CallTracker:
    return CallTracker(server=SERVER, operators=operators, classify=classify_ru)


def events_of(name: str) -> list[AmiEvent]:
    """The events Asterisk sent in a capture, stamped as a connection would stamp them."""
    return capture_events(read_capture(FIXTURES / name), server=SERVER, base_epoch=BASE_EPOCH)


@dataclass
class Replay:
    """What a tracker said while a capture was fed to it, event by event."""

    tracker: CallTracker
    out: list[CallEvent] = field(default_factory=list)

    def feed(self, events: Iterable[AmiEvent]) -> list[CallEvent]:
        produced: list[CallEvent] = []
        for event in events:
            produced += self.tracker.feed(event)
        self.out += produced
        return produced

    def resync(
        self, items: Sequence[AmiEvent], now: float, lost_at: float | None = None
    ) -> list[CallEvent]:
        produced = self.tracker.resync(items, now, lost_at=lost_at)
        self.out += produced
        return produced

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.out if isinstance(e, kind)]

    @property
    def records(self) -> list[CallRecord]:
        return [e.record for e in self.of(CallEnded)]


def replay(name: str, tracker: CallTracker | None = None) -> Replay:
    run = Replay(tracker or make_tracker())
    run.feed(events_of(name))
    return run


def seconds(value: float, expected: float) -> bool:
    """Durations in the README are ±0.5 s."""
    return abs(value - expected) <= 0.5


def replay_clicks(name: str, clicks: dict[str, tuple[str, str]]) -> Replay:
    """Replay a capture, announcing each recorded Originate (ActionID → extension, number)
    to the tracker just before it was sent, as the click-to-call code does."""
    run = Replay(make_tracker())
    for record in read_capture(FIXTURES / name):
        if record.dir == "send":
            headers = parse_message(record.raw)
            if headers.get("Action") == "Originate":
                extension, number = clicks[headers["ActionID"]]
                run.tracker.expect_originate(headers["ActionID"], extension, number)
            continue
        event = to_event(record.raw, server=SERVER, received_at=BASE_EPOCH + record.t)
        if event is not None:
            run.feed([event])
    return run


class Script:
    """Hand-written AMI events shaped like the captures, for what no capture shows."""

    def __init__(self) -> None:
        self.events: list[AmiEvent] = []

    def add(self, t: float, name: str, **headers: str) -> Script:
        self.events.append(AmiEvent(SERVER, name, {"Event": name, **headers}, BASE_EPOCH + t))
        return self

    def channel(
        self,
        t: float,
        uid: str,
        channel: str,
        linkedid: str,
        num: str = "<unknown>",
        name: str = "<unknown>",
    ) -> Script:
        return self.add(
            t,
            "Newchannel",
            Channel=channel,
            Uniqueid=uid,
            Linkedid=linkedid,
            CallerIDNum=num,
            CallerIDName=name,
        )

    def dial(
        self,
        t: float,
        src: tuple[str, str],
        dest: tuple[str, str],
        linkedid: str,
        exten: str = "",
        status: str | None = None,
    ) -> Script:
        """DialBegin (status None) or DialEnd from src (uid, channel) to dest (uid, channel)."""
        headers = {
            "Uniqueid": src[0],
            "Channel": src[1],
            "Linkedid": linkedid,
            "Exten": exten,
            "DestUniqueid": dest[0],
            "DestChannel": dest[1],
            "DestLinkedid": linkedid,
        }
        if status is None:
            return self.add(t, "DialBegin", **headers)
        return self.add(t, "DialEnd", DialStatus=status, **headers)

    def hangup(self, t: float, uid: str, channel: str, linkedid: str, cause: str = "16") -> Script:
        return self.add(t, "Hangup", Uniqueid=uid, Channel=channel, Linkedid=linkedid, Cause=cause)
