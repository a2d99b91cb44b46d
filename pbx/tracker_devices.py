"""Who is who on the PBX: operators by device, channels by device, Local members by phone.

Asterisk names a channel after the device plus a per-call suffix (`IAX2/op101-5349` is device
`IAX2/op101`). Queue members configured as Local channels (`Local/101@agents/n`) ring the real
phone from the `;2` half; queue events tell which phone a Local member stands for through
`StateInterface`, which is learnt here so a Local member maps to its operator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeAlias


@dataclass(frozen=True, slots=True)
class OperatorDevice:
    """An operator's phone as configured in `[[operators]]`."""

    extension: str
    name: str
    device: str  # e.g. "IAX2/op101", "PJSIP/101"


class ClassifiedNumberLike(Protocol):
    """What the injected classifier returns (storage.phones.ClassifiedNumber fits)."""

    @property
    def kind(self) -> str: ...

    @property
    def e164(self) -> str | None: ...


# pbx must not import storage: the wiring layer injects storage.phones.classify_number.
Classifier: TypeAlias = Callable[[str], ClassifiedNumberLike]


def channel_device(channel: str) -> str:
    """The device a channel belongs to: the name without its last `-suffix`.

    `IAX2/op101-5349` → `IAX2/op101`; `Local/101@agents-00000000;1` → `Local/101@agents`.
    """
    base, sep, _ = channel.rpartition("-")
    return base if sep and "/" in base else channel


def local_pair(channel: str) -> str:
    """The name both halves of a Local channel share: `Local/101@agents-00000000`."""
    return channel.rpartition(";")[0] or channel


def is_local(name: str) -> bool:
    return name.startswith("Local/")


def member_base(interface: str) -> str:
    """A queue member interface without Local options: `Local/101@agents/n` → `…@agents`."""
    if interface.startswith("Local/") and interface.count("/") >= 2:
        return interface.rpartition("/")[0]
    return interface


class Directory:
    """Maps devices to operator extensions; learns Local members' real phones."""

    __slots__ = ("_by_device", "_extensions", "_members")

    def __init__(self, operators: Iterable[OperatorDevice]) -> None:
        # Channel technology names are case-insensitive in Asterisk (IAX2/iax2).
        self._by_device = {op.device.lower(): op.extension for op in operators}
        self._extensions = frozenset(self._by_device.values())
        self._members: dict[str, str] = {}  # lower-case Local base → real device

    def extension_of(self, device: str) -> str | None:
        """The configured extension for a device, None if the device is not an operator's."""
        return self._by_device.get(device.lower())

    def label(self, device: str) -> str:
        """How a ringing device is reported: its extension, else its device name."""
        return self._by_device.get(device.lower(), device)

    def is_extension(self, extension: str) -> bool:
        return extension in self._extensions

    def learn_member(self, interface: str, state_interface: str) -> None:
        """Remember that a Local queue member rings `state_interface` (from queue events)."""
        if interface.startswith("Local/") and state_interface:
            self._members[member_base(interface).lower()] = state_interface

    def local_member_label(self, local_device: str) -> str | None:
        """The operator a Local member device stands for, if queue events told us."""
        real = self._members.get(local_device.lower())
        if real is None:
            return None
        return self._by_device.get(real.lower(), real)
