"""Asterisk goes away mid-call and comes back (pbx level: simulator → AmiClient → tracker).

Calls are played in two parts: up to a point (ringing, talking), then — during the outage,
after the reconnect, or never — the rest. So which calls end while nobody listens is
decided by the test, not by a clock. After the reconnect the client's snapshot
(CoreShowChannels + QueueStatus, in ``ConnectionState.snapshot``) is all the tracker learns
of the outage: the live calls must match what the PBX really has, calls that ended in
between close exactly once at the moment the link was lost, and nothing pops twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence

import pytest

from pbx.call_events import (
    CallAnswered,
    CallEnded,
    CallEvent,
    CallRecord,
    CallRinging,
    OriginateProgress,
    OriginateResult,
)
from pbx.capture import parse_message
from pbx.connection_state import ConnectionState, LinkState
from pbx.errors import OriginateOutcomeUnknownError
from pbx.originate import ClickToCall
from pbx.simulator import AmiSimulator
from pbx.simulator.templates import Step
from tests.ami_support import SECRET, USER, Tracking, client_for, is_state

OP101, OP102, OP103 = "IAX2/op101", "IAX2/op102", "IAX2/op103"


@pytest.fixture
async def sim() -> AsyncIterator[AmiSimulator]:
    async with AmiSimulator(
        port=0, username=USER, secret=SECRET, operators=(OP101, OP102, OP103), call_speed=50.0
    ) as s:
        yield s


def split(steps: Sequence[Step], at: str) -> tuple[list[Step], list[Step]]:
    """The steps before the first ``at`` event, and from it on (timed from it)."""
    i = next(k for k, s in enumerate(steps) if s.raw.startswith(f"Event: {at}\r\n"))
    t0 = steps[i].dt
    return list(steps[:i]), [Step(s.dt - t0, s.raw) for s in steps[i:]]


def parts(
    sim: AmiSimulator, template: str, device: str, number: str
) -> tuple[list[Step], list[Step]]:
    """A recorded call with fresh ids: up to its first HangupRequest, and the rest."""
    return split(sim.call_steps(template, devices=[device], number=number), "HangupRequest")


def linkedid_of(steps: Sequence[Step]) -> str:
    return next(h["Linkedid"] for s in steps if "Linkedid" in (h := parse_message(s.raw)))


def records(out: Sequence[CallEvent]) -> list[CallRecord]:
    return [e.record for e in out if isinstance(e, CallEnded)]


def popups(out: Sequence[CallEvent]) -> Counter[tuple[str, str]]:
    return Counter(
        (e.linkedid, ext) for e in out if isinstance(e, CallRinging) for ext in e.started
    )


async def test_restart_mid_call_resyncs_live_calls_and_closes_the_ended_once(
    sim: AmiSimulator,
) -> None:
    async with client_for(sim) as ami:
        track = Tracking(ami)
        await track.until(is_state(LinkState.UP))

        # Before the outage: A talks to 101, B to 102; C and D wait in the queue, 103 rings.
        a_head, a_tail = parts(sim, "direct_answered", OP101, "+79160000001")
        b_head, b_tail = parts(sim, "direct_answered", OP102, "+79160000002")
        c_head, c_tail = parts(sim, "queue_abandoned", OP103, "+74950000003")
        d_head, d_tail = parts(sim, "queue_abandoned", OP103, "+74950000004")
        e_head, e_tail = parts(sim, "direct_answered", OP102, "+79160000005")
        a, b, c, d = (sim.play(h) for h in (a_head, b_head, c_head, d_head))
        await sim.wait_calls()
        before = await track.sync(sim)
        live = {x.linkedid: x for x in track.tracker.live_calls()}
        assert (live[a].talking, live[b].talking) == ("101", "102")
        assert live[c].ringing == live[d].ringing == ("103",)
        assert popups(before) == Counter([(a, "101"), (b, "102"), (c, "103"), (d, "103")])
        answered_before = sum(isinstance(e, CallAnswered) for e in before)

        # The outage: B hangs up, C gives up, E arrives and is answered, F comes and goes.
        e = linkedid_of(e_head)
        f: list[str] = []

        async def meanwhile() -> None:
            sim.play(b_tail)
            sim.play(c_tail)
            await sim.wait_calls()
            e_id = sim.play(e_head)
            f.append(sim.start_call("direct_missed", devices=[OP103], number="+79160000006"))
            await sim.wait_calls()
            assert e_id == e

        await sim.restart(downtime=0.2, during=meanwhile)
        resynced = await track.until(is_state(LinkState.UP))

        states = [i for i in track.items if isinstance(i, ConnectionState)]
        down, up = states[-2], states[-1]
        assert (down.state, up.state) == (LinkState.DOWN, LinkState.UP)
        assert up.snapshot is not None

        # Live now: exactly what the PBX has.
        live = {x.linkedid: x for x in track.tracker.live_calls()}
        assert set(live) == {a, d, e}
        assert {ch.fields["Linkedid"] for ch in sim.mirror.channels.values()} == {a, d, e}
        assert (live[a].state, live[a].talking) == ("talking", "101")
        assert (live[d].ringing, live[d].queue) == (("103",), "dispatch")
        assert (live[e].state, live[e].talking, live[e].number) == (
            "talking",
            "102",
            "+79160000005",
        )
        # Ended during the outage: closed once, when the link was lost, as they ended.
        ended = {r.linkedid: r for r in records(resynced)}
        assert set(ended) == {b, c}
        assert (ended[b].answered_by, ended[b].disposition) == ("102", "answered")
        assert (ended[c].operators_rung, ended[c].disposition) == (("103",), "abandoned")
        assert ended[b].ended_at == ended[c].ended_at == down.since
        # Nothing pops again; E (talking when we came back) shows as 102's call, once.
        assert not [p for p in popups(resynced) if p[0] in (a, b, c, d)]
        assert [(x.linkedid, x.extension) for x in resynced if isinstance(x, CallAnswered)] == [
            (e, "102")
        ]

        # After the reconnect the rest plays out: A, D and E end; B and C do not end again.
        for tail in (a_tail, d_tail, e_tail):
            sim.play(tail)
        await sim.wait_calls()
        await track.sync(sim)

    logged = records(track.out)
    assert sorted(r.linkedid for r in logged) == sorted([a, b, c, d, e])  # once each, no F
    assert f and f[0] not in {r.linkedid for r in logged}
    assert track.tracker.live_calls() == []
    assert all(n == 1 for n in popups(track.out).values())
    assert sum(isinstance(x, CallAnswered) for x in track.out) == answered_before + 1  # E
    by_id = {r.linkedid: r for r in logged}
    assert (by_id[a].answered_by, by_id[a].disposition) == ("101", "answered")
    assert (by_id[d].disposition, by_id[e].answered_by) == ("abandoned", "102")
    assert by_id[a].ended_at > down.since  # A ended after the reconnect, where it really did


async def test_originate_in_flight_when_the_pbx_restarts_is_reported_unknown_never_resent(
    sim: AmiSimulator,
) -> None:
    """The desk's click-to-call path: announce, send, and on a drop forget it; after the
    PBX comes back the Originate has still been received exactly once."""
    sim.hold_actions.add("originate")  # received, never answered
    async with client_for(sim) as ami:
        track = Tracking(ami)
        await track.until(is_state(LinkState.UP))
        call = ClickToCall(OP101, "89031112233", "outbound", "Клиент Смирнов")
        track.tracker.expect_originate(call.action_id, "101", call.dial_string)
        pending = asyncio.create_task(ami.originate(call))
        await sim.wait_actions("originate")  # on the wire, its answer held
        await sim.restart(downtime=0.2)
        with pytest.raises(OriginateOutcomeUnknownError) as info:
            await pending
        assert info.value.action_id == call.action_id
        track.tracker.forget_originate(call.action_id)
        await track.until(is_state(LinkState.UP))
        assert (await ami.send_action({"Action": "Ping"}))["Ping"] == "Pong"
        await track.sync(sim)
    assert sim.action_counts["originate"] == 1
    assert sim.connections == 2
    assert not [e for e in track.out if isinstance(e, OriginateProgress | OriginateResult)]


async def test_originate_without_answer_times_out_as_unknown_and_is_not_resent(
    sim: AmiSimulator,
) -> None:
    sim.hold_actions.add("originate")
    async with client_for(sim, action_timeout=0.3) as ami:
        track = Tracking(ami)
        await track.until(is_state(LinkState.UP))
        call = ClickToCall(OP101, "89031112233", "outbound")
        with pytest.raises(OriginateOutcomeUnknownError, match="no answer from PBX"):
            await ami.originate(call)
        assert ami.state.is_up  # a slow PBX is not a dead link
        assert (await ami.send_action({"Action": "Ping"}))["Ping"] == "Pong"
    assert sim.action_counts["originate"] == 1
