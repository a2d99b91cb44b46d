"""`opconsole wallboard`: the read-only board served to browsers (console/wallboard/)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import signal
import sys
from typing import Any

from console.cli.common import CommandError
from console.config import Secret, Settings
from console.i18n import tr

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def register(sub: Any) -> None:
    wallboard = sub.add_parser(
        "wallboard",
        help="serve the read-only supervisor board to browsers (a wall screen)",
        description="Serve the live board, read-only, to web browsers through textual-serve. "
        "On 127.0.0.1, ::1 or localhost anyone on this machine may look; on any other "
        "address the board requires the token of [wallboard] token or token_env "
        "(open http://HOST:PORT/?token=... once; a cookie keeps it).",
    )
    wallboard.add_argument(
        "--host", default=DEFAULT_HOST, help=f"listen address (default {DEFAULT_HOST})"
    )
    wallboard.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"listen port (default {DEFAULT_PORT}; 0: any free port)",
    )
    wallboard.set_defaults(handler=wallboard_command)


def viewer_command(settings: Settings) -> str:
    """The shell command textual-serve runs for each browser: this interpreter, the same
    config file (named absolutely: the server's cwd or $OPCONSOLE_CONFIG may not be the
    viewer's)."""
    argv = [sys.executable, "-m", "console.wallboard"]
    if settings.source is not None:
        argv += ["--config", str(settings.source.resolve())]
    return shlex.join(argv)


def required_token(host: str, settings: Settings) -> Secret | None:
    """None on the loopback; elsewhere the configured token, or a refusal in one line."""
    from console.wallboard.server import is_loopback

    if is_loopback(host):
        return None
    token = settings.wallboard.resolve_token()
    if token is not None:
        return token
    if settings.wallboard.token_env:
        message = tr(
            "cli.wallboard.token_env_unset", host=host, variable=settings.wallboard.token_env
        )
    else:
        message = tr("cli.wallboard.no_token", host=host, config=settings.source or "--config")
    raise CommandError(message, exit_code=2)


async def wallboard_command(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from console.wallboard.server import WallboardServer

    if not 0 <= args.port <= 65535:
        raise CommandError(tr("cli.sim.bad_port", port=args.port), exit_code=2)
    token = required_token(args.host, settings)
    server = WallboardServer(
        viewer_command(settings),
        host=args.host,
        port=args.port,
        token=token,
        title=tr("wallboard.title"),
    )
    runner = web.AppRunner(server.make_app(), access_log=None)  # a query may hold the token
    await runner.setup()
    try:
        site = web.TCPSite(runner, args.host, args.port)
        try:
            await site.start()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CommandError(
                tr("cli.wallboard.cannot_listen", host=args.host, port=args.port, reason=reason),
                exit_code=2,
            ) from None
        url = _url(args.host, runner.addresses[0][1])
        print(tr("cli.wallboard.serving", url=url), flush=True)
        if token is not None:
            print(tr("cli.wallboard.token_needed", url=url), flush=True)
        await _until_stopped()
    finally:
        await runner.cleanup()  # each viewer's process is told to quit
    return 0


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


async def _until_stopped() -> None:
    """Until SIGTERM or SIGINT (Ctrl+C)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
