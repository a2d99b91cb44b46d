"""What the call tracker tells the rest of the console: small frozen values, no AMI in sight.

The UI pops and closes ringing popups from `CallRinging`/`CallStoppedRinging`, the live strip
and the supervisor board read `LiveCall` snapshots, the call log stores `CallEnded.record`, and
click-to-call reports `OriginateProgress`/`OriginateResult`. `CallRecord`'s fields are exactly
the keys of `opconsole calls list --json` minus `client_id` (storage adds it), so the meaning of
each field is defined once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

Direction = Literal["inbound", "outbound", "internal"]
Disposition = Literal["answered", "missed", "abandoned", "busy", "failed"]
CallerKind = Literal["phone", "internal", "withheld", "invalid"]
LiveState = Literal["ringing", "queued", "talking"]
StopReason = Literal["answered_elsewhere", "caller_hung_up", "not_answered", "busy", "lost"]
TransferKind = Literal["blind", "attended", "redirect"]
OriginateStage = Literal["operator_ringing", "operator_answered", "client_ringing"]
SupervisionKind = Literal["listen", "whisper", "barge", "pickup"]


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One finished call, as the call log keeps it.

    `number` is the outside party in E.164 (the caller of an inbound call, the client dialled
    by an outbound one) or None when withheld or not a phone; `number_raw` is as the PBX gave
    it. `operators_rung` lists extensions in the order their phones started ringing, each
    once (for an outbound call: the operator who placed it); an operator missing from the
    configuration appears as its device name. `wait_s` runs from the call reaching the PBX to
    the answer (or the end), `talk_s` from the answer to the end; both rounded to 0.1 s.
    """

    server: str
    linkedid: str
    direction: Direction
    number: str | None
    number_raw: str
    name: str | None
    queue: str | None
    operators_rung: tuple[str, ...]
    answered_by: str | None
    transferred_to: tuple[str, ...]
    disposition: Disposition
    reason: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime
    wait_s: float
    talk_s: float


@dataclass(frozen=True, slots=True)
class LiveCall:
    """A call in progress, for the live strip and the supervisor board."""

    server: str
    linkedid: str
    direction: Direction
    state: LiveState
    number: str | None
    number_raw: str
    name: str | None
    queue: str | None
    ringing: tuple[str, ...]  # extensions whose phones ring now
    talking: str | None  # extension on the call now (after a transfer: the new one)
    started_at: datetime
    since: datetime  # when the call entered `state`
    placed_by: str | None = None  # the operator whose phone started it (outbound, internal)


@dataclass(frozen=True, slots=True)
class CallRinging:
    """Phones started ringing: `started` are the operators who should get a popup now."""

    server: str
    linkedid: str
    extensions: tuple[str, ...]  # everyone ringing now, in the order they started
    started: tuple[str, ...]  # those that started with this event
    direction: Direction
    number: str | None
    number_raw: str
    kind: CallerKind
    name: str | None
    queue: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class CallQueued:
    """The caller waits in a queue (position 1 is next)."""

    server: str
    linkedid: str
    queue: str
    position: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class CallStoppedRinging:
    """One operator's phone stopped ringing: close that operator's popup."""

    server: str
    linkedid: str
    extension: str
    reason: StopReason
    answered_by: str | None  # who took it, when reason is answered_elsewhere
    at: datetime


@dataclass(frozen=True, slots=True)
class CallAnswered:
    """An operator is now talking on the call (again after a transfer, to the new one)."""

    server: str
    linkedid: str
    extension: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CallTransferred:
    """The call was handed to another operator."""

    server: str
    linkedid: str
    from_extension: str | None
    to_extension: str
    kind: TransferKind
    at: datetime


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The call is over; `record` goes to the call log."""

    record: CallRecord


@dataclass(frozen=True, slots=True)
class OriginateProgress:
    """A click-to-call moved on (its ActionID is the one the console sent)."""

    server: str
    action_id: str
    linkedid: str | None
    stage: OriginateStage
    at: datetime


@dataclass(frozen=True, slots=True)
class OriginateResult:
    """The final word on a click-to-call: the client answered, or why not, in words."""

    server: str
    action_id: str
    linkedid: str | None
    success: bool
    reason_code: int | None  # OriginateResponse Reason when it decided the outcome
    reason: str | None  # e.g. "operator did not answer", "client busy"; None on success
    at: datetime


@dataclass(frozen=True, slots=True)
class SupervisionStarted:
    """A supervisor joined an operator's call (``kind`` listen, whisper or barge).

    ``linkedid`` is the supervisor's own leg (never a call of the log), ``target_linkedid``
    the operator's call. ``supervisor`` and ``operator`` are extensions (device names when
    not configured); ``action_id`` is the console's Originate, None when another console or
    a phone started it.
    """

    server: str
    linkedid: str
    action_id: str | None
    kind: SupervisionKind
    supervisor: str
    operator: str
    target_linkedid: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class SupervisionEnded:
    """A supervision leg is over: listening stopped, or a pickup took (or missed) its call.

    ``started`` False means it never got going: the supervisor's phone did not answer
    (``reason_code``: OriginateResponse Reason, 3 no answer, 5 busy, 0 no such device), or
    nothing was ringing to pick up. ``operator`` is None when it never found its target.
    """

    server: str
    linkedid: str | None
    action_id: str | None
    kind: SupervisionKind
    supervisor: str | None
    operator: str | None
    started: bool
    reason_code: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class CallPickedUp:
    """``by`` took the call ringing at ``from_extension``'s phone (``CallAnswered`` by
    ``by`` follows; the log says the call was answered by ``by``)."""

    server: str
    linkedid: str
    by: str
    from_extension: str | None
    action_id: str | None
    at: datetime


CallEvent: TypeAlias = (
    CallRinging
    | CallQueued
    | CallStoppedRinging
    | CallAnswered
    | CallTransferred
    | CallEnded
    | OriginateProgress
    | OriginateResult
    | SupervisionStarted
    | SupervisionEnded
    | CallPickedUp
)
