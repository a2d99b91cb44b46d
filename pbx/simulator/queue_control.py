"""The simulated PBX's answers to QueuePause, QueueAdd and QueueRemove, as Asterisk 22
gave them in queue_pause.jsonl and queue_login.jsonl: the Response first, then one
``QueueMember…`` event per queue that changed, to every session (a change made from one
console appears on all of them). Messages are Asterisk's own words.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pbx.simulator.mirror import Member
from pbx.simulator.wire import header, render, response

if TYPE_CHECKING:
    from pbx.simulator.server import AmiSimulator, Session


def _true(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1", "on")


def _member_event(name: str, queue: str, member: Member) -> str:
    return render(
        [("Event", name), ("Privilege", "agent,all"), ("SystemName", "sim"), *member.fields(queue)]
    )


def queue_pause(sim: AmiSimulator, session: Session, h: dict[str, str], aid: str) -> None:
    interface = header(h, "Interface")
    paused_text = header(h, "Paused")
    if not interface or not paused_text:
        session.write(response(aid, "Error", Message="Need 'Interface' and 'Paused' parameters."))
        return
    only = header(h, "Queue")
    paused = _true(paused_text)
    reason = header(h, "Reason")
    hits = [
        (queue, m)
        for queue, members in sim.mirror.members.items()
        if not only or queue == only
        for m in members
        if m.location == interface
    ]
    if not hits:
        session.write(response(aid, "Error", Message="Interface not found"))
        return
    word = "paused" if paused else "unpaused"
    session.write(response(aid, Message=f"Interface {word} successfully"))
    for queue, member in hits:
        member.paused = paused
        member.reason = reason if paused else ""
        if paused:
            member.last_pause = str(int(time.time()))
        sim.emit(_member_event("QueueMemberPause", queue, member))


def queue_add(sim: AmiSimulator, session: Session, h: dict[str, str], aid: str) -> None:
    queue = header(h, "Queue")
    interface = header(h, "Interface")
    if not queue or not interface:
        session.write(response(aid, "Error", Message="'Queue' or 'Interface' not set."))
        return
    if queue not in sim.mirror.members:
        session.write(
            response(aid, "Error", Message="Unable to add interface to queue: No such queue")
        )
        return
    members = sim.mirror.members[queue]
    if any(m.location == interface for m in members):
        session.write(response(aid, "Error", Message="Unable to add interface: Already there"))
        return
    now = str(int(time.time()))
    paused = _true(header(h, "Paused", "false"))
    member = Member(
        name=header(h, "MemberName") or interface,
        location=interface,
        state_interface=header(h, "StateInterface") or interface,
        membership="dynamic",
        penalty=header(h, "Penalty") or "0",
        status="1",
        paused=paused,
        reason=header(h, "Reason") if paused else "",
        last_pause=now if paused else "0",
        login_time=now,
    )
    members.append(member)
    session.write(response(aid, Message="Added interface to queue"))
    sim.emit(_member_event("QueueMemberAdded", queue, member))


def queue_remove(sim: AmiSimulator, session: Session, h: dict[str, str], aid: str) -> None:
    queue = header(h, "Queue")
    interface = header(h, "Interface")
    if not queue or not interface:
        session.write(response(aid, "Error", Message="Need 'Queue' and 'Interface' parameters."))
        return
    if queue not in sim.mirror.members:
        session.write(
            response(aid, "Error", Message="Unable to remove interface from queue: No such queue")
        )
        return
    members = sim.mirror.members[queue]
    member = next((m for m in members if m.location == interface), None)
    if member is None:
        session.write(response(aid, "Error", Message="Unable to remove interface: Not there"))
        return
    if member.membership != "dynamic":
        session.write(response(aid, "Error", Message="Member not dynamic"))
        return
    members.remove(member)
    session.write(response(aid, Message="Removed interface from queue"))
    sim.emit(_member_event("QueueMemberRemoved", queue, member))
