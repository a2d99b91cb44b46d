"""AmiClient against the simulator over real TCP on 127.0.0.1: login, keepalive, reconnect,
timeouts, actions in flight at a drop, OriginateResponse delivery, secret hygiene.

The client's waits (keepalive, backoff, login retry, timeouts) run on `FakeTimers`: the
tests say when seconds pass instead of waiting for them."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest

from pbx.ami_event import AmiEvent
from pbx.connection_state import ConnectionState, LinkProblem, LinkState
from pbx.errors import (
    ActionFailedError,
    ActionTimeoutError,
    NotConnectedError,
    OriginateOutcomeUnknownError,
)
from pbx.originate import ClickToCall
from pbx.simulator import AmiSimulator
from tests.ami_support import (
    FAST_BACKOFF,
    SECRET,
    USER,
    client_for,
    collect,
    events_only,
    is_state,
    states_only,
)
from tests.fake_timers import FakeTimers

PING = 30.0  # keepalive interval where a test moves the clock by reconnect backoffs


@pytest.fixture
async def sim() -> AsyncIterator[AmiSimulator]:
    async with AmiSimulator(port=0, username=USER, secret=SECRET, auth_fail_delay=0.05) as s:
        yield s


async def test_login_ok_reports_connecting_then_up_with_snapshot(sim: AmiSimulator) -> None:
    async with client_for(sim) as ami:
        items = await collect(ami, is_state(LinkState.UP))
        assert states_only(items) == [LinkState.CONNECTING, LinkState.UP]
        up = items[-1]
        assert isinstance(up, ConnectionState) and up.snapshot is not None
        assert [e.name for e in up.snapshot][:1] == ["QueueParams"]  # no channels yet
        assert "FullyBooted" in [e.name for e in events_only(items)]
        pong = await ami.send_action({"Action": "Ping"})
        assert pong["Ping"] == "Pong"
    assert sim.action_counts["logoff"] == 1  # closing logs off politely


async def test_refused_login_reported_once_and_retried_slowly(
    sim: AmiSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    timers = FakeTimers()
    ami = client_for(sim, secret="wrong-secret", login_retry_delay=45.0, timers=timers)
    async with ami:
        items = await collect(ami, is_state(LinkState.LOGIN_REFUSED))
        for tries in (1, 2, 3):
            (retry_in,) = await timers.sleeping()
            assert sim.failed_logins == tries
            assert 45.0 <= retry_in <= 45.0 * 1.25  # 45 s plus up to 25 % jitter
            timers.advance(retry_in)
        await timers.sleeping()
        with pytest.raises(NotConnectedError):
            await ami.send_action({"Action": "Ping"})
        assert ami.state.state is LinkState.LOGIN_REFUSED
        assert "login refused" in ami.state.detail
        assert ami.state.problem is LinkProblem.LOGIN_REFUSED
    assert sim.connections == sim.failed_logins == 4
    assert states_only(items) == [LinkState.CONNECTING, LinkState.LOGIN_REFUSED]
    refused_logs = [r for r in caplog.records if "login_refused" in r.getMessage()]
    assert len(refused_logs) == 1
    assert all("wrong-secret" not in r.getMessage() for r in caplog.records)


async def test_a_port_nobody_listens_on_is_reported_as_a_refused_connection(
    sim: AmiSimulator,
) -> None:
    """The problem and its cause come as data (the console words them), not only as text."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    async with client_for(sim, port=closed_port) as ami:
        items = await collect(ami, is_state(LinkState.DOWN), timeout_s=3)
    down = items[-1]
    assert isinstance(down, ConnectionState)
    assert down.problem is LinkProblem.CANNOT_CONNECT
    assert down.cause == "ECONNREFUSED"


async def test_keepalive_notices_black_holed_server(sim: AmiSimulator) -> None:
    timers = FakeTimers()
    async with client_for(sim, ping_interval=5.0, timers=timers) as ami:
        await collect(ami, is_state(LinkState.UP))
        assert await timers.sleeping() == [5.0]  # the first ping, one interval after up
        sim.black_hole = True  # stops answering, keeps the socket open, no FIN
        timers.advance(5.0)
        for _missed in (1, 2):
            assert await timers.sleeping("timeout") == [5.0]  # a ping awaits its answer
            assert ami.state.is_up
            timers.advance(5.0)
        items = await collect(ami, is_state(LinkState.DOWN))
        down = items[-1]
        assert isinstance(down, ConnectionState)
        assert "no answer to 2 keepalive pings" in down.detail
        assert down.problem is LinkProblem.KEEPALIVE
        sim.black_hole = False
        sim.drop_connections()
        await _reconnect(timers)
        await collect(ami, is_state(LinkState.UP))


