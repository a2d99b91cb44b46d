"""A desk that only watches: the PBX links, their call trackers and queue members, and
nothing that writes.

The console and the recorder register new callers and keep the call log; a wall screen
in the same room must not do it a second time (nor a third, for every browser open on
it), so `WatchDesk` runs no outbox and identifies no caller. The supervisor's actions are
refused here too, whatever screen asks: the wall screen offers none, and this is the
second lock on that door (the AMI user of docs/asterisk.md for viewers is the third).
"""

from __future__ import annotations

import asyncio
from typing import NoReturn

from console.desk import Desk
from pbx.call_events import CallEvent
from pbx.queue_actions import QueueActionDone
from pbx.supervise import SpyMode


class ReadOnlyDeskError(Exception):
    """The wall screen's desk sends no action to a PBX."""

    def __init__(self, action: str) -> None:
        super().__init__(f"the wallboard is read-only: it does not {action}")


class WatchDesk(Desk):
    """`Desk` less its writes: every PBX's events feed the trackers and queue members and
    reach `listen()`; no journal, no outbox, no registration, no call log entry."""

    async def run(self) -> None:
        """Connect to every [[pbx]] and follow it until cancelled (no outbox)."""
        async with asyncio.TaskGroup() as group:
            for pbx in self.settings.pbx:
                group.create_task(self._run_server(pbx), name=f"wallboard-{pbx.name}")

    def _on_call_event(self, event: CallEvent) -> None:
        self._publish(event)  # the screens see it; the console and recorder write it

    def may_supervise(self) -> bool:
        return False

    async def pause(
        self, device: str, queue: str | None = None, reason: str | None = None
    ) -> QueueActionDone:
        _refuse("pause an operator")

    async def unpause(self, device: str, queue: str | None = None) -> QueueActionDone:
        _refuse("unpause an operator")

    async def log_in(self, device: str, queue: str) -> QueueActionDone:
        _refuse("log an operator in")

    async def log_out(self, device: str, queue: str) -> QueueActionDone:
        _refuse("log an operator out")

    async def listen_in(self, device: str, mode: SpyMode = "listen", label: str = "") -> str:
        _refuse("listen in")

    async def pickup(self, device: str, label: str = "") -> str:
        _refuse("pick up a call")

    async def click_to_call(
        self, *, phone_e164: str, client_name: str, extension: str | None = None
    ) -> str:
        _refuse("place calls")


def _refuse(action: str) -> NoReturn:
    raise ReadOnlyDeskError(action)
