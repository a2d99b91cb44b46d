"""The three panels of the supervisor board: callers waiting, operators, and today's totals.

The panels render plain view rows (`console.widgets.board.model`) against a clock value
they are handed: they keep no timer of their own, so the screen's single one-second tick
drives every ticking column and a test can freeze time by passing a fixed `now`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from console.i18n import fmt_duration, fmt_number, fmt_time, tr
from console.widgets.board.live_table import LiveTable
from console.widgets.board.model import (
    DeskTotals,
    OperatorFigures,
    OperatorLive,
    OperatorQueues,
    QueueFigures,
    WaitingCall,
)
from console.widgets.columns import ColumnSpec

LONGEST_STYLE = "bold reverse red"
LONG_WAIT_STYLE = "bold red"  # waiting longer than [rules] long_wait_seconds
BELOW_GOAL_STYLE = "bold red"  # a service level under [rules] service_level_goal
AT_GOAL_STYLE = "bold green"


def service_level_style(pct: float | None, goal: int | None) -> str:
    if pct is None or goal is None:
        return ""
    return BELOW_GOAL_STYLE if pct < goal else AT_GOAL_STYLE


def service_level_text(pct: float | None) -> str:
    return f"{fmt_number(pct, places=0)}%" if pct is not None else "—"


def show_text(static: Static, content: str | Text) -> None:
    """Put `content` in `static` only when it differs: each update lays out the whole
    screen, and the board's titles and tiles are the same most seconds."""
    if static.content != content:
        static.update(content)


def _seconds(now: datetime, since: datetime) -> float:
    return max(0.0, (now - since).total_seconds())


class WaitingPanel(LiveTable):
    """Callers waiting for an operator, oldest first; the longest wait stands out."""

    LABELS = "board.waiting.col"
    COLUMNS = (
        ColumnSpec("queue", "", drop=2),
        ColumnSpec("caller", ""),
        ColumnSpec("cid_name", "", drop=1, shrink_to=12),
        ColumnSpec("client", "", shrink_to=16),
        ColumnSpec("waiting", ""),
    )

    def show_calls(
        self, calls: Sequence[WaitingCall], now: datetime, long_wait_s: float | None = None
    ) -> None:
        """Oldest first; the longest wait stands out, and so does every caller waiting
        longer than `long_wait_s`."""
        ordered = sorted(calls, key=lambda c: (c.since, c.key))
        longest = ordered[0].key if ordered else None
        rows: dict[str, dict[str, Text]] = {}
        for call in ordered:
            too_long = long_wait_s is not None and _seconds(now, call.since) > long_wait_s
            style = LONGEST_STYLE if call.key == longest else LONG_WAIT_STYLE if too_long else ""
            rows[call.key] = {
                "queue": Text(call.queue or tr("board.waiting.direct"), style=style),
                "caller": Text(call.caller, style=style),
                "cid_name": Text(call.caller_name, style=style),
                "client": Text(call.client, style=style),
                "waiting": Text(
                    fmt_duration(_seconds(now, call.since)), style=style, justify="right"
                ),
            }
        self.show(rows)


