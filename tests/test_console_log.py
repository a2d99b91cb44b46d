"""The console's log: the console draws on the terminal, so what its desk logs — a
background task that failed and what it cost, a write refused for good («see the log»),
the database away at start — goes to a file in the user's log directory, once, one line
each; a session that logged a warning says where on exit."""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from console.cli import ui
from console.config import Settings, default_log_dir
from console.i18n import set_language
from console.session_log import SessionLog, log_path
from console.tasks import Tasks

ROOT = Path(__file__).resolve().parent.parent
GIVE_UP_S = 60.0


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


def read_for(fd: int, seconds: float) -> bytes | None:
    """What the console wrote on its terminal within `seconds`; None once it has gone."""
    ready, _, _ = select.select([fd], [], [], seconds)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # the console has gone: the terminal hung up
        return None


def read_until(fd: int, done: Callable[[bytes], bool], give_up_s: float) -> bytes:
    """The terminal's bytes until `done` says so, the console leaves, or `give_up_s`."""
    out = b""
    give_up = time.monotonic() + give_up_s
    while not done(out) and time.monotonic() < give_up:
        chunk = read_for(fd, 0.1)
        if chunk is None:
            break
        out += chunk
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [[], ["demo", "--rate", "0"]], ids=["console", "demo"])
def test_a_console_whose_database_is_away_starts_and_logs_it(
    tmp_path: Path, command: list[str]
) -> None:
    """A real console (and the demo: the console on its simulator) on a terminal, its
    database away at start: it starts anyway and the warning is in its log, without
    secrets. (It leaves when its terminal hangs up: quitting by key in its first second
    can meet a Textual race while the spare card mounts.)"""
    config = tmp_path / "config.toml"
    config.write_text(
        '[database]\nurl = "postgresql+asyncpg://desk:secret-Zq8@127.0.0.1:1/desk"\n\n'
        f'[[pbx]]\nname = "main"\nhost = "127.0.0.1"\nport = {free_port()}\n'
        'username = "console"\nsecret = "ami-secret-Xv3"\n\n[ui]\nlanguage = "ru"\n',
        encoding="utf-8",
    )
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--config", str(config), *command],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(slave)
    try:
        # The status bar tells the database is away: the desk's first check is done.
        drawn = read_until(master, lambda out: "БД: нет связи".encode() in out, GIVE_UP_S)
        assert process.poll() is None, drawn.decode("utf-8", "replace")
    finally:
        os.close(master)  # the terminal hangs up: the console leaves
        try:
            process.wait(timeout=GIVE_UP_S)
        finally:
            if process.poll() is None:
                process.kill()
    log = log_path(default_log_dir()).read_text(encoding="utf-8")
    assert "starting anyway: calls wait in the journal" in log
    assert "WARNING opconsole.outbox: database unreachable" in log
    assert "INFO opconsole.console: console stopped" in log
    assert "secret-Zq8" not in log and "ami-secret-Xv3" not in log


@pytest.mark.parametrize(
    ("language", "warned", "said"),
    [
        ("ru", True, "opconsole: предупреждения и ошибки этого сеанса — в {path}\n"),
        ("en", True, "opconsole: this session's warnings and errors are in {path}\n"),
        ("en", False, ""),
    ],
)
async def test_on_exit_a_session_that_logged_a_warning_says_where(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
    warned: bool,
    said: str,
) -> None:
    """The screen is gone when the console exits: one line (in the desk's language) tells
    where the session's warnings are; a quiet session says nothing."""

    async def session(_settings: Settings) -> int:  # the console's run, without Textual
        if warned:
            logging.getLogger("opconsole.desk").warning("journal holds 10 entries")
        return 0

    monkeypatch.setattr(ui, "_run_console", session)
    set_language(language)
    try:
        assert await ui.run_console(argparse.Namespace(), Settings()) == 0
    finally:
        set_language("ru")
    path = log_path(default_log_dir())
    assert capsys.readouterr().err == said.format(path=path)
    assert ("WARNING opconsole.desk: journal holds 10 entries" in path.read_text("utf-8")) is warned


async def test_a_console_that_cannot_write_its_log_says_so_and_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The log's folder cannot be made (here a file stands where it would be): one line
    says so, and the console runs all the same: a desk needs its console more than its
    log."""
    blocker = tmp_path / "state"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    ran: list[bool] = []

    async def session(_settings: Settings) -> int:  # the console's run, without Textual
        ran.append(True)
        logging.getLogger("opconsole.desk").warning("nowhere to write this")
        return 0

    monkeypatch.setattr(ui, "_run_console", session)
    set_language("en")
    try:
        assert await ui.run_console(argparse.Namespace(), Settings()) == 0
    finally:
        set_language("ru")
    err = capsys.readouterr().err
    assert ran == [True]
    assert err.startswith("opconsole: cannot write the console's log ")
    assert err.endswith("; starting without it\n") and err.count("\n") == 1
