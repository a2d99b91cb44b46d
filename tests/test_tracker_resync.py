"""Resynchronising after a reconnect, from the list responses recorded in resync_actions.jsonl.

In that capture three calls are up (101 talking, 102 talking, a caller queued in `dispatch`
with only 103 ringing) while the console asks CoreShowChannels, Status and QueueStatus. The
list items (they carry the action's ActionID) are what a reconnecting console gets; the live
events before them are what it saw before the link dropped, those after what it sees next.
"""

from __future__ import annotations

from dataclasses import dataclass

from pbx.ami_event import AmiEvent
from pbx.call_events import (
    CallAnswered,
    CallEnded,
    CallQueued,
    CallRinging,
    CallStoppedRinging,
)
from tests.tracker_support import BASE_EPOCH, Replay, events_of, make_tracker, seconds

FIRST, SECOND, QUEUED = "a-1795365565.126", "a-1795365565.125", "a-1795365565.124"


@dataclass
class Session:
    before: list[AmiEvent]
    items: list[AmiEvent]
    after: list[AmiEvent]

    @property
    def listed_at(self) -> float:
        return self.items[-1].received_at


def session() -> Session:
    events = events_of("resync_actions.jsonl")
    items = [e for e in events if "ActionID" in e.headers]
    live = [e for e in events if "ActionID" not in e.headers]
    start = items[0].received_at
    return Session(
        before=[e for e in live if e.received_at < start],
        items=items,
        after=[e for e in live if e.received_at >= start],
    )


def test_resync_with_nothing_changed_reports_nothing_and_pops_nothing_again() -> None:
    s = session()
    run = Replay(make_tracker())
    run.feed(s.before)
    live_before = run.tracker.live_calls()
    assert run.resync(s.items, s.listed_at) == []
    assert run.resync(s.items, s.listed_at) == []  # idempotent
    assert run.tracker.live_calls() == live_before
    run.feed(s.after)
    by_id = {r.linkedid: r for r in run.records}
    assert len(run.records) == 3
    assert (by_id[FIRST].answered_by, by_id[SECOND].answered_by) == ("101", "102")
    assert seconds(by_id[FIRST].talk_s, 12.0) and seconds(by_id[SECOND].talk_s, 12.0)
    assert by_id[QUEUED].disposition == "abandoned" and seconds(by_id[QUEUED].wait_s, 12.0)
    assert len(run.of(CallRinging)) == 3  # one popup per ringing, none from the resyncs


def test_console_started_mid_call_rebuilds_live_calls_from_the_lists() -> None:
    s = session()
    run = Replay(make_tracker())
    out = run.resync(s.items, s.listed_at)
    live = {c.linkedid: c for c in run.tracker.live_calls()}
    assert set(live) == {FIRST, SECOND, QUEUED}
    assert (live[FIRST].state, live[FIRST].talking, live[FIRST].number) == (
        "talking",
        "101",
        "+79161234567",
    )
    assert (live[SECOND].state, live[SECOND].talking, live[SECOND].name) == (
        "talking",
        "102",
        "Кузнецов",
    )
    assert (live[QUEUED].ringing, live[QUEUED].queue) == (("103",), "dispatch")
    # Starts come from the channels' Duration: the calls reached the PBX ~1.0 s in.
    for call in live.values():
        assert abs(call.started_at.timestamp() - (BASE_EPOCH + 1.0)) <= 1.0
    # 103's console pops the waiting caller; the talking operators see their calls.
    [ringing] = [e for e in out if isinstance(e, CallRinging)]
    assert (ringing.linkedid, ringing.started, ringing.queue) == (QUEUED, ("103",), "dispatch")
    assert {(e.linkedid, e.extension) for e in out if isinstance(e, CallAnswered)} == {
        (FIRST, "101"),
        (SECOND, "102"),
    }
    assert [(e.linkedid, e.queue, e.position) for e in out if isinstance(e, CallQueued)] == [
        (QUEUED, "dispatch", 1)
    ]

    run.feed(s.after)
    by_id = {r.linkedid: r for r in run.records}
    assert len(by_id) == 3
    assert by_id[FIRST].answered_by == "101" and by_id[FIRST].disposition == "answered"
    assert by_id[SECOND].answered_by == "102" and by_id[SECOND].number == "+79032223344"
    # The answer time is not in the lists: talk is at least what was seen after resync.
    assert by_id[FIRST].talk_s >= 15.03 - 7.5
    queued = by_id[QUEUED]
    assert (queued.queue, queued.operators_rung, queued.disposition) == (
        "dispatch",
        ("103",),
        "abandoned",
    )
    assert seconds(queued.wait_s, 12.0)


def test_call_that_ended_during_the_outage_is_closed_once_and_never_revived() -> None:
    s = session()
    run = Replay(make_tracker())
    run.feed(s.before)
    lost_at = BASE_EPOCH + 5.0
    without_first = [e for e in s.items if e.headers.get("Linkedid") != FIRST]
    out = run.resync(without_first, s.listed_at, lost_at)
    [ended] = [e.record for e in out if isinstance(e, CallEnded)]
    assert (ended.linkedid, ended.answered_by, ended.disposition) == (FIRST, "101", "answered")
    assert ended.ended_at.timestamp() == lost_at
    assert seconds(ended.talk_s, 2.0)
    assert FIRST not in {c.linkedid for c in run.tracker.live_calls()}
    run.feed(s.after)  # its late Hangups arrive: no second row, no ghost
    assert sorted(r.linkedid for r in run.records) == sorted([FIRST, SECOND, QUEUED])
    assert run.tracker.live_calls() == []


def test_ringing_that_stopped_during_the_outage_closes_the_popup() -> None:
    s = session()
    run = Replay(make_tracker())
    run.feed(s.before)
    # 103's leg is gone from the lists (it stopped ringing while we were away).
    items = [e for e in s.items if not e.headers.get("Channel", "").startswith("IAX2/op103")]
    out = run.resync(items, s.listed_at)
    assert [(e.linkedid, e.extension) for e in out if isinstance(e, CallStoppedRinging)] == [
        (QUEUED, "103")
    ]
    [queued] = [c for c in run.tracker.live_calls() if c.linkedid == QUEUED]
    assert (queued.state, queued.ringing) == ("queued", ())


def test_pbx_restarted_with_no_channels_closes_every_call() -> None:
    s = session()
    run = Replay(make_tracker())
    run.feed(s.before)
    out = run.resync([], s.listed_at, BASE_EPOCH + 4.0)
    records = {e.record.linkedid: e.record for e in out if isinstance(e, CallEnded)}
    assert set(records) == {FIRST, SECOND, QUEUED}
    assert records[QUEUED].disposition == "abandoned"
    assert [(e.linkedid, e.reason) for e in out if isinstance(e, CallStoppedRinging)] == [
        (QUEUED, "lost")
    ]
    assert run.tracker.live_calls() == []
