"""Connection state of one AMI server as the UI shows it, and the reconnect backoff.

State changes travel in the same stream as AMI events, so a consumer sees them in order
with the events around them (a drop, then the resync after the next ``up``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pbx.ami_event import AmiEvent


class LinkState(StrEnum):
    CONNECTING = "connecting"
    UP = "up"
    LOGIN_REFUSED = "login_refused"
    DOWN = "down"


class LinkProblem(StrEnum):
    """Why a link is not (fully) up, as data: the UI words it in its own language."""

    CANNOT_CONNECT = "cannot_connect"  # no TCP/TLS connection; `cause` says why
    LOGIN_FAILED = "login_failed"  # the login went unanswered or broke off
    LOGIN_REFUSED = "login_refused"  # the PBX said no: username or secret
    RESYNC_FAILED = "resync_failed"  # up, but the live calls could not be read
    CLOSED = "closed"  # the PBX (or the network) closed the connection
    KEEPALIVE = "keepalive"  # pings went unanswered: the peer is presumed dead


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """One server's connection changed state.

    ``since`` is when it entered this state (aware, UTC). An ``up`` state means: logged in
    (again). It carries ``snapshot``: the live channels and queue entries (CoreShowChannels
    and QueueStatus items) taken right after login, placed in the stream after every event
    that arrived before it, so ``tracker.resync(snapshot, since)`` at this point is
    consistent with what follows. ``snapshot`` is None when no resync was asked for or it
    failed (``detail`` says why).

    ``detail`` is the whole story in English for logs; ``problem`` and ``cause`` are the
    same as data for a screen to word: the kind of problem, and the error underneath — an
    errno name such as ``ECONNREFUSED``, ``timeout``, ``name_unknown``, or else the
    library's own text.
    """

    server: str
    state: LinkState
    since: datetime
    detail: str = ""
    snapshot: tuple[AmiEvent, ...] | None = field(default=None, repr=False)
    problem: LinkProblem | None = None
    cause: str = ""

    @property
    def is_up(self) -> bool:
        return self.state is LinkState.UP


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with jitter (each delay is base .. base * (1 + jitter)).

    Attempt 0 waits ``initial`` .. ``initial * 1.5``: the first retry comes within a second
    or two with the defaults, later ones spread out so that many consoles restarting
    together do not hit the PBX in step.
    """

    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 30.0
    jitter: float = 0.5

    def delay(self, attempt: int, rng: random.Random) -> float:
        base = self.initial * self.factor ** min(max(0, attempt), 32)
        return min(self.maximum, base * (1.0 + self.jitter * rng.random()))
