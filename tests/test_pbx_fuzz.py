"""10,000 mutated AMI messages through the full path — TCP → AmiClient (panoramisk's parser)
→ CallTracker — interleaved with real recorded calls: the connection stays up, what was
malformed or unknown is counted, the tracker stays consistent and the real calls are still
concluded as the README says.

The mutations start from every message of every capture, with the call identities moved to
another namespace (``a-…`` → ``z-…``): a mutated message can then make or break calls of its
own but never touch a real one, which is what lets the real conclusions be asserted exactly.
Each run of mutations is closed with an empty message before the next real one, so a
truncated mutation cannot swallow a real event. Deterministic: one seed.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

from pbx.ami_event import AmiEvent
from pbx.call_events import CallAnswered, CallEnded, CallEvent, CallRinging, CallStoppedRinging
from pbx.capture import parse_message, read_capture
from pbx.connection_state import ConnectionState, LinkState
from pbx.simulator import AmiSimulator
from pbx.tracker_feed import TrackerFeed
from tests.ami_support import CAPTURES, SECRET, USER, client_for, collect, is_state
from tests.tracker_support import (
    CONCLUSIONS,
    FIXTURES,
    ExpectedCapture,
    check_conclusions,
    make_tracker,
)

SEED = 20_261_130
COUNT = 10_000
MAX_MESSAGE = 64 * 1024
REAL = ("queue_ringall.jsonl", "blind_transfer.jsonl", "inbound_national_format.jsonl")
EOM = b"\r\n\r\n"
_IDS = re.compile(rb"\ba-(\d{10}\.\d+)")

Mutation = Callable[[random.Random, bytes], bytes]


def _events(name: str) -> list[bytes]:
    return [r.raw.encode() for r in read_capture(FIXTURES / name) if r.raw.startswith("Event:")]


def _lines(msg: bytes) -> list[bytes]:
    return msg[: -len(EOM)].split(b"\r\n") if msg.endswith(EOM) else msg.split(b"\r\n")


def _join(lines: list[bytes]) -> bytes:
    return b"\r\n".join(lines) + EOM


def truncate(rng: random.Random, msg: bytes) -> bytes:
    return msg[: rng.randrange(len(msg))]  # no terminator: the next message merges into it


def drop_fields(rng: random.Random, msg: bytes) -> bytes:
    lines = _lines(msg)
    for _ in range(rng.randint(1, min(4, len(lines)))):
        del lines[rng.randrange(len(lines))]
    return _join(lines)


def swap_values(rng: random.Random, msg: bytes) -> bytes:
    lines = _lines(msg)
    if len(lines) < 3:
        return msg
    i, j = rng.sample(range(1, len(lines)), 2)
    ki, _, vi = lines[i].partition(b": ")
    kj, _, vj = lines[j].partition(b": ")
    lines[i], lines[j] = ki + b": " + vj, kj + b": " + vi
    return _join(lines)


def garbage(rng: random.Random, msg: bytes) -> bytes:
    return rng.randbytes(rng.randint(1, 300)) + rng.choice([EOM, b"", b"\r\n"])


def flip_bytes(rng: random.Random, msg: bytes) -> bytes:
    data = bytearray(msg)
    for _ in range(rng.randint(1, 6)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def invalid_utf8(rng: random.Random, msg: bytes) -> bytes:
    at = rng.randrange(len(msg))
    bad = rng.choice([b"\xff", b"\xc3", b"\xd0\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"])
    return msg[:at] + bad + msg[at:]


def huge_line(rng: random.Random, msg: bytes) -> bytes:
    size = rng.choice([rng.randint(1_000, 20_000), rng.randint(MAX_MESSAGE, 2 * MAX_MESSAGE)])
    lines = _lines(msg)
    lines.insert(rng.randrange(1, len(lines) + 1), b"X-Long: " + b"a" * size)
    return _join(lines)


def duplicate(rng: random.Random, msg: bytes) -> bytes:
    return msg * rng.randint(2, 3)


def unknown_event(rng: random.Random, msg: bytes) -> bytes:
    lines = _lines(msg)
    lines[0] = b"Event: Fuzz" + str(rng.randrange(50)).encode()
    return _join(lines)


def bad_timestamp(rng: random.Random, msg: bytes) -> bytes:
    lines = _lines(msg)
    stamp = rng.choice([b"-1", b"nan", b"inf", b"1e308", b"", b"yesterday", b"99999999999"])
    lines.insert(1, b"Timestamp: " + stamp)
    return _join(lines)


def no_colons(rng: random.Random, msg: bytes) -> bytes:
    return msg.replace(b": ", b" ")


def bare_lf(rng: random.Random, msg: bytes) -> bytes:
    return msg.replace(b"\r\n", b"\n")


def stray_response(rng: random.Random, msg: bytes) -> bytes:
    return b"Response: Success\r\nActionID: fuzz-%d\r\nMessage: nobody asked\r\n\r\n" % (
        rng.randrange(1000)
    )


MUTATIONS: tuple[Mutation, ...] = (
    truncate,
    drop_fields,
    swap_values,
    garbage,
    flip_bytes,
    invalid_utf8,
    huge_line,
    duplicate,
    unknown_event,
    bad_timestamp,
    no_colons,
    bare_lf,
    stray_response,
)


def mutated(rng: random.Random, count: int) -> list[bytes]:
    samples = [_IDS.sub(rb"z-\1", m) for path in CAPTURES for m in _events(path.name)]
    out = []
    for _ in range(count):
        msg = rng.choice(samples)
        for mutation in rng.sample(MUTATIONS, rng.choice([1, 1, 1, 2])):
            msg = mutation(rng, msg) or msg
        out.append(msg)
    return out


def stream(rng: random.Random) -> tuple[bytes, int]:
    """Real events with runs of mutations between them; and how many mutations."""
    real = [m for name in REAL for m in _events(name)]
    fuzz = mutated(rng, COUNT)
    cuts = sorted(rng.randrange(len(fuzz) + 1) for _ in range(len(real)))
    parts: list[bytes] = []
    start = 0
    for cut, message in zip(cuts, real, strict=True):
        parts += fuzz[start:cut]
        parts += [EOM, message]
        start = cut
    parts += fuzz[start:]
    return b"".join(parts), len(fuzz)


def sane(tracker_out: list[CallEvent]) -> None:
    """Every call ended once; every popup opened once and closed once (by the operator
    answering, or a stop)."""
    ended = [e.record.linkedid for e in tracker_out if isinstance(e, CallEnded)]
    assert len(ended) == len(set(ended))
    open_popups: set[tuple[str, str]] = set()
    for event in tracker_out:
        if isinstance(event, CallRinging):
            for ext in event.started:
                assert (event.linkedid, ext) not in open_popups
                open_popups.add((event.linkedid, ext))
        elif isinstance(event, CallStoppedRinging):
            open_popups.remove((event.linkedid, event.extension))
        elif isinstance(event, CallAnswered):
            open_popups.discard((event.linkedid, event.extension))
    assert not open_popups


async def test_fuzz_full_path_with_real_calls() -> None:
    rng = random.Random(SEED)
    data, count = stream(rng)
    assert count == COUNT
    real_ids = {
        linkedid
        for name in REAL
        for message in _events(name)
        if (linkedid := parse_message(message.decode()).get("Linkedid"))
    }
    tracker = make_tracker()
    feeder = TrackerFeed(tracker)
    out: list[CallEvent] = []
    async with AmiSimulator(port=0, username=USER, secret=SECRET) as sim:
        ami = client_for(sim, ping_interval=30.0, max_message=MAX_MESSAGE)
        async with ami:
            for item in await collect(ami, is_state(LinkState.UP)):
                out += feeder.handle(item)
            pos = 0
            while pos < len(data):  # writes of random sizes: reads split anywhere
                step = rng.randint(1, 256 * 1024)
                sim.inject(data[pos : pos + step])
                pos += step
            sim.inject(EOM + b"Event: FuzzDone\r\n\r\n")

            def done(item: object) -> bool:
                return isinstance(item, AmiEvent) and item.name == "FuzzDone"

            items = await collect(ami, done, timeout_s=60)
            for item in items:
                out += feeder.handle(item)  # never raises
            # The link stayed up through it all.
            assert not [i for i in items if isinstance(i, ConnectionState)]
            assert ami.state.is_up
            assert (await ami.send_action({"Action": "Ping"}))["Ping"] == "Pong"
            stats = ami.stats
        assert sim.connections == 1

    print(f"fuzz: {len(data):,} bytes; protocol {stats}; tracker {dict(tracker.stats)}")
    # Malformed and unknown input was counted, on both levels.
    assert stats.malformed > 100 and stats.oversized >= 1
    assert stats.handler_errors == 0
    assert tracker.stats["unknown_events"] > 100
    assert tracker.stats["malformed"] + tracker.stats["orphans"] > 100
    assert tracker.stats["bad_timestamps"] > 0
    assert tracker.stats["errors"] == 0  # nothing escaped a handler as an exception

    # Live calls are sane: none of the real ones is left over, none is inconsistent.
    live = tracker.live_calls()
    assert not {c.linkedid for c in live} & real_ids
    for call in live:
        assert call.state in ("ringing", "queued", "talking")
        assert len(set(call.ringing)) == len(call.ringing)
        assert call.talking not in call.ringing
        assert call.started_at <= call.since

    # The real calls: exactly the README's conclusions, in the order they ended.
    real = [e for e in out if isinstance(e, CallEnded) and e.record.linkedid in real_ids]
    wanted = ExpectedCapture(tuple(c for name in REAL for c in CONCLUSIONS[name].calls))
    check_conclusions(real, wanted, timing=False)

    # The PBX says nothing is up any more: everything still open ends, exactly once.
    out += tracker.resync([], time.time() + 1.0)
    assert tracker.live_calls() == []
    counts = tracker.stats  # listen-in legs start like calls and end as supervision
    assert counts["calls_started"] == counts["calls_ended"] + counts["supervision_legs"]
    sane(out)
