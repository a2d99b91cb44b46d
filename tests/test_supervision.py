"""Supervisor actions on the PBX side: the actions sent (as recorded), their refusals in
types, listen-in and pickup legs in the tracker (supervision, never calls of the log), and the
simulator answering all of them as Asterisk does.

supervisor_spy.jsonl (tests/fixtures/ami/README.md): 1 call in the log, inbound, answered by
101, talk ~26 s; the three listen-in legs (qE, qwE, qBE from phone 103) are not calls and not
failed calls: they are supervision of 101's call, and the board can show 103 listening to 101.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pbx.ami_client import StreamItem
from pbx.ami_event import AmiEvent
from pbx.call_events import (
    CallAnswered,
    CallEnded,
    CallPickedUp,
    CallRinging,
    CallStoppedRinging,
    SupervisionEnded,
    SupervisionStarted,
)
from pbx.capture import parse_message, read_capture
from pbx.connection_state import LinkState
from pbx.errors import (
    ActionFailedError,
    AlreadyMemberError,
    MemberNotDynamicError,
    NoSuchQueueError,
    NotAMemberError,
    PermissionDeniedError,
    QueueActionError,
)
from pbx.queue_actions import LogIn, LogOut, PauseMember, refusal, run_queue_action
from pbx.queue_members import MemberChanged
from pbx.simulator import AmiSimulator
from pbx.supervise import ListenIn, Pickup, SpyMode, mode_of_options
from tests.ami_support import (
    FIXTURES,
    SECRET,
    USER,
    Tracking,
    client_for,
    is_state,
    queue_request,
    recorded_actions,
)
from tests.tracker_support import (
    Replay,
    Script,
    events_of,
    make_members,
    make_tracker,
    replay,
    seconds,
)


def sent(name: str, action: str) -> list[dict[str, str]]:
    """The recorded console's actions of one kind, without their ActionIDs."""
    return [
        {k: v for k, v in a.items() if k != "ActionID"}
        for a in recorded_actions(FIXTURES / name)
        if a["Action"] == action
    ]


# -- the actions, as the recorded console sent them -----------------------------------------


def test_queue_requests_send_exactly_the_recorded_actions() -> None:
    for name, action in (
        ("queue_pause.jsonl", "QueuePause"),
        ("queue_login.jsonl", "QueueAdd"),
        ("queue_login.jsonl", "QueueRemove"),
    ):
        for recorded in sent(name, action):
            assert queue_request(recorded).to_action() == recorded


def test_pause_in_every_queue_has_no_queue_header_and_reasons_stay_on_one_line() -> None:
    assert PauseMember("IAX2/op101", paused=False).to_action() == {
        "Action": "QueuePause",
        "Interface": "IAX2/op101",
        "Paused": "false",
    }
    typed = PauseMember("IAX2/op101", reason="Обед\r\nAction: Originate", queue="dispatch")
    action = typed.to_action()
    assert action["Reason"] == "Обед Action: Originate" and "Action: Originate" not in (
        "\r\n".join(f"{k}: {v}" for k, v in action.items()).split("\r\n")
    )
    login = LogIn("night", "PJSIP/7", "Семь", penalty=2, paused=True, reason="Перерыв")
    assert login.to_action() == {
        "Action": "QueueAdd",
        "Queue": "night",
        "Interface": "PJSIP/7",
        "MemberName": "Семь",
        "Penalty": "2",
        "Paused": "true",
        "Reason": "Перерыв",
    }


def test_listen_in_modes_send_the_recorded_originates() -> None:
    recorded = sent("supervisor_spy.jsonl", "Originate")
    modes: tuple[SpyMode, ...] = ("listen", "whisper", "barge")
    for mode, action in zip(modes, recorded, strict=True):
        spy = ListenIn("IAX2/op103", "IAX2/op101", mode, label="Прослушка", action_id="x")
        ours = spy.to_action()
        assert {k: v for k, v in ours.items() if k not in ("ActionID", "CallerID")} == {
            k: v for k, v in action.items() if k != "CallerID"
        }
        assert ours["CallerID"].replace('"', "") == action["CallerID"]  # «Прослушка <qE>»


