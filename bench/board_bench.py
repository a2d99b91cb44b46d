"""Board benchmark: what the supervisor board's refresh costs on a busy desk.

    python -m bench.board_bench [--operators 50] [--waiting 20] [--window 30] [--passes 5]

The console runs in a child process as in bench/console_bench.py (`bench/_proc.py`: the
real `Desk` and `ConsoleApp` as `opconsole` builds them, on a pseudo-terminal of `--size`,
160x48, with Textual's Linux driver, so every screen update is rendered to terminal bytes).
This process plays Asterisk: the built-in `AmiSimulator` over TCP on 127.0.0.1, with
`--operators` operators (extensions 101…, the first is `[me]`, a supervisor) members of
queue `dispatch`, and a fresh SQLite database.

The desk, before the console connects: a quarter of the operators paused (lunch, a
break), so the resync's QueueStatus answer carries them. Once it is connected, recorded
calls are played up to the moment before they end and stay there: `--waiting` callers
(20) wait: a tenth of the operators' phones ring (a direct missed call, up to its hangup),
the others wait in the queue (the abandoned queue call, up to its first DialBegin); a
fifth of the operators talk (a direct answered call, up to its hangup); so nobody's state
moves during the windows and only the clock does: every waiting time and every «for»
column ticks each second.

Measured: the child's CPU seconds (/proc/PID/stat, all threads) per wall second, as % of
one core, over `--passes` windows of `--window` seconds, first on the dispatcher screen
(the same desk, the board not shown: what the console costs anyway), then with the board
(F3 through the terminal, as a person presses it). The board's own cost is the difference.
Per screen update: CPU seconds / updates written to the terminal in the window.
Goal (issue 15): the board's refresh under 2 % of a core.

`BOARD_BENCH_PROFILE=FILE` writes a cProfile of the console process (the whole run).
Everything runs on a shared machine: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench._proc import cpu_seconds, memory
from bench._stats import table
from bench.console_bench import Child, console_running
from pbx.simulator import AmiSimulator
from pbx.simulator.templates import Step

SECRET = "bench-secret"
QUEUE = "dispatch"
GOAL_PCT = 2.0
F3 = b"\x1bOR"  # xterm's F3: the board
F1 = b"\x1bOP"  # back to the dispatcher screen

CONFIG = """\
[database]
url = "sqlite+aiosqlite:///{db}"
journal_dir = "{journal}"  # its own: another console on this machine locks the default

[[pbx]]
name = "bench"
host = "127.0.0.1"
port = {port}
username = "console"
secret = "{secret}"
tls = false

[me]
extension = "101"

{operators}
[phone]
region = "RU"
dial_format = "national"
outbound_context = "outbound"

[ui]
language = "{language}"

[rules]
service_level_seconds = 20
service_level_goal = 80
long_wait_seconds = 60

[[pause_reasons]]
name = "Обед"

