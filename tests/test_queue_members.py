"""Queue member states (pbx.queue_members) from the recorded supervisor captures, alone and
over TCP, and the rules no capture shows: resync, pause time per local day, subscribers.

What a correct console concludes is in tests/fixtures/ami/README.md: queue_pause.jsonl —
101 paused in dispatch from ~1 s («Обед») to ~16 s, then available; queue_login.jsonl —
who is in which queue follows QueueMemberAdded / QueueMemberRemoved / QueueMemberPause and
the QueueStatus answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pbx.ami_event import AmiEvent
from pbx.connection_state import ConnectionState, LinkState
from pbx.errors import AlreadyMemberError, MemberNotDynamicError, NotAMemberError
from pbx.queue_actions import QueueActionDone
from pbx.queue_members import DeviceState, MemberChange, MemberChanged, QueueMembers
from pbx.tracker_devices import OperatorDevice
from tests.ami_support import FIXTURES, play_capture
from tests.tracker_support import (
    BASE_EPOCH,
    CONCLUSIONS,
    OPERATORS,
    SERVER,
    check_conclusions,
    events_of,
    make_members,
    seconds,
)


def fed(name: str) -> tuple[QueueMembers, list[MemberChanged]]:
    members = make_members()
    changes: list[MemberChanged] = []
    for event in events_of(name):
        changes += members.feed(event)
    return members, changes


def at(change: MemberChanged) -> float:
    return change.member.changed_at.timestamp() - BASE_EPOCH


def member_event(t: float, name: str, **headers: str) -> AmiEvent:
    return AmiEvent(SERVER, name, {"Event": name, **headers}, BASE_EPOCH + t)


def member(
    queue: str,
    interface: str,
    *,
    paused: bool = False,
    reason: str = "",
    membership: str = "static",
    last_pause: str = "0",
    status: str = "1",
) -> dict[str, str]:
    return {
        "Queue": queue,
        "MemberName": f"Оператор {interface[-3:]}",
        "Interface": interface,
        "StateInterface": interface,
        "Membership": membership,
        "Paused": "1" if paused else "0",
        "PausedReason": reason,
        "LastPause": last_pause,
        "Status": status,
        "InCall": "0",
    }


# -- queue_pause.jsonl ----------------------------------------------------------------------


def test_queue_pause_capture_pauses_101_in_dispatch_from_1_to_16_seconds() -> None:
    members, changes = fed("queue_pause.jsonl")
    pauses = [c for c in changes if c.member.interface == "IAX2/op101"]
    flips = {MemberChange.PAUSED, MemberChange.UNPAUSED}
    assert [(sorted(c.changes & flips), c.member.reason) for c in pauses] == [
        ([MemberChange.PAUSED], "Обед"),
        ([MemberChange.UNPAUSED], None),
    ]
    assert seconds(at(pauses[0]), 1.0) and seconds(at(pauses[1]), 16.0)
    assert pauses[0].member.paused_since is not None
    assert seconds(pauses[0].member.paused_since.timestamp() - BASE_EPOCH, 1.0)
    now = BASE_EPOCH + 21.0
    assert seconds(members.paused_seconds("IAX2/op101", now), 15.0)
    assert members.paused_seconds("IAX2/op102", now) == 0.0
    final = members.member("dispatch", "IAX2/op101")
    assert final is not None and final.logged_in and not final.paused and final.available
    assert (final.extension, final.name, final.membership) == ("101", "Оператор 101", "static")
    assert not final.dynamic


def test_queue_pause_capture_shows_103_ringing_then_talking_never_101() -> None:
    _, changes = fed("queue_pause.jsonl")
    states = [
        (c.member.queue, c.member.extension, c.member.device_state)
        for c in changes
        if MemberChange.DEVICE in c.changes
    ]
    assert ("dispatch", "103", DeviceState.RINGING) in states
    assert ("dispatch", "103", DeviceState.IN_USE) in states
    assert not any(ext == "101" for _, ext, _ in states)
    # The Local member of dispatch-local shares 103's phone: same device, same operator.
    local = [c.member for c in changes if c.member.queue == "dispatch-local"]
    assert {m.device for m in local} == {"IAX2/op102", "IAX2/op103"}
    assert {m.extension for m in local} == {"102", "103"}


# -- queue_login.jsonl ----------------------------------------------------------------------


def test_queue_login_capture_follows_added_paused_and_removed_members() -> None:
    members, changes = fed("queue_login.jsonl")
    night = [c for c in changes if c.member.queue == "night"]
    first = {c.member.interface: c for c in night[:2]}
    assert first["IAX2/op102"].changes == {MemberChange.LOGGED_IN}
    assert first["IAX2/op103"].changes == {MemberChange.LOGGED_IN, MemberChange.PAUSED}
    assert first["IAX2/op103"].member.reason == "Перерыв"
    assert first["IAX2/op102"].member.dynamic and first["IAX2/op102"].member.available
    logged_out = [c.member.interface for c in night if MemberChange.LOGGED_OUT in c.changes]
    assert logged_out == ["IAX2/op102", "IAX2/op103"]
    assert all(seconds(at(c), 12.0) for c in night if MemberChange.LOGGED_OUT in c.changes)
    for interface in ("IAX2/op102", "IAX2/op103"):
        state = members.member("night", interface)
        assert state is not None and not state.logged_in and not state.paused
    # 103 was paused in night from its login (~1 s) to its logout (~12 s).
    assert seconds(members.paused_seconds("IAX2/op103", BASE_EPOCH + 17.0), 11.0)
    # Static members are still logged in where they are written (dispatch).
    dispatch = members.member("dispatch", "IAX2/op102")
    assert dispatch is not None and dispatch.logged_in and not dispatch.dynamic


def test_queue_status_answer_logs_out_members_it_no_longer_lists() -> None:
    """The second QueueStatus of queue_login lists night without members: whoever the
    console still had there is logged out, even had it missed the QueueMemberRemoved."""
    events = [e for e in events_of("queue_login.jsonl") if e.name != "QueueMemberRemoved"]
    members = make_members()
    for event in events:
        members.feed(event)
    for interface in ("IAX2/op102", "IAX2/op103"):
        state = members.member("night", interface)
        assert state is not None and not state.logged_in


# -- the same captures over TCP -----------------------------------------------------------


async def test_queue_captures_over_tcp_give_states_and_typed_refusals() -> None:
    pause = await play_capture(FIXTURES / "queue_pause.jsonl")
    check_conclusions(pause.out, CONCLUSIONS["queue_pause.jsonl"], timing=False)
    done, refused = pause.queue_answers[:2], pause.queue_answers[2:]
    assert [a.message for a in done if isinstance(a, QueueActionDone)] == [
        "Interface paused successfully",
        "Interface unpaused successfully",
    ]
    [error] = refused
    assert isinstance(error, NotAMemberError) and error.message == "Interface not found"
    wanted = {MemberChange.PAUSED, MemberChange.UNPAUSED}
    flips = [
        (sorted(c.changes & wanted), c.member.reason)
        for c in pause.member_changes
        if c.member.interface == "IAX2/op101" and c.changes & wanted
    ]
    assert flips == [([MemberChange.PAUSED], "Обед"), ([MemberChange.UNPAUSED], None)]

    login = await play_capture(FIXTURES / "queue_login.jsonl")
    check_conclusions(login.out, CONCLUSIONS["queue_login.jsonl"], timing=False)
    errors = [a for a in login.queue_answers if not isinstance(a, QueueActionDone)]
    assert [type(e) for e in errors] == [AlreadyMemberError, MemberNotDynamicError]
    assert errors[1].message == "Member not dynamic"  # Asterisk's words kept
    for interface in ("IAX2/op102", "IAX2/op103"):
        state = login.members.member("night", interface)
        assert state is not None and not state.logged_in


# -- rules no capture shows ----------------------------------------------------------------


def test_resync_at_connect_seeds_pauses_from_last_pause_and_logs_out_the_missing() -> None:
    members = make_members()
    members.feed(
        member_event(0.0, "QueueMemberAdded", **member("night", "IAX2/op102", membership="dynamic"))
    )
    paused_at = BASE_EPOCH + 100.0
    snapshot = (
        member_event(300.0, "QueueParams", Queue="night"),
        member_event(300.0, "QueueParams", Queue="dispatch"),
        member_event(
            300.0,
            "QueueMember",
            **{
                **member(
                    "dispatch",
                    "IAX2/op101",
                    paused=True,
                    reason="Обед",
                    last_pause=str(int(paused_at)),
                ),
                "Name": "Оператор 101",
            },
        ),
    )
    up = ConnectionState(
        SERVER, LinkState.UP, datetime.fromtimestamp(BASE_EPOCH + 300.0, UTC), "", snapshot
    )
    changes = members.handle(up)
    kinds = {c.member.interface: c.changes for c in changes}
    assert kinds["IAX2/op101"] == {MemberChange.LOGGED_IN, MemberChange.PAUSED}
    assert kinds["IAX2/op102"] == {MemberChange.LOGGED_OUT}
    since = members.paused_since("IAX2/op101")
    assert since is not None and since.timestamp() == paused_at
    assert members.paused_seconds("IAX2/op101", BASE_EPOCH + 400.0) == 300.0
    # The same answer again changes nothing a person would see.
    assert members.handle(up) == []


def test_pause_time_is_counted_per_desk_day_once_per_phone() -> None:
    """Paused in two queues at once counts once; a pause over midnight is split."""
    desk = timezone(timedelta(hours=3))
    midnight = datetime(2026, 12, 8, tzinfo=desk).timestamp()
    clock = [midnight - 600.0]
    members = QueueMembers(server=SERVER, operators=OPERATORS, clock=lambda: clock[0], tz=desk)

    def send(t: float, queue: str, paused: bool) -> None:
        members.feed(
            AmiEvent(
                SERVER,
                "QueueMemberPause",
                {
                    "Event": "QueueMemberPause",
                    **member(queue, "IAX2/op101", paused=paused, reason="Обед" if paused else ""),
                },
                t,
            )
        )

    send(midnight - 600.0, "dispatch", True)
    send(midnight - 300.0, "dispatch-local", True)  # same phone: still one pause
    send(midnight - 60.0, "dispatch", False)  # still paused in dispatch-local
    assert members.paused_seconds("IAX2/op101", midnight - 1.0) == 599.0
    send(midnight + 120.0, "dispatch-local", False)
    assert members.paused_seconds("IAX2/op101", midnight - 1.0) == 600.0  # yesterday's part
    clock[0] = midnight + 3600.0
    assert members.paused_seconds("IAX2/op101") == 120.0  # today, by the injected clock
    assert members.paused_since("IAX2/op101") is None


def test_subscribers_hear_every_change_and_a_failing_one_stops_nobody() -> None:
    members = make_members()
    heard: list[MemberChanged] = []

    def broken(_change: MemberChanged) -> None:
        raise RuntimeError("board gone")

    members.subscribe(broken)
    stop = members.subscribe(heard.append)
    for event in events_of("queue_login.jsonl"):
        members.feed(event)
    assert heard and members.stats["listener_errors"] == len(heard)
    stop()
    count = len(heard)
    members.feed(
        member_event(99.0, "QueueMemberPause", **member("dispatch", "IAX2/op102", paused=True))
    )
    assert len(heard) == count


def test_garbage_and_other_servers_are_counted_not_raised() -> None:
    members = make_members()
    assert members.feed(member_event(1.0, "QueueMemberPause", Paused="1")) == []
    assert members.stats["malformed"] == 1
    other = AmiEvent("elsewhere", "QueueMemberAdded", member("night", "IAX2/op101"), BASE_EPOCH)
    assert members.feed(other) == [] and members.stats["other_server"] == 1
    assert members.members() == []


def test_unknown_devices_have_no_extension_and_local_members_use_their_phone() -> None:
    members = QueueMembers(
        server=SERVER, operators=[OperatorDevice("7", "Семь", "PJSIP/7")], clock=lambda: 0.0
    )
    [change] = members.feed(
        member_event(
            1.0,
            "QueueMemberStatus",
            **{**member("q", "Local/7@agents/n", status="6"), "StateInterface": "PJSIP/7"},
        )
    )
    assert (change.member.device, change.member.extension) == ("PJSIP/7", "7")
    assert change.member.device_state.ringing
    [other] = members.feed(member_event(2.0, "QueueMemberStatus", **member("q", "SIP/x")))
    assert other.member.extension is None
