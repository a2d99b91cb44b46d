"""A background task of the desk that fails says so once, in one line, with what it cost;
asyncio's «Task exception was never retrieved» never appears."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest
from sqlalchemy.exc import OperationalError

from console.tasks import Tasks


async def test_a_failed_task_is_one_log_line_saying_what_was_lost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def log_call() -> None:
        raise OperationalError(
            "INSERT INTO calls …", {}, ConnectionRefusedError(111, "Connection refused")
        )

    tasks = Tasks(logging.getLogger("opconsole.desk"))
    with caplog.at_level(logging.DEBUG):
        tasks.spawn(
            log_call(), what="logging call main/1700000000.1", lost="it waits in the journal"
        )
        await tasks.wait()
        gc.collect()  # where asyncio would complain about an unretrieved exception
        await asyncio.sleep(0)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert errors[0].exc_info is None and "\n" not in line  # one line, no traceback
    assert line.startswith("logging call main/1700000000.1 failed: cannot reach the database")
    assert line.endswith("— it waits in the journal")
    assert not tasks
