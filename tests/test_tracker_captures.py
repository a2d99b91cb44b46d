"""Every recorded session replayed through the tracker alone: the README's conclusions hold.

tests/fixtures/ami/README.md says what a correct console concludes from each capture; these
tests are that table, row by row. Durations are ±0.5 s as the README states.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pbx.call_events import (
    CallAnswered,
    CallRecord,
    CallRinging,
    CallStoppedRinging,
    CallTransferred,
    OriginateProgress,
    OriginateResult,
)
from tests.tracker_support import FIXTURES, Replay, replay, replay_clicks, seconds


def only_call(run: Replay) -> CallRecord:
    assert len(run.records) == 1, run.records
    assert run.tracker.live_calls() == []
    return run.records[0]


def test_inbound_answered() -> None:
    run = replay("inbound_answered.jsonl")
    call = only_call(run)
    assert (call.direction, call.number, call.number_raw) == (
        "inbound",
        "+79161234567",
        "+79161234567",
    )
    assert call.name == "Иванова Мария"
    assert call.operators_rung == ("101",)
    assert call.answered_by == "101"
    assert call.disposition == "answered"
    assert call.reason is None and call.queue is None and call.transferred_to == ()
    assert seconds(call.wait_s, 3.0) and seconds(call.talk_s, 4.0)
    assert call.started_at.utcoffset() is not None  # timezone-aware, for ISO 8601 with offset
    assert call.answered_at is not None and call.started_at < call.answered_at < call.ended_at


def test_inbound_answered_pops_the_client_not_the_desk_number() -> None:
    """The operator's leg carries the desk number 5000 as CallerIDNum: never the caller."""
    run = replay("inbound_answered.jsonl")
    [ringing] = run.of(CallRinging)
    assert ringing.started == ("101",)
    assert (ringing.number, ringing.kind, ringing.name) == (
        "+79161234567",
        "phone",
        "Иванова Мария",
    )
    assert [a.extension for a in run.of(CallAnswered)] == ["101"]


def test_inbound_missed() -> None:
    run = replay("inbound_missed.jsonl")
    call = only_call(run)
    assert call.operators_rung == ("101",)
    assert call.answered_by is None and call.answered_at is None
    assert call.disposition == "missed"
    assert seconds(call.wait_s, 6.0) and call.talk_s == 0.0
    [stopped] = run.of(CallStoppedRinging)
    assert (stopped.extension, stopped.reason) == ("101", "caller_hung_up")


def test_inbound_national_format() -> None:
    run = replay("inbound_national_format.jsonl")
    first, second = run.records
    assert (first.number, first.number_raw, first.name) == ("+79161234567", "89161234567", None)
    assert (second.number, second.number_raw) == ("+79031112233", "79031112233")
    assert second.name == "ООО Ромашка"
    for call in (first, second):
        assert call.direction == "inbound" and call.answered_by == "101"
        assert call.disposition == "answered"
        assert seconds(call.wait_s, 2.0) and seconds(call.talk_s, 3.0)


def test_queue_ringall() -> None:
    run = replay("queue_ringall.jsonl")
    call = only_call(run)
    assert call.queue == "dispatch"
    assert call.operators_rung == ("103", "102", "101")
    assert call.answered_by == "102"
    assert call.disposition == "answered"
    assert seconds(call.wait_s, 4.5) and seconds(call.talk_s, 5.5)


def test_queue_ringall_pops_every_operator_once_and_closes_the_others_on_answer() -> None:
    run = replay("queue_ringall.jsonl")
    assert [r.started for r in run.of(CallRinging)] == [("103",), ("102",), ("101",)]
    assert run.of(CallRinging)[-1].extensions == ("103", "102", "101")
    [answered] = run.of(CallAnswered)
    stopped = run.of(CallStoppedRinging)
    # CANCEL is reported twice for some channels: still one close per operator.
    assert sorted(s.extension for s in stopped) == ["101", "103"]
    for stop in stopped:
        assert (stop.reason, stop.answered_by, stop.at) == (
            "answered_elsewhere",
            "102",
            answered.at,
        )


def test_queue_local_members_count_once() -> None:
    run = replay("queue_local_members.jsonl")
    call = only_call(run)
    assert call.queue == "dispatch-local"
    assert call.operators_rung == ("101", "102", "103")
    assert call.answered_by == "101"
    assert seconds(call.wait_s, 3.5) and seconds(call.talk_s, 5.5)
    assert [r.started for r in run.of(CallRinging)] == [("101",), ("102",), ("103",)]
    assert sorted(s.extension for s in run.of(CallStoppedRinging)) == ["102", "103"]