def test_pickup_originates_pickupchan_on_my_phone_and_refuses_bad_devices() -> None:
    action = Pickup("IAX2/op101", "IAX2/op102", label="Перехват", action_id="p").to_action()
    assert {k: action[k] for k in ("Channel", "Application", "Data", "CallerID")} == {
        "Channel": "IAX2/op101",
        "Application": "PickupChan",
        "Data": "IAX2/op102",
        "CallerID": '"Перехват" <op102>',
    }
    for bad in ("", "op102", "IAX2/op102,qBE", "IAX2/op102&IAX2/op103", "IAX2/op\r\n102"):
        with pytest.raises(ValueError):
            Pickup("IAX2/op101", bad)
        with pytest.raises(ValueError):
            ListenIn("IAX2/op103", bad)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Member not dynamic", MemberNotDynamicError),
        ("Unable to add interface: Already there", AlreadyMemberError),
        ("Unable to remove interface: Not there", NotAMemberError),
        ("Interface not found", NotAMemberError),
        ("Unable to add interface to queue: No such queue", NoSuchQueueError),
        ("Permission denied", PermissionDeniedError),
        ("Out of memory", QueueActionError),
    ],
)
def test_refusals_are_typed_and_keep_asterisks_words(
    message: str, kind: type[ActionFailedError]
) -> None:
    error = refusal("QueueRemove", message)
    assert type(error) is kind and error.message == message and error.action == "QueueRemove"
    assert isinstance(error, ActionFailedError)


# -- listen-in legs in the tracker ----------------------------------------------------------


def test_supervisor_spy_logs_one_call_and_three_listen_ins_never_calls() -> None:
    run = replay("supervisor_spy.jsonl")
    [record] = run.records
    assert (record.direction, record.answered_by, record.disposition) == (
        "inbound",
        "101",
        "answered",
    )
    assert seconds(record.talk_s, 26.0)
    started = run.of(SupervisionStarted)
    assert [(s.kind, s.supervisor, s.operator) for s in started] == [
        ("listen", "103", "101"),
        ("whisper", "103", "101"),
        ("barge", "103", "101"),
    ]
    assert {s.target_linkedid for s in started} == {record.linkedid}
    ended = run.of(SupervisionEnded)
    assert len(ended) == 3 and all(e.started and e.operator == "101" for e in ended)
    # 103's phone rang three times for the listen-ins: no popup, no "answered" by 103.
    assert all(r.started == ("101",) for r in run.of(CallRinging))
    assert [a.extension for a in run.of(CallAnswered)] == ["101"]
    assert run.tracker.stats["supervision_legs"] == 3


def test_who_listens_to_whom_while_the_call_lasts() -> None:
    run = Replay(make_tracker())
    stream = events_of("supervisor_spy.jsonl")
    cut = next(i for i, e in enumerate(stream) if e.name == "ChanSpyStart") + 1
    run.feed(stream[:cut])
    [live] = run.tracker.live_calls()  # the client's call; the listen-in leg is not a call
    [spying] = run.tracker.live_supervisions()
    assert (spying.supervisor, spying.operator, spying.kind) == ("103", "101", "listen")
    assert spying.target_linkedid == live.linkedid
    assert run.tracker.live_call(spying.linkedid) is None
    run.feed(stream[cut:])
    assert run.tracker.live_supervisions() == [] and run.tracker.live_calls() == []


def test_announced_listen_in_carries_the_consoles_action_id() -> None:
    tracker = make_tracker()
    run = Replay(tracker)
    for record in read_capture(FIXTURES / "supervisor_spy.jsonl"):
        headers = parse_message(record.raw)
        if record.dir == "send" and headers.get("Action") == "Originate":
            mode = mode_of_options(headers["Data"].partition(",")[2])
            tracker.expect_supervision(headers["ActionID"], mode, "103", "101")
        elif record.dir == "recv" and headers.get("Event"):
            run.feed([AmiEvent("lab", headers["Event"], headers, 1_795_365_000.0 + record.t)])
    assert [s.action_id for s in run.of(SupervisionStarted)] == ["lab-2", "lab-3", "lab-4"]
    assert sorted(e.action_id or "" for e in run.of(SupervisionEnded)) == [
        "lab-2",
        "lab-3",
        "lab-4",
    ]
    assert len(run.records) == 1


