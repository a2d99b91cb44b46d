"""The supervisor's live board: who waits, what each operator is doing, and today's figures.

`m` swaps the live half for today's missed callers (`console.widgets.board.missed`), the
unreturned first, `c` calls the selected number back from the supervisor's own phone, and
`x` closes it without a call-back (spam, a wrong number) or reopens a closed one
(`console.screens.close_missed`); the totals' «to call back» tile is the count still
unreturned. «Today» is the desk's day
(`console.desk_day`), and the heading says so.

*Now* comes from the desk's live calls (re-read on every desk event, collapsed by
`CallsChanged.can_replace`); *today* comes from the call log through
`storage.calls.desk_stats`, re-read when a call is logged and on a slow timer, so the
figures survive a restart of the console or of Asterisk. One one-second timer per screen
re-renders the ticking columns from the last snapshot; the clock is injectable so tests
and snapshots freeze it.
"""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Final

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.config import Settings
from console.desk import CallerIdentified, CallLogged, ConnectionStatus
from console.desk_call_backs import CallBackLogged
from console.desk_day import day_start, period_words
from console.i18n import fmt_date, fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.messages import (
    CallBacksChanged,
    CallerKnown,
    CallInLog,
    CallsChanged,
    MembersChanged,
)
from console.screens.call_picker import PickScreen
from console.screens.pause_dialog import PauseChoice, PauseDialog
from console.widgets.board.hourly import HourlyChart, hour_bounds
from console.widgets.board.missed import MissedPanel, unreturned
from console.widgets.board.model import (
    DeskTotals,
    Listening,
    LiveView,
    OperatorFigures,
    OperatorQueues,
    QueueFigures,
)
from console.widgets.board.panels import (
    OperatorPanel,
    QueuePanel,
    TotalsPanel,
    WaitingPanel,
    show_text,
)
from console.widgets.board.sources import (
    Clock,
    DeskFeed,
    DeskHost,
    SupervisorDesk,
    listening_view,
    live_view,
    numbers_to_name,
    queue_figures,
    queue_view,
    stats_view,
    utc_now,
)
from console.widgets.footer import ConsoleFooter
from console.widgets.status_bar import StatusBar
from console.wording import supervisor_refusal
from pbx.queue_members import MemberChanged

if TYPE_CHECKING:
    from console.data import ConsoleData, HourCount, MissedNumber
    from pbx.supervise import SpyMode

STATS_REFRESH_SECONDS: Final = 60.0
# The keys that act on the operator under the cursor: not offered over the missed list.
OPERATOR_ACTIONS: Final = frozenset({"pause", "unpause", "queues", "spy"})


@dataclass
class BoardStatsLoaded(Message):
    """Today's figures and missed numbers as the database has them now; newer supersedes
    older."""

    day: datetime
    totals: DeskTotals
    operators: dict[str, OperatorFigures]
    queues: dict[str, QueueFigures]
    hours: list[HourCount] = field(default_factory=list)  # inbound calls per hour
    missed: list[MissedNumber] = field(default_factory=list)  # missed numbers of the day

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BoardStatsLoaded)


@dataclass
class BoardNamesLoaded(Message):
    """Client names for caller numbers on the board."""

    names: dict[str, str]


