"""A caller the PBX gives no number for is shown in words — in the live calls, the call's
tab and line, the board and History — never as Asterisk's `<unknown>` or `anonymous`."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.screens.dispatcher import DispatcherScreen
from console.wording import caller_number, caller_text
from tests.console_support import FakeDesk, make_app, ring, settle, until
from tests.screen_text import screen_text


@pytest.mark.parametrize(
    ("number", "raw", "said"),
    [
        (None, "anonymous", "номер скрыт"),
        (None, "Restricted", "номер скрыт"),
        (None, "<unknown>", "номер неизвестен"),
        (None, "", "номер неизвестен"),
        (None, None, "номер неизвестен"),
        (None, "102", "102"),  # an extension is shown as dialled
        ("+79161234567", "89161234567", "+7 916 123-45-67"),
    ],
)
@pytest.mark.usefixtures("russian")
def test_a_caller_number_in_words(number: str | None, raw: str | None, said: str) -> None:
    assert caller_number(number, raw) == said


@pytest.mark.usefixtures("russian")
def test_a_placeholder_name_is_no_name() -> None:
    assert caller_text(None, "<unknown>", "<unknown>") == "номер неизвестен"
    assert caller_text("+79161234567", "", "Иванова") == "+7 916 123-45-67 «Иванова»"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_withheld_and_unknown_callers_ring_in_words(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    desk = FakeDesk()
    app = make_app(sessions, desk, language="ru")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, DispatcherScreen)
        desk.emit(ring("anonymous", linkedid="1.1"), ring("<unknown>", linkedid="1.2"))
        await until(pilot, lambda: len(screen.popups) == 2, "both popups")
        await settle(app, pilot)
        shown = screen_text(app.export_screenshot())
        labels = [popup.tab_label() for popup in screen.popups.values()]
    assert "<unknown>" not in shown and "anonymous" not in shown
    assert "номер скрыт" in shown
    assert any("номер скрыт" in label for label in labels)
    assert any("номер неизвестен" in label for label in labels)
