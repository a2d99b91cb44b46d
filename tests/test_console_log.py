"""The console's log: the console draws on the terminal, so what its desk logs — a
background task that failed and what it cost, a write refused for good («see the log»),
the database away at start — goes to a file in the user's log directory, once, one line
each; a session that logged a warning says where on exit."""

from __future__ import annotations

import logging
import os
import pty
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from console.config import default_log_dir
from console.session_log import SessionLog, log_path
from console.tasks import Tasks

ROOT = Path(__file__).resolve().parent.parent


async def test_a_failed_desk_task_is_one_line_in_the_consoles_log(tmp_path: Path) -> None:
    path = log_path(tmp_path / "log")
    logged = SessionLog(path).start()
    try:

        async def log_call() -> None:
            raise OperationalError(
                "INSERT INTO calls …", {}, ConnectionRefusedError(111, "Connection refused")
            )

        tasks = Tasks(logging.getLogger("opconsole.desk"))
        tasks.spawn(log_call(), what="logging call main/1.1", lost="it waits in the journal")
        await tasks.wait()
        logging.getLogger("opconsole.outbox").info("database answering again")
        logging.getLogger("aiosqlite").info("not the desk's: below a warning, left out")
    finally:
        logged.stop()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2, lines
    assert (
        "ERROR opconsole.desk: logging call main/1.1 failed: cannot reach the database"
        in (lines[0])
    )
    assert lines[0].endswith("— it waits in the journal")
    assert lines[1].endswith("INFO opconsole.outbox: database answering again")
    assert logged.warnings == 1
    logging.getLogger("opconsole.desk").error("after the console: not in its log")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def read_until_exit(fd: int, process: subprocess.Popen[bytes], timeout_s: float) -> str:
    """Everything the console wrote on its terminal until it exited."""
    out = b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the console has gone: the terminal hung up
                break
            out += chunk
        elif process.poll() is not None:
            break
    return out.decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [[], ["demo", "--rate", "0"]], ids=["console", "demo"])
def test_the_console_logs_to_a_file_and_says_where_on_exit(
    tmp_path: Path, command: list[str]
) -> None:
    """A real console (and the demo: the console on its simulator) on a terminal, its
    database away at start: it starts anyway, the warning is in its log, and on quitting
    it says where that log is (in the desk's language)."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[database]\nurl = "postgresql+asyncpg://desk:secret-Zq8@127.0.0.1:1/desk"\n\n'
        f'[[pbx]]\nname = "main"\nhost = "127.0.0.1"\nport = {free_port()}\n'
        'username = "console"\nsecret = "ami-secret-Xv3"\n\n[ui]\nlanguage = "ru"\n',
        encoding="utf-8",
    )
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--config", str(config), *command],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"},
    )
    os.close(slave)
    try:
        path = log_path(default_log_dir())
        started = time.monotonic()
        while "console of" not in (path.read_text("utf-8") if path.exists() else ""):
            assert process.poll() is None, read_until_exit(master, process, 1)
            assert time.monotonic() - started < 60, "the console did not start"
            read_until_exit(master, process, 0.2)  # keep its terminal drained
        os.write(master, b"\x11")  # ctrl+q
        screen = read_until_exit(master, process, 30)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    log = path.read_text(encoding="utf-8")
    assert "starting anyway: calls wait in the journal" in log
    assert "secret-Zq8" not in log and "ami-secret-Xv3" not in log
    assert f"opconsole: предупреждения и ошибки этого сеанса — в {path}" in screen