def unanswered_spy(announce: bool) -> Replay:
    """The supervisor's phone rings 8 s and nobody answers: OriginateResponse Failure
    (Reason 3, Uniqueid <unknown>, Channel the device), then the leg hangs up."""
    run = Replay(make_tracker())
    if announce:
        run.tracker.expect_supervision("spy-1", "listen", "103", "101")
    s = Script().channel(0.0, "s1", "IAX2/op103-1", "s1")
    s.add(0.0, "DialBegin", DestChannel="IAX2/op103-1", DestUniqueid="s1", DestLinkedid="s1")
    s.add(
        8.0,
        "DialEnd",
        DestChannel="IAX2/op103-1",
        DestUniqueid="s1",
        DestLinkedid="s1",
        DialStatus="NOANSWER",
    )
    s.add(
        8.0,
        "OriginateResponse",
        ActionID="spy-1",
        Response="Failure",
        Channel="IAX2/op103",
        Application="ChanSpy",
        Data="IAX2/op101,qE",
        Reason="3",
        Uniqueid="<unknown>",
    )
    s.hangup(8.0, "s1", "IAX2/op103-1", "s1", cause="19")
    run.feed(s.events)
    return run


@pytest.mark.parametrize("announce", [True, False], ids=["this console", "another console"])
def test_an_unanswered_listen_in_is_no_failed_call_of_the_supervisor(announce: bool) -> None:
    run = unanswered_spy(announce)
    assert run.records == [] and run.of(CallRinging) == []
    [ended] = run.of(SupervisionEnded)
    assert (ended.started, ended.reason_code, ended.supervisor) == (False, 3, "103")
    assert ended.action_id == ("spy-1" if announce else None)


def test_a_listen_in_from_no_such_device_ends_at_once() -> None:
    run = Replay(make_tracker())
    run.tracker.expect_supervision("spy-2", "barge", "199", "101")
    run.feed(
        Script()
        .add(
            0.0,
            "OriginateResponse",
            ActionID="spy-2",
            Response="Failure",
            Channel="IAX2/op199",
            Application="ChanSpy",
            Data="IAX2/op101,qBE",
            Reason="0",
            Uniqueid="<unknown>",
        )
        .events
    )
    [ended] = run.of(SupervisionEnded)
    assert (ended.linkedid, ended.kind, ended.started, ended.reason_code) == (
        None,
        "barge",
        False,
        0,
    )


# -- pickup in the tracker -----------------------------------------------------------------


def picked_up() -> Replay:
    """+79161234567 rings 102; 101 takes it with PickupChan (Asterisk's Pickup event)."""
    run = Replay(make_tracker())
    run.tracker.expect_supervision("pk-1", "pickup", "101", "102")
    caller, ring = ("c1", "IAX2/pstn-1"), ("c2", "IAX2/op102-1")
    s = Script().channel(0.0, *caller, "c1", "+79161234567", "Иванова Мария")
    s.channel(0.0, *ring, "c1").dial(0.0, caller, ring, "c1", exten="5002")
    s.channel(2.0, "p1", "IAX2/op101-1", "p1")
    s.add(2.0, "DialBegin", DestChannel="IAX2/op101-1", DestUniqueid="p1", DestLinkedid="p1")
    s.add(
        3.0,
        "DialEnd",
        DestChannel="IAX2/op101-1",
        DestUniqueid="p1",
        DestLinkedid="p1",
        DialStatus="ANSWER",
    )
    s.add(
        3.0,
        "OriginateResponse",
        ActionID="pk-1",
        Response="Success",
        Channel="IAX2/op101-1",
        Application="PickupChan",
        Data="IAX2/op102",
        Reason="4",
        Uniqueid="p1",
    )
    s.add(
        3.0,
        "Pickup",
        Channel="IAX2/op101-1",
        Uniqueid="p1",
        Linkedid="p1",
        TargetChannel="IAX2/op102-1",
        TargetUniqueid="c2",
        TargetLinkedid="c1",
    )
    s.dial(3.0, caller, ring, "c1", exten="5002", status="ANSWER")
    s.hangup(3.0, *ring, "c1", cause="26")
    s.hangup(10.0, *caller, "c1").hangup(10.0, "p1", "IAX2/op101-1", "p1")
    run.feed(s.events)
    return run


