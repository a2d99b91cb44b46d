"""AMI throughput: events per second through the full path beside panoramisk alone.

    python -m bench.ami_bench [--events N] [--repeat K] [--chunk BYTES]

One realistic stream is built from the recorded calls (the simulator's templates, cut from
tests/fixtures/ami: direct and queue calls answered, missed, abandoned, with their VarSet,
Newexten, DeviceStateChange … exactly as Asterisk sent them), many calls overlapping as on
a busy desk, fresh ids for each. Then, in one run, alternating, ``--repeat`` times each:

- full path: the simulator writes the stream to a logged-in ``AmiClient`` over TCP on
  127.0.0.1; its ``events()`` stream goes through ``TrackerFeed`` into a ``CallTracker``
  (the desk's consumer loop). Timed from the first byte written to the last event applied;
- ceiling: panoramisk 1.4's own ``AMIProtocol`` parsing the same bytes in memory, in reads
  of ``--chunk`` bytes, with a dispatch that does nothing: the parser alone, no socket.

Medians are printed, events/s for each and their ratio, by the wall clock (the goal) and
by this process's CPU time (steadier when other work shares the machine; the simulator's
writing is in the full path's share, as it runs on the same loop). Goals (issue 3): the
full path at least 20,000 events/s and at least half the ceiling's rate (ratio >= 0.5).
A busy desk produces a few hundred events per second.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import logging
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from panoramisk.ami_protocol import AMIProtocol

from bench._stats import table
from pbx.ami_client import AmiClient
from pbx.ami_event import AmiEvent
from pbx.call_events import CallEnded
from pbx.capture import to_event
from pbx.connection_state import ConnectionState
from pbx.simulator import AmiSimulator
from pbx.simulator.templates import instantiate, templates
from pbx.tracker import CallTracker, OperatorDevice
from pbx.tracker_feed import TrackerFeed
from storage.phones import classify_number

DEVICES = ("IAX2/op101", "IAX2/op102", "IAX2/op103")
OPERATORS = tuple(OperatorDevice(d[-3:], f"Оператор {d[-3:]}", d) for d in DEVICES)
MIX = (  # template, weight (the generator's default shares)
    ("direct_answered", 3),
    ("queue_answered", 3),
    ("direct_missed", 2),
    ("queue_abandoned", 2),
)
NAMES = ("Иванова Мария", "Петров Сергей", "ООО Ромашка", "<unknown>")
USER, SECRET = "bench", "bench-secret"
END = "Event: BenchDone\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Stream:
    data: bytes
    events: int
    calls: int


def build_stream(target_events: int, seed: int = 1) -> Stream:
    """Whole recorded calls, overlapping (a new one every ~0.5 s of PBX time), in time
    order, until the stream holds at least ``target_events`` events."""
    rng = random.Random(seed)
    names = [name for name, _ in MIX]
    weights = [weight for _, weight in MIX]
    heap: list[tuple[float, int, str]] = []
    events = calls = 0
    start = 0.0
    while events < target_events:
        tpl = templates()[rng.choices(names, weights)[0]]
        devices = list(DEVICES)
        rng.shuffle(devices)
        number = "+79" + "".join(rng.choice("0123456789") for _ in range(9))
        steps = instantiate(
            tpl,
            devices=dict(zip(tpl.devices, devices, strict=False)),
            number=number,
            caller_name=rng.choice(NAMES),
        )
        for i, step in enumerate(steps):
            heapq.heappush(heap, (start + step.dt, events + i, step.raw))
        events += len(steps)
        calls += 1
        start += rng.expovariate(2.0)
    raw = [heapq.heappop(heap)[2] for _ in range(len(heap))]
    return Stream("".join(raw).encode("utf-8"), events, calls)


def make_tracker() -> CallTracker:
    return CallTracker(
        server="bench",
        operators=OPERATORS,
        classify=lambda raw: classify_number(raw, region="RU"),
    )


# -- ceiling: panoramisk's parser alone -------------------------------------------------


class _Factory:
    """What panoramisk's protocol calls back into; does nothing."""

    save_stream = None

    def dispatch(self, message: Any) -> None:
        pass


class _Transport(asyncio.Transport):
    def write(self, data: bytes | bytearray | memoryview) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Timing:
    """One measured run: wall-clock and this process's CPU seconds."""

    wall: float
    cpu: float


class _Stopwatch:
    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def stop(self) -> Timing:
        return Timing(time.perf_counter() - self._wall, time.process_time() - self._cpu)


def ceiling_once(stream: Stream, chunk: int) -> Timing:
    """panoramisk 1.4's AMIProtocol parsing the stream, read by read."""
    proto = AMIProtocol()
    proto.connection_made(_Transport())
    proto.factory = _Factory()
    proto.encoding = "utf-8"
    proto.data_received(b"Asterisk Call Manager/11.0.0\r\n")
    data = stream.data
    reads = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    watch = _Stopwatch()
    for read in reads:
        proto.data_received(read)
    return watch.stop()


