"""One finished call, spelled once: pbx's `CallRecord`, storage's `CallLogEntry`, the
`calls` table and `opconsole calls list --json` carry the same fields, and every value a
tracker reports reaches the printed call log unchanged.

A field added to one of them only fails here (or, for the two dataclasses, already in
`console.desk.call_log_entry`, which is built from the record's fields).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Table

from console.cli import main
from console.desk import call_log_entry
from pbx.call_events import CallRecord
from storage.calls import upsert_call
from storage.db import create_engine, make_sessionmaker
from storage.models import Call

# Every field set, none to its column's default, so a value lost on the way shows.
RECORD = CallRecord(
    server="main",
    linkedid="1763629200.7",
    direction="inbound",
    number="+79161234567",
    number_raw="89161234567",
    name="Ivanova M.",
    queue="taxi",
    operators_rung=("101", "102"),
    answered_by="102",
    transferred_to=("103",),
    disposition="answered",
    reason="transferred",
    started_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    answered_at=datetime(2026, 11, 20, 10, 0, 4, tzinfo=UTC),
    ended_at=datetime(2026, 11, 20, 10, 2, 9, tzinfo=UTC),
    wait_s=4.0,
    talk_s=125.3,
)


def _printed(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _log(url: str, record: CallRecord) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with make_sessionmaker(engine).begin() as session:
                await upsert_call(session, call_log_entry(record, None))
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_every_field_of_a_finished_call_is_printed_by_calls_list_json(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _log(db_url, RECORD)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', "utf-8")
    capsys.readouterr()

    assert main(["--config", str(config), "calls", "list", "--json"]) == 0
    (printed,) = json.loads(capsys.readouterr().out)

    record_keys = [f.name for f in fields(CallRecord)]
    # The documented keys: the record's, with storage's client id after `name`.
    assert list(printed) == [*record_keys[:6], "client_id", *record_keys[6:]]
    assert {k: v for k, v in printed.items() if k != "client_id"} == {
        f.name: _printed(getattr(RECORD, f.name)) for f in fields(CallRecord)
    }
    table_columns = {c.name for c in cast(Table, Call.__table__).columns} - {"id"}
    assert table_columns == set(printed)
