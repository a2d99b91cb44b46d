"""Recorded AMI sessions (JSON Lines) and the parsing of one raw AMI message.

Captures recorded from a real Asterisk are the ground truth for the tracker and the simulator:
tests replay them through the tracker alone, the simulator plays them over TCP. Both need the
same two things, kept public here: `read_capture()` for the file and `parse_message()` for one
message as it crossed the socket.

File format (see tests/fixtures/ami/README.md): one object per line with `t` (seconds since the
TCP connection opened), `dir` (`recv` from Asterisk, `send` from the client) and `raw` (the
message exactly as on the wire, `\\r\\n` line ends included).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pbx.ami_event import AmiEvent

Direction = Literal["send", "recv"]


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """One message of a recorded session, in the order it crossed the socket."""

    t: float
    dir: Direction
    raw: str


def read_capture(path: str | os.PathLike[str]) -> list[CaptureRecord]:
    """Every record of a capture file, in file order.

    Blank lines are skipped; a malformed line raises ValueError naming the line, because a
    broken fixture should fail loudly rather than silently shorten a replay.
    """
    records: list[CaptureRecord] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                direction = item["dir"]
                if direction not in ("send", "recv"):
                    raise ValueError(f"dir must be send or recv, not {direction!r}")
                records.append(CaptureRecord(float(item["t"]), direction, str(item["raw"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a capture record: {exc}") from exc
    return records


def parse_message(raw: str) -> dict[str, str]:
    """Headers of one AMI message: `Key: value` lines into a dict.

    The first occurrence of a key wins (Asterisk repeats a key only for things like
    `Variable`/`ChanVariable` in actions, which the tracker does not read). Lines without a
    colon (the banner, garbage) are ignored; a value keeps everything after `": "`, so an
    empty value (`AccountCode: `) is the empty string. Accepts `\\r\\n` or bare `\\n`.
    """
    headers: dict[str, str] = {}
    for line in raw.split("\n"):
        key, sep, value = line.partition(":")
        if not sep or not key:
            continue
        key = key.strip()
        if key in headers or not key:
            continue
        if value.endswith("\r"):
            value = value[:-1]
        headers[key] = value[1:] if value.startswith(" ") else value
    return headers


def to_event(raw: str, *, server: str, received_at: float) -> AmiEvent | None:
    """The AmiEvent for a raw message, or None when it is not an event (a Response, banner)."""
    headers = parse_message(raw)
    name = headers.get("Event")
    if not name:
        return None
    return AmiEvent(server=server, name=name, headers=headers, received_at=received_at)


def capture_events(
    records: Iterable[CaptureRecord], *, server: str, base_epoch: float
) -> list[AmiEvent]:
    """The events Asterisk sent in a capture, stamped `base_epoch + t` as a connection would."""
    events: list[AmiEvent] = []
    for record in records:
        if record.dir != "recv":
            continue
        event = to_event(record.raw, server=server, received_at=base_epoch + record.t)
        if event is not None:
            events.append(event)
    return events
