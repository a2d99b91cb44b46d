"""Replaying recorded AMI sessions through the call tracker alone, for the tracker tests.

The desk in the captures: operators 101–103 on IAX2/op101…103 (tests/fixtures/ami/README.md).
Times are anchored at an arbitrary epoch; tests compare durations, never wall-clock times.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TypeVar

from pbx.ami_event import AmiEvent
from pbx.call_events import (
    CallEnded,
    CallEvent,
    CallRecord,
    OriginateResult,
    SupervisionEnded,
    SupervisionStarted,
)
from pbx.capture import capture_events, parse_message, read_capture, to_event
from pbx.queue_members import QueueMembers
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


def make_members(clock: Callable[[], float] | None = None) -> QueueMembers:
    """Queue member states of the lab desk; the desk's day is UTC (captures are in 2026)."""
    return QueueMembers(
        server=SERVER, operators=OPERATORS, clock=clock or (lambda: BASE_EPOCH), tz=UTC
    )


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


def replay_clicks(name: str, clicks: Mapping[str, tuple[str, str]] | None = None) -> Replay:
    """Replay a capture, announcing each recorded Originate (ActionID → extension, number)
    to the tracker just before it was sent, as the click-to-call code does. By default the
    clicks are the capture's own, from ``CONCLUSIONS``."""
    if clicks is None:
        clicks = {c.action_id: (c.extension, c.dial) for c in CONCLUSIONS[name].clicks}
    run = Replay(make_tracker())
    for record in read_capture(FIXTURES / name):
        if record.dir == "send":
            headers = parse_message(record.raw)
            if headers.get("Action") == "Originate" and "Application" not in headers:
                # Listen-in Originates are left unannounced: as another console's would be.
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


# -- What a correct console concludes from each capture (tests/fixtures/ami/README.md) ------
# One table for both paths: the tracker fed straight from the file (test_tracker_captures)
# and the same capture replayed by the simulator over TCP (test_pbx_capture_replay).


@dataclass(frozen=True, slots=True)
class ExpectedCall:
    """One call-log row as the README describes it; times None are not stated there."""

    number: str | None
    number_raw: str
    name: str | None
    operators_rung: tuple[str, ...]
    answered_by: str | None
    disposition: str
    direction: str = "inbound"
    queue: str | None = None
    transferred_to: tuple[str, ...] = ()
    reason: str | None = None
    wait_s: float | None = None
    talk_s: float | None = None


@dataclass(frozen=True, slots=True)
class ExpectedClick:
    """A recorded Originate: what the console announced and what it must conclude."""

    action_id: str  # as recorded; a live console sends its own
    extension: str
    device: str
    dial: str  # the client's number as sent in Exten
    client_name: str | None
    success: bool
    reason: str | None = None
    reason_code: int | None = None


@dataclass(frozen=True, slots=True)
class ExpectedCapture:
    calls: tuple[ExpectedCall, ...]  # in the order they end
    clicks: tuple[ExpectedClick, ...] = ()
    # (kind, supervisor, operator) of each listen-in, in the order they started
    supervisions: tuple[tuple[str, str, str], ...] = ()


