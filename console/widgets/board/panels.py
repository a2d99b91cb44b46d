"""The three panels of the supervisor board: callers waiting, operators, and today's totals.

The panels render plain view rows (`console.widgets.board.model`) against a clock value
they are handed: they keep no timer of their own, so the screen's single one-second tick
drives every ticking column and a test can freeze time by passing a fixed `now`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from console.i18n import fmt_duration, fmt_number, tr
from console.widgets.board.live_table import LiveTable
from console.widgets.board.model import DeskTotals, OperatorFigures, OperatorLive, WaitingCall

LONGEST_STYLE = "bold reverse red"


def _seconds(now: datetime, since: datetime) -> float:
    return max(0.0, (now - since).total_seconds())


class WaitingPanel(LiveTable):
    """Callers waiting for an operator, oldest first; the longest wait stands out."""

    COLUMNS: ClassVar[tuple[tuple[str, int | None], ...]] = (
        ("queue", 16),
        ("caller", 18),
        ("client", 32),
        ("waiting", 8),
    )

    def on_mount(self) -> None:
        self.set_columns([(k, tr(f"board.waiting.col.{k}"), w) for k, w in self.COLUMNS])

    def show(self, calls: Sequence[WaitingCall], now: datetime) -> None:
        ordered = sorted(calls, key=lambda c: (c.since, c.key))
        longest = ordered[0].key if ordered else None
        rows: dict[str, list[Text]] = {}
        for call in ordered:
            style = LONGEST_STYLE if call.key == longest else ""
            rows[call.key] = [
                Text(call.queue or tr("board.waiting.direct"), style=style),
                Text(call.caller or tr("board.withheld"), style=style),
                Text(call.client, style=style),
                Text(fmt_duration(_seconds(now, call.since)), style=style, justify="right"),
            ]
        self.sync(rows)


class OperatorPanel(LiveTable):
    """Each operator of the desk: state now, with whom and for how long, and today's figures."""

    COLUMNS: ClassVar[tuple[tuple[str, int | None], ...]] = (
        ("operator", 18),
        ("state", 10),
        ("party", 34),
        ("for", 7),
        ("answered", 8),
        ("missed", 8),
        ("talk_total", 8),
        ("talk_avg", 9),
    )
    STATE_STYLE: ClassVar[dict[str, str]] = {
        "idle": "dim",
        "ringing": "bold yellow",
        "talking": "bold green",
    }

    def on_mount(self) -> None:
        self.set_columns([(k, tr(f"board.ops.col.{k}"), w) for k, w in self.COLUMNS])

    def show(
        self,
        operators: Sequence[tuple[str, str]],
        live: Mapping[str, OperatorLive],
        figures: Mapping[str, OperatorFigures],
        now: datetime,
    ) -> None:
        """`operators` as (extension, name) in the configured order."""
        rows: dict[str, list[Text]] = {}
        for extension, name in operators:
            state = live.get(extension)
            fig = figures.get(extension, OperatorFigures())
            kind = state.state if state else "idle"
            avg = fig.talk_total_s / fig.answered if fig.answered else None
            rows[extension] = [
                Text(f"{name} ({extension})"),
                Text(tr(f"board.state.{kind}"), style=self.STATE_STYLE.get(kind, "")),
                Text(state.party if state else ""),
                Text(fmt_duration(_seconds(now, state.since)) if state else "", justify="right"),
                Text(fmt_number(fig.answered), justify="right"),
                Text(fmt_number(fig.missed), justify="right"),
                Text(fmt_duration(fig.talk_total_s), justify="right"),
                Text(fmt_duration(avg) if avg is not None else "—", justify="right"),
            ]
        self.sync(rows)


class TotalsPanel(Horizontal):
    """Today's desk figures as a row of tiles, read from the call log."""

    DEFAULT_CSS: ClassVar[str] = """
    TotalsPanel { height: 4; }
    TotalsPanel > Static { width: 1fr; height: 4; content-align: center middle;
                           text-align: center; border: round $primary-darken-2; }
    """
    TILES: ClassVar[tuple[str, ...]] = (
        "inbound",
        "answered",
        "missed",
        "avg_wait",
        "avg_talk",
        "service_level",
    )

    def compose(self) -> ComposeResult:
        for tile in self.TILES:
            yield Static(id=f"total-{tile}", classes="tile")

    def show(self, totals: DeskTotals, service_level_seconds: int) -> None:
        values = {
            "inbound": fmt_number(totals.inbound),
            "answered": fmt_number(totals.answered),
            "missed": fmt_number(totals.missed),
            "avg_wait": fmt_duration(totals.avg_wait_s) if totals.avg_wait_s is not None else "—",
            "avg_talk": fmt_duration(totals.avg_talk_s) if totals.avg_talk_s is not None else "—",
            "service_level": (
                f"{fmt_number(totals.service_level_pct, places=0)}%"
                if totals.service_level_pct is not None
                else "—"
            ),
        }
        for tile in self.TILES:
            label = tr(f"board.total.{tile}", seconds=service_level_seconds)
            self.query_one(f"#total-{tile}", Static).update(
                Text.assemble((values[tile], "bold"), "\n", (label, "dim"))
            )
