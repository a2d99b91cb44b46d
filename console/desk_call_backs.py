"""The desk's call-backs: every click-to-call it places is offered to the call-back log when
dialled, and its outcome when the PBX tells it (`OriginateResult`), both as outbox entries.

Storage decides whether a click-to-call was a call-back (its number had a missed call not
yet followed by an answer; `storage.call_backs.record_attempt`), so a call placed from a
card counts as much as one placed from the missed list. The two entries of one call share
a group, so the attempt is written before its outcome however the database comes and
goes; both are idempotent by (server, ActionID). Once written, `CallBackLogged` tells the
screens of this console to read their missed lists again; other consoles see it at their
next read (a call logged, the board's refresh, F5).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.journal import JournalEntry, JournalError
from console.outbox import Outbox
from console.tasks import Tasks
from pbx.call_events import OriginateResult
from pbx.tracker_state import CLIENT_DIAL_REASONS
from storage.call_backs import CallBackAttempt, record_attempt, record_outcome
from storage.models import CallBackOutcome

log = logging.getLogger("opconsole.desk")

CALL_BACK: Final = "call_back"
CALL_BACK_OUTCOME: Final = "call_back_outcome"
CALL_BACK_KINDS: Final = frozenset({CALL_BACK, CALL_BACK_OUTCOME})


@dataclass(frozen=True, slots=True)
class CallBackLogged:
    """A call-back attempt or its outcome is in the database: missed lists changed."""

    server: str
    action_id: str


def call_back_group(server: str, action_id: str) -> str:
    return f"call-back/{server}/{action_id}"


def outcome_of(result: OriginateResult) -> CallBackOutcome:
    """How a click-to-call ended, as the call-back log keeps it."""
    if result.success:
        return CallBackOutcome.ANSWERED
    if result.reason == CLIENT_DIAL_REASONS["BUSY"]:
        return CallBackOutcome.BUSY
    if result.reason == CLIENT_DIAL_REASONS["NOANSWER"]:
        return CallBackOutcome.NO_ANSWER
    return CallBackOutcome.FAILED


async def apply_call_back(
    sessions: async_sessionmaker[AsyncSession], entry: JournalEntry
) -> int | bool | None:
    """Write one call-back entry (the outbox's `apply` for these kinds)."""
    payload = entry.payload
    async with sessions.begin() as session:
        if entry.kind == CALL_BACK:
            return await record_attempt(
                session,
                CallBackAttempt(
                    server=payload["server"],
                    action_id=payload["action_id"],
                    number=payload["number"],
                    extension=payload["extension"],
                    operator=payload["operator"],
                    started_at=datetime.fromisoformat(payload["at"]),
                ),
            )
        return await record_outcome(
            session,
            server=payload["server"],
            action_id=payload["action_id"],
            outcome=CallBackOutcome(payload["outcome"]),
            at=datetime.fromisoformat(payload["at"]),
            linkedid=payload["linkedid"],
            reason=payload["reason"],
        )


class DeskCallBacks:
    """Keeps each click-to-call's attempt and outcome in the outbox, in that order."""

    def __init__(
        self, outbox: Callable[[], Outbox], tasks: Tasks, publish: Callable[[Any], None]
    ) -> None:
        self._outbox = outbox
        self._tasks = tasks
        self._publish = publish
        # ActionID -> the task keeping its attempt (done once the entry is on disk)
        self._dialled: dict[str, asyncio.Task[None]] = {}

    def dialled(
        self,
        *,
        server: str,
        action_id: str,
        number: str,
        extension: str,
        operator: str,
        at: datetime,
    ) -> None:
        """A click-to-call is about to be sent: keep its attempt first."""
        payload = {
            "server": server,
            "action_id": action_id,
            "number": number,
            "extension": extension,
            "operator": operator,
            "at": at.isoformat(),
        }
        self._dialled[action_id] = self._tasks.spawn(
            self._keep(CALL_BACK, payload),
            what=f"keeping the call-back attempt {action_id}",
            lost="the attempt is not counted",
        )

    def ended(self, result: OriginateResult) -> None:
        """The PBX said how a click-to-call of this desk ended."""
        self._finish(
            result.server,
            result.action_id,
            outcome_of(result),
            result.at,
            result.linkedid,
            result.reason,
        )

    def not_sent(self, server: str, action_id: str, at: datetime, reason: str) -> None:
        """The PBX refused the click-to-call, or its fate is unknown: a failed attempt."""
        self._finish(server, action_id, CallBackOutcome.FAILED, at, None, reason[:200])

    def _finish(
        self,
        server: str,
        action_id: str,
        outcome: CallBackOutcome,
        at: datetime,
        linkedid: str | None,
        reason: str | None,
    ) -> None:
        attempt = self._dialled.pop(action_id, None)
        if attempt is None:
            return  # not dialled here (another console's, or a listen-in)
        payload = {
            "server": server,
            "action_id": action_id,
            "outcome": outcome.value,
            "at": at.isoformat(),
            "linkedid": linkedid,
            "reason": reason,
        }

        async def after_attempt() -> None:
            await asyncio.shield(attempt)  # on disk first: the journal keeps the order
            await self._keep(CALL_BACK_OUTCOME, payload)

        self._tasks.spawn(
            after_attempt(),
            what=f"keeping the outcome of call-back {action_id}",
            lost="the attempt shows no outcome",
        )

    async def _keep(self, kind: str, payload: dict[str, Any]) -> None:
        """On disk on return; written (and announced) when the database takes it."""
        group = call_back_group(payload["server"], payload["action_id"])
        try:
            written = await self._outbox().submit(kind, group, payload)
        except JournalError as exc:
            log.error("%s %s NOT kept: %s", kind, group, exc)
            return
        written.add_done_callback(
            lambda done: self._written(done, payload["server"], payload["action_id"])
        )

    def _written(self, done: asyncio.Future[Any], server: str, action_id: str) -> None:
        if done.cancelled() or done.exception() is not None:
            return  # held: the outbox has said why, once
        if done.result():  # None / False: that click-to-call was no call-back
            self._publish(CallBackLogged(server, action_id))
