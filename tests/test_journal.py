"""The desk's journal: what it accepted survives SIGKILL, and nothing else shares it."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import sys
from pathlib import Path

import pytest

from console.journal import Journal, JournalError, JournalFull

CHILD = """
import asyncio, sys
from pathlib import Path
from console.journal import Journal

async def main() -> None:
    journal = Journal(Path(sys.argv[1]))
    await journal.open()
    n = 0
    while True:
        n += 1
        entry = await journal.append("call", f"main/{n}", {"n": n, "number": "+79161234567"})
        print(entry.seq, flush=True)  # accepted: on disk before this line is written

asyncio.run(main())
"""


async def test_every_accepted_entry_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, str(path), stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    accepted: list[int] = []
    async with asyncio.timeout(60):
        while len(accepted) < 40:
            accepted.append(int(await child.stdout.readline()))
    child.send_signal(signal.SIGKILL)  # mid-append, most likely
    await child.wait()
    async with Journal(path) as journal:
        kept = [e.seq for e in await journal.entries()]
    assert kept[: len(accepted)] == accepted  # and perhaps one more, accepted unprinted
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # call records: the owner's only


async def test_done_entries_are_gone_and_held_ones_come_back_marked(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    async with Journal(path) as journal:
        first = await journal.append("register", "main/1", {"number_raw": "89161234567"})
        second = await journal.append("call", "main/1", {"linkedid": "1"})
        third = await journal.append("call", "main/2", {"linkedid": "2"})
        await journal.done(first.seq)
        await journal.hold(third.seq, "database error: value too long")
    async with Journal(path) as journal:
        entries = await journal.entries()
    assert [(e.seq, e.payload, e.held) for e in entries] == [
        (second.seq, {"linkedid": "1"}, None),
        (third.seq, {"linkedid": "2"}, "database error: value too long"),
    ]


async def test_a_second_process_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    async with Journal(path) as journal:
        await journal.append("call", "main/1", {})
        with pytest.raises(JournalError, match="in use by another opconsole process"):
            async with Journal(path):
                pass


async def test_the_journal_is_bounded(tmp_path: Path) -> None:
    async with Journal(tmp_path / "journal.sqlite3", limit=3) as journal:
        for n in range(3):
            await journal.append("call", f"main/{n}", {})
        with pytest.raises(JournalFull, match="limit of 3"):
            await journal.append("call", "main/4", {})
        assert len(await journal.entries()) == 3
