"""Closing a missed number without calling back, and undoing it.

Some numbers need no call: spam, a wrong number, a caller already helped another way.
A supervisor closes such a number with a reason; from then on it counts as returned (not
in the «to call back» tile), shown as closed with who, when and why, on every console
(`storage.call_backs.missed_numbers` reads the closings). A later miss of the number opens
it again, as after an answered call. Reopening undoes the closing: the row stays, with who
reopened it and when.

Both are a person's decision: refused to a dispatcher (`storage.roles.CLOSE_MISSED`),
recorded in the audit trail in the same transaction, and refused (`NotWaiting`) when they
would change nothing, e.g. the number was answered or closed meanwhile at another console.
Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.call_backs import CALL_BACKS, CALLS, MISSED, open_missed_call
from storage.errors import InvalidChange, NotWaiting
from storage.models import CallBackOutcome, CallDirection, ClientPhone, Disposition, MissedClosing
from storage.roles import CLOSE_MISSED, Actor, require_role

# The reasons a console offers, stored as these codes so each console words them in its
# own language; any other reason is stored as typed.
OFFERED_REASONS: Final = ("spam", "wrong_number", "handled_otherwise")
REASON_MAX: Final = 200
ENTITY: Final = "missed_number"  # the audit trail's entity; entity_id is the closing's id
CLOSE_ACTION: Final = "missed_close"
REOPEN_ACTION: Final = "missed_reopen"


@dataclass(frozen=True, slots=True)
class Closing:
    """A number closed without a call-back."""

    id: int
    number: str
    closed_at: datetime
    closed_by: str
    reason: str


def clean_reason(reason: str) -> str:
    """The reason as stored: spaces collapsed; refused when empty or too long."""
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise InvalidChange("reason", "close_reason_required")
    if len(cleaned) > REASON_MAX:
        raise InvalidChange("reason", "too_long", limit=REASON_MAX)
    return cleaned


async def close_missed(
    session: AsyncSession, number: str, reason: str, *, actor: Actor, at: datetime
) -> Closing:
    """Close `number` (E.164) at `at` without a call-back. Refused to a dispatcher
    (NotAllowed), without a reason (InvalidChange), and when the number waits for no
    call-back at `at` (NotWaiting)."""
    require_role(actor, CLOSE_MISSED)
    cleaned = clean_reason(reason)
    missed = await open_missed_call(session, number, at)
    if missed is None:
        raise NotWaiting(number, closed=False)
    _call_id, client_id = missed
    closing = MissedClosing(number=number, closed_at=at, closed_by=actor.name, reason=cleaned)
    session.add(closing)
    await session.flush()
    audit.record(
        session,
        actor=actor.name,
        entity=ENTITY,
        entity_id=closing.id,
        client_id=client_id,
        action=CLOSE_ACTION,
        changes={"phone": number, "reason": cleaned},
        at=at,
    )
    return Closing(closing.id, number, at, actor.name, cleaned)


async def reopen_missed(
    session: AsyncSession, number: str, *, actor: Actor, at: datetime
) -> Closing:
    """Undo the latest closing of `number` still in force: the number waits for a call-back
    again. Refused to a dispatcher (NotAllowed) and when it is not closed (NotWaiting);
    returns the closing undone."""
    require_role(actor, CLOSE_MISSED)
    latest = (
        await session.scalars(
            select(MissedClosing)
            .where(MissedClosing.number == number, MissedClosing.reopened_at.is_(None))
            .order_by(MissedClosing.closed_at.desc(), MissedClosing.id.desc())
            .limit(1)
        )
    ).first()
    if latest is None or await _overtaken(session, number, latest.closed_at):
        raise NotWaiting(number, closed=True)
    latest.reopened_at = at
    latest.reopened_by = actor.name
    owner = await session.scalar(select(ClientPhone.client_id).where(ClientPhone.e164 == number))
    audit.record(
        session,
        actor=actor.name,
        entity=ENTITY,
        entity_id=latest.id,
        client_id=owner,
        action=REOPEN_ACTION,
        changes={"phone": number, "reason": latest.reason},
        at=at,
    )
    await session.flush()
    return Closing(latest.id, number, latest.closed_at, latest.closed_by, latest.reason)


async def _overtaken(session: AsyncSession, number: str, closed_at: datetime) -> bool:
    """Whether a call since `closed_at` decides instead of the closing: an answer (the
    number is returned by it) or a new miss (the number waits again)."""
    later_call = exists().where(
        CALLS.c.number == number,
        CALLS.c.started_at >= closed_at,
        or_(
            CALLS.c.disposition == Disposition.ANSWERED,
            and_(
                CALLS.c.direction == CallDirection.INBOUND,
                CALLS.c.disposition.in_(MISSED),
            ),
        ),
    )
    later_call_back = exists().where(
        CALL_BACKS.c.number == number,
        CALL_BACKS.c.started_at >= closed_at,
        CALL_BACKS.c.outcome == CallBackOutcome.ANSWERED,
    )
    return bool(await session.scalar(select(or_(later_call, later_call_back))))
