"""Many seats on one PostgreSQL: 20 headless desks and a recorder through a 100-call burst.

    python -m bench.seats_bench [--pg-url URL] [--seats 20] [--calls 100] [--clients 10000]

Each seat is a process of its own running the real `console.desk.Desk` (no Textual) with
its own AMI connection to the built-in simulator (real TCP on loopback), its own engine
(pool) and its own journal, as twenty consoles would; one more desk with no extension is
the recorder. They share this machine's cores (at a desk each seat has its own).

The burst: `--calls` queue calls (default 100), one every `--every` simulator seconds,
each ringing 3 of the seats (the first answers), from numbers of seeded clients or, every
`1/--new-share`-th call, a number nobody has called from. Each desk, when a call rings its
extension, loads the card as the console's popup does (by number; for a new number, by the
client id the desk's registration brings): card load = from the ring reaching the desk's
listener to the card in hand.

Checked afterwards: one call-log row per call, one client per new number. Printed: card
load p50/p99 per seat and over all, and how long the journals took to drain.
Needs PostgreSQL: `--pg-url` or $OPCONSOLE_TEST_PG_URL (a database on the server to be
used as the admin connection); a fresh database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench._stats import ms, summarize, table
from console.config import (
    DatabaseSettings,
    MeSettings,
    OperatorSettings,
    PbxSettings,
    Secret,
    Settings,
)
from console.desk import CallerIdentified, Desk
from pbx.call_events import CallRinging
from pbx.simulator import AmiSimulator
from storage.cards import load_card_by_phone, load_client_card
from storage.db import create_engine, make_sessionmaker
from storage.migrate import upgrade_database
from storage.models import Call, ClientPhone
from storage.seed import seed_database

SECRET = "seats-bench"


@dataclass
class Seat:
    """One seat's desk and what its popup measured (in the seat's own process)."""

    extension: str
    desk: Desk
    sessions: async_sessionmaker[AsyncSession]
    loads: list[float] = field(default_factory=list)  # known callers
    first_loads: list[float] = field(default_factory=list)  # first calls: wait registration
    failed: int = 0
    identified: dict[str, asyncio.Future[int | None]] = field(default_factory=dict)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


@dataclass
class SeatResult:
    extension: str
    loads: list[float]
    first_loads: list[float]
    failed: int


async def run_seat(url: str, journal: Path, port: int, me: str, seats: int) -> None:
    """A child: the seat's desk until stdin closes, then its figures as one JSON line."""
    engine = create_engine(url)
    sessions = make_sessionmaker(engine)
    settings = seat_settings(url, journal, port, me, seats)
    seat = Seat(me, Desk(settings, sessions, role="console" if me else "record"), sessions)
    runner = asyncio.create_task(seat.desk.run())
    follower = asyncio.create_task(follow(seat))
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        async with asyncio.timeout(60):
            while seat.desk.connections()["main"].state != "up":  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        print("ready", flush=True)
        await reader.read()  # the parent closes stdin once the burst has played
        await seat.desk.flush(timeout_s=300)
        if seat.tasks:
            await asyncio.gather(*seat.tasks, return_exceptions=True)
    finally:
        for task in (runner, follower):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await engine.dispose()
    result = SeatResult(me, seat.loads, seat.first_loads, seat.failed)
    print(json.dumps(dataclasses.asdict(result)), flush=True)


async def create_database(admin_url: str) -> str:
    admin = make_url(admin_url).set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False), timeout=10)
    name = f"opconsole_seats_{secrets.token_hex(4)}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False), timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await conn.close()


def seat_settings(url: str, journal: Path, port: int, me: str, seats: int) -> Settings:
    operators = tuple(
        OperatorSettings(str(101 + i), f"Operator {101 + i}", f"IAX2/op{101 + i}")
        for i in range(seats)
    )
    return Settings(
        database=DatabaseSettings(url=url, journal_dir=journal),
        pbx=(PbxSettings("main", "127.0.0.1", port, "console", Secret(SECRET)),),
        me=MeSettings(extension=me),
        operators=operators,
    )


