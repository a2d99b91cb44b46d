"""Calls between the desk's own phones are internal: no outside number, never a client.

No capture has one operator dialling another, so the recorded direct call
(inbound_answered: the trunk dials 5000, 101 answers) is replayed with its calling leg
moved from the trunk `IAX2/pstn` to operator 102's phone — the same events Asterisk sends
for any Dial, from another device.
"""

from __future__ import annotations

from pbx.call_events import CallAnswered, CallRinging
from pbx.capture import to_event
from pbx.simulator.templates import Step, instantiate, templates
from tests.tracker_support import BASE_EPOCH, SERVER, Replay, make_tracker, replay, replay_clicks

DESK_PUBLIC_NUMBER = "+74950000000"


def colleague_call_steps(*, caller: str, caller_id: str, callee: str) -> list[Step]:
    """The recorded direct call, placed from operator device `caller` to device `callee`."""
    return instantiate(
        templates()["direct_answered"],
        devices={"IAX2/op101": callee, "IAX2/pstn": caller},
        number=caller_id,
        caller_name="<unknown>",
    )


def replay_steps(steps: list[Step]) -> Replay:
    run = Replay(make_tracker())
    for step in steps:
        event = to_event(step.raw, server=SERVER, received_at=BASE_EPOCH + step.dt)
        if event is not None:
            run.feed([event])
    return run


def test_operator_calling_a_colleague_is_internal() -> None:
    run = replay_steps(
        colleague_call_steps(caller="IAX2/op102", caller_id="102", callee="IAX2/op101")
    )
    [record] = run.records
    assert record.direction == "internal"
    assert record.number is None
    assert (record.operators_rung, record.answered_by, record.disposition) == (
        ("101",),
        "101",
        "answered",
    )
    [ringing] = run.of(CallRinging)
    assert (ringing.direction, ringing.kind, ringing.number) == ("internal", "internal", None)
    assert [a.extension for a in run.of(CallAnswered)] == ["101"]


def test_colleague_presenting_the_desk_public_number_is_still_internal() -> None:
    """Phones often send the company's own number as caller ID: it is not a caller."""
    steps = colleague_call_steps(
        caller="IAX2/op102", caller_id=DESK_PUBLIC_NUMBER, callee="IAX2/op101"
    )
    run = replay_steps(steps)
    [ringing] = run.of(CallRinging)
    assert (ringing.direction, ringing.kind, ringing.number) == ("internal", "internal", None)
    [record] = run.records
    assert (record.direction, record.number) == ("internal", None)


def test_click_to_call_is_still_outbound_when_it_fails_before_the_client_leg() -> None:
    """Only a call with an outside party is outbound: a failed click-to-call has one (the
    number it announced, also in its CallerID for a recorder that did not place it), even
    though the client's phone was never dialled (c2c-noanswer)."""
    for run in (replay_clicks("click_to_call_failed.jsonl"), replay("click_to_call_failed.jsonl")):
        assert [(r.direction, r.number) for r in run.records] == [
            ("outbound", "+79031112233"),
            ("outbound", "+79035556677"),
        ]
