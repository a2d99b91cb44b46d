"""Exceptions of the AMI client, in their own module so callers can catch them without
importing the client (aiomqtt keeps its errors apart the same way).

No message here ever carries the AMI secret: actions are named by their Action and
ActionID only.
"""

from __future__ import annotations


class AmiError(Exception):
    """Base of every error the AMI client raises."""


class NotConnectedError(AmiError):
    """The connection is not up (connecting, down or login refused): nothing was sent."""


class ConnectionLostError(AmiError):
    """The connection dropped while the action was in flight.

    The action is never re-sent: whether the PBX acted on it is unknown.
    """


class ActionTimeoutError(AmiError, TimeoutError):
    """The PBX did not answer the action within its timeout."""


class ActionFailedError(AmiError):
    """The PBX answered ``Response: Error`` (or ``Failure``)."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action} refused by the PBX: {message or 'no reason given'}")
        self.action = action
        self.message = message


class OriginateOutcomeUnknownError(AmiError):
    """A click-to-call was sent but its 'queued' answer never came (drop or timeout).

    The operator's phone may be ringing: the caller must not retry blindly; the operator
    decides.
    """

    def __init__(self, action_id: str, cause: str) -> None:
        super().__init__(f"click-to-call {action_id}: outcome unknown ({cause})")
        self.action_id = action_id
        self.cause = cause


class QueueActionError(ActionFailedError):
    """A queue action (QueuePause, QueueAdd, QueueRemove) refused by the PBX.

    ``message`` is Asterisk's own words, kept for the log and for whoever asked; the
    subclass says what it means, so the console can word it.
    """


class MemberNotDynamicError(QueueActionError):
    """``Member not dynamic``: written in queues.conf, it cannot be logged out, only paused."""


class AlreadyMemberError(QueueActionError):
    """``Unable to add interface: Already there``: already logged in to that queue."""


class NotAMemberError(QueueActionError):
    """``Interface not found`` / ``Unable to remove interface: Not there``."""


class NoSuchQueueError(QueueActionError):
    """``… No such queue``: the queue is not configured on this PBX."""


class PermissionDeniedError(ActionFailedError):
    """``Permission denied``: the AMI user lacks the write class the action needs
    (``agent`` for queue actions, ``originate`` for listen-in and pickup)."""
