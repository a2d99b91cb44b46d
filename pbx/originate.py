"""Click-to-call: the Originate action, and Asterisk's Reason codes in words.

First the operator's own device rings (Channel); when the operator picks up, Asterisk runs
the dialplan at Context/Exten/Priority 1, which dials the client through the trunk. The
client's number arrives here already formatted for dialling (``storage.phones``'s dial
rule): pbx does not import storage.

``Async: true`` makes Asterisk answer 'queued' at once; the result comes later as an
OriginateResponse event carrying our ActionID, which the tracker follows. The ActionID is
made here, before sending, so the caller can tell the tracker to expect it
(``tracker.expect_originate``) before any event of the call can arrive.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pbx.tracker_state import originate_reason


def reason_words(reason: str | int | None) -> str:
    """Human words for an OriginateResponse Reason.

    One table for the whole console: the tracker's (``tracker_state.ORIGINATE_REASONS``),
    which reads the code as the state of the *first* leg, the operator's device; a busy
    client shows up as DialEnd BUSY on the second leg, which the tracker words itself.
    """
    if reason is None or reason == "":
        return originate_reason(None)
    try:
        return originate_reason(int(reason))
    except ValueError:
        return f"call could not be placed ({reason})"


def new_action_id() -> str:
    return f"c2c-{uuid.uuid4().hex}"


def _caller_id(name: str | None, number: str) -> str:
    clean = (name or "").replace('"', "").replace("<", "").replace(">", "").strip()
    return f'"{clean}" <{number}>' if clean else f"<{number}>"


@dataclass(frozen=True, slots=True)
class ClickToCall:
    """One click-to-call request; ``to_action()`` is the AMI Originate it sends."""

    device: str  # operator's device, e.g. "PJSIP/101" ([[operators]].device)
    dial_string: str  # client's number as the outbound context expects it
    context: str  # outbound dialplan context ([[pbx]] key)
    client_name: str | None = None
    timeout_s: float = 30.0  # how long the operator's phone rings
    action_id: str = field(default_factory=new_action_id)

    def to_action(self) -> dict[str, str]:
        return {
            "Action": "Originate",
            "Channel": self.device,
            "Context": self.context,
            "Exten": self.dial_string,
            "Priority": "1",
            "CallerID": _caller_id(self.client_name, self.dial_string),
            "Timeout": str(round(self.timeout_s * 1000)),
            "Async": "true",
            "ActionID": self.action_id,
        }