class OperatorPanel(LiveTable):
    """Each operator of the desk: state now (ringing, talking, paused with the reason and
    since when, logged out of the queues), with whom and for how long, and today's figures.
    The row under the cursor is the operator the supervisor's keys act on."""

    CURSOR = True

    LABELS = "board.ops.col"
    COLUMNS = (
        ColumnSpec("operator", ""),
        ColumnSpec("state", ""),
        ColumnSpec("party", "", drop=1, shrink_to=16),
        ColumnSpec("for", ""),
        ColumnSpec("answered", "", drop=2),
        ColumnSpec("missed", "", drop=3),
        ColumnSpec("talk_total", "", drop=5),
        ColumnSpec("talk_avg", "", drop=4),
        ColumnSpec("paused", "", drop=6),
    )
    STATE_STYLE: ClassVar[dict[str, str]] = {
        "idle": "dim",
        "ringing": "bold yellow",
        "talking": "bold green",
        "paused": "bold magenta",
        "logged_out": "dim italic",
        "unavailable": "red",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Per operator: what the cells other than the times were made of, and those cells.
        self._steady: dict[str, tuple[Hashable, dict[str, Text]]] = {}

    def _steady_cells(
        self, extension: str, name: str, kind: str, party: str, fig: OperatorFigures
    ) -> dict[str, Text]:
        avg = fig.talk_total_s / fig.answered if fig.answered else None
        return {
            "operator": Text(f"{name} ({extension})"),
            "state": Text(tr(f"board.state.{kind}"), style=self.STATE_STYLE.get(kind, "")),
            "party": Text(party),
            "answered": Text(fmt_number(fig.answered), justify="right"),
            "missed": Text(fmt_number(fig.missed), justify="right"),
            "talk_total": Text(fmt_duration(fig.talk_total_s), justify="right"),
            "talk_avg": Text(fmt_duration(avg) if avg is not None else "—", justify="right"),
        }

    def selected(self) -> str | None:
        """The extension of the operator under the cursor."""
        return self.cursor_key

    def show_operators(
        self,
        operators: Sequence[tuple[str, str]],
        live: Mapping[str, OperatorLive],
        figures: Mapping[str, OperatorFigures],
        now: datetime,
        queues: Mapping[str, OperatorQueues] | None = None,
    ) -> None:
        """`operators` as (extension, name) in the configured order; `queues` each one's
        standing in the queues (none known: shown as before, by calls only)."""
        rows: dict[str, dict[str, Text]] = {}
        steady: dict[str, tuple[Hashable, dict[str, Text]]] = {}
        for extension, name in operators:
            state = live.get(extension)
            standing = (queues or {}).get(extension)
            fig = figures.get(extension, OperatorFigures())
            kind, party, since = _state_of(state, standing)
            paused_s = standing.paused_today_s if standing else 0.0
            # Only the times move from one second to the next: the other cells are kept
            # (the same Text objects, which the table's diff passes over at once).
            key: Hashable = (name, kind, party, since, fig)
            kept = self._steady.get(extension)
            if kept is None or kept[0] != key:
                kept = (key, self._steady_cells(extension, name, kind, party, fig))
            steady[extension] = kept
            rows[extension] = {
                **kept[1],
                "for": Text(fmt_duration(_seconds(now, since)) if since else "", justify="right"),
                "paused": Text(fmt_duration(paused_s) if paused_s >= 1 else "—", justify="right"),
            }
        self._steady = steady
        self.show_keeping_cursor(rows)


def _state_of(
    state: OperatorLive | None, standing: OperatorQueues | None
) -> tuple[str, str, datetime | None]:
    """(state, what the «with» column says, since when): a call first, then the queues."""
    if state is not None:
        return state.state, state.party, state.since
    if standing is None:
        return "idle", "", None
    if standing.paused:
        reason = standing.reason or tr("board.ops.no_reason")
        if standing.since is not None:
            text = tr("board.ops.paused_since", reason=reason, time=fmt_time(standing.since))
        else:
            text = reason
        return "paused", text, standing.since
    if standing.logged_out:
        return "logged_out", "", None
    if standing.unavailable:
        return "unavailable", "", None
    return "idle", "", None


class QueuePanel(LiveTable):
    """One row per queue: callers waiting now and the longest wait, today's answered and
    unanswered calls and service level; thresholds from `[rules]` colour what needs a look."""

    LABELS = "board.queues.col"
    COLUMNS = (
        ColumnSpec("queue", ""),
        ColumnSpec("waiting", ""),
        ColumnSpec("longest", ""),
        ColumnSpec("answered", "", drop=1),
        ColumnSpec("unanswered", "", drop=2),
        ColumnSpec("service_level", ""),
    )

    def show_queues(
        self,
        queues: Sequence[str],
        waiting: Sequence[WaitingCall],
        figures: Mapping[str, QueueFigures],
        now: datetime,
        *,
        goal: int,
        long_wait_s: float,
    ) -> None:
        rows: dict[str, dict[str, Text]] = {}
        for queue in queues:
            mine = [c for c in waiting if c.queue == queue]
            longest = max((_seconds(now, c.since) for c in mine), default=None)
            fig = figures.get(queue, QueueFigures())
            wait_style = LONG_WAIT_STYLE if longest is not None and longest > long_wait_s else ""
            pct = fig.service_level_pct
            rows[queue] = {
                "queue": Text(queue),
                "waiting": Text(fmt_number(len(mine)), justify="right"),
                "longest": Text(
                    fmt_duration(longest) if longest is not None else "—",
                    style=wait_style,
                    justify="right",
                ),
                "answered": Text(fmt_number(fig.answered), justify="right"),
                "unanswered": Text(fmt_number(fig.unanswered), justify="right"),
                "service_level": Text(
                    service_level_text(pct),
                    style=service_level_style(pct, goal),
                    justify="right",
                ),
            }
        self.styles.height = len(rows) + 1 if rows else 0
        self.show(rows)


class TotalsPanel(Grid):
    """Today's desk figures as a row of tiles, read from the call log. Where six bordered
    tiles side by side would cut their labels («пропущено/бр»), they become two rows of
    three without borders, in the same four lines."""

    DEFAULT_CSS: ClassVar[str] = """
    TotalsPanel { height: 4; grid-size: 6 1; }
    TotalsPanel > Static { width: 1fr; height: 4; content-align: center middle;
                           text-align: center; border: round $primary-darken-2; }
    TotalsPanel.-narrow { grid-size: 3 2; }
    TotalsPanel.-narrow > Static { height: 2; border: none; }
    """
    TILES: ClassVar[tuple[str, ...]] = (
        "inbound",
        "answered",
        "missed",
        "avg_wait",
        "avg_talk",
        "service_level",
    )
    _service_level_seconds = 0

    def compose(self) -> ComposeResult:
        for tile in self.TILES:
            yield Static(id=f"total-{tile}", classes="tile")

    def _label(self, tile: str) -> str:
        return tr(f"board.total.{tile}", seconds=self._service_level_seconds)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        widest = max(cell_len(self._label(tile)) for tile in self.TILES)
        border = 2
        self.set_class(self.size.width // len(self.TILES) - border < widest, "-narrow")

    def show(self, totals: DeskTotals, service_level_seconds: int, goal: int | None = None) -> None:
        if service_level_seconds != self._service_level_seconds:
            self._service_level_seconds = service_level_seconds
            self._fit()
        values = {
            "inbound": fmt_number(totals.inbound),
            "answered": fmt_number(totals.answered),
            "missed": fmt_number(totals.to_call_back),
            "avg_wait": fmt_duration(totals.avg_wait_s) if totals.avg_wait_s is not None else "—",
            "avg_talk": fmt_duration(totals.avg_talk_s) if totals.avg_talk_s is not None else "—",
            "service_level": service_level_text(totals.service_level_pct),
        }
        styles = {"service_level": service_level_style(totals.service_level_pct, goal)}
        for tile in self.TILES:
            label = self._label(tile)
            show_text(
                self.query_one(f"#total-{tile}", Static),
                Text.assemble((values[tile], styles.get(tile) or "bold"), "\n", (label, "dim")),
            )