async def follow(seat: Seat) -> None:
    """The seat's popup: on a ring at its extension, load the card; time it."""
    async for event in seat.desk.listen():
        if isinstance(event, CallerIdentified):
            future = seat.identified.setdefault(
                event.linkedid, asyncio.get_running_loop().create_future()
            )
            if not future.done():
                future.set_result(event.client_id)
        elif isinstance(event, CallRinging) and seat.extension in event.started:
            task = asyncio.create_task(load_card(seat, event, time.perf_counter()))
            seat.tasks.add(task)
            task.add_done_callback(seat.tasks.discard)


async def load_card(seat: Seat, ring: CallRinging, rung: float) -> None:
    today = datetime.now(UTC).date()
    first = False
    try:
        async with seat.sessions() as session:
            card = await load_card_by_phone(
                session, ring.number_raw, today=today, max_unpaid_debts=1
            )
        if card is None:  # a first call: the card comes with the desk's registration
            first = True
            future = seat.identified.setdefault(
                ring.linkedid, asyncio.get_running_loop().create_future()
            )
            client_id = await asyncio.wait_for(future, 30)
            if client_id is None:
                raise RuntimeError("caller not registered")
            async with seat.sessions() as session:
                card = await load_client_card(session, client_id, today=today, max_unpaid_debts=1)
    except Exception as exc:
        seat.failed += 1
        print(f"seat {seat.extension}: card of {ring.number_raw} failed: {exc}", file=sys.stderr)
        return
    (seat.first_loads if first else seat.loads).append(time.perf_counter() - rung)


async def known_numbers(sessions: async_sessionmaker[AsyncSession], limit: int) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(ClientPhone.e164).order_by(func.random()).limit(limit))
        return list(rows)


async def run(args: argparse.Namespace) -> int:
    admin_url = args.pg_url or os.environ.get("OPCONSOLE_TEST_PG_URL", "")
    if not admin_url:
        print("seats_bench: needs --pg-url or OPCONSOLE_TEST_PG_URL", file=sys.stderr)
        return 2
    url = await create_database(admin_url)
    rng = random.Random(args.seed)
    try:
        setup = create_engine(url)
        try:
            await upgrade_database(setup)
            started = time.perf_counter()
            await seed_database(setup, clients=args.clients, seed=args.seed)
            print(f"seeded {args.clients} clients in {time.perf_counter() - started:.1f} s")
            known = await known_numbers(make_sessionmaker(setup), args.calls)
        finally:
            await setup.dispose()
        with tempfile.TemporaryDirectory(prefix="seats-") as tmp:
            return await burst(args, url, Path(tmp), known, rng)
    finally:
        await drop_database(url)


async def spawn_seat(
    url: str, journal: Path, port: int, me: str, seats: int
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.seats_bench",
        "--child",
        json.dumps([url, str(journal), port, me, seats]),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )


async def burst(
    args: argparse.Namespace, url: str, tmp: Path, known: list[str], rng: random.Random
) -> int:
    devices = [f"IAX2/op{101 + i}" for i in range(args.seats)]
    async with AmiSimulator(
        port=0, username="console", secret=SECRET, operators=devices, call_speed=args.speed
    ) as sim:
        mes = [*(str(101 + i) for i in range(args.seats)), ""]
        children = [
            await spawn_seat(url, tmp / f"seat-{n}", sim.port, me, args.seats)
            for n, me in enumerate(mes)
        ]
        try:
            for child in children:
                assert child.stdout is not None
                async with asyncio.timeout(120):
                    assert (await child.stdout.readline()).strip() == b"ready"
            linkedids, new = await play(sim, args, known, devices, rng)
            await sim.wait_calls()
            drain_started = time.perf_counter()
            for child in children:
                assert child.stdin is not None
                child.stdin.close()
            results = []
            for child in children:
                assert child.stdout is not None
                line = await child.stdout.readline()
                results.append(SeatResult(**json.loads(line)))
            drained = time.perf_counter() - drain_started
        finally:
            for child in children:
                if child.returncode is None:
                    child.terminate()
                await child.wait()
        engine = create_engine(url)
        try:
            rows, owners = await check(make_sessionmaker(engine), linkedids, new)
        finally:
            await engine.dispose()
    return report(args, results, linkedids, new, rows, owners, drained)


