"""Every caller with a real number gets a card on the first call, however the call ends.

A burst through the simulator over real TCP into a headless `Desk` on a real database:
callers who give up in the queue before any phone rang (the queue_abandoned recording
without its member's leg: a queue whose members are all busy or paused), callers who give
up while a phone rings, missed and answered calls, a withheld caller and a colleague's
call. Afterwards each caller number has exactly one client and every call is logged
against it; the withheld caller and the colleague have none.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.config import load_settings
from console.desk import CallerIdentified
from pbx.simulator import AmiSimulator
from storage.models import Call, Client, ClientPhone
from tests.test_desk_e2e import SECRET, count, eventually, running_desk, write_config
from tests.test_tracker_internal import DESK_PUBLIC_NUMBER, colleague_call_steps

Sessions = async_sessionmaker[AsyncSession]

# (template, operator devices that ring: [] = nobody rang) for new caller numbers.
BURST: list[tuple[str, list[str]]] = [
    *[("queue_abandoned", [])] * 8,
    *[("queue_abandoned", ["IAX2/op103"])] * 3,
    *[("direct_missed", ["IAX2/op102"])] * 3,
    *[("direct_answered", ["IAX2/op101"])] * 2,
    *[("queue_answered", ["IAX2/op102", "IAX2/op101", "IAX2/op103"])] * 2,
]


@pytest.fixture
async def sim() -> AsyncIterator[AmiSimulator]:
    # 50x: each recorded call (up to 15 s) plays in a fraction of a second.
    async with AmiSimulator(port=0, username="console", secret=SECRET, call_speed=50.0) as s:
        yield s


async def test_queue_burst_with_abandons_gives_every_caller_a_client(
    sim: AmiSimulator, db_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    settings = load_settings(str(write_config(tmp_path / "config.toml", db_url, sim.port)), {})
    callers: dict[str, str] = {}  # linkedid → number
    async with running_desk(settings, sessions) as (desk, seen):
        await sim.wait_for_login()
        for i, (template, devices) in enumerate(BURST):
            number = f"+7916555{i:04d}"
            callers[sim.start_call(template, devices=devices, number=number)] = number
        withheld = sim.start_call(
            "queue_abandoned", devices=[], number="<unknown>", caller_name="<unknown>"
        )
        colleague = sim.play(
            colleague_call_steps(
                caller="IAX2/op102", caller_id=DESK_PUBLIC_NUMBER, callee="IAX2/op101"
            )
        )
        await sim.wait_calls()

        async def all_logged() -> bool:
            return await count(sessions, Call) == len(BURST) + 2

        await eventually(all_logged)
        await desk.flush()

    async with sessions() as session:
        owners = {p.e164: p.client_id for p in (await session.scalars(select(ClientPhone)))}
        calls = {c.linkedid: c for c in await session.scalars(select(Call))}
    assert await count(sessions, Client) == len(BURST)
    assert sorted(owners) == sorted(callers.values())  # no client for withheld or colleague
    for linkedid, number in callers.items():
        assert calls[linkedid].client_id == owners[number], calls[linkedid].disposition
    unrung = list(callers)[:8]
    assert [(calls[x].disposition, calls[x].operators_rung) for x in unrung] == [
        ("abandoned", [])  # gone before any phone rang
    ] * 8
    assert calls[withheld].client_id is None and calls[withheld].number is None
    assert calls[colleague].direction == "internal"
    assert (calls[colleague].number, calls[colleague].client_id) == (None, None)
    # The screens heard of each new client as it was created, once per caller.
    created = [e.linkedid for e in seen if isinstance(e, CallerIdentified) and e.created]
    assert sorted(created) == sorted(callers)
    [said] = [e for e in seen if isinstance(e, CallerIdentified) and e.linkedid == colleague]
    assert (said.kind, said.colleague, said.client_id) == ("internal", "Борис", None)
