"""The tracker's mutable per-call state and the rules that turn it into a CallRecord.

Kept apart from the event handlers so the call-log meanings (direction, disposition, wait and
talk) read in one place: they are what `opconsole calls list --json` promises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from pbx.call_events import (
    CallerKind,
    CallRecord,
    Direction,
    Disposition,
    LiveCall,
    LiveState,
    SupervisionKind,
    TransferKind,
)

# Epoch seconds a datetime can hold comfortably; anything else is garbage from the wire.
MAX_EPOCH = 32_503_680_000.0  # year 3000

ORIGINATE_REASONS: dict[int, str] = {
    # OriginateResponse Reason describes the first leg: the operator's own device.
    0: "operator's device unavailable",
    1: "operator hung up",
    3: "operator did not answer",
    5: "operator's line busy",
    8: "congestion",
}
CLIENT_DIAL_REASONS: dict[str, str] = {
    "BUSY": "client busy",
    "NOANSWER": "no answer",
    "CONGESTION": "congestion",
    "CHANUNAVAIL": "client's line unavailable",
    "CANCEL": "operator hung up before the client answered",
}
NOT_ANSWERED = "not answered"
_WITHHELD_NAMES = frozenset({"", "<unknown>", "unknown", "<none>"})


def originate_reason(code: int | None) -> str:
    if code is None:
        return "call could not be placed"
    return ORIGINATE_REASONS.get(code, f"call could not be placed (reason {code})")


def operator_hangup_reason(cause: str) -> str:
    """Why the operator's leg of a click-to-call ended before the operator answered."""
    if cause == "17":
        return ORIGINATE_REASONS[5]
    if cause in ("20", "27", "38", "66"):
        return ORIGINATE_REASONS[0]
    return ORIGINATE_REASONS[3]


def clean_name(name: str | None) -> str | None:
    """Caller ID name or None: Asterisk's `<unknown>` placeholders are not names."""
    if name is None:
        return None
    name = name.strip()
    return None if name.lower() in _WITHHELD_NAMES else name


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


@dataclass(slots=True, eq=False)
class Chan:
    """One Asterisk channel of a call, keyed by Uniqueid in the tracker."""

    uid: str
    name: str
    call: Call
    ext: str | None = None  # the operator this leg rings (extension or device name)
    client: bool = False  # the outside party's leg of an outbound call
    born: float = 0.0  # when the tracker first heard of it (a resync list may predate it)