def test_a_picked_up_call_is_answered_by_whoever_took_it() -> None:
    run = picked_up()
    [record] = run.records
    assert (record.answered_by, record.disposition, record.transferred_to) == (
        "101",
        "answered",
        (),
    )
    assert record.operators_rung == ("102", "101")
    assert seconds(record.wait_s, 3.0) and seconds(record.talk_s, 7.0)
    [picked] = run.of(CallPickedUp)
    assert (picked.by, picked.from_extension, picked.action_id, picked.linkedid) == (
        "101",
        "102",
        "pk-1",
        "c1",
    )
    [stopped] = run.of(CallStoppedRinging)
    assert (stopped.extension, stopped.reason, stopped.answered_by) == (
        "102",
        "answered_elsewhere",
        "101",
    )
    [ended] = run.of(SupervisionEnded)
    assert (ended.kind, ended.started, ended.operator) == ("pickup", True, "102")


def test_a_queue_call_picked_up_is_no_transfer_to_the_member_whose_leg_answered() -> None:
    """In a ringall queue the taken-over leg answers as its member (AgentConnect 102): the
    call is still answered by 101, who picked it up, and the other members stop ringing."""
    run = Replay(make_tracker())
    caller = ("c1", "IAX2/pstn-1")
    legs = {ext: (f"c{ext}", f"IAX2/op{ext}-1") for ext in ("102", "103")}
    s = Script().channel(0.0, *caller, "c1", "+79161234567", "Иванова Мария")
    s.add(0.0, "QueueCallerJoin", Channel=caller[1], Uniqueid="c1", Linkedid="c1",
          Queue="dispatch", Position="1")  # fmt: skip
    for ext, leg in legs.items():
        s.channel(0.5, *leg, "c1")
        s.add(0.5, "AgentCalled", Channel=caller[1], Uniqueid="c1", Linkedid="c1",
              DestChannel=leg[1], DestUniqueid=leg[0], Queue="dispatch",
              Interface=f"IAX2/op{ext}")  # fmt: skip
        s.dial(0.5, caller, leg, "c1")
    s.channel(2.0, "p1", "IAX2/op101-1", "p1")
    s.add(2.0, "DialBegin", DestChannel="IAX2/op101-1", DestUniqueid="p1", DestLinkedid="p1")
    s.add(3.0, "Pickup", Channel="IAX2/op101-1", Uniqueid="p1", Linkedid="p1",
          TargetChannel=legs["102"][1], TargetUniqueid="c102", TargetLinkedid="c1")  # fmt: skip
    s.dial(3.0, caller, legs["102"], "c1", status="ANSWER")
    s.dial(3.0, caller, legs["103"], "c1", status="CANCEL")
    s.add(3.0, "AgentConnect", Channel=caller[1], Uniqueid="c1", Linkedid="c1",
          DestChannel=legs["102"][1], DestUniqueid="c102", Queue="dispatch",
          Interface="IAX2/op102")  # fmt: skip
    for leg in legs.values():
        s.hangup(3.0, *leg, "c1", cause="26")
    s.hangup(9.0, *caller, "c1").hangup(9.0, "p1", "IAX2/op101-1", "p1")
    run.feed(s.events)
    [record] = run.records
    assert (record.answered_by, record.transferred_to, record.queue) == ("101", (), "dispatch")
    assert record.operators_rung == ("102", "103", "101")
    stopped = {e.extension: e for e in run.of(CallStoppedRinging)}
    assert {k: (e.reason, e.answered_by) for k, e in stopped.items()} == {
        "102": ("answered_elsewhere", "101"),
        "103": ("answered_elsewhere", "101"),
    }


# -- the simulator answers as Asterisk does -------------------------------------------------


def named(name: str, **fields: str) -> Callable[[StreamItem], bool]:
    return lambda i: (
        isinstance(i, AmiEvent)
        and i.name == name
        and all(i.get(k).startswith(v) for k, v in fields.items())
    )


