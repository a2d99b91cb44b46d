"""What the desk writes on its own — first-call registrations, call log entries and the
supervisor's actions on the PBX for the audit trail — as journal entries, and how each is
applied to the database.

Both are idempotent, as replaying the journal needs: a registration is get-or-create by
number, a log entry an upsert by server and Linkedid. A call's entries share a group
(`server/linkedid`), and the outbox applies entries oldest first, so a caller is
registered before the call is logged: the log entry of a call whose caller was identified
while the database was away carries no client id, and the upsert links it to the owner of
its number when it is written. A supervisor's action is written once the PBX took it: the
trail gets it even when the database is away at that moment (`record_once` skips an entry
applied before a crash).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.desk_call_backs import CALL_BACK, CALL_BACK_KINDS, apply_call_back
from console.journal import JournalEntry, JournalError
from console.outbox import EntryHeld, Outbox
from console.tasks import one_line
from storage.audit import record_once
from storage.calls import CallLogEntry, upsert_call
from storage.clients import get_or_create_client_for_call
from storage.models import Call

log = logging.getLogger("opconsole.desk")

REGISTER: Final = "register"
CALL: Final = "call"
AUDIT: Final = "audit"  # a supervisor's action taken (`console.queue_control`)
AUDIT_GROUP: Final = "audit"  # written in the order taken, apart from every call
_TIMES: Final = ("started_at", "answered_at", "ended_at")


def journal_path(directory: Path, role: str) -> Path:
    """Each process keeps its own file (`console`, `record`): the file is locked by one."""
    return directory / f"{role}-journal.sqlite3"


def call_group(server: str, linkedid: str) -> str:
    return f"{server}/{linkedid}"


def entry_payload(entry: CallLogEntry) -> dict[str, Any]:
    payload = dataclasses.asdict(entry)
    for name in _TIMES:
        value = payload[name]
        payload[name] = value.isoformat() if value is not None else None
    payload["operators_rung"] = list(entry.operators_rung)
    payload["transferred_to"] = list(entry.transferred_to)
    return payload


def entry_from_payload(payload: dict[str, Any]) -> CallLogEntry:
    values = dict(payload)
    for name in _TIMES:
        value = values[name]
        values[name] = datetime.fromisoformat(value) if value is not None else None
    return CallLogEntry(**values)


def describe(entry: JournalEntry) -> str:
    """An entry in the log's words: «call log entry of main/1700000000.1»."""
    if entry.kind in CALL_BACK_KINDS:
        what = "call-back attempt" if entry.kind == CALL_BACK else "call-back outcome"
        return f"{what} {entry.group}"
    if entry.kind == AUDIT:
        return f"audit entry {entry.payload.get('action')} by {entry.payload.get('actor')}"
    what = "registration of the caller" if entry.kind == REGISTER else "call log entry"
    return f"{what} of call {entry.group}"


class DeskWrites:
    """The desk's side of the outbox: submit writes, apply them, ping the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], region: str) -> None:
        self.sessions = sessions
        self.region = region
        self.outbox: Outbox | None = None  # set by the desk once built

    async def register(
        self,
        *,
        server: str,
        linkedid: str,
        number_raw: str,
        caller_name: str | None,
        at: datetime,
    ) -> tuple[int, bool] | None:
        """The caller's client, created on a first call: (id, created); None when the write
        is not done (the database is away: it waits in the journal) or refused."""
        payload = {
            "number_raw": number_raw,
            "caller_name": caller_name,
            "at": at.isoformat(),
            "registered_by": "PBX",
        }
        result = await self._submit(REGISTER, call_group(server, linkedid), payload)
        if result is None:
            return None
        client_id, created = result
        return int(client_id), bool(created)

    async def log_call(self, entry: CallLogEntry) -> tuple[int, int | None] | None:
        """(call id, client id) once the entry is in the call log; None if refused."""
        group = call_group(entry.server, entry.linkedid)
        result = await self._submit(CALL, group, entry_payload(entry))
        if result is None:
            return None
        call_id, client_id = result
        return int(call_id), client_id

    async def keep_action(
        self, *, actor: str, entity: str, action: str, changes: dict[str, Any], at: datetime
    ) -> bool:
        """Keep a supervisor's action for the trail: True once it is in the journal (it is
        written to the database when that answers; nobody waits for it). False (and one
        log line) when it could not be kept."""
        assert self.outbox is not None
        payload = {
            "actor": actor,
            "entity": entity,
            "action": action,
            "changes": changes,
            "at": at.isoformat(),
        }
        try:
            written = await self.outbox.submit(AUDIT, AUDIT_GROUP, payload)
        except JournalError as exc:
            log.error("%s by %s NOT kept for the audit trail: %s", action, actor, exc)
            return False
        # Nobody awaits it; a refusal for good is logged by the outbox, once.
        written.add_done_callback(lambda done: done.cancelled() or done.exception())
        return True

    async def _submit(self, kind: str, group: str, payload: dict[str, Any]) -> Any:
        assert self.outbox is not None
        try:
            written = await self.outbox.submit(kind, group, payload)
        except JournalError as exc:
            # Loud, and one line: the journal is full or its disk failed; nothing else
            # can keep this write now.
            log.error("%s of call %s NOT kept: %s", kind, group, exc)
            return None
        try:
            return await written
        except EntryHeld:
            return None  # the outbox has said why, once

    # --- the outbox's callbacks -------------------------------------------------------------

    async def apply(self, entry: JournalEntry) -> Any:
        payload = entry.payload
        if entry.kind == REGISTER:
            return await get_or_create_client_for_call(
                self.sessions,
                payload["number_raw"],
                caller_name=payload["caller_name"],
                region=self.region,
                registered_by=payload["registered_by"],
                at=datetime.fromisoformat(payload["at"]),
            )
        if entry.kind == CALL:
            async with self.sessions.begin() as session:
                call_id = await upsert_call(session, entry_from_payload(payload))
                client_id = await session.scalar(select(Call.client_id).where(Call.id == call_id))
            return call_id, client_id
        if entry.kind in CALL_BACK_KINDS:
            return await apply_call_back(self.sessions, entry)
        if entry.kind == AUDIT:
            async with self.sessions.begin() as session:
                return await record_once(
                    session,
                    actor=payload["actor"],
                    entity=payload["entity"],
                    action=payload["action"],
                    changes=payload["changes"],
                    at=datetime.fromisoformat(payload["at"]),
                )
        raise ValueError(f"unknown journal entry kind {entry.kind!r}")

    async def ping(self) -> None:
        async with self.sessions() as session:
            await session.execute(text("SELECT 1"))

    @staticmethod
    def describe_error(exc: BaseException) -> str:
        return one_line(exc)
