"""What the supervisor board shows, as plain values derived from the desk and the call log.

Two sources, kept apart on purpose: *now* (who waits, who rings, who talks) comes from the
desk's live calls, which a console restart rebuilds from the PBX; *today* (answered, missed,
talk time, service level) comes only from the call log (`storage.calls.desk_stats`), so a
restart of the console or of Asterisk loses nothing. These functions are pure; the screen
feeds them and the panels render their output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class WaitingCall:
    """A caller nobody has answered yet."""

    key: str
    queue: str | None
    caller: str
    caller_name: str  # what the caller ID said
    client: str  # the owner of the number in the client base ("" when none)
    since: datetime


@dataclass(frozen=True, slots=True)
class OperatorLive:
    """One operator's state now: ringing or talking, with whom, since when."""

    state: str  # ringing | talking
    party: str
    since: datetime


@dataclass(frozen=True, slots=True)
class OperatorQueues:
    """One operator's standing in the queues, as the PBX last told it (`pbx.queue_members`):
    the queues logged in to (of those the PBX listed the operator in), paused with what
    reason since when, time in pause today, and whether the phone is reachable."""

    device: str
    logged_in: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    static: tuple[str, ...] = ()  # written in queues.conf: can only be paused
    paused: bool = False
    reason: str | None = None
    since: datetime | None = None
    paused_today_s: float = 0.0
    unavailable: bool = False

    @property
    def logged_out(self) -> bool:
        return bool(self.known) and not self.logged_in


@dataclass(frozen=True, slots=True)
class Listening:
    """A supervisor on an operator's call: listening, whispering or barged in."""

    kind: str  # listen | whisper | barge
    supervisor: str  # extension (or device when not configured)
    operator: str


@dataclass(frozen=True, slots=True)
class OperatorFigures:
    """Today's figures of one operator, from the call log."""

    answered: int = 0
    missed: int = 0
    talk_total_s: float = 0.0


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """Today's figures of one queue, from the call log."""

    answered: int = 0
    unanswered: int = 0  # missed + abandoned: callers of the queue nobody spoke to
    service_level_pct: float | None = None


@dataclass(frozen=True, slots=True)
class DeskTotals:
    """Today's desk totals, from the call log. Averages are None when there is nothing to
    average (an empty morning shows «—», not a misleading zero)."""

    inbound: int = 0
    answered: int = 0
    missed: int = 0  # missed + abandoned + busy: callers nobody spoke to
    avg_wait_s: float | None = None
    avg_talk_s: float | None = None
    service_level_pct: float | None = None
    to_call_back: int = 0  # missed numbers of the day not yet returned (storage.call_backs)


@dataclass(frozen=True, slots=True)
class LiveView:
    """The live half of the board."""

    waiting: list[WaitingCall]
    operators: dict[str, OperatorLive]


def merge_operator_states(states: Iterable[tuple[str, OperatorLive]]) -> dict[str, OperatorLive]:
    """One state per operator: talking beats ringing (a talking operator may be offered a
    queue call too), and among equals the older one (the call the operator is on)."""
    rank = {"talking": 2, "ringing": 1}
    out: dict[str, OperatorLive] = {}
    for extension, state in states:
        current = out.get(extension)
        if current is None or (rank.get(state.state, 0), -state.since.timestamp()) > (
            rank.get(current.state, 0),
            -current.since.timestamp(),
        ):
            out[extension] = state
    return out


def party_label(caller: str, client: str, caller_name: str | None) -> str:
    """Whom an operator is on with: the client's name, or, when the number belongs to no
    client, the caller ID name in «» (as the live strip writes it); then the number. The
    name comes first: a narrow board shortens the end of the line."""
    name = client or (f"«{caller_name}»" if caller_name else "")
    return f"{name} {caller}".strip()
