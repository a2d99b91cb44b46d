"""`opconsole` (the console itself) and `opconsole demo` (console + built-in PBX simulator).

Textual is imported here only inside the handlers, so headless commands never load it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any

from console.cli.common import (
    START_CHECK_S,
    CommandError,
    open_database,
    open_desk_database,
    open_journal,
)
from console.config import Settings, default_log_dir
from console.i18n import tr
from console.session_log import SessionLog, log_path
from console.terminal_watch import exit_when_terminal_closes
from storage.db import StorageError, safe_url

log = logging.getLogger("opconsole.console")

# Textual draws at most TEXTUAL_FPS screen updates a second and a change waits for the next
# one: at a desk a ringing caller's card should not wait for Textual's default 60 (see
# docs/performance.md). An idle console draws nothing either way. A desk that sets its own
# value keeps it.
DESK_FPS = "120"
# At a desk the interpreter hands the GIL to a waiting thread sooner than CPython's 5 ms:
# Textual's writer thread (an update's bytes to the terminal) and the aiosqlite threads (a
# card's query) otherwise wait for the UI thread's whole slice (figures in the doc).
DESK_SWITCH_INTERVAL = 0.0005


def use_desk_frame_rate() -> None:
    """Textual reads TEXTUAL_FPS once, when it is first imported: call before that."""
    os.environ.setdefault("TEXTUAL_FPS", DESK_FPS)


@contextlib.contextmanager
def desk_switch_interval() -> Iterator[None]:
    """The desk's GIL switch interval while the console runs; the old one after."""
    saved = sys.getswitchinterval()
    sys.setswitchinterval(DESK_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(saved)


def register(sub: Any) -> None:
    demo = sub.add_parser(
        "demo",
        help="run the console against the built-in PBX simulator (the config's first [[pbx]])",
    )
    demo.add_argument(
        "--rate",
        type=float,
        default=6.0,
        metavar="N",
        help="simulated inbound calls per minute (default 6)",
    )
    demo.set_defaults(handler=run_demo)


async def run_console(args: argparse.Namespace, settings: Settings) -> int:
    use_desk_frame_rate()
    path = log_path(default_log_dir())
    try:
        logged: SessionLog | None = SessionLog(path).start()
    except OSError as exc:
        # A desk needs its console more than the console's log: said, and started anyway.
        print(
            f"opconsole: {tr('cli.console.no_log', path=path, error=exc.strerror)}", file=sys.stderr
        )
        logged = None
    try:
        code = await _run_console(settings)
    finally:
        if logged is not None:
            logged.stop()
    if logged is not None and logged.warnings:  # the screen is gone: say where they are
        print(f"opconsole: {tr('cli.console.log_warnings', path=path)}", file=sys.stderr)
    return code


async def _run_console(settings: Settings) -> int:
    from console.app import ConsoleApp
    from console.desk import Desk
    from console.idle_gc import IdleCollector

    async with open_desk_database(settings) as database:
        desk = Desk(settings, database.sessions, prepare_database=database.prepare)
        await open_journal(desk)
        log.info(
            "console of %s started: database %s, journal %s",
            settings.me.extension,
            safe_url(settings.database.url),
            desk.outbox.journal.path,
        )
        app = ConsoleApp.at_desk(settings, database.sessions, desk, idle_gc=IdleCollector())
        watch = asyncio.create_task(exit_when_terminal_closes(sys.stdin.fileno(), app.exit))
        try:
            with desk_switch_interval():
                await app.run_async()
        finally:
            watch.cancel()
    log.info("console stopped")
    return app.return_code or 0


async def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from console.cli.pbx import check_rate, start_simulator

    check_rate(args.rate)
    if not settings.pbx:
        raise CommandError(tr("cli.demo.no_pbx"))
    server = settings.pbx[0]
    known = await _known_numbers(settings)
    simulator, _port = await start_simulator(
        host=server.host,
        port=server.port,
        username=server.username,
        secret=server.secret.reveal(),
        replay=None,
        speed=1.0,
        rate_per_min=args.rate,
        operators=[o.device for o in settings.operators],
        known_numbers=known,
        first_call_after=3.0,  # a newcomer sees a card pop within seconds
    )
    try:
        return await run_console(args, settings)
    finally:
        simulator.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await simulator


async def _known_numbers(settings: Settings, limit: int = 200) -> list[str]:
    """Numbers of existing clients, so the simulated traffic pops known cards too. None
    when the database cannot tell within a second (away, locked, not created yet): the
    demo starts anyway, as the console does, and its calls wait in the journal."""
    from sqlalchemy import select

    from storage.models import ClientPhone

    try:
        async with (
            asyncio.timeout(START_CHECK_S),
            open_database(settings, migrate=False) as (_engine, sessions),
            sessions() as session,
        ):
            stmt = select(ClientPhone.e164).order_by(ClientPhone.id).limit(limit)
            return list(await session.scalars(stmt))
    except (StorageError, TimeoutError) as exc:
        log.debug("demo: no known numbers for the simulator (%s)", exc)
        return []