async def test_reconnects_after_server_drop_and_resyncs(sim: AmiSimulator) -> None:
    timers = FakeTimers()
    async with client_for(sim, ping_interval=PING, timers=timers) as ami:
        await collect(ami, is_state(LinkState.UP))
        linkedid = sim.start_call("direct_answered")

        def call_started(item: object) -> bool:
            return isinstance(item, AmiEvent) and item.get("Linkedid") == linkedid

        await collect(ami, call_started)
        sim.drop_connections()
        await _reconnect(timers)
        items = await collect(ami, is_state(LinkState.UP))
        assert states_only(items) == [LinkState.DOWN, LinkState.UP]
        down = next(i for i in items if isinstance(i, ConnectionState))
        assert down.problem is LinkProblem.CLOSED
        up = items[-1]
        assert isinstance(up, ConnectionState) and up.snapshot is not None
        live = {e.get("Linkedid") for e in up.snapshot if e.name == "CoreShowChannel"}
        assert live == {linkedid}

        async def refused_while_down() -> None:
            await collect(ami, is_state(LinkState.DOWN))
            await _reconnect(timers)  # nobody listens: refused, backs off again
            await timers.sleeping(within=FAST_BACKOFF.maximum)

        await sim.restart(downtime=0.0, during=refused_while_down)
        await _reconnect(timers)
        items = await collect(ami, is_state(LinkState.UP))
        assert states_only(items) == [LinkState.UP]  # still down after the refused try
    assert sim.connections == 3


async def _reconnect(timers: FakeTimers) -> None:
    """Let the backoff after a failure pass: the client connects again. (Its keepalive
    pings every PING seconds, far beyond any backoff: it is not what moves here.)"""
    (backoff,) = await timers.sleeping(within=FAST_BACKOFF.maximum)
    timers.advance(backoff)


async def test_action_timeout(sim: AmiSimulator) -> None:
    sim.hold_actions.add("status")
    timers = FakeTimers()
    async with client_for(sim, action_timeout=10.0, timers=timers) as ami:
        await collect(ami, is_state(LinkState.UP))
        status = asyncio.create_task(ami.send_action({"Action": "Status"}))
        assert await timers.sleeping("timeout") == [10.0]
        timers.advance(10.0)
        with pytest.raises(ActionTimeoutError, match="Status"):
            await status
        assert ami.state.is_up  # a slow action is not a dead connection


async def test_error_response_raises(sim: AmiSimulator) -> None:
    async with client_for(sim) as ami:
        await ami.wait_until_up(3)
        with pytest.raises(ActionFailedError, match="No such channel"):
            await ami.send_action({"Action": "Hangup", "Channel": "IAX2/op101-nope"})
        with pytest.raises(ActionFailedError):
            await ami.list_action("NoSuchList")


async def test_originate_in_flight_at_drop_fails_and_is_never_resent(sim: AmiSimulator) -> None:
    sim.hold_actions.add("originate")
    async with client_for(sim) as ami:
        await collect(ami, is_state(LinkState.UP))
        call = ClickToCall("IAX2/op101", "89031112233", "outbound", "Клиент Смирнов")
        pending = asyncio.create_task(ami.originate(call))
        await sim.wait_actions("originate")
        sim.drop_connections()
        with pytest.raises(OriginateOutcomeUnknownError, match="outcome unknown"):
            await pending
        await collect(ami, is_state(LinkState.UP), timeout_s=5)
        # A full round trip after the reconnect: a re-sent Originate would have gone first.
        await ami.send_action({"Action": "Ping"})
    assert sim.action_counts["originate"] == 1


async def test_originate_response_reaches_events(sim: AmiSimulator) -> None:
    async with client_for(sim) as ami:
        await ami.wait_until_up(3)
        sim.call_speed = 20.0
        call = ClickToCall("IAX2/op101", "89031112233", "outbound", "Клиент Смирнов")
        assert await ami.originate(call) == call.action_id

        def done(item: object) -> bool:
            return isinstance(item, AmiEvent) and item.name == "OriginateResponse"

        items = await collect(ami, done, timeout_s=5)
        response = items[-1]
        assert isinstance(response, AmiEvent)
        assert response.get("ActionID") == call.action_id
        assert response.get("Response") == "Success" and response.get("Reason") == "4"


async def test_secret_never_in_repr_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with AmiSimulator(port=0, username=USER, secret="s3cr3t-value") as sim:
        timers = FakeTimers()
        ami = client_for(sim, secret="s3cr3t-value", ping_interval=PING, timers=timers)
        assert "s3cr3t-value" not in repr(ami)
        async with ami:
            await collect(ami, is_state(LinkState.UP))
            with pytest.raises(ActionTimeoutError) as info:
                await ami.send_action({"Action": "Ping"}, timeout_s=0.0)
            assert "s3cr3t-value" not in str(info.value)
            sim.drop_connections()
            await _reconnect(timers)  # logs the drop, then logs in again
            await collect(ami, is_state(LinkState.UP))
    assert all("s3cr3t-value" not in r.getMessage() for r in caplog.records)


async def test_failing_consumer_code_does_not_drop_the_connection(sim: AmiSimulator) -> None:
    """The sink is a plain enqueue; consumer exceptions stay in the consumer's task."""
    async with client_for(sim) as ami:
        await ami.wait_until_up(3)

        async def bad_consumer() -> None:
            async for item in ami.events():
                if isinstance(item, AmiEvent) and item.name == "Marker":
                    raise RuntimeError("consumer bug")

        sim.emit("Event: Marker\r\n\r\n")
        with pytest.raises(RuntimeError):
            await bad_consumer()
        assert ami.state.is_up
        await ami.send_action({"Action": "Ping"})