async def test_simulator_queue_control_pauses_logs_in_and_refuses_like_asterisk() -> None:
    async with AmiSimulator(port=0, username=USER, secret=SECRET, dynamic_queues=("night",)) as sim:
        ami = client_for(sim)
        async with ami:
            track = Tracking(ami)
            members = make_members()
            changes: list[MemberChanged] = []

            async def sync() -> None:
                start = len(track.items)
                await track.sync(sim)
                for item in track.items[start:]:
                    changes.extend(members.handle(item))

            await track.until(is_state(LinkState.UP))
            for item in track.items:
                members.handle(item)
            assert {m.interface for m in members.members() if m.logged_in} == {
                "IAX2/op101",
                "IAX2/op102",
                "IAX2/op103",
            }
            done = await run_queue_action(
                ami, PauseMember("IAX2/op101", reason="Обед", queue="dispatch")
            )
            assert done.message == "Interface paused successfully"
            await run_queue_action(
                ami, LogIn("night", "IAX2/op102", "Оператор 102", "IAX2/op102", penalty=0)
            )
            await run_queue_action(
                ami,
                LogIn(
                    "night",
                    "IAX2/op103",
                    "Оператор 103",
                    "IAX2/op103",
                    paused=True,
                    reason="Перерыв",
                ),
            )
            with pytest.raises(AlreadyMemberError):
                await run_queue_action(ami, LogIn("night", "IAX2/op102", "Оператор 102"))
            with pytest.raises(MemberNotDynamicError) as not_dynamic:
                await run_queue_action(ami, LogOut("dispatch", "IAX2/op103"))
            assert not_dynamic.value.message == "Member not dynamic"
            with pytest.raises(NotAMemberError):
                await run_queue_action(ami, PauseMember("IAX2/op199", queue="dispatch"))
            await sync()
            paused = members.member("dispatch", "IAX2/op101")
            assert paused is not None and (paused.paused, paused.reason) == (True, "Обед")
            night = members.member("night", "IAX2/op103")
            assert night is not None and night.dynamic and night.reason == "Перерыв"
            # QueueStatus tells the same, with paused and reason.
            listed = await ami.list_action("QueueStatus", {"Queue": "dispatch"})
            [op101] = [
                e for e in listed if e.name == "QueueMember" and e.get("Location") == "IAX2/op101"
            ]
            assert (op101.get("Paused"), op101.get("PausedReason")) == ("1", "Обед")
            await run_queue_action(ami, LogOut("night", "IAX2/op102"))
            await run_queue_action(ami, PauseMember("IAX2/op101", paused=False))
            await sync()
            gone = members.member("night", "IAX2/op102")
            assert gone is not None and not gone.logged_in
            back = members.member("dispatch", "IAX2/op101")
            assert back is not None and not back.paused
            assert sim.action_counts["queuepause"] == 3 and sim.action_counts["queueremove"] == 2
        # A console connecting now is seeded by the QueueStatus answer of its resync.
        async with client_for(sim) as late:
            fresh = make_members()
            other = Tracking(late)
            await other.until(is_state(LinkState.UP))
            for item in other.items:
                fresh.handle(item)
            still = fresh.member("night", "IAX2/op103")
            assert still is not None and still.paused and still.reason == "Перерыв"
            assert fresh.member("night", "IAX2/op102") is None


async def test_simulator_listen_in_is_supervision_of_the_operators_call() -> None:
    async with AmiSimulator(port=0, username=USER, secret=SECRET, call_speed=2.0) as sim:
        ami = client_for(sim)
        async with ami:
            track = Tracking(ami)
            await track.until(is_state(LinkState.UP))
            linkedid = sim.start_call("direct_answered", devices=["IAX2/op101"])
            await track.until(named("DialEnd", DialStatus="ANSWER"))
            spy = ListenIn("IAX2/op103", "IAX2/op101", "whisper", label="Прослушка")
            track.tracker.expect_supervision(spy.action_id, "whisper", "103", "101")
            assert await ami.originate(spy) == spy.action_id
            out = await track.until(named("ChanSpyStart"))
            [started] = [e for e in out if isinstance(e, SupervisionStarted)]
            assert (started.kind, started.supervisor, started.operator) == ("whisper", "103", "101")
            assert (started.target_linkedid, started.action_id) == (linkedid, spy.action_id)
            assert [c.linkedid for c in track.tracker.live_calls()] == [linkedid]
            # A console connecting now learns it from the lists (CoreShowChannel: ChanSpy).
            late_ami = client_for(sim)
            async with late_ami:
                late = Tracking(late_ami)
                seen = await late.until(is_state(LinkState.UP))
                assert [c.linkedid for c in late.tracker.live_calls()] == [linkedid]
                [known] = [e for e in seen if isinstance(e, SupervisionStarted)]
                assert (known.supervisor, known.operator, known.target_linkedid) == (
                    "103",
                    "101",
                    linkedid,
                )
                assert known.kind == "whisper"
            await track.until(named("ChanSpyStop"))
            await track.until(named("Hangup", Channel="IAX2/op103-"))
            await track.sync(sim)
    records = [e.record for e in track.out if isinstance(e, CallEnded)]
    assert [(r.linkedid, r.answered_by) for r in records] == [(linkedid, "101")]
    [ended] = [e for e in track.out if isinstance(e, SupervisionEnded)]
    assert (ended.started, ended.action_id) == (True, spy.action_id)