@dataclass(slots=True, eq=False)
class Call:
    """Everything known about one call (one Linkedid) while it lasts."""

    linkedid: str
    started_at: float
    origin_uid: str | None = None
    origin_ext: str | None = None  # a configured operator's device started the call
    caller_raw: str = ""
    caller_name: str | None = None
    caller_e164: str | None = None
    caller_kind: CallerKind = "withheld"
    originated: bool = False  # Originate created it (first dial has no calling channel)
    action_id: str | None = None
    operator_answered: bool = False
    client_raw: str | None = None
    client_e164: str | None = None
    client_leg: bool = False
    expected_raw: str | None = None  # the number click-to-call said it would dial
    expected_e164: str | None = None
    queue: str | None = None
    queued_at: float | None = None
    abandoned: bool = False
    busy: bool = False
    rung: list[str] = field(default_factory=list)
    ringing: dict[str, float] = field(default_factory=dict)
    answered_by: str | None = None
    answered_at: float | None = None
    talking: str | None = None
    talking_since: float | None = None
    transferred_to: list[str] = field(default_factory=list)
    transfer_kind: TransferKind | None = None  # announced by a transfer event
    fail_reason: str | None = None
    channels: set[str] = field(default_factory=set)
    local_ext: dict[str, str] = field(default_factory=dict)  # Local pair → operator
    popped: bool = False
    # A supervision leg (listen-in, pickup): never a call of the log.
    supervision: SupervisionKind | None = None
    supervision_action: str | None = None
    supervision_state: str = "pending"  # pending, active (spying), stopped
    spy_operator: str | None = None  # whom it listens to
    spy_target: str | None = None  # the Linkedid of the operator's call
    supervision_reason: int | None = None  # OriginateResponse Reason of a failed one
    picked_from: str | None = None  # whose ringing phone this call was picked up from

    @property
    def direction(self) -> Direction:
        if self.originated or self.origin_ext is not None:
            # Started by an operator's device or by the PBX for one: outbound only when an
            # outside party was dialled or announced (a click-to-call puts the client's
            # number in its CallerID). Otherwise every party is the desk's own: a call to a
            # colleague, or an Originate to an application such as a listen-in.
            return "outbound" if self.client_leg or self._announces_client() else "internal"
        return "internal" if self.caller_kind == "internal" else "inbound"

    def _announces_client(self) -> bool:
        return self.originated and (
            self.expected_e164 is not None
            or self.expected_raw is not None
            or self.caller_kind == "phone"
        )

    @property
    def placed_by(self) -> str | None:
        return self.origin_ext

    def outside_number(self) -> tuple[str | None, str]:
        """(E.164 or None, raw) of the outside party, per the call's direction."""
        direction = self.direction
        if direction == "outbound":
            # What the PBX dialled first; then Originate's CallerID (the console puts the
            # client's number there); then what click-to-call announced.
            if self.client_raw is not None:
                return self.client_e164, self.client_raw
            if self.originated and self.caller_kind == "phone":
                return self.caller_e164, self.caller_raw
            return self.expected_e164, self.expected_raw or ""
        if direction == "internal":
            return None, self.caller_raw
        return (self.caller_e164 if self.caller_kind == "phone" else None), self.caller_raw

    def display_name(self) -> str | None:
        # A manual outbound call's CallerIDName is the operator's own; Originate sets the
        # client's name there, so only then is it the outside party's.
        if self.direction == "outbound" and not self.originated:
            return None
        return self.caller_name

    def live(self, server: str) -> LiveCall:
        state: LiveState
        if self.talking is not None:
            state, since = "talking", self.talking_since or self.started_at
        elif self.ringing:
            state, since = "ringing", min(self.ringing.values())
        elif self.queue is not None and self.answered_at is None:
            state, since = "queued", self.queued_at or self.started_at
        else:
            state, since = "ringing", self.started_at
        number, raw = self.outside_number()
        return LiveCall(
            server=server,
            linkedid=self.linkedid,
            direction=self.direction,
            state=state,
            number=number,
            number_raw=raw,
            name=self.display_name(),
            queue=self.queue,
            ringing=tuple(self.ringing),
            talking=self.talking,
            started_at=to_datetime(self.started_at),
            since=to_datetime(since),
            placed_by=self.placed_by,
        )

    def record(self, server: str, ended_at: float) -> CallRecord:
        """The call-log row: the meanings promised by `opconsole calls list --json`."""
        direction = self.direction
        number, raw = self.outside_number()
        started = self.started_at
        answered = self.answered_at
        if answered is not None and answered < started:
            answered = started
        ended = max(ended_at, answered if answered is not None else started)
        disposition: Disposition
        reason: str | None = None
        rung: tuple[str, ...]
        if direction == "outbound":
            rung = (self.placed_by,) if self.placed_by else tuple(self.rung[:1])
            if answered is not None:
                disposition = "answered"
            else:
                disposition = "failed"
                reason = self.fail_reason or NOT_ANSWERED
        else:
            rung = tuple(self.rung)
            if answered is not None:
                disposition = "answered"
            elif self.queue is not None or self.abandoned:
                disposition = "abandoned"
            elif self.busy:
                disposition = "busy"
            else:
                disposition = "missed"
        wait_end = answered if answered is not None else ended
        return CallRecord(
            server=server,
            linkedid=self.linkedid,
            direction=direction,
            number=number,
            number_raw=raw,
            name=self.display_name(),
            queue=self.queue,
            operators_rung=rung,
            answered_by=self.answered_by if answered is not None else None,
            transferred_to=tuple(self.transferred_to),
            disposition=disposition,
            reason=reason,
            started_at=to_datetime(started),
            answered_at=to_datetime(answered) if answered is not None else None,
            ended_at=to_datetime(ended),
            wait_s=round(max(0.0, wait_end - started), 1),
            talk_s=round(ended - answered, 1) if answered is not None else 0.0,
        )
