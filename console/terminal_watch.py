"""The console ends when its terminal does.

Closed under a parent that stays (`make demo` in a tmux window that is killed, an SSH
session that drops), the console got no SIGHUP: its terminal was simply gone, Textual's
input thread read end-of-file in a loop (80% of a core, seen for an hour) and the seat
stayed connected to the PBX with nobody at it. Every `CHECK_S` seconds the watch asks the
terminal for its settings; a hung-up terminal refuses, and the console exits the way it
does on Ctrl+Q (the journal keeps whatever the database has not taken yet).
"""

from __future__ import annotations

import asyncio
import termios
from collections.abc import Awaitable, Callable
from typing import Final

CHECK_S: Final = 2.0


def terminal_gone(fd: int) -> bool:
    """True once `fd` is no terminal any more (hung up, or never was one)."""
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError):
        return True
    return False


async def exit_when_terminal_closes(
    fd: int,
    leave: Callable[[], None],
    *,
    check_s: float = CHECK_S,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Call `leave` once the terminal on `fd` is gone; does nothing for a console started
    without one (a test, a pipe)."""
    if terminal_gone(fd):
        return
    while True:
        await sleep(check_s)
        if terminal_gone(fd):
            leave()
            return