async def test_simulator_pickup_takes_a_colleagues_ringing_call() -> None:
    async with AmiSimulator(port=0, username=USER, secret=SECRET) as sim:
        sim.pickup_talk_s = 0.5
        async with client_for(sim) as ami:
            track = Tracking(ami)
            await track.until(is_state(LinkState.UP))
            linkedid = sim.start_call("direct_missed", devices=["IAX2/op102"])
            await track.until(named("DialBegin", DestChannel="IAX2/op102-"))
            pick = Pickup("IAX2/op101", "IAX2/op102", label="Перехват")
            track.tracker.expect_supervision(pick.action_id, "pickup", "101", "102")
            await ami.originate(pick)
            await track.until(named("Pickup"))
            await track.until(named("Hangup", Channel="IAX2/op101-"))
            await track.sync(sim)
    [picked] = [e for e in track.out if isinstance(e, CallPickedUp)]
    assert (picked.by, picked.from_extension, picked.linkedid) == ("101", "102", linkedid)
    records = [e.record for e in track.out if isinstance(e, CallEnded)]
    assert [(r.linkedid, r.answered_by, r.disposition) for r in records] == [
        (linkedid, "101", "answered"),
    ]
    assert records[0].transferred_to == ()


async def test_simulator_pickup_with_nothing_ringing_is_no_call() -> None:
    async with AmiSimulator(port=0, username=USER, secret=SECRET, call_speed=4.0) as sim:
        ami = client_for(sim)
        async with ami:
            track = Tracking(ami)
            await track.until(is_state(LinkState.UP))
            pick = Pickup("IAX2/op101", "IAX2/op102")
            track.tracker.expect_supervision(pick.action_id, "pickup", "101", "102")
            await ami.originate(pick)
            await track.until(named("Hangup", Channel="IAX2/op101-"))
    assert not any(isinstance(e, CallEnded) for e in track.out)
    [ended] = [e for e in track.out if isinstance(e, SupervisionEnded)]
    assert (ended.kind, ended.started) == ("pickup", False)


async def test_a_user_without_the_agent_class_is_told_permission_denied() -> None:
    """Least privilege (docs/asterisk.md): QueuePause needs write class agent; without it
    Asterisk answers «Permission denied», which is no refusal about the operator."""
    async with AmiSimulator(port=0, username=USER, secret=SECRET) as sim:
        sim.denied_actions = {"queuepause", "originate"}
        ami = client_for(sim)
        async with ami:
            await Tracking(ami).until(is_state(LinkState.UP))
            with pytest.raises(PermissionDeniedError) as denied:
                await run_queue_action(ami, PauseMember("IAX2/op101", reason="Обед"))
            assert denied.value.message == "Permission denied"
            with pytest.raises(PermissionDeniedError):
                await ami.originate(ListenIn("IAX2/op103", "IAX2/op101"))


async def test_a_pause_made_by_another_console_reaches_this_one() -> None:
    """Changes made elsewhere (another supervisor, a phone's feature code) arrive as events:
    this console's member states follow without asking."""
    async with AmiSimulator(port=0, username=USER, secret=SECRET) as sim:
        mine, theirs = client_for(sim), client_for(sim)
        async with mine, theirs:
            watching = Tracking(mine)
            await watching.until(is_state(LinkState.UP))
            await Tracking(theirs).until(is_state(LinkState.UP))
            members = make_members()
            for item in watching.items:
                members.handle(item)
            await run_queue_action(theirs, PauseMember("IAX2/op102", reason="Документы"))
            await watching.until(named("QueueMemberPause"))
            for item in watching.items:
                members.handle(item)
            state = members.member("dispatch", "IAX2/op102")
            assert state is not None and (state.paused, state.reason) == (True, "Документы")
            assert members.paused_since("IAX2/op102") is not None
