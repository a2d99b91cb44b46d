"""Every recorded session end to end: the simulator replays it over real TCP on 127.0.0.1,
an AmiClient (panoramisk's parser) receives it, a CallTracker concludes, and the README's
conclusions hold — the same table the tracker-alone tests use.

Replays run as fast as the socket goes, so the recorded timing is gone and wait/talk are
not checked there; two short captures are also replayed at the recorded speed, where they
are. The test plays the recorded console's part: it sends each recorded action (the
Originates through ``AmiClient.originate``, announced to the tracker first, as the desk
does) once it has seen the events the console had seen, and the simulator answers with the
client's own ActionIDs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
from datetime import datetime
from typing import Any

import pytest

from pbx.call_events import CallEnded, CallEvent, LiveCall
from pbx.capture import parse_message, read_capture
from pbx.connection_state import LinkState
from pbx.simulator import AmiSimulator
from pbx.simulator.wire import BANNER
from tests.ami_support import (
    FIXTURES,
    SECRET,
    USER,
    CaptureRun,
    client_for,
    collect,
    is_state,
    play_capture,
    states_only,
)
from tests.tracker_support import (
    CONCLUSIONS,
    Replay,
    check_conclusions,
    make_tracker,
    replay_clicks,
)

REPLAYED = sorted(n for n in CONCLUSIONS if n != "login_failed.jsonl")


async def replayed(name: str, speed: float = 0.0) -> CaptureRun:
    return await play_capture(FIXTURES / name, speed=speed, clicks=CONCLUSIONS[name].clicks)


def untimed(out: list[CallEvent], action_ids: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Call events with their times left out and the console's ActionIDs put back to the
    recorded ones, to compare a TCP replay with the tracker fed from the file."""
    recorded = {sent: rec for rec, sent in action_ids.items()}
    shaped: list[tuple[str, dict[str, Any]]] = []
    for event in out:
        value = event.record if isinstance(event, CallEnded) else event
        fields = {
            k: recorded.get(v, v) if k == "action_id" else v
            for k, v in dataclasses.asdict(value).items()
            if not isinstance(v, datetime) and k not in ("wait_s", "talk_s")
        }
        shaped.append((type(event).__name__, fields))
    return shaped


@pytest.mark.parametrize("name", REPLAYED)
async def test_capture_over_tcp_gives_the_readme_conclusions(name: str) -> None:
    run = await replayed(name)
    expected = CONCLUSIONS[name]
    check_conclusions(run.out, expected, timing=False, action_ids=run.action_ids)
    assert run.tracker.live_calls() == []
    # Same calls, same popups, same progress as the tracker fed straight from the file.
    alone = replay_clicks(name)
    assert untimed(run.out, run.action_ids) == untimed(alone.out, {})
    # Nothing lost on the way: every event Asterisk sent reached the tracker, parsed alike.
    records = read_capture(FIXTURES / name)
    sent = [parse_message(r.raw) for r in records if r.raw.startswith("Event:")]
    renamed = {v: k for k, v in run.action_ids.items()}
    got = [
        {k: renamed.get(v, v) if k == "ActionID" else v for k, v in e.headers.items()}
        for e in run.events
    ]
    assert got == sent
    assert run.stats is not None and run.stats.malformed == 0
    stats = run.tracker.stats
    assert stats["errors"] == stats["malformed"] == stats["unknown_events"] == 0
    assert states_only(run.items)[:2] == [LinkState.CONNECTING, LinkState.UP]


async def test_click_to_call_over_tcp_sends_one_originate_per_recorded_click() -> None:
    for name in ("click_to_call.jsonl", "click_to_call_failed.jsonl"):
        run = await replayed(name)
        clicks = CONCLUSIONS[name].clicks
        assert sorted(run.action_ids) == sorted(c.action_id for c in clicks)
        assert all(sent.startswith("c2c-") for sent in run.action_ids.values())
        assert len(set(run.action_ids.values())) == len(clicks)


async def test_resync_lists_over_tcp_describe_two_talking_calls_and_one_waiting() -> None:
    """The list answers of resync_actions.jsonl, asked by the client, rebuild the calls."""
    run = await replayed("resync_actions.jsonl")
    assert set(run.lists) == {"CoreShowChannels", "Status", "QueueStatus", "QueueSummary"}
    fresh = make_tracker()
    items = run.lists["CoreShowChannels"] + run.lists["QueueStatus"]
    listed_at = items[-1].received_at
    Replay(fresh).resync(items, listed_at)
    live = sorted(fresh.live_calls(), key=lambda c: c.number or "")
    assert [(c.number, c.state, c.talking, c.ringing, c.queue) for c in live] == [
        ("+74957654321", "ringing", None, ("103",), "dispatch"),  # waiting, 103 rings
        ("+79032223344", "talking", "102", (), None),
        ("+79161234567", "talking", "101", (), None),
    ]
    assert all(isinstance(c, LiveCall) for c in live)


@pytest.mark.slow
async def test_recorded_timing_over_tcp_gives_the_readme_times() -> None:
    """At the recorded speed the client's arrival stamps keep the timing: wait and talk
    come out as the README says (±0.5 s). Both captures play at once (~8 s)."""
    names = ("inbound_answered.jsonl", "inbound_missed.jsonl")
    runs = await asyncio.gather(*(replayed(n, speed=1.0) for n in names))
    for name, run in zip(names, runs, strict=True):
        check_conclusions(run.out, CONCLUSIONS[name], timing=True)


async def test_login_failed_capture_refused_once_without_hammering(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """login_failed.jsonl: the simulator answers a wrong secret as Asterisk did; the client
    says so once and retries only after its slow login delay."""
    records = read_capture(FIXTURES / "login_failed.jsonl")
    [login] = [parse_message(r.raw) for r in records if r.dir == "send"]
    [answer] = [r.raw for r in records if r.raw.startswith("Response:")]
    caplog.set_level(logging.DEBUG)
    retry = 0.3
    async with AmiSimulator(port=0, username=USER, secret=SECRET, auth_fail_delay=0.05) as sim:
        # The recorded Login, byte for byte, gets the recorded answer, then the PBX hangs up.
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        assert (await reader.readline()).decode() == BANNER
        writer.write(next(r.raw for r in records if r.dir == "send").encode())
        assert (await reader.readuntil(b"\r\n\r\n")).decode() == answer
        assert await reader.read() == b""
        writer.close()

        ami = client_for(sim, username=login["Username"], secret=login["Secret"],
                         login_retry_delay=retry)  # fmt: skip
        async with ami:
            items = await collect(ami, is_state(LinkState.LOGIN_REFUSED))
            await sim.wait_failed_logins(1 + 3)  # the raw one above, then three tries
            assert ami.state.state is LinkState.LOGIN_REFUSED
        assert states_only(items) == [LinkState.CONNECTING, LinkState.LOGIN_REFUSED]
        # Each retry waited at least the slow login delay (the clock only bounds from below).
        tries = sim.connected_at[1:]
        assert all(b - a >= retry for a, b in itertools.pairwise(tries))
    refused = [r for r in caplog.records if "login_refused" in r.getMessage()]
    assert len(refused) == 1
    assert all(login["Secret"] not in r.getMessage() for r in caplog.records)
