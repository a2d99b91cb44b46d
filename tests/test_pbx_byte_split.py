"""A capture whose CallerIDName is Cyrillic, split at every byte offset, gives identical
calls: through panoramisk's parser (``AmiProtocol``) and the tracker, in memory and over a
real socket.

panoramisk 1.4 decodes each TCP read on its own and drops what it cannot decode, so a
two-byte «И» split across two reads vanished from «Иванова Мария». The protocol decodes
incrementally; these tests hold it to that at every offset of a whole session.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from pbx.ami_event import AmiEvent
from pbx.call_events import CallEnded, CallRecord
from pbx.capture import read_capture
from pbx.connection_state import LinkState
from pbx.protocol import AmiProtocol
from pbx.simulator import AmiSimulator
from pbx.tracker_feed import TrackerFeed
from tests.ami_support import SECRET, USER, client_for, collect, is_state
from tests.tracker_support import CONCLUSIONS, FIXTURES, check_conclusions, make_tracker

CAPTURE = "inbound_answered.jsonl"  # «Иванова Мария» in CallerIDName, «Оператор 101» …
NAME = "Иванова Мария"
START = 1_795_365_000.0


class _Transport(asyncio.Transport):
    def write(self, data: bytes | bytearray | memoryview) -> None:
        pass


def wire(name: str = CAPTURE) -> tuple[bytes, list[bytes]]:
    """The banner and the messages Asterisk sent, as bytes on the wire."""
    raw = [r.raw.encode() for r in read_capture(FIXTURES / name) if r.dir == "recv" and r.raw]
    return raw[0], raw[1:]


def arrivals(name: str = CAPTURE) -> list[float]:
    """When each message (banner aside) arrived in the recorded session."""
    times = [r.t for r in read_capture(FIXTURES / name) if r.dir == "recv" and r.raw]
    return [START + t for t in times[1:]]


def parse(reads: Sequence[bytes], stamp: Callable[[], float]) -> list[AmiEvent]:
    """Events a fresh protocol delivers for these TCP reads."""
    got: list[AmiEvent] = []
    proto = AmiProtocol(server="lab", on_event=got.append, clock=stamp)
    proto.connection_made(_Transport())
    for data in reads:
        proto.data_received(data)
    assert proto.stats.malformed == 0
    return got


def calls(events: Sequence[AmiEvent]) -> list[CallRecord]:
    tracker = make_tracker()
    out = [e for event in events for e in tracker.feed(event)]
    assert tracker.live_calls() == []
    return [e.record for e in out if isinstance(e, CallEnded)]


def shape(events: Sequence[AmiEvent]) -> list[tuple[str, dict[str, str]]]:
    return [(e.name, dict(e.headers)) for e in events]


def reference() -> tuple[list[list[AmiEvent]], list[CallRecord]]:
    """Per message, the events of the whole session read in one piece; and its calls."""
    banner, messages = wire()
    per_message = [
        parse([banner, message], lambda t=t: t)  # type: ignore[misc]
        for message, t in zip(messages, arrivals(), strict=True)
    ]
    flat = [e for events in per_message for e in events]
    assert shape(flat) == shape(parse([banner, *messages], lambda: START))
    return per_message, calls(flat)


def test_split_at_every_byte_offset_gives_identical_calls() -> None:
    """Two reads, cut at each of the session's ~25,000 byte offsets.

    A cut between messages changes nothing; a cut inside message m leaves every other
    message whole in one read or the other, so the session's events are the reference's
    with m's replaced by what m split at that offset gives. Each distinct event list that
    results goes through the tracker (which is pure, so one run per distinct list covers
    every offset producing it) and must give the reference's calls.
    """
    banner, messages = wire()
    per_message, expected = reference()
    assert [c.name for c in expected] == [NAME]
    check_conclusions([CallEnded(c) for c in expected], CONCLUSIONS[CAPTURE])
    offsets = 0
    for m, (message, stamp) in enumerate(zip(messages, arrivals(), strict=True)):
        variants: dict[str, list[AmiEvent]] = {}
        for cut in range(len(message) + 1):
            got = parse([banner, message[:cut], message[cut:]], lambda s=stamp: s)  # type: ignore[misc]
            variants.setdefault(repr(shape(got)), got)
            offsets += 1
        for got in variants.values():
            spliced = [e for events in per_message[:m] for e in events]
            spliced += got
            spliced += [e for events in per_message[m + 1 :] for e in events]
            assert calls(spliced) == expected, (m, message[:80])
        assert len(variants) == 1, (m, list(variants))
    assert offsets >= sum(len(m) for m in messages)


def test_one_byte_per_read_gives_identical_calls() -> None:
    """Every offset a read boundary at once, the session fed to the tracker as it parses."""
    banner, messages = wire()
    _, expected = reference()
    ticks = iter(range(10**9))
    data = b"".join(messages)
    got = parse([banner, *(data[i : i + 1] for i in range(len(data)))], lambda: START + next(ticks))
    assert _untimed(calls(got)) == _untimed(expected)
    assert NAME in {e.get("CallerIDName") for e in got}


def _inside_multibyte(data: bytes) -> list[int]:
    """Offsets that fall between the bytes of one UTF-8 character."""
    return [i for i in range(1, len(data)) if 0x80 <= data[i] < 0xC0]


def _untimed(records: Sequence[CallRecord]) -> list[dict[str, Any]]:
    times = ("started_at", "answered_at", "ended_at", "wait_s", "talk_s")
    return [{k: v for k, v in dataclasses.asdict(r).items() if k not in times} for r in records]


@pytest.mark.parametrize("nth", [0, 1, 7, 25])
async def test_split_inside_a_cyrillic_character_over_tcp(nth: int) -> None:
    """Over a real socket, through AmiClient and the tracker: the session goes out in two
    writes cut inside a Cyrillic character, the second only once the client has handled
    the first (so the cut is a read boundary); the calls are the reference's."""
    _, messages = wire()
    data = b"".join(messages)
    cut = _inside_multibyte(data)[nth]
    boundary = data.rfind(b"\r\n\r\n", 0, cut) + 4
    whole_before = data[:boundary].count(b"\r\n\r\n")
    _, expected = reference()
    async with (
        AmiSimulator(port=0, username=USER, secret=SECRET) as sim,
        client_for(sim, resync_actions=(), ping_interval=30.0) as ami,
    ):
        feeder = TrackerFeed(make_tracker())
        out = []
        for item in await collect(ami, is_state(LinkState.UP)):
            out += feeder.handle(item)
        sim.inject(data[:cut])
        if whole_before:  # the read holding the first part has been handled
            last = parse([b"Asterisk Call Manager/11.0.0\r\n", data[:boundary]], lambda: 0.0)
            marker = last[-1].headers
            items = await collect(ami, lambda i: isinstance(i, AmiEvent) and i.headers == marker)
            for item in items:
                out += feeder.handle(item)
        sim.inject(data[cut:] + b"Event: SplitDone\r\n\r\n")
        done = await collect(ami, lambda i: isinstance(i, AmiEvent) and i.name == "SplitDone")
        for item in done:
            out += feeder.handle(item)
        assert ami.stats.malformed == 0
    records = [e.record for e in out if isinstance(e, CallEnded)]
    assert _untimed(records) == _untimed(expected)
    check_conclusions(out, CONCLUSIONS[CAPTURE], timing=False)
