"""Call templates cut from real Asterisk captures, re-issued with fresh identities.

The simulator does not invent event sequences: each generated call is a recorded call
(``captures/``, copied from tests/fixtures/ami) with new Uniqueid/Linkedid, bridge ids and
channel names, the caller's number and name swapped, and the lab's operator devices
(``IAX2/op101`` …) mapped onto the configured ones. Whatever the real PBX sent — duplicate
DialEnd CANCELs, ``<unknown>`` placeholders, the Dest-only first leg of an Originate — the
simulator sends too.
"""

from __future__ import annotations

import itertools
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pbx.capture import parse_message, read_capture

CAPTURES = Path(__file__).parent / "captures"

_UNIQUEID = re.compile(r"\ba-\d{10}\.\d+\b")
_BRIDGE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_CHANNEL = re.compile(r"IAX2/(pstn-out|pstn|op\d+)-(\d+)")
_DEVICE = re.compile(r"IAX2/op(\d+)(?![\d-])")
_MEMBER = re.compile(r"Оператор (\d+)")
_LEADING = re.compile(r"^\D+")
_sequence = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Step:
    dt: float  # seconds after the call's first event
    raw: str


@dataclass(frozen=True, slots=True)
class Template:
    """One recorded call: its messages and the lab values to substitute."""

    name: str
    steps: tuple[Step, ...]
    devices: tuple[str, ...]  # lab devices, most important first (the one that answers)
    number: str  # the customer's number as recorded ("" for none)
    caller_name: str  # as recorded ("" for none)
    action_id: str = ""  # the recorded Originate ActionID, for click-to-call templates
    context: str = ""  # the recorded outbound context


def _segment(
    path: str, start: float, end: float, keep: Callable[[dict[str, str]], bool] | None = None
) -> tuple[Step, ...]:
    records = [
        r
        for r in read_capture(CAPTURES / path)
        if r.dir == "recv" and start <= r.t < end and r.raw.startswith("Event:")
    ]
    chosen = [
        r
        for r in records
        if not _answer_to_list(h := parse_message(r.raw)) and (keep is None or keep(h))
    ]
    t0 = chosen[0].t
    return tuple(Step(round(r.t - t0, 4), r.raw) for r in chosen)


def _answer_to_list(h: dict[str, str]) -> bool:
    """An item of the recorded console's CoreShowChannels/Status/QueueStatus answer: it
    carries that action's ActionID, and is no event of the call."""
    return "ActionID" in h and h.get("Event") != "OriginateResponse"


def _call_of(linkedid: str, devices: Sequence[str]) -> Callable[[dict[str, str]], bool]:
    def keep(h: dict[str, str]) -> bool:
        if "Linkedid" in h or "DestLinkedid" in h:
            return linkedid in (h.get("Linkedid"), h.get("DestLinkedid"))
        return any(h.get(k) in devices for k in ("Interface", "Device", "StateInterface"))

    return keep


def _spy_leg(linkedid: str) -> Callable[[dict[str, str]], bool]:
    def keep(h: dict[str, str]) -> bool:
        ids = (h.get("Linkedid"), h.get("DestLinkedid"), h.get("SpyerLinkedid"))
        return linkedid in ids or h.get("Event") == "OriginateResponse"

    return keep


