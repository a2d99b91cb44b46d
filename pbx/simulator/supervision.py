"""The simulated PBX's Originates to an application: ChanSpy (listen, whisper, barge) and
PickupChan.

The supervisor's own leg is the recorded one (supervisor_spy.jsonl: the phone rings and
answers, OriginateResponse with ``Application``/``Data``, ``ChanSpyStart`` naming both
channels) with fresh identities; when the spied-on channel hangs up, ``ChanSpyStop`` and the
leg's hangup follow, as the ``E`` option does. With no call on the operator's phone the leg
hangs up after a moment (the supervisor gave up).

PickupChan has no recording; its events follow Asterisk's documented ``Pickup`` event
(``Channel…`` the picker, ``Target…`` the ringing channel): the caller's dial to the
colleague ends ANSWER, the colleague's leg hangs up «answered elsewhere» (cause 26), other
ringing legs are cancelled, the picker talks with the caller for ``pickup_talk_s`` seconds.
A pickup with nothing ringing there hangs up, as PickupChan does.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pbx.capture import parse_message
from pbx.simulator.mirror import SNAPSHOT, Channel
from pbx.simulator.templates import Step, instantiate, templates
from pbx.simulator.wire import header, render, response

if TYPE_CHECKING:
    from pbx.simulator.server import AmiSimulator, Session

RINGING = frozenset({"Ringing", "Ring"})
GIVE_UP_S = 2.0  # a listen-in with nothing to listen to, a pickup with nothing to take


def _split_caller_id(value: str) -> tuple[str, str]:
    name, _, rest = value.partition("<")
    return name.strip().strip('"').strip(), rest.rstrip(">").strip()


def _on_device(sim: AmiSimulator, device: str, states: frozenset[str]) -> Channel | None:
    for chan in sim.mirror.channels.values():
        if chan.name.startswith(f"{device}-") and chan.fields.get("ChannelStateDesc") in states:
            return chan
    return None


def _patched(raw: str, **fields: str) -> str:
    h = parse_message(raw)
    h.update(fields)
    return render(h.items())


def _prefixed(prefix: str, chan: Channel) -> dict[str, str]:
    return {
        f"{prefix}Channel": chan.name,
        **{f"{prefix}{k}": chan.fields.get(k, "") for k in SNAPSHOT},
    }


def originate_application(sim: AmiSimulator, session: Session, h: dict[str, str], aid: str) -> None:
    """``Originate`` with ``Application``: answered 'queued', then the leg plays."""
    device = header(h, "Channel")
    app = header(h, "Application")
    data = header(h, "Data")
    session.write(response(aid, Message="Originate successfully queued"))
    if device not in sim.operators:
        sim.emit(
            render(
                [
                    ("Event", "OriginateResponse"),
                    ("Privilege", "call,all"),
                    ("ActionID", aid),
                    ("Response", "Failure"),
                    ("Channel", device),
                    ("Application", app),
                    ("Data", data),
                    ("Reason", "0"),
                    ("Uniqueid", "<unknown>"),
                    ("CallerIDNum", "<unknown>"),
                    ("CallerIDName", "<unknown>"),
                ]
            )
        )
        return
    name, number = _split_caller_id(header(h, "CallerID"))
    target = data.partition(",")[0].partition("&")[0]
    tpl = templates()["spy_leg"]
    steps = instantiate(
        tpl,
        devices={"IAX2/op103": device, "IAX2/op101": target},
        number=number or "<unknown>",
        caller_name=name or "<unknown>",
        action_id=aid,
    )
    is_spy = app.lower() == "chanspy"
    spyee = _on_device(sim, target, frozenset({"Up"})) if is_spy else None
    legs: list[Step] = []
    for step in steps:
        event = parse_message(step.raw).get("Event")
        raw = step.raw
        if event == "ChanSpyStart":
            if spyee is None:
                continue
            raw = _patched(raw, **_prefixed("Spyee", spyee))
        elif event == "OriginateResponse":
            raw = _patched(raw, Application=app, Data=data)
        legs.append(Step(step.dt, raw))
    linkedid = sim.play(legs)
    if is_spy and spyee is not None:
        start = next(s.raw for s in legs if s.raw.startswith("Event: ChanSpyStart\r\n"))
        stop = start.replace("Event: ChanSpyStart\r\n", "Event: ChanSpyStop\r\n", 1)
        sim.spies.setdefault(spyee.name, []).append((linkedid, stop))
        return
    if app.lower() == "pickupchan":
        sim.spawn(_pick_up(sim, linkedid, target))
    else:
        sim.spawn(_give_up(sim, linkedid))


def spied_call_ended(sim: AmiSimulator, spied: str) -> None:
    """The spied-on channel hung up: each of its listen-in legs stops and hangs up."""
    for linkedid, stop in sim.spies.pop(spied, []):
        sim.emit(stop)
        sim.hang_up_call(linkedid)


async def _give_up(sim: AmiSimulator, linkedid: str) -> None:
    await sim.wait_call(linkedid)
    await asyncio.sleep(GIVE_UP_S / sim.call_speed)
    sim.hang_up_call(linkedid)


async def _pick_up(sim: AmiSimulator, leg_id: str, target_device: str) -> None:
    await sim.wait_call(leg_id)
    leg = next(iter(sim.mirror.linked(leg_id)), None)
    ringing = _on_device(sim, target_device, RINGING)
    if leg is None or ringing is None:
        await asyncio.sleep(GIVE_UP_S / sim.call_speed)
        sim.hang_up_call(leg_id)
        return
    call_id = ringing.fields.get("Linkedid", "")
    sim.stop_call(call_id)
    chans = sim.mirror.linked(call_id)
    caller = next((c for c in chans if c.fields.get("Uniqueid") == call_id), None)
    sim.emit(
        render(
            [
                ("Event", "Pickup"),
                ("Privilege", "call,all"),
                ("Channel", leg.name),
                *leg.fields.items(),
                *_prefixed("Target", ringing).items(),
            ]
        )
    )
    for chan in sim.mirror.linked(call_id):
        if chan is caller or chan.fields.get("ChannelStateDesc") not in RINGING:
            continue
        if caller is not None:
            status = "ANSWER" if chan is ringing else "CANCEL"
            sim.emit(
                render(
                    [
                        ("Event", "DialEnd"),
                        ("Channel", caller.name),
                        *caller.fields.items(),
                        *_prefixed("Dest", chan).items(),
                        ("DialStatus", status),
                    ]
                )
            )
        base = [("Channel", chan.name), *chan.fields.items()]
        sim.emit(render([("Event", "Hangup"), *base, ("Cause", "26"),
                         ("Cause-txt", "Answered elsewhere")]))  # fmt: skip
    if caller is not None and any(
        q.channel == caller.name for qs in sim.mirror.queues.values() for q in qs
    ):
        sim.emit(render([("Event", "QueueCallerLeave"), ("Channel", caller.name),
                         *caller.fields.items()]))  # fmt: skip
    await asyncio.sleep(sim.pickup_talk_s / sim.call_speed)
    sim.hang_up_call(call_id)
    sim.hang_up_call(leg_id)
