"""Replaying a recorded AMI session to one client, as the capture README prescribes.

``recv`` messages are sent with their recorded timing (divided by ``speed``; 0 means as
fast as possible). Where the file shows a ``send``, the replay waits for the client to send
an action of that name and from then on writes the client's ActionID wherever the recorded
one appears. Login and Ping are answered by the simulator itself, so their recorded answers
are skipped, as is the recorded banner (the server sent its own).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from pbx.capture import parse_message, read_capture
from pbx.simulator.wire import header

if TYPE_CHECKING:
    from pbx.simulator.server import AmiSimulator, Session

SELF_ANSWERED = frozenset({"login", "ping"})


async def replay(
    sim: AmiSimulator,
    session: Session,
    path: Path,
    *,
    speed: float = 1.0,
    action_wait: float | None = None,
    close_at_end: bool = True,
) -> None:
    """Play ``path`` to ``session``.

    ``action_wait`` bounds the wait for each recorded action (None: wait forever); when it
    runs out the replay goes on and drops the recorded answers to that action, so a console
    that never sends, say, the recorded Logoff still sees the rest of the calls.
    """
    loop = asyncio.get_running_loop()
    records = read_capture(path)
    renamed: dict[str, str] = {}
    skipped: set[str] = set()
    for record in records:
        if record.dir == "send":
            name = header(parse_message(record.raw), "Action").lower()
            if name not in SELF_ANSWERED:
                session.expect[name] += 1
    start, base = loop.time(), records[0].t if records else 0.0
    for record in records:
        if session.closed:
            return
        if record.dir == "send":
            sent = parse_message(record.raw)
            name = header(sent, "Action").lower()
            recorded_id = header(sent, "ActionID")
            if name in SELF_ANSWERED:
                skipped.add(recorded_id)
                continue
            try:
                async with asyncio.timeout(action_wait):
                    got = await session.inbox(name).get()
            except TimeoutError:
                session.expect[name] -= 1
                skipped.add(recorded_id)
                continue
            if recorded_id:
                renamed[recorded_id] = header(got, "ActionID")
            start, base = loop.time(), record.t
            continue
        if speed > 0:
            delay = start + (record.t - base) / speed - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        raw = record.raw
        if raw == "":
            if close_at_end:
                session.close()
            return
        if not raw.startswith(("Event:", "Response:")):
            continue  # the banner
        action_id = parse_message(raw).get("ActionID", "")
        if action_id in skipped and raw.startswith("Response:"):
            continue
        if action_id in renamed:
            raw = raw.replace(f"ActionID: {action_id}\r\n", f"ActionID: {renamed[action_id]}\r\n")
        if raw.startswith("Event:"):
            sim.emit(raw, to=[session])
        else:
            session.write(raw)