@cache
def templates() -> dict[str, Template]:
    """Every template by name (loaded once)."""
    ivanova = ("+79161234567", "Иванова Мария")
    return {
        "direct_answered": Template(
            "direct_answered",
            _segment("inbound_answered.jsonl", 0.5, 12.0),
            ("IAX2/op101",),
            *ivanova,
        ),
        "direct_missed": Template(
            "direct_missed", _segment("inbound_missed.jsonl", 0.5, 12.0), ("IAX2/op101",), *ivanova
        ),
        "queue_answered": Template(
            "queue_answered",
            _segment("queue_ringall.jsonl", 0.5, 15.0),
            ("IAX2/op102", "IAX2/op101", "IAX2/op103"),
            *ivanova,
        ),
        "queue_abandoned": Template(
            "queue_abandoned",
            _segment(
                "resync_actions.jsonl",
                0.5,
                19.0,
                _call_of("a-1795365565.124", ("IAX2/op103",)),
            ),
            ("IAX2/op103",),
            "+74957654321",
            "",
        ),
        "spy_leg": Template(  # the supervisor's own leg of a listen-in, up to ChanSpyStart
            "spy_leg",
            _segment("supervisor_spy.jsonl", 4.035, 5.2, _spy_leg("a-1796601904.23")),
            ("IAX2/op103", "IAX2/op101"),
            "qE",
            "Прослушка",
            "lab-2",
        ),
        "originate_answered": Template(
            "originate_answered",
            _segment("click_to_call.jsonl", 1.007, 15.0),
            ("IAX2/op101",),
            "89031112233",
            "Клиент Смирнов",
            "c2c-1",
            "outbound",
        ),
        "originate_no_answer": Template(
            "originate_no_answer",
            _segment("click_to_call_failed.jsonl", 1.0066, 13.0),
            ("IAX2/op101",),
            "89031112233",
            "Клиент Смирнов",
            "c2c-noanswer",
            "outbound",
        ),
        "originate_busy": Template(
            "originate_busy",
            _segment("click_to_call_failed.jsonl", 13.0169, 23.0),
            ("IAX2/op101",),
            "89035556677",
            "",
            "c2c-busy",
            "outbound",
        ),
        "originate_no_device": Template(
            "originate_no_device",
            _segment("click_to_call_failed.jsonl", 23.024, 28.0),
            ("IAX2/op199",),
            "89035556677",
            "",
            "c2c-baddevice",
            "outbound",
        ),
    }


def fresh_uniqueid() -> str:
    return f"sim-{int(time.time())}.{next(_sequence)}"


def member_name(device: str) -> str:
    """Queue member name as the lab PBX shows it: «Оператор 101» for IAX2/op101."""
    tail = device.rsplit("/", 1)[-1]
    digits = _LEADING.sub("", tail)
    return f"Оператор {digits or tail}"


def instantiate(
    template: Template,
    *,
    devices: Mapping[str, str],
    number: str | None = None,
    caller_name: str | None = None,
    action_id: str = "",
    context: str = "",
) -> list[Step]:
    """The template's steps with fresh identities and the given parties.

    ``devices`` maps lab devices to real ones; steps that mention an unmapped lab device
    (a queue member the desk does not have) are left out. ``number``/``caller_name`` of None
    keep the recorded ones; ``"<unknown>"`` makes a withheld caller.
    """
    ids: dict[str, str] = {}
    bridges: dict[str, str] = {}
    channels: dict[str, str] = {}
    unmapped = [d for d in template.devices if d not in devices]

    def new_id(m: re.Match[str]) -> str:
        return ids.setdefault(m.group(0), fresh_uniqueid())

    def new_bridge(m: re.Match[str]) -> str:
        return bridges.setdefault(m.group(0), str(uuid.uuid4()))

    def new_channel(m: re.Match[str]) -> str:
        old = m.group(0)
        if old not in channels:
            base = f"IAX2/{m.group(1)}"
            device = devices.get(base, base)
            channels[old] = f"{device}-{next(_sequence):08x}"
        return channels[old]

    def new_device(m: re.Match[str]) -> str:
        return devices.get(m.group(0), m.group(0))

    def new_member(m: re.Match[str]) -> str:
        device = devices.get(f"IAX2/op{m.group(1)}")
        return member_name(device) if device else m.group(0)

    steps: list[Step] = []
    for step in template.steps:
        raw = step.raw
        if any(re.search(re.escape(d) + r"(?![\d])", raw) for d in unmapped):
            continue
        raw = _UNIQUEID.sub(new_id, raw)
        raw = _BRIDGE.sub(new_bridge, raw)
        raw = _CHANNEL.sub(new_channel, raw)
        raw = _DEVICE.sub(new_device, raw)
        raw = _MEMBER.sub(new_member, raw)
        if number is not None and template.number:
            raw = raw.replace(template.number, number)
        if caller_name is not None and template.caller_name:
            raw = raw.replace(template.caller_name, caller_name)
        if action_id and template.action_id:
            raw = raw.replace(f"ActionID: {template.action_id}\r\n", f"ActionID: {action_id}\r\n")
        if context and template.context:
            raw = raw.replace(f": {template.context}\r\n", f": {context}\r\n")
        steps.append(Step(step.dt, raw))
    return steps
