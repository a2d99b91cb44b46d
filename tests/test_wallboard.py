"""The wall screen without a browser: its token rules at start, its engine that refuses
writes, and its board that follows the PBX, offers no key and writes nothing.

The browser end to end (chromium showing the page, the 403s over HTTP) is in
tests/test_wallboard_browser.py.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.cli import main
from console.config import ConfigError, Settings, load_settings
from console.demo_config import render_url
from console.wallboard.app import WallboardApp, WallboardScreen
from console.wallboard.desk import ReadOnlyDeskError, WatchDesk
from console.wallboard.server import cookie_value, is_loopback
from console.widgets.board.panels import OperatorPanel
from pbx.simulator import AmiSimulator
from storage.db import create_engine, make_sessionmaker
from storage.models import Client, Tariff
from storage.read_only import make_read_only
from tests.ami_support import queue_callers
from tests.console_support import until

SECRET = "wallboard-secret-7Q"
TOKEN = "wall-token-4f1c9e2a77"


def write_config(path: Path, db_url: str, *, port: int = 5038, extra: str = "") -> Path:
    text = render_url(db_url, port=port, server="main", secret=SECRET, language="en")
    path.write_text(text + extra, encoding="utf-8")
    return path


# --- the token at start -----------------------------------------------------------------


def test_loopback_addresses_go_without_a_token() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.5", "wall.example", ""]))


def test_token_or_token_env_not_both(tmp_path: Path) -> None:
    both = '\n[wallboard]\ntoken = "a"\ntoken_env = "B"\n'
    with pytest.raises(ConfigError, match="wallboard: set one of token or token_env"):
        load_settings(str(write_config(tmp_path / "c.toml", "sqlite+aiosqlite://", extra=both)))
    empty = '\n[wallboard]\ntoken = " "\n'
    with pytest.raises(ConfigError, match=r"wallboard\.token"):
        load_settings(str(write_config(tmp_path / "c.toml", "sqlite+aiosqlite://", extra=empty)))


def test_token_env_is_read_when_the_wallboard_starts(tmp_path: Path) -> None:
    named = '\n[wallboard]\ntoken_env = "WALL_TOKEN"\n'
    settings = load_settings(
        str(write_config(tmp_path / "c.toml", "sqlite+aiosqlite://", extra=named)), {}
    )  # loads without the variable: only the wallboard needs it
    assert settings.wallboard.resolve_token({}) is None
    token = settings.wallboard.resolve_token({"WALL_TOKEN": TOKEN})
    assert token is not None and token.reveal() == TOKEN
    assert TOKEN not in repr(settings)
    assert TOKEN not in cookie_value(token)


def _wallboard(
    capsys: pytest.CaptureFixture[str], config: Path, *args: str
) -> tuple[int, list[str]]:
    code = main(["--config", str(config), "wallboard", *args])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip().splitlines()


def test_another_address_without_a_token_refuses_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "c.toml", "sqlite+aiosqlite://")
    code, lines = _wallboard(capsys, config, "--host", "0.0.0.0", "--port", "0")
    assert code == 2
    assert len(lines) == 1 and "needs a token" in lines[0] and "[wallboard]" in lines[0]

    monkeypatch.delenv("WALL_TOKEN", raising=False)
    named = write_config(
        tmp_path / "n.toml",
        "sqlite+aiosqlite://",
        extra='\n[wallboard]\ntoken_env = "WALL_TOKEN"\n',
    )
    code, lines = _wallboard(capsys, named, "--host", "0.0.0.0", "--port", "0")
    assert code == 2
    assert len(lines) == 1 and "WALL_TOKEN" in lines[0] and "not set" in lines[0]


def test_bad_port_and_port_in_use_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path / "c.toml", "sqlite+aiosqlite://")
    code, lines = _wallboard(capsys, config, "--port", "70000")
    assert code == 2 and len(lines) == 1 and "--port 70000" in lines[0]

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, lines = _wallboard(capsys, config, "--port", str(port))
    assert code == 2
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0]


# --- never writes -----------------------------------------------------------------------


async def test_the_wallboards_engine_refuses_writes(db_url: str) -> None:
    engine = make_read_only(create_engine(db_url))
    try:
        sessions = make_sessionmaker(engine)
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Client)) == 0
        for _ in range(2):  # the second time on a connection back from the pool
            with pytest.raises(DBAPIError):
                async with sessions.begin() as session:
                    await session.execute(insert(Tariff).values(name="Ночной"))
    finally:
        await engine.dispose()


async def test_the_board_follows_the_queue_offers_no_key_and_writes_nothing(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with AmiSimulator(port=0, username="console", secret=SECRET) as sim:
        settings: Settings = load_settings(
            str(write_config(tmp_path / "c.toml", db_url, port=sim.port)), {}
        )
        engine = make_read_only(create_engine(db_url))
        viewer_sessions = make_sessionmaker(engine)
        desk = WatchDesk(settings, viewer_sessions)
        app = WallboardApp(settings, viewer_sessions, desk)
        try:
            async with app.run_test(size=(160, 48)) as pilot:
                await sim.wait_for_login()
                screen = app.screen
                assert isinstance(screen, WallboardScreen)
                await until(pilot, lambda: screen.stats_loads > 0, "today's figures read")

                queue_callers(sim, ["+79161230001", "+79161230002", "+79161230003"])
                await until(pilot, lambda: len(screen.live.waiting) == 3, "three callers wait")
                assert "Waiting: 3" in str(screen.query_one("#board-waiting-title").render())

                # The console's keys, Textual's quit and palette: none acts here.
                assert not {b.binding.action for b in app.active_bindings.values()} & {
                    "pause",
                    "unpause",
                    "queues",
                    "quit",
                    "command_palette",
                    "export_debts",
                }
                for key in ("p", "u", "i", "l", "w", "b", "ctrl+s", "ctrl+p", "ctrl+q", "f1"):
                    await pilot.press(key)
                await pilot.click(OperatorPanel)
                await pilot.press("enter", "space")
                await pilot.pause()
                assert app.is_running and app.screen is screen and len(app.screen_stack) == 2
                with pytest.raises(ReadOnlyDeskError):
                    await desk.pause("IAX2/op101")
                with pytest.raises(ReadOnlyDeskError):
                    await desk.listen_in("IAX2/op101")
                assert sim.action_counts["queuepause"] == 0
                assert sim.action_counts["originate"] == 0
        finally:
            await engine.dispose()
    # Three new numbers waited: a console would have registered three clients.
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Client)) == 0


async def test_boards_past_the_limit_are_turned_away(tmp_path: Path) -> None:
    """Each board is a process: a page past the limit gets 503, and room again once one
    closes. (The viewer's command here is a stand-in that stays until told to quit.)"""
    from aiohttp import WSServerHandshakeError
    from aiohttp.test_utils import TestClient, TestServer

    from console.wallboard.server import WallboardServer

    server = WallboardServer(
        "cat >/dev/null", host="127.0.0.1", port=0, token=None, title="t", max_viewers=1
    )
    async with TestClient(TestServer(server.make_app())) as client:
        first = await client.ws_connect("/ws?width=80&height=24")
        await until_true(lambda: server.viewers == 1)
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws?width=80&height=24")
        assert refused.value.status == 503
        await first.close()
        await until_true(lambda: server.viewers == 0)
        second = await client.ws_connect("/ws?width=80&height=24")
        await second.close()


async def until_true(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110 - the server's own counter
            await asyncio.sleep(0.01)
