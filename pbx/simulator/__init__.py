"""A built-in Asterisk (AMI) simulator: replay a capture or generate inbound traffic.

``run_simulator`` is what ``opconsole pbx-sim`` runs; tests use ``AmiSimulator`` directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from pbx.simulator.generator import Generator, GeneratorConfig
from pbx.simulator.server import AmiSimulator, Session, SimulatorError

__all__ = [
    "AmiSimulator",
    "Generator",
    "GeneratorConfig",
    "Session",
    "SimulatorError",
    "run_simulator",
]

log = logging.getLogger(__name__)


async def run_simulator(
    *,
    host: str,
    port: int,
    username: str,
    secret: str,
    replay: Path | None,
    speed: float,
    rate_per_min: float,
    operators: Sequence[str],
    known_numbers: Sequence[str],
    first_call_after: float | None = None,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve AMI on host:port until cancelled; `ready(port)` once it listens.

    Raises SimulatorError (before `ready`) when it cannot listen there.

    With ``replay``: every client that logs in gets the capture played to it (``speed`` 1 is
    the recorded timing, 0 as fast as possible); recorded actions it does not send within
    5 s are skipped, and the connection stays open afterwards. Without: inbound calls are
    generated at ``rate_per_min`` (``speed`` scales how fast each call plays); a rate of 0
    generates none.
    """
    async with AmiSimulator(
        host,
        port,
        username,
        secret,
        operators=operators or ("IAX2/op101", "IAX2/op102", "IAX2/op103"),
        dynamic_queues=("night",),  # where the demo's supervisor logs operators in and out
        call_speed=speed if speed > 0 and replay is None else 1.0,
    ) as sim:
        log.info("AMI simulator listening on %s:%d", host, sim.port)
        if ready is not None:
            ready(sim.port)
        if replay is not None:
            while True:
                await sim.replay(replay, speed=speed, action_wait=5.0, close_at_end=False)
        sim.start_generator(
            GeneratorConfig(
                rate_per_min=rate_per_min,
                known_numbers=known_numbers,
                first_call_after=first_call_after,
            )
        )
        await asyncio.Event().wait()
