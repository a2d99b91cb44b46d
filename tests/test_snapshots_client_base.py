"""Snapshots of the client base's administration, in English and Russian at 160×48 and
80×24: the desk's «who did what» and the tariffs screens, and the dialogs of the card (its
trail, finding the other card of a merge, the merge's preview) and of an import naming
tariffs the database has not. Reached by keys, on the seeded desk of
`tests/test_snapshots_i18n.py` (fixed clock, times in UTC); the seat is a supervisor, as
merging needs one. `tests/test_russian_words.py` reads the Russian ones for English words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import ConsoleApp
from console.config import RulesSettings
from tests.console_support import (
    fill,
    make_settings,
    seed_desk,
    sessions_for_snapshot,
    until,
)
from tests.test_snapshots_i18n import (
    LARGE,
    NOW,
    SMALL,
    Scenario,
    Shot,
    busy_desk,
    import_file,
    maria,
    modal,
    ready,
    utc,  # noqa: F401  (the fixture, by name)
)
from tests.xlsx_support import write_sheet

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def audit(pilot: Pilot[None], shot: Shot) -> None:
    await pilot.press("f9")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "AuditScreen", "the trail")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "rows", None)), "its rows")


async def tariffs(pilot: Pilot[None], shot: Shot) -> None:
    await pilot.press("f10")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "TariffsScreen", "tariffs")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "rows", None)), "its rows")


async def card_trail(pilot: Pilot[None], shot: Shot) -> None:
    await maria(pilot, shot)
    await modal(pilot, "w")


async def merge_pick(pilot: Pilot[None], shot: Shot) -> None:
    await maria(pilot, shot)
    await modal(pilot, "j")
    await pilot.press(*"Петров")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "hits", None)), "Петров found")


async def merge_preview(pilot: Pilot[None], shot: Shot) -> None:
    await merge_pick(pilot, shot)
    await pilot.press("enter", "enter")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "MergeDialog", "preview")


async def import_tariffs(pilot: Pilot[None], shot: Shot) -> None:
    """A sheet naming a tariff this desk has not: listed once, with the checkbox's hint."""
    await import_file(pilot, shot)
    dialog = pilot.app.screen
    dialog.query_one("#transfer-path", Input).value = "tariffs.xlsx"
    await pilot.press("enter")
    await until(pilot, lambda: getattr(dialog, "phase", "") == "rejected", "the report")


SCENARIOS: dict[str, Scenario] = {
    "audit": audit,
    "tariffs": tariffs,
    "card_trail": card_trail,
    "merge_pick": merge_pick,
    "merge_preview": merge_preview,
    "import_tariffs": import_tariffs,
}


@pytest.fixture
def sheet_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    write_sheet(
        tmp_path / "tariffs.xlsx",
        [
            ["ФИО", "Телефон", "Тариф"],
            ["Новиков Николай", "+79990001122", "Комфорт плюс с детским креслом"],
            ["Орлова Ольга", "+79990003344", "Комфорт плюс с детским креслом"],
            ["Зайцев Захар", "+79990005566", "Грузовой"],
        ],
    )


@pytest.mark.usefixtures("utc", "sheet_here")
@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["160x48", "80x24"])
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_client_base_admin(
    snap_compare: Any, db_url: str, name: str, language: str, size: tuple[int, int]
) -> None:
    ids = fill(db_url, lambda sessions: seed_desk(sessions, NOW))
    desk = busy_desk()
    shot = Shot(desk, ids)

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        await pilot.pause()
        await SCENARIOS[name](pilot, shot)
        await ready(app, pilot)

    with sessions_for_snapshot(db_url) as sessions:
        settings = make_settings(
            "101", language, rules=RulesSettings(max_unpaid_debts=1), role="supervisor"
        )
        app = ConsoleApp(settings, sessions, desk, clock=lambda: NOW, check_database=False)
        app.database_ok = True
        assert snap_compare(app, terminal_size=size, run_before=run_before)
