"""Console benchmark: pop latency with a big client base, idle CPU and memory of the console.

    python -m bench.console_bench [--clients 1000000] [--calls 200] [--headless]

The console runs in a child process (`bench/_proc.py`): the real `Desk` and `ConsoleApp`
as `opconsole` builds them, on a pseudo-terminal of `--size` (160x48) with Textual's
Linux driver, so every screen update is rendered to terminal bytes as at a desk. This
process plays Asterisk: the built-in `AmiSimulator` over TCP on 127.0.0.1, and drains the
terminal. The database is SQLite with `--clients` clients (default 1,000,000): an existing
`bench/data/console-N.db` is reused, else a copy of the storage bench's
`bench/data/storage-N.db`, else one is seeded with `opconsole db seed` (minutes). The bench
writes into it (call log, new clients), so it never runs on the storage bench's file.

1. Startup: the console connected, the dispatcher screen drawn; RSS afterwards.
2. Idle CPU: `--idle` seconds (30) connected with no calls: the child's CPU seconds
   (/proc/PID/stat, all threads) per wall second, as % of one core. Goal < 2%.
   The console on a pty is the honest case: Textual's real driver (input thread, writer
   thread, rendering to bytes) runs, as at a desk; `--headless` would leave those out.
3. Pop latency: `--calls` calls (200) ring the configured operator's phone (extension 101,
   template `direct_answered`), one every `--interval` s (3.0: each call rings 0.75 s and
   talks 1 s at `--speed` 4, and the console gets the time to finish one call before the
   next rings, so a pop is measured on a console that is not still busy with the last
   call); most from numbers of random clients of the base, given as +7… or 8…, every
   `1/--new-share`-th (10%) from a number nobody has used (the console creates the client
   and opens the card in edit mode).
   From: the simulator writing the DialBegin into the loopback connection (its bytes are
   in the console's socket), and also from the AmiEvent.received_at of the event that
   made the tracker report the ring at this extension (DialBegin), stamped when the
   console's loop reads the bytes in data_received (late when the loop is busy).
   To: "card on screen" = the first screen update after the card's data (name, tariff,
   blacklist and debts banners, phones, debts, last calls) is in its widgets, written into
   the pty by Textual's writer thread; for a new number, the update that shows the
   first-time caller's form (edit mode, number and caller ID name in it), which opens as
   soon as the card's query finds nobody while the desk registers the client; the time
   until that client is bound to the form is reported beside it. Known clients' updates
   are checked to hold the client's name. "Number on screen" = the first update showing
   the popup at all.
   Goal: card on screen p99 < 100 ms. Cards are dismissed once their call has ended.
4. Memory: RSS (VmRSS) after startup and after the pop run, and the peak (VmHWM), with
   what grew among the console's Python objects and which widgets removed from the
   screen are still alive (a leak). Goal < 200 MB.

`CONSOLE_BENCH_PROFILE=FILE` writes a cProfile of the console process;
`CONSOLE_BENCH_SNAPSHOTS=FILE` its object counts at startup and after the pop run;
`CONSOLE_BENCH_POPS=FILE` every pop's stamps (`bench._proc.Ring`, epoch seconds), to lay
beside a trace of the console's loop.
Everything runs on a shared machine: figures move with whatever else runs; medians are the
steadier ones.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import json
import os
import pty
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._proc import Memory, cpu_seconds, memory
from bench._stats import Summary, ms, summarize, table
from console.demo_config import render as render_config
from pbx.simulator import AmiSimulator

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "bench" / "data"
DEFAULT_CLIENTS = 1_000_000
SECRET = "demo-secret"  # console.demo_config's
MY_DEVICE = "IAX2/op101"  # extension 101 in console.demo_config
GOAL_P99_MS = 100.0
GOAL_IDLE_PCT = 2.0
GOAL_RSS_MB = 200.0
FIRST_NAMES = ("Иван", "Мария", "Олег", "Светлана", "Пётр", "Анна", "Дмитрий", "Елена")
LAST_NAMES = ("Смирнов", "Кузнецова", "Попов", "Васильева", "Соколов", "Морозова", "Волков")


# --------------------------------------------------------------------------- database


def count_clients(db: Path) -> int | None:
    if not db.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM clients").fetchone()[0])
    except sqlite3.Error:
        return None


def prepare_database(clients: int, db_arg: str | None) -> tuple[Path, str]:
    """A SQLite file with at least `clients` clients, and how it came to be."""
    if db_arg:
        db = Path(db_arg).resolve()
        have = count_clients(db)
        if have is None or have < clients:
            raise SystemExit(f"{db} holds {have or 'no'} clients, not {clients:,}")
        return db, "given"
    db = DATA_DIR / f"console-{clients}.db"
    have = count_clients(db)
    if have is not None and have >= clients:
        return db, "reused"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    partial = db.with_name(db.name + ".partial")
    for stale in (partial, *(partial.with_name(partial.name + s) for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    shared = DATA_DIR / f"storage-{clients}.db"
    if count_clients(shared) == clients and not shared.with_name(shared.name + ".partial").exists():
        print(f"copying {shared.name} (the storage bench's) to {db.name} …", file=sys.stderr)
        started = time.perf_counter()
        with (
            contextlib.closing(sqlite3.connect(f"file:{shared}?mode=ro", uri=True)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
        how = f"copied from {shared.name} in {time.perf_counter() - started:.0f} s"
    else:
        print(f"seeding {clients:,} clients into {db.name} (minutes) …", file=sys.stderr)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "seed.toml"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "console.demo_config",
                    "--database",
                    str(partial),
                    "--output",
                    str(config),
                ],
                check=True,
                cwd=REPO,
            )
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "console",
                    "--config",
                    str(config),
                    "db",
                    "seed",
                    "--clients",
                    str(clients),
                    "--desk-extras",
                ],
                check=True,
                cwd=REPO,
            )
        how = f"seeded in {time.perf_counter() - started:.0f} s"
    with contextlib.closing(sqlite3.connect(partial)) as conn:  # fold the WAL in
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    partial.replace(db)
    return db, how


@dataclass(frozen=True, slots=True)
class PlannedCall:
    number: str  # as the PBX hands it over
    caller_name: str
    new: bool


def plan_calls(db: Path, calls: int, new_share: float, rng: random.Random) -> list[PlannedCall]:
    """Known clients' numbers (random rows of client_phones) and numbers nobody has."""
    every = round(1 / new_share) if new_share > 0 else 0
    plan: list[PlannedCall] = []
    used: set[str] = set()
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        top = int(conn.execute("SELECT max(id) FROM client_phones").fetchone()[0])

        def taken(e164: str) -> bool:
            row = conn.execute("SELECT 1 FROM client_phones WHERE e164 = ?", (e164,)).fetchone()
            return row is not None or e164 in used

        for i in range(calls):
            if every and i % every == every - 1:
                e164 = f"+79{rng.randrange(10**9):09d}"
                while taken(e164):
                    e164 = f"+79{rng.randrange(10**9):09d}"
                used.add(e164)
                name = f"{rng.choice(LAST_NAMES)} {rng.choice(FIRST_NAMES)}"
                plan.append(PlannedCall(e164, name, True))
                continue
            while True:
                row = conn.execute(
                    "SELECT e164 FROM client_phones WHERE id = ?", (rng.randint(1, top),)
                ).fetchone()
                if row is not None and row[0] not in used and row[0].startswith("+7"):
                    break
            e164 = row[0]
            used.add(e164)
            number = e164 if rng.random() < 0.5 else "8" + e164[2:]
            plan.append(PlannedCall(number, "", False))
    return plan