IVANOVA = ("+79161234567", "+79161234567", "Иванова Мария")
CONCLUSIONS: dict[str, ExpectedCapture] = {
    "inbound_answered.jsonl": ExpectedCapture(
        (ExpectedCall(*IVANOVA, ("101",), "101", "answered", wait_s=3.0, talk_s=4.0),)
    ),
    "inbound_missed.jsonl": ExpectedCapture(
        (ExpectedCall(*IVANOVA, ("101",), None, "missed", wait_s=6.0, talk_s=0.0),)
    ),
    "inbound_national_format.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                "+79161234567", "89161234567", None, ("101",), "101", "answered", wait_s=2.0,
                talk_s=3.0,
            ),
            ExpectedCall(
                "+79031112233", "79031112233", "ООО Ромашка", ("101",), "101", "answered",
                wait_s=2.0, talk_s=3.0,
            ),
        )
    ),
    "queue_ringall.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                *IVANOVA, ("103", "102", "101"), "102", "answered", queue="dispatch", wait_s=4.5,
                talk_s=5.5,
            ),
        )
    ),
    "queue_local_members.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                *IVANOVA, ("101", "102", "103"), "101", "answered", queue="dispatch-local",
                wait_s=3.5, talk_s=5.5,
            ),
        )
    ),
    "click_to_call.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                "+79031112233", "89031112233", "Клиент Смирнов", ("101",), "101", "answered",
                direction="outbound", talk_s=5.5,
            ),
        ),
        (
            ExpectedClick(
                "c2c-1", "101", "IAX2/op101", "89031112233", "Клиент Смирнов", success=True
            ),
        ),
    ),
    "click_to_call_failed.jsonl": ExpectedCapture(
        (  # the bad device never made a channel: nothing to log
            ExpectedCall(
                "+79031112233", "89031112233", "Клиент Смирнов", ("101",), None, "failed",
                direction="outbound", reason="operator did not answer",
            ),
            ExpectedCall(
                "+79035556677", "89035556677", None, ("101",), None, "failed",
                direction="outbound", reason="client busy",
            ),
        ),
        (
            ExpectedClick(
                "c2c-noanswer", "101", "IAX2/op101", "89031112233", "Клиент Смирнов",
                success=False, reason="operator did not answer", reason_code=3,
            ),
            ExpectedClick(
                "c2c-busy", "101", "IAX2/op101", "89035556677", None, success=False,
                reason="client busy",
            ),
            ExpectedClick(
                "c2c-baddevice", "199", "IAX2/op199", "89035556677", None, success=False,
                reason="operator's device unavailable", reason_code=0,
            ),
        ),
    ),
    "blind_transfer.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                *IVANOVA, ("101", "102"), "101", "answered", transferred_to=("102",), talk_s=14.0
            ),
        )
    ),
    "resync_actions.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                "+74957654321", "+74957654321", None, ("103",), None, "abandoned",
                queue="dispatch", wait_s=12.0,
            ),
            ExpectedCall(
                "+79032223344", "+79032223344", "Кузнецов", ("102",), "102", "answered",
                talk_s=12.0,
            ),
            ExpectedCall(*IVANOVA, ("101",), "101", "answered", talk_s=12.0),
        )
    ),
    "login_failed.jsonl": ExpectedCapture(()),
    "queue_pause.jsonl": ExpectedCapture(
        (ExpectedCall(*IVANOVA, ("103", "102"), "103", "answered", queue="dispatch"),)
    ),
    "queue_login.jsonl": ExpectedCapture(
        (
            ExpectedCall(
                "+79032223344", "+79032223344", "Сидоров Олег", ("102",), "102", "answered",
                queue="night",
            ),
        )
    ),
    "supervisor_spy.jsonl": ExpectedCapture(
        (ExpectedCall(*IVANOVA, ("101",), "101", "answered", wait_s=2.0, talk_s=26.0),),
        supervisions=(("listen", "103", "101"), ("whisper", "103", "101"),
                      ("barge", "103", "101")),
    ),
}  # fmt: skip


def check_conclusions(
    out: Sequence[CallEvent],
    expected: ExpectedCapture,
    *,
    timing: bool = True,
    action_ids: Mapping[str, str] | None = None,
) -> None:
    """Assert the README's conclusions on what a tracker said about one capture.

    ``timing`` False skips wait/talk (a fast replay does not keep the recorded timing);
    ``action_ids`` maps recorded ActionIDs to the ones a live console sent instead.
    """
    records = [e.record for e in out if isinstance(e, CallEnded)]
    assert [_conclusion(r) for r in records] == [_wanted(c) for c in expected.calls]
    for record, call in zip(records, expected.calls, strict=True):
        assert record.started_at.utcoffset() is not None  # ISO 8601 with offset
        assert record.started_at <= record.ended_at
        if record.answered_at is not None:
            assert record.started_at <= record.answered_at <= record.ended_at
        if timing:
            for label, got, want in (
                ("wait", record.wait_s, call.wait_s),
                ("talk", record.talk_s, call.talk_s),
            ):
                assert want is None or seconds(got, want), (record.linkedid, label, got, want)
    ids = dict(action_ids or {})
    results = {r.action_id: r for r in out if isinstance(r, OriginateResult)}
    want_results = {
        ids.get(c.action_id, c.action_id): (c.success, c.reason) for c in expected.clicks
    }
    assert {a: (r.success, r.reason) for a, r in results.items()} == want_results
    for click in expected.clicks:
        if click.reason_code is not None:
            result = results[ids.get(click.action_id, click.action_id)]
            assert result.reason_code == click.reason_code, click
    # Listen-in legs are supervision: seen as who listens to whom, never as calls.
    started = [e for e in out if isinstance(e, SupervisionStarted)]
    assert [(e.kind, e.supervisor, e.operator) for e in started] == list(expected.supervisions)
    logged = {r.linkedid for r in records}
    assert all(e.target_linkedid in logged and e.linkedid not in logged for e in started)
    ended = [e for e in out if isinstance(e, SupervisionEnded)]
    assert sorted(e.linkedid or "" for e in ended) == sorted(e.linkedid for e in started)


def _conclusion(record: CallRecord) -> dict[str, object]:
    return {
        "direction": record.direction,
        "number": record.number,
        "number_raw": record.number_raw,
        "name": record.name,
        "queue": record.queue,
        "operators_rung": record.operators_rung,
        "answered_by": record.answered_by,
        "transferred_to": record.transferred_to,
        "disposition": record.disposition,
        "reason": record.reason,
        "talked": record.answered_at is not None,
    }


def _wanted(call: ExpectedCall) -> dict[str, object]:
    return {
        "direction": call.direction,
        "number": call.number,
        "number_raw": call.number_raw,
        "name": call.name,
        "queue": call.queue,
        "operators_rung": call.operators_rung,
        "answered_by": call.answered_by,
        "transferred_to": call.transferred_to,
        "disposition": call.disposition,
        "reason": call.reason,
        "talked": call.disposition == "answered",
    }
