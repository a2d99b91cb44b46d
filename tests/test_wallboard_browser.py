"""`opconsole wallboard` end to end: the real command, the real simulator over TCP, and
for the board itself Debian's headless chromium reading what the page's terminal shows.

The browser test is skipped where chromium is absent (`.ci/run` installs it). The token
test needs no browser: it speaks HTTP and the websocket to the server as a browser would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from console.demo_config import render_url
from pbx.simulator import AmiSimulator
from storage.db import create_engine, make_sessionmaker
from storage.models import Client
from tests.ami_support import queue_callers
from tests.support.chromium import chromium_path, open_page

SECRET = "wallboard-secret-7Q"
TOKEN = "wall-token-4f1c9e2a77"
GIVE_UP_S = 60.0  # a hang becomes a failure; not a speed limit
URL = re.compile(r"http://\S+/")

needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="chromium is not installed (Debian's package; .ci/run installs it)",
)


@pytest.fixture
async def sim() -> AsyncIterator[AmiSimulator]:
    async with AmiSimulator(port=0, username="console", secret=SECRET) as simulator:
        yield simulator


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "opconsole.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


def write_config(tmp_path: Path, db_url: str, port: int, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    text = render_url(db_url, port=port, server="main", secret=SECRET, language="en")
    path.write_text(text + extra, encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def wallboard(config: Path, *args: str) -> AsyncIterator[tuple[str, list[str]]]:
    """`opconsole wallboard --port 0 ARGS` running: (its URL, everything it printed so far,
    filled in when it stops). It must stop on SIGTERM with exit code 0."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        "--config",
        str(config),
        "wallboard",
        "--port",
        "0",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    printed: list[str] = []
    try:
        async with asyncio.timeout(GIVE_UP_S):
            first = (await process.stdout.readline()).decode()
        printed.append(first)
        found = URL.search(first)
        assert found, f"no URL in {first!r}"
        yield found.group(0), printed
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(GIVE_UP_S):
            out, err = await process.communicate()
        printed.append((out + err).decode("utf-8", "replace"))
    assert process.returncode == 0, "".join(printed)


@needs_chromium
async def test_the_page_shows_how_many_callers_wait(
    sim: AmiSimulator, database: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, database, sim.port)
    async with wallboard(config) as (url, printed):
        assert url.startswith("http://127.0.0.1:")
        async with open_page(url, tmp_path / "chromium") as page:
            # The PBX's figures and the database's come in separately: wait for both.
            text = await _shown(page, "Waiting: 0", "today since 00:00")
            assert "Operators" in text

            queue_callers(sim, ["+79161230001", "+79161230002", "+79161230003"])
            text = await _shown(page, "Waiting: 3")
            assert "dispatch 3" in text
            assert "+7 916 123-00-01" in text

    assert "Traceback" not in "".join(printed)
    # The wall screen wrote nothing: three new numbers, no client registered.
    engine = create_engine(database)
    try:
        async with make_sessionmaker(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(Client)) == 0
    finally:
        await engine.dispose()


async def _shown(page: object, *words: str) -> str:
    """The page's terminal text once it shows all of `words` (fails if it never does)."""
    from tests.support.chromium import Page

    assert isinstance(page, Page)
    text: str | None = None
    try:
        async with asyncio.timeout(GIVE_UP_S):
            while True:
                text = await page.terminal_text()
                if text is not None and all(word in text for word in words):
                    return text
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"the page never showed {words!r}; it showed:\n{text}") from None


async def test_without_the_token_every_request_is_refused(
    sim: AmiSimulator, database: str, tmp_path: Path
) -> None:
    """Bound to every address (0.0.0.0), so the token is required; the requests go to the
    loopback, which reaches the same listener without sending anything off this machine
    (the guard looks at the bind address, never at who asks)."""
    config = write_config(tmp_path, database, sim.port, f'\n[wallboard]\ntoken = "{TOKEN}"\n')
    async with wallboard(config, "--host", "0.0.0.0") as (url, printed):
        port = int(url.rsplit(":", 1)[1].strip("/"))
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            for path in ("/", "/static/js/textual.js", "/?token=wrong", "/?token="):
                async with http.get(base + path, allow_redirects=False) as answer:
                    assert answer.status == 403, path
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{base}/ws?width=80&height=24")
            assert refused.value.status == 403
            forged = {"Cookie": "opconsole_wallboard=" + "0" * 64}
            async with http.get(base + "/", headers=forged) as answer:
                assert answer.status == 403

            # The token once: a cookie, and the page again without the token in its address.
            async with http.get(
                f"{base}/?token={TOKEN}&fontsize=20", allow_redirects=False
            ) as answer:
                assert answer.status == 303
                assert answer.headers["Location"] == "/?fontsize=20"
                set_cookie = answer.headers["Set-Cookie"]
                assert TOKEN not in set_cookie and "HttpOnly" in set_cookie
                cookie = answer.cookies["opconsole_wallboard"].value
            headers = {"Cookie": f"opconsole_wallboard={cookie}"}
            async with http.get(base + "/?fontsize=20", headers=headers) as answer:
                assert answer.status == 200
                assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in (
                    await answer.text()
                )
            async with http.get(base + "/static/js/textual.js", headers=headers) as answer:
                assert answer.status == 200
            # The websocket with the cookie: a viewer's board starts and draws.
            async with http.ws_connect(f"{base}/ws?width=100&height=30", headers=headers) as ws:
                async with asyncio.timeout(GIVE_UP_S):
                    drawn = b""
                    while b"today since" not in drawn:
                        message = await ws.receive()
                        assert message.type == aiohttp.WSMsgType.BINARY, message
                        drawn += message.data
    everything = "".join(printed)
    assert "refused GET / from" in everything  # the refusals are logged...
    assert TOKEN not in everything  # ...and the token never is
