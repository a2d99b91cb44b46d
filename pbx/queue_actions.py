"""Queue control: pause / unpause a member, log a member in to or out of a queue.

Each request is a small frozen value whose ``to_action()`` is the AMI action it sends;
``run_queue_action(ami, request)`` sends it and returns what Asterisk said, or raises a
typed refusal (``pbx.errors``) that keeps Asterisk's own message:

=====================================  ==========================  ==========================
Asterisk says                          raised                      meaning
=====================================  ==========================  ==========================
``Member not dynamic``                 ``MemberNotDynamicError``   in queues.conf: pause only
``Unable to add interface: Already…``  ``AlreadyMemberError``      already logged in there
``Interface not found`` / ``Not there``  ``NotAMemberError``       not a member (of that queue)
``… No such queue``                    ``NoSuchQueueError``        no such queue on the PBX
``Permission denied``                  ``PermissionDeniedError``   AMI user lacks ``agent``
anything else                          ``QueueActionError``
=====================================  ==========================  ==========================

What the PBX then does (``QueueMemberPause``, ``QueueMemberAdded``, ``QueueMemberRemoved``)
reaches every console through the event stream and ``pbx.queue_members``; the answer here
only says whether the request was taken. Values typed by a person (a pause reason) are put
on one line: a line break would end the AMI header and start another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from pbx.errors import (
    ActionFailedError,
    AlreadyMemberError,
    MemberNotDynamicError,
    NoSuchQueueError,
    NotAMemberError,
    PermissionDeniedError,
    QueueActionError,
)

__all__ = [
    "ActionSender",
    "LogIn",
    "LogOut",
    "PauseMember",
    "QueueActionDone",
    "QueueRequest",
    "refusal",
    "run_queue_action",
]


_BREAKS = re.compile(r"\s*[\r\n]+\s*")


class ActionSender(Protocol):
    """What sends an action: ``pbx.ami_client.AmiClient`` (or a test double)."""

    async def send_action(
        self, action: Mapping[str, str], *, timeout_s: float | None = None
    ) -> dict[str, str]: ...


def one_line(value: str) -> str:
    """A header value that cannot end its header: line breaks become spaces."""
    return _BREAKS.sub(" ", value).strip()


def _flag(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True, slots=True)
class PauseMember:
    """``QueuePause``: pause (or unpause) ``interface`` in ``queue``, or in every queue."""

    interface: str  # the member interface, e.g. "IAX2/op101" (the operator's device)
    paused: bool = True
    reason: str | None = None  # shown as PausedReason everywhere («Обед»)
    queue: str | None = None  # None: every queue the interface is a member of

    def to_action(self) -> dict[str, str]:
        action = {"Action": "QueuePause"}
        if self.queue:
            action["Queue"] = one_line(self.queue)
        action["Interface"] = one_line(self.interface)
        action["Paused"] = _flag(self.paused)
        reason = one_line(self.reason or "")
        if reason:
            action["Reason"] = reason
        return action


@dataclass(frozen=True, slots=True)
class LogIn:
    """``QueueAdd``: log ``interface`` in to ``queue`` as a dynamic member."""

    queue: str
    interface: str
    member_name: str  # how queue events and QueueStatus name the member
    state_interface: str | None = None  # the phone whose state is the member's (Local members)
    penalty: int | None = None
    paused: bool | None = None  # None: Asterisk's default (not paused)
    reason: str | None = None  # pause reason when logging in paused

    def to_action(self) -> dict[str, str]:
        action = {
            "Action": "QueueAdd",
            "Queue": one_line(self.queue),
            "Interface": one_line(self.interface),
            "MemberName": one_line(self.member_name),
        }
        if self.state_interface:
            action["StateInterface"] = one_line(self.state_interface)
        if self.penalty is not None:
            action["Penalty"] = str(int(self.penalty))
        if self.paused is not None:
            action["Paused"] = _flag(self.paused)
        reason = one_line(self.reason or "")
        if self.paused and reason:
            action["Reason"] = reason
        return action


@dataclass(frozen=True, slots=True)
class LogOut:
    """``QueueRemove``: log a dynamic member out of ``queue``."""

    queue: str
    interface: str

    def to_action(self) -> dict[str, str]:
        return {
            "Action": "QueueRemove",
            "Queue": one_line(self.queue),
            "Interface": one_line(self.interface),
        }


QueueRequest = PauseMember | LogIn | LogOut


@dataclass(frozen=True, slots=True)
class QueueActionDone:
    """The PBX took the request; ``message`` is its answer («Interface paused successfully»)."""

    request: QueueRequest
    message: str


def refusal(action: str, message: str) -> ActionFailedError:
    """The typed error for Asterisk's refusal ``message`` of a queue ``action``."""
    text = message.lower()
    kind: type[ActionFailedError] = QueueActionError
    if "permission denied" in text:
        kind = PermissionDeniedError
    elif "not dynamic" in text:
        kind = MemberNotDynamicError
    elif "already there" in text:
        kind = AlreadyMemberError
    elif "no such queue" in text:
        kind = NoSuchQueueError
    elif "interface not found" in text or "not there" in text:
        kind = NotAMemberError
    return kind(action, message)


async def run_queue_action(
    ami: ActionSender,
    request: QueueRequest,
    *,
    timeout_s: float | None = None,
    action_id: str | None = None,
) -> QueueActionDone:
    """Send ``request``; its answer, or a typed refusal (see the module docstring).

    Connection problems propagate as the client raises them (NotConnectedError,
    ActionTimeoutError, ConnectionLostError): whether a lost request was applied is told
    by the events that follow, or by the next QueueStatus.
    """
    action = request.to_action()
    if action_id:
        action["ActionID"] = action_id
    try:
        headers = await ami.send_action(action, timeout_s=timeout_s)
    except ActionFailedError as exc:
        raise refusal(action["Action"], exc.message) from None
    return QueueActionDone(request, headers.get("Message", ""))
