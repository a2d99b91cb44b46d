"""Turning the desk's live calls and the call log's figures into the board's view rows.

Pure functions with no Textual in them: the screen calls them, tests can call them too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from console.desk_day import day_start
from console.widgets.board.model import (
    DeskTotals,
    Listening,
    LiveView,
    OperatorFigures,
    OperatorLive,
    OperatorQueues,
    QueueFigures,
    WaitingCall,
    merge_operator_states,
    party_label,
)
from console.wording import caller_name, caller_number

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from console.data import DeskStats
    from console.desk import DeskEvent
    from pbx.call_events import LiveCall, SupervisionStarted
    from pbx.queue_members import QueueMemberState
    from pbx.supervise import SpyMode

Clock = Callable[[], datetime]


class DeskFeed(Protocol):
    """The part of `console.desk.Desk` the board reads (tests pass a scripted one)."""

    def listen(self) -> AsyncIterator[DeskEvent]: ...

    def live_calls(self) -> list[LiveCall]: ...


@runtime_checkable
class SupervisorDesk(Protocol):
    """What the board's keys use of `console.desk.Desk` beyond `DeskFeed`: the queue members,
    who listens to whom, and the supervisor's actions (a desk without them: watch only)."""

    def queue_members(self) -> list[QueueMemberState]: ...

    def queue_names(self) -> list[str]: ...

    def paused_seconds(self, device: str) -> float: ...

    def supervisions(self) -> list[SupervisionStarted]: ...

    def may_supervise(self) -> bool: ...

    async def pause(
        self, device: str, queue: str | None = None, reason: str | None = None
    ) -> object: ...

    async def unpause(self, device: str, queue: str | None = None) -> object: ...

    async def log_in(self, device: str, queue: str) -> object: ...

    async def log_out(self, device: str, queue: str) -> object: ...

    async def listen_in(self, device: str, mode: SpyMode = "listen", label: str = "") -> str: ...


@runtime_checkable
class DeskHost(Protocol):
    """What a screen uses of `console.app.ConsoleApp`: the desk, its clock, and delivery of
    desk events as messages (`follow_desk`)."""

    @property
    def desk(self) -> DeskFeed: ...

    def now(self) -> datetime: ...

    def follow_desk(self, node: MessagePump) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


# The desk's «today» (console.desk_day), under the name the screens have used.
local_midnight = day_start


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def numbers_to_name(calls: Iterable[LiveCall]) -> set[str]:
    """The E.164 numbers on the board whose client name the board would like to show."""
    return {c.number for c in calls if c.number and c.direction != "internal"}


def live_view(calls: Iterable[LiveCall], names: Mapping[str, str]) -> LiveView:
    """Who waits (every unanswered inbound call) and what each operator is doing."""
    waiting: list[WaitingCall] = []
    states: list[tuple[str, OperatorLive]] = []
    for call in calls:
        key = f"{call.server}/{call.linkedid}"
        client = names.get(call.number or "", "")
        caller = caller_number(call.number, call.number_raw)
        cid_name = caller_name(call.name)  # «<unknown>» is no name
        party = party_label(caller, client, cid_name)
        if call.talking:
            states.append((call.talking, OperatorLive("talking", party, _aware(call.since))))
            continue
        if call.direction == "inbound":
            waiting.append(
                WaitingCall(
                    key, call.queue, caller, cid_name or "", client, _aware(call.started_at)
                )
            )
        for extension in call.ringing:
            states.append((extension, OperatorLive("ringing", party, _aware(call.since))))
    return LiveView(waiting, merge_operator_states(states))


def queue_view(
    members: Iterable[QueueMemberState],
    devices: Sequence[tuple[str, str]],
    paused_seconds: Callable[[str], float],
) -> dict[str, OperatorQueues]:
    """Each configured operator's standing in the queues, by extension; `devices` are
    (extension, device) pairs. An operator the PBX listed in no queue is left out."""
    by_device: dict[str, list[QueueMemberState]] = {}
    for member in members:
        by_device.setdefault(member.device.lower(), []).append(member)
    out: dict[str, OperatorQueues] = {}
    for extension, device in devices:
        mine = by_device.get(device.lower(), [])
        if not mine:
            continue
        inside = [m for m in mine if m.logged_in]
        paused = [m for m in inside if m.paused]
        since = [m.paused_since for m in paused if m.paused_since is not None]
        out[extension] = OperatorQueues(
            device=device,
            logged_in=tuple(sorted({m.queue for m in inside})),
            known=tuple(sorted({m.queue for m in mine})),
            static=tuple(sorted({m.queue for m in mine if not m.dynamic})),
            paused=bool(paused),
            reason=next((m.reason for m in paused if m.reason), None),
            since=min(since) if since else None,
            paused_today_s=paused_seconds(device),
            unavailable=bool(inside) and all(not m.available and not m.paused for m in inside),
        )
    return out


def listening_view(supervisions: Iterable[SupervisionStarted]) -> list[Listening]:
    """Who listens to whom now (pickups are no listening)."""
    return [
        Listening(s.kind, s.supervisor, s.operator)
        for s in supervisions
        if s.kind in ("listen", "whisper", "barge")
    ]


def queue_figures(stats: DeskStats) -> dict[str, QueueFigures]:
    """Today's figures per queue, as the queue panel shows them."""
    return {
        q.queue: QueueFigures(
            answered=q.answered,
            unanswered=q.missed + q.abandoned,
            service_level_pct=q.service_level_pct,
        )
        for q in stats.queues
    }


def stats_view(stats: DeskStats) -> tuple[DeskTotals, dict[str, OperatorFigures]]:
    """Today's totals and per-operator figures as the board shows them."""
    totals = DeskTotals(
        inbound=stats.inbound,
        answered=stats.answered,
        missed=stats.missed_or_abandoned,
        avg_wait_s=stats.avg_wait_s if stats.inbound else None,
        avg_talk_s=stats.avg_talk_s if stats.answered else None,
        service_level_pct=stats.service_level_pct,
    )
    figures = {
        op.extension: OperatorFigures(
            answered=op.answered, missed=op.missed, talk_total_s=op.talk_total_s
        )
        for op in stats.operators
    }
    return totals, figures
