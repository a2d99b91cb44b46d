"""`opconsole pbx-sim` and `opconsole demo` fail cleanly: a port in use or out of range is
one line and exit 2, and `--rate 0` generates no calls (the simulator stays responsive).

Real sockets and the real command: a port is taken by a listening socket of the test, and
the simulator runs as `python -m console pbx-sim` so a frozen one cannot freeze the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import main
from pbx.capture import parse_message
from tests.test_cli_errors import run_cli

SECRET = "sim-secret-7Qx"


def desk_config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "desk.db"}"\n'
        f'[[pbx]]\nname = "demo"\nhost = "127.0.0.1"\nport = {port}\n'
        f'username = "console"\nsecret = "{SECRET}"\n'
        '[ui]\nlanguage = "en"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else already listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def one_line(text: str) -> str:
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_pbx_sim_on_a_port_in_use_is_one_line_and_exit_2(
    tmp_path: Path, taken_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    config = desk_config(tmp_path, taken_port)
    assert main(["--config", str(config), "pbx-sim"]) == 2
    out = capsys.readouterr()
    line = one_line(out.err)
    assert line == (
        f"opconsole: the PBX simulator cannot listen on 127.0.0.1:{taken_port}:"
        " address already in use"
    )
    assert out.out == ""  # it never said it was listening


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_pbx_sim_port_out_of_range_is_one_line_and_exit_2(
    tmp_path: Path, port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = desk_config(tmp_path, 5038)
    assert main(["--config", str(config), "pbx-sim", "--port", port]) == 2
    line = one_line(capsys.readouterr().err)
    assert line == f"opconsole: --port {port}: expected a port number 0-65535 (0: any free port)"


def test_pbx_sim_refuses_a_negative_rate_in_russian_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = desk_config(tmp_path, 5038)
    config.write_text(config.read_text().replace('"en"', '"ru"'), encoding="utf-8")
    assert main(["--config", str(config), "pbx-sim", "--rate", "-1"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("opconsole: --rate -1.0: нужно число звонков в минуту")


def test_demo_stops_when_its_simulator_cannot_listen(tmp_path: Path, taken_port: int) -> None:
    """Not a console connected to whatever listens there: one line, exit 2."""
    config = desk_config(tmp_path, taken_port)
    result = run_cli("--config", str(config), "demo", "--rate", "0")
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr) == (
        f"opconsole: the PBX simulator cannot listen on 127.0.0.1:{taken_port}:"
        " address already in use"
    )


async def ami_exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, action: str, **headers: str
) -> list[dict[str, str]]:
    """Send one action; every message up to its answer (a list: up to its Complete event)."""
    lines = [
        f"Action: {action}",
        f"ActionID: {action}-1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    messages: list[dict[str, str]] = []
    while True:
        message = parse_message((await reader.readuntil(b"\r\n\r\n")).decode())
        messages.append(message)
        ours = message.get("ActionID") == f"{action}-1" and message.get("EventList") != "start"
        if ours and ("Response" in message or message.get("EventList") == "Complete"):
            return messages


async def test_pbx_sim_at_rate_0_generates_no_calls_and_stays_responsive(tmp_path: Path) -> None:
    config = desk_config(tmp_path, 5038)
    sim = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        "--config",
        str(config),
        "pbx-sim",
        "--port",
        "0",
        "--rate",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with asyncio.timeout(30):
            assert sim.stdout is not None
            said = (await sim.stdout.readline()).decode().strip()
            assert said.startswith("AMI simulator on 127.0.0.1:"), said
            port = int(said.split(":")[1].split()[0])
            assert port != 0  # the port it really listens on
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert (await reader.readline()).startswith(b"Asterisk Call Manager/")
            login = await ami_exchange(reader, writer, "Login", Username="console", Secret=SECRET)
            assert login[-1]["Response"] == "Success"
            listed = await ami_exchange(reader, writer, "CoreShowChannels")
            assert listed[-1]["Event"] == "CoreShowChannelsComplete"
            assert listed[-1]["ListItems"] == "0"  # no call was ever generated
            assert not any(m.get("Event") == "Newchannel" for m in login + listed)
            writer.close()
    finally:
        with contextlib.suppress(ProcessLookupError):
            sim.kill()
        await sim.wait()
