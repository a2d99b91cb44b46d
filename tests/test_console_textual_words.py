"""Textual's own words in Russian: the command palette (its placeholder, «No matches»,
the system commands), the keys panel, the screenshot notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Input

from console.app import ConsoleApp
from tests.console_support import FakeDesk, Notes, make_app, until
from tests.screen_text import screen_text

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def palette_lines(app: ConsoleApp) -> str:
    return screen_text(app.export_screenshot())


async def test_the_palette_speaks_russian(sessions: async_sessionmaker[AsyncSession]) -> None:
    app = make_app(sessions, FakeDesk(), language="ru")
    async with app.run_test(size=(120, 48)) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        await until(pilot, lambda: palette.query_one(CommandList).option_count > 5, "commands")
        await pilot.pause()
        assert palette.query_one(CommandInput).placeholder == "Поиск команды…"
        commands = palette.query_one(CommandList)
        shown = "\n".join(
            str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
        )
        for words in ("Тема", "Выход", "Клавиши", "Снимок экрана", "Следующее поле"):
            assert words in shown
        for english in ("Theme", "Quit", "Keys", "Screenshot", "Focus Next"):
            assert english not in shown
        await pilot.press(*"zzzq")
        await until(pilot, lambda: "Ничего не найдено" in palette_lines(app), "no matches")


async def test_the_keys_panel_speaks_russian(sessions: async_sessionmaker[AsyncSession]) -> None:
    app = make_app(sessions, FakeDesk(), language="ru")
    async with app.run_test(size=(120, 48)) as pilot:
        await app.switch_mode("clients")
        await until(pilot, lambda: isinstance(app.focused, Input), "the search box")
        app.action_show_help_panel()
        await until(pilot, lambda: "Курсор влево" in palette_lines(app), "the keys panel")
        assert "Move cursor left" not in palette_lines(app)


async def test_the_screenshot_notice_speaks_russian(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    app = make_app(sessions, FakeDesk(), language="ru")
    notes = Notes()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        app.deliver_screenshot(filename="shot.svg", path=str(tmp_path))
        await until(pilot, lambda: bool(notes.texts), "the notice")
    assert notes.texts == [f"Снимок экрана сохранён: {tmp_path / 'shot.svg'}"]
    assert (tmp_path / "shot.svg").exists()
