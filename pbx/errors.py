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