class SupervisorScreen(Screen[None]):
    """Live board of the desk for the supervisor."""

    CSS_PATH = "../styles/board.tcss"
    # Below 40 rows the chart gives its lines to the callers and operators (board.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f5",
            "refresh_figures",
            "board.key.refresh",
            tooltip="board.tip.refresh",
            id="board.refresh",
        ),
        Binding(
            "ctrl+s",
            "export_debts",
            "transfer.key.export_debts",
            tooltip="transfer.tip.export_debts",
            id="board.export_debts",
        ),
        Binding(
            "m",
            "toggle_missed",
            "callbacks.key.missed",
            tooltip="callbacks.tip.missed",
            id="board.missed",
        ),
        Binding(
            "c",
            "call_back",
            "callbacks.key.call_back",
            tooltip="callbacks.tip.call_back",
            id="board.call_back",
        ),
        Binding(
            "x",
            "close_missed",
            "callbacks.key.close",
            tooltip="callbacks.tip.close",
            id="board.close_missed",
        ),
        Binding("p", "pause", "board.key.pause", tooltip="board.tip.pause", id="board.pause"),
        Binding(
            "u", "unpause", "board.key.unpause", tooltip="board.tip.unpause", id="board.unpause"
        ),
        Binding("i", "queues", "board.key.login", tooltip="board.tip.login", id="board.login"),
        Binding(
            "l", "spy('listen')", "board.key.listen", tooltip="board.tip.listen", id="board.listen"
        ),
        Binding(
            "w",
            "spy('whisper')",
            "board.key.whisper",
            tooltip="board.tip.whisper",
            id="board.whisper",
        ),
        Binding(
            "b", "spy('barge')", "board.key.barge", tooltip="board.tip.barge", id="board.barge"
        ),
    ]

    def __init__(
        self,
        settings: Settings,
        data: ConsoleData,
        desk: DeskFeed | None = None,
        *,
        clock: Clock | None = None,
        tick_seconds: float = 1.0,
        stats_refresh_seconds: float = STATS_REFRESH_SECONDS,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        localize_bindings(self)
        self._settings = settings
        self._data = data
        self._own_desk = desk
        self._clock_override = clock
        self._tick_seconds = tick_seconds
        self._stats_refresh_seconds = stats_refresh_seconds
        self._names: dict[str, str] = {}  # E.164 -> client name
        self.live = LiveView([], {})
        self.queues: dict[str, OperatorQueues] = {}  # by extension, from the queue members
        self.listening: list[Listening] = []
        self.totals = DeskTotals()
        self.figures: dict[str, OperatorFigures] = {}
        self.queue_figures: dict[str, QueueFigures] = {}
        self.hours: list[HourCount] = []
        self.stats_day: datetime | None = None
        self.missed: list[MissedNumber] = []
        self.showing_missed = False
        self.stats_loads = 0  # how many times today's figures were read (tests wait on it)

    def compose(self) -> ComposeResult:
        yield Static(id="board-title")
        yield TotalsPanel(id="board-totals")
        yield QueuePanel(id="board-queues")
        yield HourlyChart(id="board-hourly")
        with Vertical(id="board-live"):
            with Vertical(id="board-waiting-box"):
                yield Static(id="board-waiting-title", classes="panel-title")
                yield WaitingPanel(id="board-waiting")
            with Vertical(id="board-ops-box"):
                yield Static(tr("board.ops.title"), id="board-ops-title", classes="panel-title")
                yield OperatorPanel(id="board-ops")
            with Vertical(id="board-missed-box"):
                yield Static(id="board-missed-title", classes="panel-title")
                yield MissedPanel(id="board-missed")
        yield StatusBar(id="status-bar")
        yield ConsoleFooter()

    @property
    def _desk(self) -> DeskFeed:
        if self._own_desk is not None:
            return self._own_desk
        host = self.app
        assert isinstance(host, DeskHost), "SupervisorScreen needs a desk or a ConsoleApp"
        return host.desk

    def _clock(self) -> datetime:
        if self._clock_override is not None:
            return self._clock_override()
        host = self.app
        return host.now() if isinstance(host, DeskHost) else utc_now()

    def on_mount(self) -> None:
        self.title = tr("board.title")
        if self._own_desk is not None:
            self._listen(self._own_desk)
        else:
            host = self.app
            assert isinstance(host, DeskHost), "SupervisorScreen needs a desk or a ConsoleApp"
            host.follow_desk(self)
        self.refresh_live()
        self.refresh_figures()
        self.set_interval(self._tick_seconds, self.tick, name="board-clock")
        self.set_interval(self._stats_refresh_seconds, self.refresh_figures, name="board-stats")

    # --- sources --------------------------------------------------------------------------

    @work(exclusive=True, group="board-desk", exit_on_error=False, description="desk feed")
    async def _listen(self, desk: DeskFeed) -> None:
        """Without a ConsoleApp (which would deliver these messages through `follow_desk`),
        follow the desk directly and turn its events into the same messages."""
        async for event in desk.listen():
            if isinstance(event, CallLogged):
                self.post_message(CallInLog(event))
            elif isinstance(event, CallerIdentified):
                self.post_message(CallerKnown(event))
            elif isinstance(event, MemberChanged):
                self.post_message(MembersChanged())
            elif isinstance(event, CallBackLogged):
                self.post_message(CallBacksChanged())
            elif not isinstance(event, ConnectionStatus):
                self.post_message(CallsChanged())

    @on(CallInLog)
    def _call_logged(self) -> None:
        """A call reached the call log: today's figures changed."""
        self.refresh_figures()

    @on(CallerKnown)
    def _caller_known(self) -> None:
        self._names_missing()

    @on(CallsChanged)
    def refresh_live(self) -> None:
        self.live = live_view(self._desk.live_calls(), self._names)
        desk = self._desk
        if isinstance(desk, SupervisorDesk):
            self.listening = listening_view(desk.supervisions())
        self._names_missing()
        self.render_board()

    @on(MembersChanged)
    def refresh_members(self) -> None:
        """A member paused, logged in or out (from here, a phone or another console)."""
        self.render_board()

    def _read_queues(self) -> None:
        desk = self._desk
        if not isinstance(desk, SupervisorDesk):
            return
        devices = [(o.extension, o.device) for o in self._settings.operators]
        self.queues = queue_view(desk.queue_members(), devices, desk.paused_seconds)

    def _names_missing(self) -> None:
        missing = {n for n in numbers_to_name(self._desk.live_calls()) if n not in self._names}
        if missing:
            self._load_names(sorted(missing))

    @work(group="board-names", exit_on_error=False, description="caller names")
    async def _load_names(self, numbers: list[str]) -> None:
        found = await self._data.client_names(numbers)
        if found:
            self.post_message(BoardNamesLoaded(found))

    @on(BoardNamesLoaded)
    def _names_loaded(self, message: BoardNamesLoaded) -> None:
        self._names.update(message.names)
        self.refresh_live()

    def action_refresh_figures(self) -> None:
        self.refresh_figures()

    def action_export_debts(self) -> None:
        """Debts for accounting: unpaid, paid (with who closed them) or all."""
        from console.screens.export_dialog import ExportDialog, debt_exports
        from console.widgets.transfer.common import desk_today

        dialog = ExportDialog(
            tr("transfer.export.title.debts"),
            tr("transfer.export.about.debts"),
            debt_exports(self._data),
            day=desk_today(self.app),
        )
        self.app.push_screen(dialog)

    @on(CallBacksChanged)
    def refresh_figures(self) -> None:
        """Re-read today's figures and missed numbers (exclusive: a newer read wins); also
        when a call-back attempt or its outcome was written."""
        self._load_stats(self._clock())

    @work(exclusive=True, group="board-stats", exit_on_error=False, description="today's figures")
    async def _load_stats(self, now: datetime) -> None:
        day = day_start(now)
        stats = await self._data.desk_stats(
            day, now + timedelta(seconds=1), self._settings.rules.service_level_seconds
        )
        hours = await self._data.calls_per_hour(hour_bounds(day))
        missed = await self._data.missed_numbers(day)
        totals, figures = stats_view(stats)
        self.post_message(
            BoardStatsLoaded(day, totals, figures, queue_figures(stats), hours, missed)
        )

    @on(BoardStatsLoaded)
    def _stats_loaded(self, message: BoardStatsLoaded) -> None:
        self.stats_day, self.totals, self.figures = message.day, message.totals, message.operators
        self.queue_figures, self.hours = message.queues, message.hours
        self.missed = message.missed
        self.stats_loads += 1
        self.render_board()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                tr("board.error", error=str(error) or type(error).__name__), severity="error"
            )

    # --- rendering --------------------------------------------------------------------------

    def tick(self) -> None:
        """The board's one clock: waiting and talking times move on; a new day resets."""
        now = self._clock()
        if self.stats_day is not None and day_start(now) != self.stats_day:
            self.refresh_figures()
        self.render_board(now)

    def render_board(self, now: datetime | None = None) -> None:
        now = now or self._clock()
        period = period_words(now)
        show_text(
            self.query_one("#board-title", Static),
            tr("callbacks.board.heading", date=fmt_date(now), period=period),
        )
        to_call_back = unreturned(self.missed)
        if self.showing_missed:  # hidden, its ticking ages would cost every second for nothing
            self.query_one(MissedPanel).show_missed(self.missed, now)
            show_text(
                self.query_one("#board-missed-title", Static),
                tr(
                    "callbacks.board.title",
                    waiting=fmt_number(to_call_back),
                    count=fmt_number(len(self.missed)),
                    period=period,
                ),
            )
        waiting = self.live.waiting
        per_queue: dict[str, int] = {}
        for call in waiting:
            label = call.queue or tr("board.waiting.direct")
            per_queue[label] = per_queue.get(label, 0) + 1
        summary = ", ".join(f"{q} {fmt_number(n)}" for q, n in sorted(per_queue.items()))
        show_text(
            self.query_one("#board-waiting-title", Static),
            tr("board.waiting.title", count=fmt_number(len(waiting)))
            + (f" — {summary}" if summary else ""),
        )
        rules = self._settings.rules
        self.query_one(WaitingPanel).show_calls(waiting, now, rules.long_wait_seconds)
        self.query_one(QueuePanel).show_queues(
            self._queue_names(),
            waiting,
            self.queue_figures,
            now,
            goal=rules.service_level_goal,
            long_wait_s=rules.long_wait_seconds,
        )
        operators = [(o.extension, o.name) for o in self._settings.operators]
        self._read_queues()
        show_text(self.query_one("#board-ops-title", Static), self._ops_title())
        self.query_one(OperatorPanel).show_operators(
            operators, self.live.operators, self.figures, now, self.queues
        )
        self.query_one(HourlyChart).show(self.hours, now)
        self.query_one(TotalsPanel).show(
            replace(self.totals, to_call_back=to_call_back),
            rules.service_level_seconds,
            rules.service_level_goal,
        )

    def _queue_names(self) -> list[str]:
        """The queues the PBX told of, those with callers now, and those in today's log."""
        names = set(self.queue_figures)
        names |= {c.queue for c in self.live.waiting if c.queue}
        desk = self._desk
        if isinstance(desk, SupervisorDesk):
            names |= set(desk.queue_names())
        return sorted(names)

    def _ops_title(self) -> str:
        """«Operators — Listening: Вера (103) → Анна (101)»: who listens to whom now."""
        title = tr("board.ops.title")
        said = {"listen": "board.ops.listened", "whisper": "board.ops.whispered"}
        for spy in self.listening:
            key = said.get(spy.kind, "board.ops.barged")
            title += " — " + tr(key, who=self._who(spy.supervisor), whom=self._who(spy.operator))
        return title

    def _who(self, extension: str) -> str:
        operator = self._settings.operator(extension)
        return f"{operator.name} ({extension})" if operator else extension

    # --- the supervisor's keys --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The call-back and close keys over the missed list only; the operators' keys over
        theirs."""
        if action == "call_back":
            return self.showing_missed
        if action == "close_missed":  # shown dimmed to a dispatcher: storage refuses them
            return self.showing_missed and (True if self._data.may() else None)
        if action in OPERATOR_ACTIONS:
            return not self.showing_missed
        return True

    def action_toggle_missed(self) -> None:
        """Today's missed callers in place of the live half, or back."""
        self.showing_missed = not self.showing_missed
        self.query_one("#board-live").set_class(self.showing_missed, "-missed")
        panel = (
            self.query_one(MissedPanel) if self.showing_missed else self.query_one(OperatorPanel)
        )
        panel.focus()
        self.refresh_bindings()
        self.render_board()
        if self.showing_missed:
            self.refresh_figures()

    def action_call_back(self) -> None:
        """Call the selected number back: the supervisor's own phone rings first."""
        row = self.query_one(MissedPanel).selected()
        if row is None:
            self.notify(tr("callbacks.none", period=period_words(self._clock())))
            return
        from console.click_to_call import call_back

        if row.returned:
            self.notify(tr("callbacks.already", number=row.number))
        call_back(self, row)

    def action_close_missed(self) -> None:
        """Close the selected number without calling back, or reopen it if closed."""
        row = self.query_one(MissedPanel).selected()
        if row is None:
            self.notify(tr("callbacks.none", period=period_words(self._clock())))
            return
        from console.screens.close_missed import MissedCloser

        MissedCloser(self, self._data, self.refresh_figures).start(row)

    def _selected(self) -> tuple[str, str, str] | None:
        """(extension, device, how the board names the operator) under the cursor."""
        extension = self.query_one(OperatorPanel).selected()
        operator = self._settings.operator(extension) if extension else None
        if operator is None:
            self.notify(tr("supervise.no_operator"), severity="warning")
            return None
        return operator.extension, operator.device, f"{operator.name} ({operator.extension})"

    def _supervisor_desk(self) -> SupervisorDesk | None:
        desk = self._desk
        return desk if isinstance(desk, SupervisorDesk) else None

    def action_pause(self) -> None:
        selected = self._selected()
        desk = self._supervisor_desk()
        if selected is None or desk is None:
            return
        extension, device, label = selected
        if not desk.may_supervise():  # said before the dialog, not after it
            self._act(desk.pause(device), label, "")
            return
        standing = self.queues.get(extension)
        reasons = [r.name for r in self._settings.pause_reasons]
        queues = list(standing.logged_in) if standing else []

        def chosen(choice: PauseChoice | None) -> None:
            if choice is not None:
                done = tr(
                    "supervise.paused",
                    operator=label,
                    reason=choice.reason or tr("board.ops.no_reason"),
                )
                self._act(desk.pause(device, choice.queue, choice.reason), label, done)

        self.app.push_screen(PauseDialog(label, reasons, queues), chosen)

    def action_unpause(self) -> None:
        selected = self._selected()
        desk = self._supervisor_desk()
        if selected is None or desk is None:
            return
        _, device, label = selected
        self._act(desk.unpause(device), label, tr("supervise.unpaused", operator=label))

    def action_queues(self) -> None:
        """Log the operator in to a queue, or out of one they are in."""
        selected = self._selected()
        desk = self._supervisor_desk()
        if selected is None or desk is None:
            return
        extension, device, label = selected
        if not desk.may_supervise():
            self._act(desk.log_in(device, ""), label, "")
            return
        known = desk.queue_names()
        if not known:
            self.notify(tr("queues.none"), severity="warning")
            return
        standing = self.queues.get(extension)
        inside = set(standing.logged_in) if standing else set()
        static = set(standing.static) if standing else set()
        options = []
        for queue in known:
            if queue in inside:
                key = "queues.in_static" if queue in static else "queues.in"
            else:
                key = "queues.out"
            options.append((queue, tr(key, queue=queue)))

        def chosen(queue: str | None) -> None:
            if queue is None:
                return
            if queue in inside:
                done = tr("supervise.logged_out", operator=label, queue=queue)
                self._act(desk.log_out(device, queue), label, done)
            else:
                done = tr("supervise.logged_in", operator=label, queue=queue)
                self._act(desk.log_in(device, queue), label, done)

        self.app.push_screen(
            PickScreen(tr("queues.title", operator=label) + "\n" + tr("queues.about"), options),
            chosen,
        )

    def action_spy(self, mode: str) -> None:
        """Listen to, whisper to or barge in on the selected operator's call: the
        supervisor's own phone rings first."""
        selected = self._selected()
        desk = self._supervisor_desk()
        if selected is None or desk is None:
            return
        extension, device, label = selected
        spy_mode: SpyMode = (
            "whisper" if mode == "whisper" else "barge" if mode == "barge" else "listen"
        )
        state = self.live.operators.get(extension)
        if desk.may_supervise() and (state is None or state.state != "talking"):
            self.notify(tr("supervise.no_call", operator=label), severity="warning")
            return
        call = desk.listen_in(device, spy_mode, tr("supervise.spy.label", operator=extension))
        self._act(call, label, tr(f"supervise.spy.{spy_mode}", operator=label))

    def _act(self, action: Coroutine[Any, Any, object], label: str, done: str) -> None:
        self._run_action(action, done)

    @work(group="supervise", exit_on_error=False, description="supervisor action")
    async def _run_action(self, action: Coroutine[Any, Any, object], done: str) -> None:
        """Send one action; what it changed arrives as member events. A refusal in words."""
        try:
            await action
        except Exception as exc:  # every refusal is said, none stops the board
            self.notify(supervisor_refusal(exc), title=tr("supervise.title"), severity="error")
            return
        if done:
            self.notify(done, title=tr("supervise.title"))
