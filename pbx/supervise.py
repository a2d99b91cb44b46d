"""Listen in, whisper, barge (``ChanSpy``) and pickup (``PickupChan``): Originates to an
application, ringing the person's own phone first.

Like click-to-call, the request is a frozen value with its ActionID made before sending, so
the tracker can be told first (``tracker.expect_supervision``); ``AmiClient.originate``
sends it and returns that ActionID once Asterisk says 'queued'. The legs these create are
supervision, never calls of the log (``pbx.tracker``).

ChanSpy options (checked on Asterisk 22, see supervisor_spy.jsonl): ``q`` quiet (no beep,
no name announced to the operator), ``w`` whisper (the supervisor talks to the operator
only), ``B`` barge (talks to both parties), ``E`` leave when the spied-on call ends. Every
mode is ``q…E``. The CallerID number on the supervisor's phone is the options, its name
what the console passes (words are the console's): «Прослушка <qE>», as recorded.

PickupChan takes the colleague's *device* (``IAX2/op102``): Asterisk matches it as a
channel-name prefix of the ringing channel (``IAX2/op102-…``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pbx.call_events import SupervisionKind

__all__ = [
    "SPY_OPTIONS",
    "SUPERVISION_APPS",
    "ListenIn",
    "OriginateRequest",
    "Pickup",
    "SpyMode",
    "SupervisionKind",
    "mode_of_options",
]

SpyMode = Literal["listen", "whisper", "barge"]
SPY_OPTIONS: dict[SpyMode, str] = {"listen": "qE", "whisper": "qwE", "barge": "qBE"}
# Applications whose originated legs are supervision, not calls (lower case).
SUPERVISION_APPS = frozenset({"chanspy", "extenspy", "pickupchan", "pickup"})
_BAD_DEVICE = frozenset(',&|\r\n"<>')


class OriginateRequest(Protocol):
    """What ``AmiClient.originate`` sends: ClickToCall, ListenIn, Pickup."""

    @property
    def action_id(self) -> str: ...

    def to_action(self) -> dict[str, str]: ...


def new_action_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def mode_of_options(options: str) -> SpyMode:
    """The mode a ChanSpy option string asks for (``qBE`` → barge)."""
    if "B" in options:
        return "barge"
    if "w" in options:
        return "whisper"
    return "listen"


def _check_device(what: str, device: str) -> str:
    device = device.strip()
    if not device or "/" not in device or any(c in _BAD_DEVICE for c in device):
        raise ValueError(f"{what}: not a device name: {device!r}")
    return device


def _label(text: str) -> str:
    return " ".join(text.replace('"', "").replace("<", "").replace(">", "").split())


@dataclass(frozen=True, slots=True)
class ListenIn:
    """Join an operator's call from the supervisor's own phone."""

    supervisor_device: str  # rings first: the supervisor's phone ([me] device)
    operator_device: str  # whose call to join, e.g. "IAX2/op101"
    mode: SpyMode = "listen"
    label: str = "ChanSpy"  # CallerID name on the supervisor's phone (the console's words)
    timeout_s: float = 15.0  # how long the supervisor's phone rings
    action_id: str = field(default_factory=lambda: new_action_id("spy"))

    def __post_init__(self) -> None:
        _check_device("supervisor's device", self.supervisor_device)
        _check_device("operator's device", self.operator_device)
        if self.mode not in SPY_OPTIONS:
            raise ValueError(f"unknown listen-in mode: {self.mode!r}")

    @property
    def options(self) -> str:
        return SPY_OPTIONS[self.mode]

    def to_action(self) -> dict[str, str]:
        options = self.options
        return {
            "Action": "Originate",
            "Channel": self.supervisor_device.strip(),
            "Application": "ChanSpy",
            "Data": f"{self.operator_device.strip()},{options}",
            "CallerID": f'"{_label(self.label)}" <{options}>',
            "Timeout": str(round(self.timeout_s * 1000)),
            "Async": "true",
            "ActionID": self.action_id,
        }


@dataclass(frozen=True, slots=True)
class Pickup:
    """Take a call ringing at a colleague's phone, on one's own phone."""

    my_device: str  # rings first, then is joined to the caller
    target_device: str  # the colleague's phone, e.g. "IAX2/op102"
    label: str = "PickupChan"  # CallerID name on my phone (the console's words)
    timeout_s: float = 15.0
    action_id: str = field(default_factory=lambda: new_action_id("pickup"))

    def __post_init__(self) -> None:
        _check_device("own device", self.my_device)
        _check_device("colleague's device", self.target_device)

    def to_action(self) -> dict[str, str]:
        target = self.target_device.strip()
        return {
            "Action": "Originate",
            "Channel": self.my_device.strip(),
            "Application": "PickupChan",
            "Data": target,
            "CallerID": f'"{_label(self.label)}" <{target.rpartition("/")[2]}>',
            "Timeout": str(round(self.timeout_s * 1000)),
            "Async": "true",
            "ActionID": self.action_id,
        }
