"""Helpers shared by the AMI tests: a fast client against a simulator, stream collectors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pbx.ami_client import AmiClient, StreamItem
from pbx.ami_event import AmiEvent
from pbx.capture import parse_message, read_capture
from pbx.connection_state import Backoff, ConnectionState, LinkState
from pbx.simulator import AmiSimulator

FIXTURES = Path(__file__).parent / "fixtures" / "ami"
CAPTURES = sorted(FIXTURES.glob("*.jsonl"))
USER, SECRET = "console", "console-secret"
FAST_BACKOFF = Backoff(initial=0.05, maximum=0.2)


def client_for(sim: AmiSimulator, **overrides: Any) -> AmiClient:
    """A client tuned for tests: quick keepalive and reconnects, short timeouts."""
    options: dict[str, Any] = {
        "server": "lab",
        "host": "127.0.0.1",
        "port": sim.port,
        "username": USER,
        "secret": SECRET,
        "ping_interval": 0.2,
        "action_timeout": 2.0,
        "connect_timeout": 2.0,
        "backoff": FAST_BACKOFF,
        "login_retry_delay": 0.5,
    }
    options.update(overrides)
    return AmiClient(**options)


async def collect(
    ami: AmiClient,
    until: Callable[[StreamItem], bool],
    *,
    timeout_s: float = 10.0,
) -> list[StreamItem]:
    """Items from ``ami.events()`` up to and including the first one ``until`` accepts."""
    items: list[StreamItem] = []

    async def run() -> None:
        async for item in ami.events():
            items.append(item)
            if until(item):
                return

    async with asyncio.timeout(timeout_s):
        await run()
    return items


def is_state(state: LinkState) -> Callable[[StreamItem], bool]:
    return lambda item: isinstance(item, ConnectionState) and item.state is state


def events_only(items: list[StreamItem]) -> list[AmiEvent]:
    return [i for i in items if isinstance(i, AmiEvent)]


def states_only(items: list[StreamItem]) -> list[LinkState]:
    return [i.state for i in items if isinstance(i, ConnectionState)]


def recorded_actions(path: Path) -> list[dict[str, str]]:
    """The actions the console sent in a capture, minus Login and Ping (the client's own)."""
    actions = []
    for record in read_capture(path):
        if record.dir == "send":
            headers = parse_message(record.raw)
            if headers.get("Action", "").lower() not in ("login", "ping"):
                actions.append(headers)
    return actions
