"""Helpers shared by the AMI tests: a fast client against a simulator, stream collectors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbx.ami_client import AmiClient, StreamItem
from pbx.ami_event import AmiEvent
from pbx.call_events import CallEvent
from pbx.capture import parse_message, read_capture
from pbx.connection_state import Backoff, ConnectionState, LinkState
from pbx.errors import ActionFailedError
from pbx.originate import ClickToCall
from pbx.protocol import ProtocolStats
from pbx.queue_actions import (
    LogIn,
    LogOut,
    PauseMember,
    QueueActionDone,
    QueueRequest,
    run_queue_action,
)
from pbx.queue_members import MemberChanged, QueueMembers
from pbx.simulator import AmiSimulator
from pbx.supervise import ListenIn, mode_of_options
from pbx.tracker import CallTracker
from pbx.tracker_feed import TrackerFeed
from tests.tracker_support import ExpectedClick, make_members, make_tracker

FIXTURES = Path(__file__).parent / "fixtures" / "ami"
CAPTURES = sorted(FIXTURES.glob("*.jsonl"))
USER, SECRET = "console", "console-secret"
FAST_BACKOFF = Backoff(initial=0.05, maximum=0.2)


def client_for(sim: AmiSimulator, **overrides: Any) -> AmiClient:
    """A client tuned for tests: quick keepalive and reconnects, short timeouts."""
    options: dict[str, Any] = {
        "server": "lab",
        "host": "127.0.0.1",
        "port": sim.port,
        "username": USER,
        "secret": SECRET,
        "ping_interval": 0.2,
        "action_timeout": 2.0,
        "connect_timeout": 2.0,
        "backoff": FAST_BACKOFF,
        "login_retry_delay": 0.5,
    }
    options.update(overrides)
    return AmiClient(**options)


async def collect(
    ami: AmiClient,
    until: Callable[[StreamItem], bool],
    *,
    timeout_s: float = 10.0,
) -> list[StreamItem]:
    """Items from ``ami.events()`` up to and including the first one ``until`` accepts."""
    items: list[StreamItem] = []

    async def run() -> None:
        async for item in ami.events():
            items.append(item)
            if until(item):
                return

    async with asyncio.timeout(timeout_s):
        await run()
    return items


def is_state(state: LinkState) -> Callable[[StreamItem], bool]:
    return lambda item: isinstance(item, ConnectionState) and item.state is state


def events_only(items: list[StreamItem]) -> list[AmiEvent]:
    return [i for i in items if isinstance(i, AmiEvent)]


def states_only(items: list[StreamItem]) -> list[LinkState]:
    return [i.state for i in items if isinstance(i, ConnectionState)]


def recorded_actions(path: Path) -> list[dict[str, str]]:
    """The actions the console sent in a capture, minus Login and Ping (the client's own)."""
    actions = []
    for record in read_capture(path):
        if record.dir == "send":
            headers = parse_message(record.raw)
            if headers.get("Action", "").lower() not in ("login", "ping"):
                actions.append(headers)
    return actions


# -- A console that plays the recorded client's part of a capture ---------------------------


@dataclass(frozen=True, slots=True)
class ConsoleStep:
    """One action the recorded console sent, once it had seen ``after`` events."""

    after: int
    action: dict[str, str]

    @property
    def name(self) -> str:
        return self.action.get("Action", "").lower()


def console_script(path: Path) -> list[ConsoleStep]:
    """The recorded client's actions (Login and Ping aside: the client does its own), each
    with the number of events Asterisk had sent before it."""
    steps: list[ConsoleStep] = []
    seen = 0
    for record in read_capture(path):
        if record.dir == "recv" and record.raw.startswith("Event:"):
            seen += 1
        elif record.dir == "send":
            action = parse_message(record.raw)
            if action.get("Action", "").lower() not in ("login", "ping"):
                steps.append(ConsoleStep(seen, action))
    return steps


@dataclass
class CaptureRun:
    """What a client and its tracker saw while the simulator replayed a capture over TCP."""

    tracker: CallTracker
    items: list[StreamItem] = field(default_factory=list)
    out: list[CallEvent] = field(default_factory=list)
    action_ids: dict[str, str] = field(default_factory=dict)  # recorded -> sent
    lists: dict[str, list[AmiEvent]] = field(default_factory=dict)  # list action -> items
    stats: ProtocolStats | None = None
    members: QueueMembers = field(default_factory=lambda: make_members())
    member_changes: list[MemberChanged] = field(default_factory=list)
    queue_answers: list[QueueActionDone | ActionFailedError] = field(default_factory=list)

    @property
    def events(self) -> list[AmiEvent]:
        return events_only(self.items)


async def play_capture(
    path: Path,
    *,
    speed: float = 0.0,
    clicks: Sequence[ExpectedClick] = (),
    timeout_s: float = 30.0,
) -> CaptureRun:
    """Replay ``path`` from the simulator over TCP to an AmiClient whose stream feeds a
    CallTracker, the test playing the recorded console: after the events the console had
    seen, it sends the same action (an Originate as the click-to-call code does, announced
    to the tracker first; ``clicks`` say who clicked and whom). ``speed`` 0 is as fast as
    the socket goes, 1 the recorded timing."""
    run = CaptureRun(make_tracker())
    feeder = TrackerFeed(run.tracker)
    script = console_script(path)
    by_action_id = {c.action_id: c for c in clicks}
    async with AmiSimulator(port=0, username=USER, secret=SECRET) as sim:
        replaying = asyncio.create_task(sim.replay(path, speed=speed))
        await asyncio.sleep(0)  # the replay claims the next login before the client connects
        ami = client_for(sim, resync_actions=(), ping_interval=30.0, action_timeout=10.0)
        async with asyncio.timeout(timeout_s), ami:
            seen = 0
            up = False  # the stream has said "up" (events may come before it)
            async for item in ami.events():
                run.items.append(item)
                run.out += feeder.handle(item)
                run.member_changes += run.members.handle(item)
                seen += isinstance(item, AmiEvent)
                up = up or (isinstance(item, ConnectionState) and item.is_up)
                while script and seen >= script[0].after and ami.state.is_up:
                    if script[0].name == "logoff":
                        break  # leaving the block logs off, as the recorded console did
                    await _perform(ami, run, script.pop(0), by_action_id)
                if up and script and script[0].name == "logoff" and seen >= script[0].after:
                    break
            run.stats = ami.stats
        async with asyncio.timeout(timeout_s):
            await replaying
    return run


async def _perform(
    ami: AmiClient, run: CaptureRun, step: ConsoleStep, clicks: Mapping[str, ExpectedClick]
) -> None:
    action = step.action
    recorded_id = action.get("ActionID", "")
    if step.name == "originate" and "Application" in action:
        # A listen-in, sent as the console sends one (not announced: as from another desk).
        operator, _, options = action["Data"].partition(",")
        label = action.get("CallerID", "").partition("<")[0].strip().strip('"')
        spy = ListenIn(
            supervisor_device=action["Channel"],
            operator_device=operator,
            mode=mode_of_options(options),
            label=label,
            timeout_s=int(action.get("Timeout", "15000")) / 1000,
        )
        assert spy.to_action()["Data"] == action["Data"]
        run.action_ids[recorded_id] = await ami.originate(spy)
    elif step.name in QUEUE_ACTIONS:
        sent_id = f"console-{len(run.action_ids) + 1}"
        run.action_ids[recorded_id] = sent_id
        request = queue_request(action)
        try:
            run.queue_answers.append(await run_queue_action(ami, request, action_id=sent_id))
        except ActionFailedError as exc:
            run.queue_answers.append(exc)
    elif step.name == "originate":
        click = clicks[recorded_id]
        call = ClickToCall(
            device=action["Channel"],
            dial_string=action["Exten"],
            context=action["Context"],
            client_name=click.client_name,
            timeout_s=int(action.get("Timeout", "30000")) / 1000,
        )
        run.tracker.expect_originate(call.action_id, click.extension, click.dial)
        run.action_ids[recorded_id] = await ami.originate(call)
    else:
        sent_id = f"console-{len(run.action_ids) + 1}"
        run.action_ids[recorded_id] = sent_id
        headers = {k: v for k, v in action.items() if k not in ("Action", "ActionID")}
        headers["ActionID"] = sent_id
        if step.name in LIST_ACTIONS:
            run.lists[action["Action"]] = await ami.list_action(action["Action"], headers)
        else:
            await ami.send_action({"Action": action["Action"], **headers})


LIST_ACTIONS = frozenset({"coreshowchannels", "status", "queuestatus", "queuesummary"})
QUEUE_ACTIONS = frozenset({"queuepause", "queueadd", "queueremove"})


def queue_request(action: Mapping[str, str]) -> QueueRequest:
    """The request the console would build for a recorded queue action."""
    name = action["Action"].lower()
    if name == "queuepause":
        return PauseMember(
            interface=action["Interface"],
            paused=action["Paused"] == "true",
            reason=action.get("Reason"),
            queue=action.get("Queue"),
        )
    if name == "queueadd":
        return LogIn(
            queue=action["Queue"],
            interface=action["Interface"],
            member_name=action["MemberName"],
            state_interface=action.get("StateInterface"),
            penalty=int(action["Penalty"]) if "Penalty" in action else None,
            paused=action["Paused"] == "true" if "Paused" in action else None,
            reason=action.get("Reason"),
        )
    return LogOut(queue=action["Queue"], interface=action["Interface"])


# -- A client's stream feeding a tracker, step by step ---------------------------------------


class Tracking:
    """An AmiClient's stream fed into a CallTracker as the desk does (``TrackerFeed``),
    advanced by the test up to a point it names, everything kept for assertions."""

    def __init__(self, ami: AmiClient, tracker: CallTracker | None = None) -> None:
        self.ami = ami
        self.feeder = TrackerFeed(tracker or make_tracker())
        self.items: list[StreamItem] = []
        self.out: list[CallEvent] = []
        self._markers = 0

    @property
    def tracker(self) -> CallTracker:
        return self.feeder.tracker

    async def until(
        self, stop: Callable[[StreamItem], bool], *, timeout_s: float = 10.0
    ) -> list[CallEvent]:
        """Feed items up to and including the first ``stop`` accepts; what they concluded."""
        before = len(self.out)
        for item in await collect(self.ami, stop, timeout_s=timeout_s):
            self.items.append(item)
            self.out += self.feeder.handle(item)
        return self.out[before:]

    async def sync(self, sim: AmiSimulator) -> list[CallEvent]:
        """Feed everything the simulator has sent so far (up to a marker event it sends)."""
        self._markers += 1
        marker = str(self._markers)
        sim.emit(f"Event: TestMarker\r\nMarker: {marker}\r\n\r\n")
        return await self.until(
            lambda i: (
                isinstance(i, AmiEvent) and i.name == "TestMarker" and i.get("Marker") == marker
            )
        )


def queue_callers(sim: AmiSimulator, numbers: Sequence[str]) -> list[str]:
    """Callers that join the queue and wait there (the recorded queue call up to its
    QueueCallerJoin, no phone rung yet); returns their Linkedids."""
    linkedids = []
    for number in numbers:
        steps = sim.call_steps("queue_answered", number=number)
        joined = next(i for i, s in enumerate(steps) if s.raw.startswith("Event: QueueCallerJoin"))
        linkedids.append(sim.play(steps[: joined + 1]))
    return linkedids
