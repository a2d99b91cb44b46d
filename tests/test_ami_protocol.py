"""The protocol layer on its own and over TCP: UTF-8 split across reads, malformed input."""

from __future__ import annotations

import asyncio
import random
import socket
from pathlib import Path

import pytest

from pbx.ami_event import AmiEvent
from pbx.capture import capture_events, read_capture
from pbx.connection_state import LinkState
from pbx.protocol import HEADERS_SHORTCUT, SHORTCUTS_OFF_ENV, AmiProtocol, public_headers
from pbx.simulator import AmiSimulator
from tests.ami_support import CAPTURES, FIXTURES, SECRET, USER, client_for, collect, is_state

Shape = list[tuple[str, dict[str, str]]]


class _Transport(asyncio.Transport):
    def write(self, data: bytes | bytearray | memoryview) -> None:
        pass


def _stream(path: Path) -> list[bytes]:
    return [r.raw.encode() for r in read_capture(path) if r.dir == "recv" and r.raw]


def _shape(events: list[AmiEvent]) -> Shape:
    return [(e.name, dict(e.headers)) for e in events]


def _expected(path: Path) -> Shape:
    return _shape(capture_events(read_capture(path), server="lab", base_epoch=0.0))


def _protocol(sink: list[AmiEvent]) -> AmiProtocol:
    proto = AmiProtocol(server="lab", on_event=sink.append, clock=lambda: 0.0)
    proto.connection_made(_Transport())
    return proto


@pytest.mark.parametrize("switched_off", [False, True], ids=["store", "public"])
@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_whole_reads_give_the_captured_events_with_either_header_reader(
    path: Path, switched_off: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The headers come from panoramisk's internal store (on the release it was written
    for) or, switched off, through its Mapping API: the same events either way."""
    if switched_off:
        monkeypatch.setenv(SHORTCUTS_OFF_ENV, HEADERS_SHORTCUT)
    got: list[AmiEvent] = []
    proto = _protocol(got)
    if switched_off:
        assert proto._read_headers is public_headers
    for chunk in _stream(path):
        proto.data_received(chunk)
    assert _shape(got) == _expected(path)


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_one_byte_per_read_gives_identical_events(path: Path) -> None:
    """Every byte offset of the stream is a read boundary at once."""
    got: list[AmiEvent] = []
    proto = _protocol(got)
    for byte in b"".join(_stream(path)):
        proto.data_received(bytes([byte]))
    assert _shape(got) == _expected(path)
    assert proto.stats.malformed == 0


def test_split_at_every_offset_of_every_message_keeps_cyrillic() -> None:
    """Two reads, split at each byte offset of each message (terminator included)."""
    path = FIXTURES / "inbound_answered.jsonl"
    messages = _stream(path)
    banner, body = messages[0], messages[1:]
    reference: list[AmiEvent] = []
    ref = _protocol(reference)
    ref.data_received(banner)
    for message in body:
        before = len(reference)
        ref.data_received(message)
        want = _shape(reference[before:])
        for cut in range(1, len(message)):
            got: list[AmiEvent] = []
            proto = _protocol(got)
            proto.data_received(banner)
            proto.data_received(message[:cut])
            proto.data_received(message[cut:])
            assert _shape(got) == want, (message[:60], cut)
    assert any("Иванова Мария" in e.headers.values() for e in reference)


async def test_capture_dribbled_over_a_real_socket() -> None:
    """The server writes the capture in 1–7 byte pieces with NODELAY, yielding in between."""
    path = FIXTURES / "queue_ringall.jsonl"
    data = b"".join(_stream(path))
    rng = random.Random(7)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pos = 0
        while pos < len(data):
            step = rng.randint(1, 7)
            writer.write(data[pos : pos + step])
            pos += step
            await writer.drain()
            await asyncio.sleep(0)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    got: list[AmiEvent] = []
    done = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()
    await loop.create_connection(
        lambda: AmiProtocol(
            server="lab", on_event=got.append, on_lost=lambda _e: done.set_result(None)
        ),
        "127.0.0.1",
        port,
    )
    async with asyncio.timeout(20):
        await done
    server.close()
    assert _shape(got) == _expected(path)


def _mutations(rng: random.Random, samples: list[bytes], count: int) -> list[bytes]:
    out: list[bytes] = []
    for _ in range(count):
        msg = bytearray(rng.choice(samples))
        kind = rng.randrange(9)
        if kind == 0:  # flip bytes
            for _ in range(rng.randint(1, 5)):
                msg[rng.randrange(len(msg))] = rng.randrange(256)
        elif kind == 1:  # truncate (the next message merges into it)
            del msg[rng.randrange(len(msg)) :]
        elif kind == 2:  # invalid UTF-8
            at = rng.randrange(len(msg))
            msg[at:at] = rng.choice([b"\xff", b"\xc3", b"\xd0\x28", b"\xed\xa0\x80"])
        elif kind == 3:  # no colons at all
            msg = bytearray(msg.replace(b": ", b" "))
        elif kind == 4:  # garbage line
            msg = bytearray(bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))))
            msg += b"\r\n\r\n"
        elif kind == 5:  # bare LF line ends
            msg = bytearray(msg.replace(b"\r\n", b"\n"))
        elif kind == 6:  # long line
            msg[0:0] = b"X-Long: " + b"a" * rng.randint(1_000, 20_000) + b"\r\n"
        elif kind == 7:  # empty messages
            msg = bytearray(b"\r\n\r\n" * rng.randint(1, 3))
        # kind 8: unchanged
        out.append(bytes(msg))
    return out


async def test_fuzz_ten_thousand_mutated_messages_over_tcp() -> None:
    samples = [m for p in CAPTURES for m in _stream(p)[1:]]
    mutated = _mutations(random.Random(2024), samples, 10_000)
    oversized = b"Event: Huge\r\nData: " + b"z" * 200_000 + b"\r\n\r\n"
    async with AmiSimulator(port=0, username=USER, secret=SECRET) as sim:
        ami = client_for(sim, ping_interval=5.0, max_message=64 * 1024, resync_actions=())
        async with ami:
            await collect(ami, is_state(LinkState.UP))
            for start in range(0, len(mutated), 500):
                sim.inject(b"".join(mutated[start : start + 500]))
                await asyncio.sleep(0)
            sim.inject(oversized)
            sim.inject(b"\r\n\r\nEvent: FuzzDone\r\nMarker: 1\r\n\r\n")

            def done(item: object) -> bool:
                return isinstance(item, AmiEvent) and item.name == "FuzzDone"

            items = await collect(ami, done, timeout_s=30)
            assert not [i for i in items if not isinstance(i, AmiEvent)]  # no state change
            assert ami.state.is_up
            assert ami.stats.malformed > 100
            assert ami.stats.oversized >= 1
            pong = await ami.send_action({"Action": "Ping"})
            assert pong["Ping"] == "Pong"
        assert sim.connections == 1
