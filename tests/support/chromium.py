"""Headless Debian `chromium` driven over the DevTools protocol, for the wallboard's test.

The board is a terminal drawn by xterm.js on a canvas: its text is in no DOM node. The
terminal object is not global either, so `terminal_text` finds it the way a debugger
would: the page's `window.onload` (textual.js) closes over textual-serve's terminal class;
`Runtime.queryObjects` lists that class's instances, and the first one's xterm buffer is
read line by line (`buffer.active.getLine(i).translateToString()`), as the viewer sees it.

Chromium is kept off every network but this machine's loopback: no host name resolves
(`--host-resolver-rules`), and background services (updates, sync) are off.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = (
    "--headless=new",
    "--no-sandbox",  # tests run as root, where chromium's sandbox refuses to start
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1600,1000",
    "--remote-debugging-port=0",
)

# The terminal class: a constructor whose prototype has connect() and fit() (textual.js).
IS_TERMINAL_CLASS = (
    "function () { return typeof this === 'function' && !!this.prototype"
    " && typeof this.prototype.connect === 'function'"
    " && typeof this.prototype.fit === 'function'; }"
)
READ_BUFFER = (
    "function () { if (!this.length || !this[0].terminal) return null;"
    " const buffer = this[0].terminal.buffer.active; const rows = [];"
    " for (let i = 0; i < buffer.length; i++) {"
    "   const line = buffer.getLine(i); rows.push(line ? line.translateToString(true) : ''); }"
    " return rows.join('\\n'); }"
)


def chromium_path() -> str | None:
    return shutil.which("chromium")


class Page:
    """One tab's DevTools session."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._terminal_prototype: str | None = None

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        await self._ws.send_json({"id": message_id, "method": method, "params": params})
        while True:
            message = await self._ws.receive_json()
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        answer = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return answer["result"].get("value")

    async def terminal_text(self) -> str | None:
        """The text the page's terminal shows now, or None before it has one."""
        prototype = self._terminal_prototype or await self._find_terminal_prototype()
        if prototype is None:
            return None
        instances = await self.call("Runtime.queryObjects", prototypeObjectId=prototype)
        text = await self.call(
            "Runtime.callFunctionOn",
            objectId=instances["objects"]["objectId"],
            functionDeclaration=READ_BUFFER,
            returnByValue=True,
        )
        value = text["result"].get("value")
        return value if isinstance(value, str) else None

    async def _find_terminal_prototype(self) -> str | None:
        onload = await self.call("Runtime.evaluate", expression="window.onload")
        function_id = onload["result"].get("objectId")
        if function_id is None:
            return None
        inner = await self.call("Runtime.getProperties", objectId=function_id)
        scopes = next(
            (p for p in inner.get("internalProperties", []) if p["name"] == "[[Scopes]]"), None
        )
        if scopes is None:
            return None
        listed = await self.call("Runtime.getProperties", objectId=scopes["value"]["objectId"])
        for scope in listed["result"]:
            if scope["value"].get("description") != "Closure":
                continue
            names = await self.call("Runtime.getProperties", objectId=scope["value"]["objectId"])
            for variable in names["result"]:
                value = variable.get("value", {})
                if value.get("type") != "function":
                    continue
                check = await self.call(
                    "Runtime.callFunctionOn",
                    objectId=value["objectId"],
                    functionDeclaration=IS_TERMINAL_CLASS,
                    returnByValue=True,
                )
                if check["result"].get("value") is True:
                    prototype = await self.call(
                        "Runtime.callFunctionOn",
                        objectId=value["objectId"],
                        functionDeclaration="function () { return this.prototype; }",
                    )
                    self._terminal_prototype = prototype["result"]["objectId"]
                    return self._terminal_prototype
        return None


@contextlib.asynccontextmanager
async def open_page(url: str, profile: Path) -> AsyncIterator[Page]:
    """Headless chromium showing `url`, and a DevTools session on its tab."""
    binary = chromium_path()
    assert binary is not None, "chromium is not installed"
    _forget_port(profile / "DevToolsActivePort")  # a profile used before has an old one
    process = await asyncio.create_subprocess_exec(
        binary,
        *FLAGS,
        f"--user-data-dir={profile}",
        url,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = await _devtools_port(profile / "DevToolsActivePort", process)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as answer:
                targets = await answer.json()
            page = next(t for t in targets if t["type"] == "page")
            async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                yield Page(ws)
    finally:
        process.terminate()
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def _devtools_port(path: Path, process: asyncio.subprocess.Process) -> int:
    """Chromium writes the port it picked to its profile once DevTools listens."""
    async with asyncio.timeout(30):
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"chromium exited with {process.returncode}")
            port = _written_port(path)
            if port is not None:
                return port
            await asyncio.sleep(0.05)


def _forget_port(path: Path) -> None:
    path.unlink(missing_ok=True)


def _written_port(path: Path) -> int | None:
    try:
        first = path.read_text().split("\n", 1)[0].strip()
    except FileNotFoundError:
        return None
    return int(first) if first else None
