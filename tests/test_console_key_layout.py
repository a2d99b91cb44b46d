"""One-letter keys pressed on the Russian layout: «ф» pressed on its own on a caller's card
opens the address form as `a` does; in a field it is the letter «ф» a name needs, and
within prose typed where no field has the focus it stays ignored (Pilot, real SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets import Input

from console.key_layout import TWINS, key_name
from console.widgets.card.places import AddressDialog
from tests.console_support import FakeDesk, ManualClock, make_app, until
from tests.test_console_first_call import pop
from tests.test_console_places import PHONE, a_client, dialog

ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
Sessions = async_sessionmaker[AsyncSession]


@ON_SQLITE
async def test_a_card_key_on_the_russian_layout_acts_and_a_field_keeps_the_letter(
    sessions: Sessions,
) -> None:
    await a_client(sessions)
    desk = FakeDesk()
    keys = ManualClock()
    app = make_app(sessions, desk, keys_clock=keys)
    async with app.run_test(size=(120, 40)) as pilot:
        await pop(app, pilot, desk, PHONE)
        card = app.screen
        await pilot.press("я", "ф")  # prose: «ф» right after another key is no command
        await pilot.pause()
        assert app.screen is card
        keys.advance(1.0)
        await pilot.press("ф")  # `a` on the Russian layout, pressed on its own: an address
        form = await dialog(pilot, AddressDialog)
        street = form.query_one("#address-street", Input)
        street.focus()
        await pilot.press("ф", "ы")  # in a field they are letters, not keys
        await until(pilot, lambda: street.value == "фы", "the letters typed in the field")
        assert app.screen is form


def test_every_russian_key_has_its_twin_in_place() -> None:
    assert TWINS["ц"] == "w" and TWINS["Ч"] == "X" and TWINS["ъ"] == "]" and TWINS["х"] == "["
    assert len(TWINS) == 66
    assert key_name("]") == "right_square_bracket" and key_name("w") == "w"