# -- full path: TCP -> AmiClient -> TrackerFeed -> CallTracker ----------------------------


async def full_path_once(stream: Stream) -> tuple[Timing, int, int]:
    """From the first byte written to the last event applied (the simulator writing on
    the same loop included); and the events and calls the tracker got, to check that
    nothing was lost."""
    async with AmiSimulator(port=0, username=USER, secret=SECRET, operators=DEVICES) as sim:
        ami = AmiClient(
            server="bench",
            host="127.0.0.1",
            port=sim.port,
            username=USER,
            secret=SECRET,
            ping_interval=60.0,
            resync_actions=(),
        )
        async with ami:
            feeder = TrackerFeed(make_tracker())
            handle = feeder.handle
            events = ended = 0
            async for item in ami.events():
                if isinstance(item, ConnectionState) and item.is_up:
                    break
            payload = stream.data + END.encode()
            watch = _Stopwatch()
            sim.inject(payload)
            async for item in ami.events():
                if type(item) is AmiEvent:
                    if item.name == "BenchDone":
                        break
                    events += 1
                for out in handle(item):
                    if type(out) is CallEnded:
                        ended += 1
            timing = watch.stop()
    return timing, events, ended


def parsed_events(stream: Stream) -> list[AmiEvent]:
    text = stream.data.decode("utf-8")
    return [
        e
        for i, raw in enumerate(text.split("\r\n\r\n"))
        if raw and (e := to_event(raw + "\r\n\r\n", server="bench", received_at=1e9 + i))
    ]


def tracker_alone_once(events: Sequence[AmiEvent]) -> Timing:
    """The tracker on its own, fed events already parsed (the breakdown)."""
    feed = make_tracker().feed
    watch = _Stopwatch()
    for event in events:
        feed(event)
    return watch.stop()


# -- report ------------------------------------------------------------------------------


@dataclass
class Runs:
    label: str
    timings: list[Timing]

    def rate(self, events: int, *, cpu: bool = False) -> float:
        return events / statistics.median(t.cpu if cpu else t.wall for t in self.timings)


async def run(events: int, repeat: int, chunk: int) -> int:
    logging.basicConfig(level=logging.WARNING)
    stream = build_stream(events)
    parsed = parsed_events(stream)
    print(
        f"stream: {stream.events:,} events in {stream.calls:,} calls, "
        f"{len(stream.data) / 1e6:.1f} MB ({len(stream.data) / stream.events:.0f} B/event); "
        f"{repeat} runs of each, alternating; ceiling reads of {chunk:,} B"
    )
    full = Runs("full path: TCP -> AmiClient -> tracker", [])
    ceiling = Runs("ceiling: panoramisk parser alone", [])
    tracker = Runs("  breakdown: tracker alone", [])
    for _ in range(repeat):
        gc.collect()
        timing, seen, ended = await full_path_once(stream)
        if seen != stream.events or ended != stream.calls:
            print(f"full path lost data: {seen} events, {ended} calls", file=sys.stderr)
            return 1
        full.timings.append(timing)
        gc.collect()
        ceiling.timings.append(ceiling_once(stream, chunk))
        gc.collect()
        tracker.timings.append(tracker_alone_once(parsed))
    n = stream.events
    rows = [
        [
            r.label,
            f"{r.rate(n):,.0f}",
            f"{1e6 / r.rate(n):.1f}",
            f"{r.rate(n, cpu=True):,.0f}",
            f"{1e6 / r.rate(n, cpu=True):.1f}",
        ]
        for r in (full, ceiling, tracker)
    ]
    header = ["median of runs", "events/s", "µs/event", "events/s CPU", "µs/event CPU"]
    print(table(header, rows))
    full_rate, ratio = full.rate(n), full.rate(n) / ceiling.rate(n)
    cpu_ratio = full.rate(n, cpu=True) / ceiling.rate(n, cpu=True)
    ok = full_rate >= 20_000 and ratio >= 0.5
    print(
        f"ratio full/ceiling: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (goal >= 0.5); "
        f"full path {full_rate:,.0f} events/s (goal >= 20,000): "
        f"{'OK' if ok else 'BELOW GOAL'}"
    )
    if full.rate(n, cpu=True) > 1.25 * full_rate:
        print("note: wall time well above CPU time: the machine is busy, figures are low")
    return 0 if ok else 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ami_bench", description=__doc__)
    parser.add_argument("--events", type=int, default=40_000, help="stream size (events)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    parser.add_argument("--chunk", type=int, default=65_536, help="bytes per read, ceiling")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.events, args.repeat, args.chunk))


if __name__ == "__main__":
    sys.exit(main())