# --------------------------------------------------------------------------- the PBX


class StampedSimulator(AmiSimulator):
    """The simulator; notes when each call's DialBegin was written to the sockets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialbegin_sent: dict[str, float] = {}

    def emit(self, raw: str, *, to: Any = None) -> None:
        super().emit(raw, to=to)
        if raw.startswith("Event: DialBegin"):
            found = re.search(r"^Linkedid: (.+?)\r?$", raw, re.MULTILINE)
            if found:
                self.dialbegin_sent.setdefault(found.group(1), time.time())


# --------------------------------------------------------------------------- the console


@dataclass
class Child:
    """The console process on its pty, its event stream and control pipe."""

    proc: asyncio.subprocess.Process
    master: int
    events_fd: int
    control_fd: int
    spawned_at: float
    events: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    pops: dict[str, dict[str, Any]] = field(default_factory=dict)
    bound: dict[str, float] = field(default_factory=dict)  # a new caller's client is in the form
    terminal_bytes: int = 0
    tail: bytearray = field(default_factory=bytearray)
    _partial: bytes = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start_reading(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(self.master, self._drain)
        loop.add_reader(self.events_fd, self._read_events)

    def _drain(self) -> None:
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            return
        self.terminal_bytes += len(data)
        self.tail += data
        del self.tail[: -(1 << 18)]

    def _read_events(self) -> None:
        data = os.read(self.events_fd, 1 << 16)
        if not data:
            asyncio.get_running_loop().remove_reader(self.events_fd)
            self.events.put_nowait({"type": "eof"})
            return
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            event = json.loads(line)
            if event["type"] == "pop":
                self.pops[event["linkedid"]] = event
            elif event["type"] == "bound":
                self.bound[event["linkedid"]] = event["t"]
            self.events.put_nowait(event)

    async def expect(self, kind: str, timeout_s: float) -> dict[str, Any]:
        async with asyncio.timeout(timeout_s):
            while True:
                event = await self.events.get()
                if event["type"] == kind:
                    return event
                if event["type"] == "eof":
                    raise RuntimeError(f"the console exited; its terminal said:\n{self.screen()}")

    def send(self, command: str) -> None:
        os.write(self.control_fd, (command + "\n").encode())

    async def snapshot(self) -> dict[str, Any]:
        self.send("snapshot")
        return await self.expect("snapshot", 10)

    def screen(self) -> str:
        from bench._proc import plain_text

        return plain_text(self.tail.decode("utf-8", "replace"))[-20000:]

    async def stop(self) -> dict[str, Any] | None:
        final: dict[str, Any] | None = None
        with contextlib.suppress(OSError):
            self.send("quit")
        try:
            final = await self.expect("exit", 30)
            async with asyncio.timeout(15):
                await self.proc.wait()
        except (TimeoutError, RuntimeError):
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
        loop = asyncio.get_running_loop()
        for fd in (self.master, self.events_fd):
            loop.remove_reader(fd)
        for fd in (self.master, self.events_fd, self.control_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        return final


async def spawn_console(config: Path, size: str, headless: bool, log: Path) -> Child:
    cols, rows = (int(v) for v in size.split("x"))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    events_r, events_w = os.pipe()
    control_r, control_w = os.pipe()
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": str(cols),
        "LINES": str(rows),
    }
    argv = [
        "-m", "bench._proc", "--config", str(config), "--size", size,
        "--events-fd", str(events_w), "--control-fd", str(control_r), "--log", str(log),
    ]  # fmt: skip
    if headless:
        argv.append("--headless")
    if profile := os.environ.get("CONSOLE_BENCH_PROFILE"):
        argv += ["--profile", profile]
    spawned_at = time.time()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(events_w, control_r),
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    for fd in (slave, events_w, control_r):
        os.close(fd)
    child = Child(proc, master, events_r, control_w, spawned_at)
    child.start_reading()
    return child


@contextlib.asynccontextmanager
async def console_running(
    config: Path, size: str, headless: bool, log: Path
) -> AsyncIterator[Child]:
    """The console on its pty (`spawn_console`) for the block: when the block fails, its
    screen is printed; on the way out it is stopped and the last lines of its log shown."""
    child = await spawn_console(config, size, headless, log)
    try:
        yield child
    except BaseException:
        print(child.screen(), file=sys.stderr)
        raise
    finally:
        await child.stop()
        _show_log_tail(log)


def _show_log_tail(log: Path) -> None:
    text = log.read_text(errors="replace").strip() if log.exists() else ""
    if text:
        print(f"console log (last lines):\n{text[-3000:]}", file=sys.stderr)


# --------------------------------------------------------------------------- measuring


@dataclass
class Idle:
    seconds: float
    cpu_s: float
    terminal_bytes: int
    frames: int

    @property
    def pct(self) -> float:
        return 100 * self.cpu_s / self.seconds


async def measure_idle(child: Child, seconds: float) -> Idle:
    before = await child.snapshot()
    wall0, cpu0, bytes0 = time.monotonic(), cpu_seconds(child.pid), child.terminal_bytes
    await asyncio.sleep(seconds)
    wall1, cpu1, bytes1 = time.monotonic(), cpu_seconds(child.pid), child.terminal_bytes
    after = await child.snapshot()
    return Idle(wall1 - wall0, cpu1 - cpu0, bytes1 - bytes0, after["frames"] - before["frames"])


@dataclass
class Results:
    db: Path
    db_how: str
    clients: int
    plan: list[PlannedCall]
    linkedids: dict[str, PlannedCall]
    sent: dict[str, float]
    pops: dict[str, dict[str, Any]]
    bound: dict[str, float]
    startup_s: float
    mem_start: Memory
    idle: Idle
    mem_after: Memory | None
    idle_after: Idle | None
    snapshot_start: dict[str, Any]
    snapshot_after: dict[str, Any] | None
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    elapsed_s: float
    pop_wall_s: float
    pop_cpu_s: float
    peak_mb: float  # highest VmHWM seen (also when the console died)
    crashed: str | None  # why the console exited during the run, from its terminal


def crash_reason(screen: str) -> str:
    """The exception line of the traceback Textual printed on its way out."""
    lines = [ln.strip(" │") for ln in screen.splitlines()]
    found = [ln for ln in lines if re.match(r"^[A-Za-z_.]*(Error|Exception|Matches)\b.*:", ln)]
    return found[-1] if found else "exited"


async def ring_calls(
    args: argparse.Namespace, sim: StampedSimulator, child: Child, plan: list[PlannedCall]
) -> tuple[dict[str, PlannedCall], float]:
    """Play the plan; returns the calls started and the highest VmHWM seen meanwhile."""
    linkedids: dict[str, PlannedCall] = {}
    peak = 0.0
    loop = asyncio.get_running_loop()
    begin = loop.time()
    for i, call in enumerate(plan):
        delay = begin + i * args.interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if child.proc.returncode is not None:
            break
        with contextlib.suppress(OSError):
            peak = max(peak, memory(child.pid).peak_mb)
        linkedid = sim.start_call(
            "direct_answered", devices=[MY_DEVICE], number=call.number, caller_name=call.caller_name
        )
        linkedids[linkedid] = call
        if (i + 1) % 20 == 0:
            print(f"  {i + 1} calls, {len(child.pops)} cards", file=sys.stderr, flush=True)
    await sim.wait_calls()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(15):
            while child.proc.returncode is None and not set(linkedids) <= set(child.pops):  # noqa: ASYNC110 - polling a child process
                await asyncio.sleep(0.1)
    return linkedids, peak


async def run(args: argparse.Namespace) -> Results:
    started = time.perf_counter()
    db, how = prepare_database(args.clients, args.db)
    clients = count_clients(db) or 0
    rng = random.Random(args.seed)
    plan = plan_calls(db, args.calls, args.new_share, rng)
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="console-bench-"))
    mem_after: Memory | None = None
    snapshot_after: dict[str, Any] | None = None
    idle_after: Idle | None = None
    crashed: str | None = None
    try:
        async with StampedSimulator(
            port=0, username="console", secret=SECRET, call_speed=args.speed
        ) as sim:
            config = tmp / "config.toml"
            config.write_text(render_config(db, sim.port, args.language), encoding="utf-8")
            print("starting the console …", file=sys.stderr, flush=True)
            log = tmp / "console.log"
            async with console_running(config, args.size, args.headless, log) as child:
                ready = await child.expect("ready", 120)
                startup_s = ready["t"] - child.spawned_at
                await asyncio.sleep(2.0)
                mem_start = memory(child.pid)
                snapshot_start = await child.snapshot()
                print(f"idle for {args.idle:g} s …", file=sys.stderr, flush=True)
                idle = await measure_idle(child, args.idle)

                print(
                    f"ringing {len(plan)} calls, one every {args.interval:g} s …",
                    file=sys.stderr,
                    flush=True,
                )
                cpu0, wall0 = cpu_seconds(child.pid), time.monotonic()
                linkedids, peak = await ring_calls(args, sim, child, plan)
                if child.proc.returncode is None:
                    await asyncio.sleep(2.0)  # cards dismissed, calls logged
                    pop_cpu = cpu_seconds(child.pid) - cpu0
                    pop_wall = time.monotonic() - wall0
                    mem_after = memory(child.pid)
                    peak = max(peak, mem_after.peak_mb)
                    snapshot_after = await child.snapshot()
                    if args.idle_after > 0:
                        print(f"idle again for {args.idle_after:g} s …", file=sys.stderr)
                        idle_after = await measure_idle(child, args.idle_after)
                else:
                    pop_cpu, pop_wall = float("nan"), time.monotonic() - wall0
                    crashed = crash_reason(child.screen())
                    print(child.screen(), file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Results(
        db=db,
        db_how=how,
        clients=clients,
        plan=plan,
        linkedids=linkedids,
        sent=dict(sim.dialbegin_sent),
        pops=dict(child.pops),
        bound=dict(child.bound),
        startup_s=startup_s,
        mem_start=mem_start,
        idle=idle,
        mem_after=mem_after,
        idle_after=idle_after,
        snapshot_start=snapshot_start,
        snapshot_after=snapshot_after,
        load_before=load_before,
        load_after=os.getloadavg(),
        elapsed_s=time.perf_counter() - started,
        pop_wall_s=pop_wall,
        pop_cpu_s=pop_cpu,
        peak_mb=max(peak, mem_start.peak_mb),
        crashed=crashed,
    )


# --------------------------------------------------------------------------- report


def _row(label: str, samples: Sequence[float], goal: str = "", met: str = "") -> list[str]:
    if not samples:
        return [label, "0", "-", "-", "-", "-", goal, met]
    s: Summary = summarize(samples)
    return [label, str(s.n), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), goal, met]


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


@dataclass
class Stages:
    """Per-call latencies in seconds, from the DialBegin written into the console's socket
    (`sent`) and from its bytes read by the console (`t0`, AmiEvent.received_at)."""

    read: list[float] = field(default_factory=list)
    published: list[float] = field(default_factory=list)
    number: list[float] = field(default_factory=list)
    known: list[float] = field(default_factory=list)
    new: list[float] = field(default_factory=list)
    bound: list[float] = field(default_factory=list)  # a new caller's client in the form
    from_read: list[float] = field(default_factory=list)
    ordered: list[float] = field(default_factory=list)  # card on screen, in call order
    vias: dict[str, int] = field(default_factory=dict)
    verified: int = 0
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    # Where a pop spends its time, stage by stage (seconds), for known clients and for
    # new numbers; and how many of those card updates had to arrange the screen.
    phases: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    arranged: dict[str, int] = field(default_factory=dict)

    @property
    def cards(self) -> list[float]:
        return self.known + self.new


def stages(r: Results) -> Stages:
    st = Stages()
    for linkedid, call in r.linkedids.items():
        pop = r.pops.get(linkedid)
        if pop is None or pop.get("t_card") is None:
            st.missing.append(linkedid)
            continue
        t0 = pop["t0"]
        sent = r.sent.get(linkedid, t0)  # the same DialBegin, written by the simulator
        st.vias[pop["via"]] = st.vias.get(pop["via"], 0) + 1
        st.read.append(t0 - sent)
        st.published.append(pop["t_published"] - sent)
        if pop.get("t_popup") is not None:
            st.number.append(pop["t_popup"] - sent)
        (st.new if call.new else st.known).append(pop["t_card"] - sent)
        if call.new and linkedid in r.bound:
            st.bound.append(r.bound[linkedid] - sent)
        st.ordered.append(pop["t_card"] - sent)
        st.from_read.append(pop["t_card"] - t0)
        _add_phases(st, pop, "new number" if call.new else "known client")
        if pop.get("verified") is not None:
            st.checked += 1
            st.verified += bool(pop["verified"])
    return st


PHASES = (
    ("read by the console → ring published (tracker)", "t0", "t_published"),
    ("ring published → taken by the dispatcher screen", "t_published", "t_handled"),
    ("taken → card's data in its widgets (query, fill)", "t_handled", "t_card_in"),
    ("card in widgets → screen update begins", "t_card_in", "t_frame_start"),
    ("screen update: arrange, render → writer thread", "t_frame_start", "t_frame_done"),
    ("writer thread → bytes in the pty", "t_frame_done", "t_card"),
)


def _add_phases(st: Stages, pop: dict[str, Any], group: str) -> None:
    stamps = [pop.get(key) for _label, key, _ in PHASES] + [pop.get(PHASES[-1][2])]
    if any(t is None for t in stamps):
        return
    phases = st.phases.setdefault(group, {})
    for label, start, end in PHASES:
        phases.setdefault(label, []).append(pop[end] - pop[start])
    st.arranged[group] = st.arranged.get(group, 0) + bool(pop.get("frame_layout"))


def report(r: Results, args: argparse.Namespace) -> str:
    size_mb = r.db.stat().st_size / 1e6
    driver = (
        "headless (App.run_test: composed, not rendered to terminal bytes)"
        if args.headless
        else "a pseudo-terminal via Textual's Linux driver"
    )
    st = stages(r)
    cards = st.cards
    p99_ok = bool(cards) and summarize(cards).p99_ms < GOAL_P99_MS and not st.missing
    read_ok = bool(st.from_read) and summarize(st.from_read).p99_ms < GOAL_P99_MS
    header = ["DialBegin in the console's socket → …", "n", "p50 ms", "p90 ms", "p99 ms",
              "max ms", "goal", "met"]  # fmt: skip
    rows = [
        _row("read by the console (data_received)", st.read),
        _row("ring published by the desk (tracker)", st.published),
        _row("number on screen (popup)", st.number),
        _row("card on screen: known client", st.known),
        _row("card on screen: new number (edit form)", st.new),
        _row("new number: its client registered, in the form", st.bound),
        _row("card on screen: all calls", cards, "p99 < 100", verdict(p99_ok)),
        _row("(from data_received) card on screen", st.from_read, "p99 < 100", verdict(read_ok)),
    ]
    known = sum(1 for c in r.plan if not c.new)
    rel = r.db.relative_to(REPO) if r.db.is_relative_to(REPO) else r.db
    lines = [
        f"console benchmark: {r.clients:,} clients in SQLite {sqlite3.sqlite_version} ({rel}, "
        f"{size_mb:,.0f} MB, {r.db_how}); Python {sys.version.split()[0]}",
        f"console: real Desk + ConsoleApp in a child process on {driver}, {args.size}; "
        "AMI simulator over TCP on 127.0.0.1 in this process",
        f"machine: {os.cpu_count()} cores, shared; load average {r.load_before[0]:.2f} before, "
        f"{r.load_after[0]:.2f} after: figures are noisy, medians are the steadier",
        "",
        f"startup: {r.startup_s:.2f} s from spawn to connected and drawn; "
        f"RSS {r.mem_start.rss_mb:.0f} MB, {r.mem_start.threads} threads",
        "",
        f"pop latency: {len(r.linkedids)} calls ringing extension 101 ({args.speed:g}x "
        f"direct_answered: rings {0.75 * 4 / args.speed:.2f} s, talks {4 / args.speed:.2f} s), "
        f"one every {args.interval:g} s; {known} planned from numbers of random clients, "
        f"{len(r.plan) - known} from new numbers",
        table(header, rows),
        "socket = the simulator wrote the DialBegin into the loopback connection (the bytes are in "
        "the console's socket); data_received = AmiEvent.received_at, stamped when the console's "
        "loop reads them (later when the loop is busy). Ring raised by: "
        + ", ".join(f"{k} x{v}" for k, v in sorted(st.vias.items()))
        + ".",
        "card on screen = the first screen update after the card's data (name, tariff, banners, "
        "phones, debts, last calls) is in its widgets, "
        + (
            "composed (headless: no terminal)."
            if args.headless
            else "written into the pty by Textual's writer thread."
        ),
        "new number = the update showing the first-time caller's form (edit mode, number and "
        "caller ID name in it); the desk registers the client meanwhile, and the form is bound "
        "to it when it lands (the row after; no screen update needed). number on screen = the "
        "first update showing the popup with the caller's number.",
    ]
    if len(st.ordered) >= 8:
        quarter = len(st.ordered) // 4
        parts = [st.ordered[i * quarter : (i + 1) * quarter] for i in range(4)]
        lines.append(
            "card on screen by quarter of the run (p50 / p99 ms): "
            + ", ".join(f"{ms(summarize(q).p50)} / {ms(summarize(q).p99)}" for q in parts)
        )
    for group, phases in st.phases.items():
        n = len(next(iter(phases.values())))
        lines += [
            "",
            f"where the pop of a {group} spends its time ({n} calls; each stage has its own "
            "percentiles, so they do not add up):",
            table(
                ["stage", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"],
                [_row(label, samples)[:6] for label, samples in phases.items()],
            ),
            f"{st.arranged.get(group, 0)} of {n} of these card updates arranged the screen "
            "(layout); the others only repainted what changed.",
        ]
    if st.checked:
        lines.append(f"check: {st.verified}/{st.checked} known-client card updates held the name.")
    if st.missing:
        lines.append(f"NO CARD measured for {len(st.missing)} of {len(r.linkedids)} calls.")
    if r.crashed:
        lines.append(f"THE CONSOLE EXITED during the pop run: {r.crashed}")
    else:
        per_call = r.pop_cpu_s / max(len(r.linkedids), 1)
        snap = r.snapshot_after or {}
        lines.append(
            f"the console used {r.pop_cpu_s:.1f} CPU s in {r.pop_wall_s:.0f} s of pop run "
            f"({100 * r.pop_cpu_s / r.pop_wall_s:.0f}% of a core, {per_call:.2f} s per call); "
            f"{snap.get('popups')} popups open after it"
        )
    idle_ok = r.idle.pct < GOAL_IDLE_PCT
    lines += [
        "",
        f"idle CPU: {r.idle.seconds:.1f} s connected, no calls: {r.idle.cpu_s:.2f} CPU s = "
        f"{r.idle.pct:.2f}% of one core (goal < {GOAL_IDLE_PCT:g}%: {verdict(idle_ok)}); "
        f"{r.idle.frames} screen updates, {r.idle.terminal_bytes:,} bytes to the terminal",
    ]
    if r.idle_after is not None:
        a = r.idle_after
        lines.append(
            f"idle CPU after the pop run: {a.seconds:.1f} s: {a.cpu_s:.2f} CPU s = {a.pct:.2f}% "
            f"of one core; {a.frames} screen updates, {a.terminal_bytes:,} bytes"
        )
    collections = (r.snapshot_after or {}).get("gc")
    if collections:
        lines.append(
            f"garbage collection until after the pop run: {collections['full']:.0f} full "
            f"collections (the console runs them when quiet: no ring or key for 2 s), the "
            f"longest {collections['longest_ms']:.0f} ms; the longest young one "
            f"{collections['young_ms']:.1f} ms"
        )
    mem_ok = r.peak_mb < GOAL_RSS_MB
    after = (
        f"after the pop run {r.mem_after.rss_mb:.0f} MB"
        if r.mem_after is not None
        else "after the pop run: n/a (exited)"
    )
    objects = f"; {r.snapshot_after['gc_objects']:,} Python objects" if r.snapshot_after else ""
    growth = ""
    if r.snapshot_after:
        before, after_types = r.snapshot_start["types"], r.snapshot_after["types"]
        grown = sorted(((n - before.get(t, 0), t) for t, n in after_types.items()), reverse=True)[
            :6
        ]
        growth = "; grew most: " + ", ".join(f"{t} +{d:,}" for d, t in grown if d > 0)
        detached = r.snapshot_after.get("detached") or {}
        if detached:
            growth += "; widgets removed but still alive: " + ", ".join(
                f"{t} {n:,}" for t, n in detached.items()
            )
    lines += [
        "",
        f"memory (RSS): after startup {r.mem_start.rss_mb:.0f} MB; {after}; peak "
        f"{r.peak_mb:.0f} MB (goal < {GOAL_RSS_MB:g} MB: {verdict(mem_ok)}){objects}{growth}",
        "",
        f"measured in {r.elapsed_s:.0f} s",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.console_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS, help="default 1,000,000")
    parser.add_argument("--db", help="SQLite file to use as is (default bench/data/console-N.db)")
    parser.add_argument("--calls", type=int, default=200, help="calls to pop (default 200)")
    parser.add_argument("--interval", type=float, default=3.0, help="s between calls (3.0)")
    parser.add_argument("--speed", type=float, default=4.0, help="call playback speed (4)")
    parser.add_argument("--new-share", type=float, default=0.1, help="new numbers (0.1)")
    parser.add_argument("--idle", type=float, default=30.0, help="idle seconds (30)")
    parser.add_argument("--idle-after", type=float, default=10.0, help="idle after pops (10)")
    parser.add_argument("--size", default="160x48", help="terminal COLSxROWS (160x48)")
    parser.add_argument("--language", choices=["en", "ru"], default="ru")
    parser.add_argument("--headless", action="store_true", help="App.run_test, no terminal")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.clients <= 0 or args.calls <= 0 or not 0 <= args.new_share < 1:
        parser.error("--clients and --calls must be positive, --new-share within [0, 1)")
    if not re.fullmatch(r"\d+x\d+", args.size):
        parser.error("--size is COLSxROWS, e.g. 160x48")
    results = asyncio.run(run(args))
    if dump := os.environ.get("CONSOLE_BENCH_SNAPSHOTS"):  # the child's object counts, for digging
        Path(dump).write_text(
            json.dumps({"start": results.snapshot_start, "after": results.snapshot_after}, indent=1)
        )
    if dump := os.environ.get("CONSOLE_BENCH_POPS"):
        Path(dump).write_text(json.dumps(results.pops, indent=1))
    print(report(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