async def play(
    sim: AmiSimulator,
    args: argparse.Namespace,
    known: list[str],
    devices: list[str],
    rng: random.Random,
) -> tuple[list[str], set[str]]:
    linkedids: list[str] = []
    new: set[str] = set()
    every_new = max(1, round(1 / args.new_share)) if args.new_share > 0 else 0
    for n in range(args.calls):
        if every_new and n % every_new == 0:
            number = f"+7999{rng.randrange(10**7):07d}"
            new.add(number)
        else:
            number = known[n % len(known)]
        rung = rng.sample(devices, 3)
        linkedids.append(sim.start_call("queue_answered", devices=rung, number=number))
        await asyncio.sleep(args.every / sim.call_speed)  # the simulator's clock
    return linkedids, new


async def check(
    sessions: async_sessionmaker[AsyncSession], linkedids: list[str], new: set[str]
) -> tuple[dict[str, int], dict[str, int]]:
    async with sessions() as session:
        rows = dict(
            (
                await session.execute(
                    select(Call.linkedid, func.count())
                    .where(Call.linkedid.in_(linkedids))
                    .group_by(Call.linkedid)
                )
            ).all()
        )
        owners = dict(
            (
                await session.execute(
                    select(ClientPhone.e164, func.count(func.distinct(ClientPhone.client_id)))
                    .where(ClientPhone.e164.in_(new))
                    .group_by(ClientPhone.e164)
                )
            ).all()
        )
    return rows, owners


def report(
    args: argparse.Namespace,
    seats: Sequence[SeatResult],
    linkedids: list[str],
    new: set[str],
    rows: dict[str, int],
    owners: dict[str, int],
    drained: float,
) -> int:
    one_row = len(rows) == len(linkedids) and set(rows.values()) == {1}
    one_client = len(owners) == len(new) and set(owners.values()) <= {1}
    print(
        f"{len(seats) - 1} desks + 1 recorder, one PostgreSQL, {len(linkedids)} calls "
        f"({len(new)} from new numbers), one every {args.every} s at simulator speed "
        f"{args.speed}"
    )
    print(
        f"call log: {sum(rows.values())} rows for {len(linkedids)} calls — "
        f"{'one per call' if one_row else 'WRONG'}"
    )
    print(
        f"new numbers: {len(owners)} of {len(new)} have a client — "
        f"{'one client each' if one_client else 'WRONG'}"
    )
    print(f"every seat's journal drained {ms(drained)} ms after the last call ended")
    body = []
    known: list[float] = []
    firsts: list[float] = []
    failed = 0

    def cells(samples: list[float]) -> list[str]:
        if not samples:
            return ["0", "—", "—"]
        s = summarize(samples)
        return [str(s.n), ms(s.p50), ms(s.p99)]

    for seat in seats:
        if not seat.extension:
            continue
        failed += seat.failed
        known.extend(seat.loads)
        firsts.extend(seat.first_loads)
        body.append([seat.extension, *cells(seat.loads), *cells(seat.first_loads)])
    body.append(["all", *cells(known), *cells(firsts)])
    print("card load (ring at the seat's desk → card in hand), ms")
    header = ["seat", "known", "p50", "p99", "first calls", "p50", "p99"]
    print(table(header, body))
    if failed:
        print(f"{failed} card loads FAILED")
    return 0 if one_row and one_client and not failed else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seats_bench", description=__doc__)
    parser.add_argument("--pg-url", help="PostgreSQL url (default $OPCONSOLE_TEST_PG_URL)")
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--every", type=float, default=0.25, help="simulator s between calls")
    parser.add_argument("--speed", type=float, default=4.0, help="simulator speed factor")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--new-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, journal, port, me, seats = json.loads(args.child)
        asyncio.run(run_seat(url, Path(journal), port, me, seats))
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