def test_blind_transfer() -> None:
    run = replay("blind_transfer.jsonl")
    call = only_call(run)
    assert call.answered_by == "101"
    assert call.transferred_to == ("102",)
    assert call.operators_rung == ("101", "102")
    assert call.disposition == "answered"
    assert seconds(call.talk_s, 14.0)
    [transfer] = run.of(CallTransferred)
    assert (transfer.from_extension, transfer.to_extension, transfer.kind) == (
        "101",
        "102",
        "blind",
    )
    # 102's console pops when its phone rings, and shows the call as 102's once answered.
    assert [r.started for r in run.of(CallRinging)] == [("101",), ("102",)]
    assert [a.extension for a in run.of(CallAnswered)] == ["101", "102"]


def test_click_to_call() -> None:
    run = replay_clicks("click_to_call.jsonl", {"c2c-1": ("101", "+79031112233")})
    call = only_call(run)
    assert call.direction == "outbound"
    assert (call.number, call.number_raw) == ("+79031112233", "89031112233")
    assert call.operators_rung == ("101",) and call.answered_by == "101"
    assert call.disposition == "answered" and call.reason is None
    assert seconds(call.talk_s, 5.5)
    assert [p.stage for p in run.of(OriginateProgress)] == [
        "operator_ringing",
        "operator_answered",
        "client_ringing",
    ]
    [result] = run.of(OriginateResult)
    assert (result.action_id, result.success, result.linkedid) == ("c2c-1", True, call.linkedid)
    assert run.of(CallRinging) == []  # the operator's own click does not pop a popup


def test_click_to_call_is_logged_the_same_without_the_console() -> None:
    """The headless recorder never announces clicks: it must log the same call."""
    recorded = only_call(replay("click_to_call.jsonl"))
    announced = only_call(replay_clicks("click_to_call.jsonl", {"c2c-1": ("101", "+79031112233")}))
    assert recorded == announced


def test_click_to_call_failed_reasons_in_words() -> None:
    clicks = {
        "c2c-noanswer": ("101", "+79031112233"),
        "c2c-busy": ("101", "+79035556677"),
        "c2c-baddevice": ("199", "+79035556677"),
    }
    run = replay_clicks("click_to_call_failed.jsonl", clicks)
    results = {r.action_id: r for r in run.of(OriginateResult)}
    assert {a: (r.success, r.reason) for a, r in results.items()} == {
        "c2c-noanswer": (False, "operator did not answer"),
        "c2c-busy": (False, "client busy"),
        "c2c-baddevice": (False, "operator's device unavailable"),
    }
    assert results["c2c-noanswer"].reason_code == 3
    assert results["c2c-baddevice"].reason_code == 0
    noanswer, busy = run.records  # the bad device never made a channel: nothing to log
    assert (noanswer.disposition, noanswer.reason, noanswer.answered_by) == (
        "failed",
        "operator did not answer",
        None,
    )
    assert (busy.disposition, busy.reason, busy.number) == ("failed", "client busy", "+79035556677")
    for call in (noanswer, busy):
        assert call.direction == "outbound" and call.operators_rung == ("101",)
    assert run.tracker.live_calls() == []


def test_resync_capture_replayed_live() -> None:
    """The three calls of resync_actions.jsonl, from the live events alone."""
    run = replay("resync_actions.jsonl")
    by_number = {r.number: r for r in run.records}
    first, second, queued = (by_number[n] for n in ("+79161234567", "+79032223344", "+74957654321"))
    assert (first.answered_by, first.disposition) == ("101", "answered")
    assert (second.answered_by, second.name) == ("102", "Кузнецов")
    assert seconds(first.talk_s, 12.0) and seconds(second.talk_s, 12.0)
    assert (queued.queue, queued.operators_rung, queued.disposition) == (
        "dispatch",
        ("103",),
        "abandoned",
    )
    assert queued.name is None  # CallerIDName <unknown>
    assert seconds(queued.wait_s, 12.0)


def test_login_failed_has_no_calls() -> None:
    run = replay("login_failed.jsonl")
    assert run.out == [] and run.tracker.live_calls() == []


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.jsonl")), ids=lambda p: p.stem)
def test_every_capture_replays_cleanly(path: Path) -> None:
    """No capture leaves a call behind, an unknown event, or an error in the tracker."""
    run = replay(path.name)
    stats = run.tracker.stats
    assert stats["errors"] == 0 and stats["malformed"] == 0 and stats["unknown_events"] == 0
    assert stats["calls_started"] == stats["calls_ended"] == len(run.records)
    assert run.tracker.live_calls() == []
    linkedids = [r.linkedid for r in run.records]
    assert len(linkedids) == len(set(linkedids))  # one row per call
