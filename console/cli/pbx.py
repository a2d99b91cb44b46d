"""`opconsole record` (headless call recorder, runs as a service) and `opconsole pbx-sim`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import signal
from pathlib import Path
from typing import Any

from console.cli.common import CommandError, open_desk_database, open_journal
from console.config import Settings
from console.i18n import tr

log = logging.getLogger("opconsole.record")


def register(sub: Any) -> None:
    record = sub.add_parser(
        "record",
        help="without a screen: track calls on every [[pbx]], create clients, write the call log",
    )
    record.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    record.set_defaults(handler=record_command)

    sim = sub.add_parser(
        "pbx-sim",
        help="run the built-in AMI (Asterisk) simulator where the config's first [[pbx]] points",
    )
    sim.add_argument("--host", help="listen address (default: the first [[pbx]] host)")
    sim.add_argument("--port", type=int, help="listen port (default: the first [[pbx]] port)")
    sim.add_argument("--username", help="AMI user (default: the first [[pbx]] username)")
    sim.add_argument(
        "--secret", help="the AMI secret clients must log in with (default: the first [[pbx]])"
    )
    sim.add_argument(
        "--replay",
        type=Path,
        metavar="FILE.jsonl",
        help="play a recorded AMI session instead of generating traffic",
    )
    sim.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="replay speed factor (2 = twice as fast, 0 = as fast as possible)",
    )
    sim.add_argument(
        "--rate", type=float, default=6.0, metavar="N", help="generated inbound calls per minute"
    )
    sim.add_argument(
        "--device",
        action="append",
        dest="devices",
        metavar="DEVICE",
        help="operator device to ring (repeatable; default: [[operators]])",
    )
    sim.set_defaults(handler=pbx_sim_command)


async def record_command(args: argparse.Namespace, settings: Settings) -> int:
    from console.desk import ConnectionStatus, Desk

    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(message)s")
    if not settings.pbx:
        raise CommandError(tr("cli.record.no_pbx"))
    async with open_desk_database(settings) as database:
        desk = Desk(settings, database.sessions, role="record", prepare_database=database.prepare)
        await open_journal(desk)
        log.info("journal: %s", desk.outbox.journal.path)
        runner = asyncio.create_task(desk.run())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        async def log_states() -> None:
            async for event in desk.listen():
                if isinstance(event, ConnectionStatus):
                    log.info(
                        "pbx %s: %s%s",
                        event.server,
                        event.state,
                        f" ({event.detail})" if event.detail else "",
                    )

        logger = asyncio.create_task(log_states())
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        failure = runner.exception() if runner.done() and not runner.cancelled() else None
        log.info("stopping: flushing the call log")
        if failure is None:
            await desk.flush()  # the outbox still runs: it writes what it can meanwhile
        for task in (runner, logger, stopper):
            task.cancel()
        for task in (runner, logger, stopper):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    if failure is not None:
        log.error("recorder stopped by an error: %s", failure)
        return 1
    log.info("stopped")
    return 0


async def pbx_sim_command(args: argparse.Namespace, settings: Settings) -> int:
    check_rate(args.rate)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise CommandError(tr("cli.sim.bad_port", port=args.port), exit_code=2)
    if args.replay is not None and not args.replay.is_file():
        raise CommandError(tr("cli.sim.no_capture", file=args.replay))
    devices = (
        args.devices
        or [o.device for o in settings.operators]
        or ["IAX2/op101", "IAX2/op102", "IAX2/op103"]
    )
    first = settings.pbx[0] if settings.pbx else None
    host = args.host or (first.host if first else "127.0.0.1")
    port = args.port if args.port is not None else (first.port if first else 5038)
    username = args.username or (first.username if first else "console")
    secret = args.secret or (first.secret.reveal() if first else "console-secret")
    simulator, port = await start_simulator(
        host=host,
        port=port,
        username=username,
        secret=secret,
        replay=args.replay,
        speed=args.speed,
        rate_per_min=args.rate,
        operators=devices,
        known_numbers=[],
    )
    print(tr("cli.sim.listening", host=host, port=port, username=username), flush=True)
    await simulator
    return 0


def check_rate(rate: float) -> None:
    """Calls per minute: 0 or more (NaN and infinity are no rate)."""
    if not 0 <= rate < math.inf:
        raise CommandError(tr("cli.sim.bad_rate", rate=rate), exit_code=2)


async def start_simulator(**options: Any) -> tuple[asyncio.Task[None], int]:
    """`run_simulator(**options)` in a task, once it listens: (the task, its port).

    A simulator that cannot listen (port in use, out of range, no such address) is one
    line and exit 2, before anything connects to whatever else listens there.
    """
    from pbx.simulator import SimulatorError, run_simulator

    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_simulator(**options, ready=listening.set_result))
    waiting: set[asyncio.Future[Any]] = {task, listening}
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    if listening.done():
        return task, listening.result()
    try:
        await task
    except SimulatorError as exc:
        reason = tr("cli.sim.cannot_listen", host=exc.host, port=exc.port, reason=exc.reason)
        raise CommandError(reason, exit_code=2) from None
    raise RuntimeError("the simulator stopped before it listened")  # it serves until cancelled