[[pause_reasons]]
name = "Перерыв"
"""
NAMES = ("Анна", "Борис", "Вера", "Глеб", "Дарья", "Егор", "Жанна", "Зоя", "Игорь", "Кира")


def extension(i: int) -> str:
    return str(101 + i)


def device(i: int) -> str:
    return f"IAX2/op{extension(i)}"


def render_config(db: Path, port: int, operators: int, language: str) -> str:
    blocks = []
    for i in range(operators):
        role = "supervisor" if i == 0 else "dispatcher"
        blocks.append(
            f'[[operators]]\nextension = "{extension(i)}"\n'
            f'name = "{NAMES[i % len(NAMES)]} {i // len(NAMES) + 1}"\n'
            f'device = "{device(i)}"\nrole = "{role}"\n'
        )
    return CONFIG.format(
        db=db.resolve(),
        journal=db.resolve().parent,
        port=port,
        secret=SECRET,
        operators="\n".join(blocks),
        language=language,
    )


# --------------------------------------------------------------------------- the desk


@dataclass(frozen=True, slots=True)
class Layout:
    """Who does what on the desk (operator indexes; 0 is [me], always idle)."""

    paused: list[int]
    talking: list[int]
    ringing: list[int]

    @classmethod
    def of(cls, operators: int) -> Layout:
        others = list(range(1, operators))
        talking = others[: operators // 5]
        ringing = others[len(talking) : len(talking) + operators // 10]
        rest = others[len(talking) + len(ringing) :]
        return cls(paused=rest[: operators // 4], talking=talking, ringing=ringing)

    def idle(self, operators: int) -> int:
        return operators - len(self.paused) - len(self.talking) - len(self.ringing)


def pause_members(sim: AmiSimulator, layout: Layout) -> None:
    """Paused before the console connects: its QueueStatus resync reads them."""
    wanted = {device(i): n for n, i in enumerate(layout.paused)}
    since = str(int(time.time()) - 600)
    for member in sim.mirror.members[QUEUE]:
        n = wanted.get(member.location)
        if n is not None:
            member.paused = True
            member.reason = "Обед" if n % 2 == 0 else "Перерыв"
            member.last_pause = since


def until(steps: Sequence[Step], event: str) -> list[Step]:
    """The steps before the first `event`: the call stays where it was then."""
    for k, step in enumerate(steps):
        if step.raw.startswith(f"Event: {event}\r\n"):
            return list(steps[:k])
    raise ValueError(f"no {event} in the template")


def fill_desk(sim: AmiSimulator, layout: Layout, waiting: int, operators: int) -> None:
    """Callers waiting in the queue, operators talking and ringing; none of it ends."""
    for n in range(waiting - len(layout.ringing)):  # a caller ringing a phone waits too
        # the queue call rings the last operator at its first DialBegin: stop before it
        steps = sim.call_steps(
            "queue_abandoned", devices=[device(operators - 1)], number=f"+7916{n:07d}"
        )
        sim.play(until(steps, "DialBegin"))
    for n, i in enumerate(layout.talking):
        steps = sim.call_steps("direct_answered", devices=[device(i)], number=f"+7903{n:07d}")
        sim.play(until(steps, "HangupRequest"))
    for n, i in enumerate(layout.ringing):
        steps = sim.call_steps("direct_missed", devices=[device(i)], number=f"+7925{n:07d}")
        sim.play(until(steps, "HangupRequest"))


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class Window:
    seconds: float
    cpu_s: float
    frames: int
    terminal_bytes: int

    @property
    def pct(self) -> float:
        return 100 * self.cpu_s / self.seconds

    @property
    def ms_per_frame(self) -> float:
        return 1000 * self.cpu_s / self.frames if self.frames else float("nan")


async def measure(child: Child, seconds: float) -> Window:
    before = await child.snapshot()
    wall0, cpu0, bytes0 = time.monotonic(), cpu_seconds(child.pid), child.terminal_bytes
    await asyncio.sleep(seconds)
    wall1, cpu1, bytes1 = time.monotonic(), cpu_seconds(child.pid), child.terminal_bytes
    after = await child.snapshot()
    return Window(wall1 - wall0, cpu1 - cpu0, after["frames"] - before["frames"], bytes1 - bytes0)


async def passes(child: Child, label: str, count: int, seconds: float) -> list[Window]:
    windows = []
    for n in range(count):
        window = await measure(child, seconds)
        print(
            f"  {label} pass {n + 1}: {window.pct:.2f} % of a core, {window.frames} updates",
            file=sys.stderr,
            flush=True,
        )
        windows.append(window)
    return windows


async def wait_for_text(child: Child, pattern: str, since_bytes: int, timeout_s: float) -> None:
    """Until the terminal has shown `pattern` (a regex over the text written to it since
    it had written `since_bytes`)."""
    from bench._proc import plain_text

    async with asyncio.timeout(timeout_s):
        while True:
            fresh = min(child.terminal_bytes - since_bytes, len(child.tail))
            text = plain_text(bytes(child.tail[-fresh:]).decode("utf-8", "replace"))
            if fresh > 0 and re.search(pattern, text):
                return
            if child.proc.returncode is not None:
                raise RuntimeError(f"the console exited:\n{child.screen()}")
            await asyncio.sleep(0.2)


@dataclass
class Results:
    dispatcher: list[Window]
    board: list[Window]
    layout: Layout
    rss_mb: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


async def run(args: argparse.Namespace) -> Results:
    layout = Layout.of(args.operators)
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="board-bench-"))
    try:
        async with AmiSimulator(
            port=0,
            username="console",
            secret=SECRET,
            operators=[device(i) for i in range(args.operators)],
            queues=(QUEUE,),
            call_speed=20.0,
        ) as sim:
            pause_members(sim, layout)
            config = tmp / "config.toml"
            config.write_text(
                render_config(tmp / "board.db", sim.port, args.operators, args.language),
                encoding="utf-8",
            )
            print("starting the console …", file=sys.stderr, flush=True)
            async with console_running(config, args.size, False, tmp / "console.log") as child:
                await child.expect("ready", 120)
                fill_desk(sim, layout, args.waiting, args.operators)
                await asyncio.sleep(args.settle)  # calls played, names looked up
                print("dispatcher screen (the board not shown) …", file=sys.stderr, flush=True)
                dispatcher = await passes(child, "dispatcher", args.passes, args.window)
                mark = child.terminal_bytes
                os.write(child.master, F3)
                waiting_word = "Ожидают" if args.language == "ru" else "Waiting"
                await wait_for_text(child, rf"{waiting_word}: {args.waiting}\b", mark, 30)
                await asyncio.sleep(args.settle)
                print("the board …", file=sys.stderr, flush=True)
                board = await passes(child, "board", args.passes, args.window)
                rss = memory(child.pid).rss_mb
                os.write(child.master, F1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Results(dispatcher, board, layout, rss, load_before, os.getloadavg())


# --------------------------------------------------------------------------- report


def _spread(values: Sequence[float], fmt: str) -> list[str]:
    return [
        format(statistics.median(values), fmt),
        format(min(values), fmt),
        format(max(values), fmt),
    ]


def report(r: Results, args: argparse.Namespace) -> str:
    rows = []
    for label, windows in (("dispatcher screen", r.dispatcher), ("board", r.board)):
        rows.append(
            [
                label,
                *_spread([w.pct for w in windows], ".2f"),
                format(statistics.median([w.frames / w.seconds for w in windows]), ".2f"),
                format(statistics.median([w.ms_per_frame for w in windows]), ".1f"),
                format(statistics.median([w.terminal_bytes / w.seconds for w in windows]), ".0f"),
            ]
        )
    board_pct = statistics.median([w.pct for w in r.board])
    base_pct = statistics.median([w.pct for w in r.dispatcher])
    own = board_pct - base_pct
    lines = [
        f"board bench: {args.operators} operators ({len(r.layout.talking)} talking,"
        f" {len(r.layout.ringing)} ringing, {len(r.layout.paused)} paused,"
        f" {r.layout.idle(args.operators)} idle), {args.waiting} callers waiting;"
        f" {args.passes} passes of {args.window:g} s each; terminal {args.size}, {args.language}",
        "",
        table(
            ["screen", "CPU % p50", "min", "max", "updates/s", "ms CPU/update", "bytes/s"],
            rows,
        ),
        "",
        f"the board's own cost (board − dispatcher, medians): {own:.2f} % of a core;"
        f" the console with the board: {board_pct:.2f} % (goal < {GOAL_PCT:g} %:"
        f" {'yes' if board_pct < GOAL_PCT else 'NO'})",
        f"RSS with the board: {r.rss_mb:.0f} MB",
        "load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
            *r.load_before, *r.load_after
        ),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.board_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--operators", type=int, default=50, help="operators (50)")
    parser.add_argument("--waiting", type=int, default=20, help="callers waiting (20)")
    parser.add_argument("--window", type=float, default=30.0, help="seconds per pass (30)")
    parser.add_argument("--passes", type=int, default=5, help="passes per screen (5)")
    parser.add_argument("--settle", type=float, default=5.0, help="s before measuring (5)")
    parser.add_argument("--size", default="160x48", help="terminal COLSxROWS (160x48)")
    parser.add_argument("--language", choices=["en", "ru"], default="ru")
    args = parser.parse_args(argv)
    if args.operators < 10 or args.waiting < 1 or args.passes < 1:
        parser.error("--operators must be 10 or more, --waiting and --passes positive")
    if not re.fullmatch(r"\d+x\d+", args.size):
        parser.error("--size is COLSxROWS, e.g. 160x48")
    if profile := os.environ.get("BOARD_BENCH_PROFILE"):
        os.environ["CONSOLE_BENCH_PROFILE"] = profile  # spawn_console passes it on
    print(report(asyncio.run(run(args)), args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
