"""Snapshots of the supervisor's queue control, in English and Russian at 160×48 and 80×24:
the board with paused (reason, since when, time in pause today), logged-out and unreachable
operators, a listen-in under way and a caller with a hidden number; the pause dialog; the
queues dialog (log in / out).

Deterministic like tests/test_snapshots_board.py: a fixed clock, times in UTC, an empty
migrated SQLite database and a scripted desk that also answers the supervisor's reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

import console
from console import i18n
from console.config import OperatorSettings, PauseReason, RulesSettings, Settings, UiSettings
from console.i18n.bindings import localize_bindings
from console.screens.supervisor import SupervisorScreen
from console.widgets.board.panels import OperatorPanel
from pbx.call_events import LiveCall, SupervisionStarted
from pbx.queue_members import DeviceState, QueueMemberState
from tests.console_support import console_data, sessions_for_snapshot, until

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
OPERATORS = (
    OperatorSettings("101", "Анна", "IAX2/op101"),
    OperatorSettings("102", "Борис", "IAX2/op102"),
    OperatorSettings("103", "Вера", "IAX2/op103"),
    OperatorSettings("104", "Глеб", "IAX2/op104"),
    OperatorSettings("105", "Дарья", "IAX2/op105"),
    OperatorSettings("110", "Елена", "IAX2/op110", role="supervisor"),
)
SIZES = {"160x48": (160, 48), "80x24": (80, 24)}


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    lang: str = request.param
    i18n.set_language(lang)
    i18n.set_timezone(UTC)
    yield lang
    i18n.set_language("ru")
    i18n.set_timezone(None)


def settings(language: str) -> Settings:
    reasons = ("Обед", "Перерыв", "Обучение")
    return Settings(
        operators=OPERATORS,
        ui=UiSettings(language=language, page_size=20),  # type: ignore[arg-type]
        rules=RulesSettings(service_level_seconds=20),
        pause_reasons=tuple(PauseReason(r) for r in reasons),
    )


def _member(device: str, queue: str, **kw: Any) -> QueueMemberState:
    base: dict[str, Any] = dict(
        server="main",
        queue=queue,
        interface=device,
        name=device,
        device=device,
        extension=None,
        membership="static" if queue == "dispatch" else "dynamic",
        logged_in=True,
        paused=False,
        reason=None,
        paused_since=None,
        device_state=DeviceState.IDLE,
        in_call=False,
        calls_taken=0,
        penalty=0,
        changed_at=NOW,
    )
    base.update(kw)
    return QueueMemberState(**base)


MEMBERS = [
    _member("IAX2/op101", "dispatch", device_state=DeviceState.IN_USE),
    _member("IAX2/op101", "night"),
    _member(
        "IAX2/op102",
        "dispatch",
        paused=True,
        reason="Обед",
        paused_since=NOW - timedelta(minutes=25),
    ),
    _member("IAX2/op103", "dispatch", device_state=DeviceState.RINGING),
    _member("IAX2/op104", "night", logged_in=False),
    _member("IAX2/op105", "dispatch", device_state=DeviceState.UNAVAILABLE),
]
PAUSED_TODAY = {"IAX2/op102": 25 * 60.0 + 12 * 60.0, "IAX2/op101": 7 * 60.0}


def _live(linkedid: str, number: str | None, raw: str, name: str | None, **kw: Any) -> LiveCall:
    base: dict[str, Any] = dict(
        server="main",
        linkedid=linkedid,
        direction="inbound",
        number=number,
        number_raw=raw,
        name=name,
        queue=None,
        ringing=(),
        talking=None,
    )
    base.update(kw)
    return LiveCall(**base)


LIVE = [
    _live(
        "r1",
        "+79161234567",
        "+79161234567",
        "Иванова Мария",
        state="talking",
        talking="101",
        started_at=NOW - timedelta(seconds=95),
        since=NOW - timedelta(seconds=92),
    ),
    _live(
        "r2",
        None,
        "anonymous",
        "<unknown>",
        state="queued",
        queue="dispatch",
        ringing=("103",),
        started_at=NOW - timedelta(seconds=27),
        since=NOW - timedelta(seconds=27),
    ),
]
SPY = SupervisionStarted(
    "main", "s1", None, "listen", "110", "101", "r1", NOW - timedelta(seconds=30)
)


class BoardDesk:
    """A desk frozen at noon, with queue members and a listen-in. Under a dialog the
    waiting caller rang the operator directly: the queue's name cut by the dialog's edge
    would read as a word of neither language."""

    def __init__(self, *, direct: bool = False) -> None:
        self.direct = direct

    def live_calls(self) -> list[LiveCall]:
        if self.direct:
            return [replace(c, queue=None) for c in LIVE]
        return list(LIVE)

    async def _never(self) -> Any:
        await asyncio.Event().wait()
        yield  # pragma: no cover

    def listen(self) -> Any:
        return self._never()

    def queue_members(self) -> list[QueueMemberState]:
        return list(MEMBERS)

    def queue_names(self) -> list[str]:
        return ["dispatch", "night"]

    def paused_seconds(self, device: str) -> float:
        return PAUSED_TODAY.get(device, 0.0)

    def supervisions(self) -> list[SupervisionStarted]:
        return [SPY]

    def may_supervise(self) -> bool:
        return True

    async def pause(self, device: str, queue: str | None = None, reason: str | None = None) -> None:
        return None

    async def unpause(self, device: str, queue: str | None = None) -> None:
        return None

    async def log_in(self, device: str, queue: str) -> None:
        return None

    async def log_out(self, device: str, queue: str) -> None:
        return None

    async def listen_in(self, device: str, mode: str = "listen", label: str = "") -> str:
        return "spy-1"


class Host(App[None]):
    # The console's dialog styles (the real app loads them; a bare App would not).
    CSS_PATH = str(Path(console.__file__).parent / "styles" / "app.tcss")

    def __init__(self, factory: Any) -> None:
        super().__init__()
        localize_bindings(self)
        self._factory = factory

    def on_mount(self) -> None:
        self.push_screen(self._factory())


async def _board_ready(pilot: Pilot[None]) -> SupervisorScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SupervisorScreen)
    await until(pilot, lambda: screen.stats_loads > 0, "today's figures")
    await until(pilot, lambda: len(screen.queues) == 5, "the queue members")
    await pilot.pause()
    return screen


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("shown", ["board", "pause", "queues"])
def test_supervisor_queue_control(
    snap_compare: Any, db_url: str, language: str, size: str, shown: str
) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        screen = await _board_ready(pilot)
        if shown == "board":
            return
        panel = screen.query_one(OperatorPanel)
        panel.focus()
        panel.move_cursor(row=panel.get_row_index("101"))
        await pilot.press("p" if shown == "pause" else "i")
        await until(pilot, lambda: pilot.app.screen is not screen, "the dialog")
        await pilot.pause()

    with sessions_for_snapshot(db_url) as sessions:
        app = Host(
            lambda: SupervisorScreen(
                settings(language),
                console_data(sessions),
                BoardDesk(direct=shown != "board"),
                clock=lambda: NOW,
                tick_seconds=3600,
            )
        )
        assert snap_compare(app, terminal_size=SIZES[size], run_before=ready)
