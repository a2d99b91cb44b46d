"""Every recorded session replayed through the tracker alone: the README's conclusions hold.

tests/fixtures/ami/README.md says what a correct console concludes from each capture; the
conclusions themselves are one table (``tests.tracker_support.CONCLUSIONS``) shared with the
end-to-end replay over TCP (test_pbx_capture_replay). This file checks the table on the
tracker alone, with the recorded timing (±0.5 s), and adds what the UI sees on the way:
popups opening and closing, progress of click-to-call.
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
from tests.tracker_support import (
    CONCLUSIONS,
    FIXTURES,
    Replay,
    check_conclusions,
    replay,
    replay_clicks,
)


@pytest.mark.parametrize("name", sorted(CONCLUSIONS))
def test_readme_conclusions(name: str) -> None:
    """Direction, numbers, who rang/answered/took the transfer, disposition, reason, times."""
    run = replay_clicks(name)
    check_conclusions(run.out, CONCLUSIONS[name])
    assert run.tracker.live_calls() == []


def test_every_capture_has_its_conclusions() -> None:
    assert sorted(CONCLUSIONS) == sorted(p.name for p in FIXTURES.glob("*.jsonl"))


def only_call(run: Replay) -> CallRecord:
    assert len(run.records) == 1, run.records
    assert run.tracker.live_calls() == []
    return run.records[0]


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
    call = only_call(run)
    assert call.answered_at is not None and call.started_at < call.answered_at < call.ended_at


def test_inbound_missed_closes_the_popup_when_the_caller_hangs_up() -> None:
    run = replay("inbound_missed.jsonl")
    assert only_call(run).answered_at is None
    [stopped] = run.of(CallStoppedRinging)
    assert (stopped.extension, stopped.reason) == ("101", "caller_hung_up")


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


def test_queue_local_members_pop_once_per_operator() -> None:
    run = replay("queue_local_members.jsonl")
    assert [r.started for r in run.of(CallRinging)] == [("101",), ("102",), ("103",)]
    assert sorted(s.extension for s in run.of(CallStoppedRinging)) == ["102", "103"]


def test_blind_transfer_pops_the_target_and_hands_the_call_over() -> None:
    run = replay("blind_transfer.jsonl")
    only_call(run)
    [transfer] = run.of(CallTransferred)
    assert (transfer.from_extension, transfer.to_extension, transfer.kind) == (
        "101",
        "102",
        "blind",
    )
    # 102's console pops when its phone rings, and shows the call as 102's once answered.
    assert [r.started for r in run.of(CallRinging)] == [("101",), ("102",)]
    assert [a.extension for a in run.of(CallAnswered)] == ["101", "102"]


def test_click_to_call_progress() -> None:
    run = replay_clicks("click_to_call.jsonl")
    call = only_call(run)
    assert [p.stage for p in run.of(OriginateProgress)] == [
        "operator_ringing",
        "operator_answered",
        "client_ringing",
    ]
    [result] = run.of(OriginateResult)
    assert (result.action_id, result.success, result.linkedid) == ("c2c-1", True, call.linkedid)
    assert run.of(CallRinging) == []  # the operator's own click does not pop a popup


@pytest.mark.parametrize("name", ["click_to_call.jsonl", "click_to_call_failed.jsonl"])
def test_click_to_call_is_logged_the_same_without_the_console(name: str) -> None:
    """The headless recorder never announces clicks: it must log the same calls."""
    assert replay(name).records == replay_clicks(name).records


def test_login_failed_has_no_calls() -> None:
    run = replay("login_failed.jsonl")
    assert run.out == [] and run.tracker.live_calls() == []


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.jsonl")), ids=lambda p: p.stem)
def test_every_capture_replays_cleanly(path: Path) -> None:
    """No capture leaves a call behind, an unknown event, or an error in the tracker."""
    run = replay(path.name)
    stats = run.tracker.stats
    assert stats["errors"] == 0 and stats["malformed"] == 0 and stats["unknown_events"] == 0
    # Listen-in legs start like calls and end as supervision, never in the log.
    assert stats["calls_started"] - stats["supervision_legs"] == stats["calls_ended"]
    assert stats["calls_ended"] == len(run.records)
    assert run.tracker.live_calls() == []
    linkedids = [r.linkedid for r in run.records]
    assert len(linkedids) == len(set(linkedids))  # one row per call
