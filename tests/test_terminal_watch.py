"""A console whose terminal is closed under it (a killed tmux window, a dropped SSH
session, with `make` still holding the process) leaves, instead of spinning on a dead
terminal while its seat stays connected to the PBX."""

from __future__ import annotations

import asyncio
import os
import pty

from console.terminal_watch import exit_when_terminal_closes, terminal_gone


async def test_the_console_leaves_once_its_terminal_hangs_up() -> None:
    master, slave = pty.openpty()
    left = asyncio.Event()
    checks: list[float] = []

    async def one_check(seconds: float) -> None:
        checks.append(seconds)
        if len(checks) == 3:  # the window is killed while the console runs
            os.close(master)
        await asyncio.sleep(0)

    try:
        async with asyncio.timeout(5):
            await exit_when_terminal_closes(slave, left.set, sleep=one_check)
    finally:
        os.close(slave)
    assert left.is_set()
    assert len(checks) == 3  # not before the terminal went, and at the first check after


async def test_a_console_without_a_terminal_is_left_alone() -> None:
    read, write = os.pipe()
    try:
        assert terminal_gone(read)
        left: list[bool] = []
        await exit_when_terminal_closes(read, lambda: left.append(True))
        assert left == []  # a test or a pipe: nothing to watch, and nobody is sent away
    finally:
        os.close(read)
        os.close(write)
