"""Every screen fits the terminal, from 80×24 up, and says the truth about names and keys.

Asserted on what the terminal shows (the screen's rendered lines), at 80×24 and 160×48:
column headers, filter labels and the board's totals are whole or absent, never cut; the
footer shows whole keys, and the keys of what has the focus (a dialog's own, none of a
card on an empty dispatcher); a page of the client base fills the table; History's client
column is the owner of the number, the caller ID name beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, timedelta
from itertools import pairwise

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.widgets._footer import FooterKey

from console import i18n
from console.app import ConsoleApp
from console.i18n import tr
from console.screens.card import ClientCardScreen
from console.screens.clients import ClientsScreen
from console.screens.history import HistoryScreen
from console.screens.supervisor import SupervisorScreen
from console.widgets.card.dialogs import AddDebtDialog
from console.widgets.clients.table import COLUMNS
from console.widgets.footer import ConsoleFooter
from storage.calls import CallLogEntry, upsert_call
from storage.clients import create_client
from tests.console_support import (
    DESK_NOW,
    FakeDesk,
    clients_page_ready,
    make_settings,
    open_clients,
    seed_desk,
    settle,
    until,
)
from tests.fake_timers import FakeTimers

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

SIZES = [(80, 24), (160, 48)]
KONOVALOV_PHONE = "+79265550101"


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    """Russian: the longer labels, and the desk's default language."""
    i18n.set_timezone(UTC)
    yield
    i18n.set_language("ru")
    i18n.set_timezone(None)


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    value: tuple[int, int] = request.param
    return value


async def seed(sessions: async_sessionmaker[AsyncSession]) -> int:
    """The desk's three clients, one from Санкт-Петербург with a long name, and Коновалов
    Богдан, whose number last rang with the caller ID «Иванова Мария». Returns his id."""
    await seed_desk(sessions, DESK_NOW)
    async with sessions.begin() as session:
        await create_client(
            session,
            {
                "last_name": "Константинопольская",
                "first_name": "Александра",
                "middle_name": "Владиславовна",
                "city": "Санкт-Петербург",
                "completed_orders": 3,
            },
            ["+78125550000"],
            actor="test",
        )
        konovalov = await create_client(
            session,
            {"last_name": "Коновалов", "first_name": "Богдан", "city": "Москва"},
            [KONOVALOV_PHONE],
            actor="test",
        )
        at = DESK_NOW - timedelta(minutes=5)
        await upsert_call(
            session,
            CallLogEntry(
                server="main",
                linkedid="fit.1",
                direction="inbound",
                number=KONOVALOV_PHONE,
                number_raw=KONOVALOV_PHONE,
                name="Иванова Мария",  # his wife's phone line, as the PBX names it
                client_id=konovalov.id,
                queue="dispatch",
                operators_rung=["101"],
                answered_by="101",
                transferred_to=[],
                disposition="answered",
                reason=None,
                started_at=at,
                answered_at=at + timedelta(seconds=3),
                ended_at=at + timedelta(seconds=60),
                wait_s=3.0,
                talk_s=57.0,
            ),
        )
        return konovalov.id


def console(sessions: async_sessionmaker[AsyncSession]) -> ConsoleApp:
    """The console in Russian with pages as long as the screen shows (`ui.page_size`)."""
    return ConsoleApp(
        make_settings("101", "ru", page_size="auto"),
        sessions,
        FakeDesk(),
        clock=lambda: DESK_NOW,
        check_database=False,
        timers=FakeTimers(),  # moved by settle and until: the footer is rebuilt by then
    )


def screen_lines(app: ConsoleApp) -> list[str]:
    """The terminal as the user sees it, one string per line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def assert_whole(lines: list[str], labels: list[str]) -> None:
    """Each label is on screen whole, or not at all: never its first letters alone."""
    text = "\n".join(lines)
    for label in labels:
        if label in text:
            continue
        head = label[: max(4, len(label) * 2 // 3)]
        assert head not in text, f"{label!r} is cut on screen:\n{text}"


def assert_footer_fits(app: ConsoleApp) -> list[str]:
    """Every key of the footer shown whole inside the screen; returns the keys' texts."""
    footer = app.screen.query_one(ConsoleFooter)
    width = app.size.width
    keys = list(footer.query(FooterKey))
    for key in keys:
        assert key.region.right <= width, f"{key.description!r} runs off the screen"
        assert key.region.width >= len(key.key_display) + len(key.description) + 2
    regions = sorted((k.region.x, k.region.right) for k in keys)
    for (_a, end), (start, _b) in pairwise(regions):
        assert end <= start, "footer keys overlap"
    return [f"{k.key_display} {k.description}" for k in keys]


async def test_history_client_column_is_the_owner_not_the_caller_id(
    sessions: async_sessionmaker[AsyncSession], size: tuple[int, int]
) -> None:
    """Коновалов Богдан's number rang with the caller ID «Иванова Мария»: History's client
    column says Коновалов Богдан; where there is room, the caller ID name is beside it."""
    await seed(sessions)
    app = console(sessions)
    async with app.run_test(size=size) as pilot:
        await app.switch_mode("history")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press("l")
        await until(pilot, lambda: screen.history is not None, "the history page")
        await settle(app, pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if tr("history.col.client") in line)
        row = next(line for line in lines if "+7 926 555-01-01" in line)
        client_at = header.index(tr("history.col.client"))
        assert row[client_at:].startswith("Коновалов Богдан")
        if size[0] >= 160:
            cid_at = header.index(tr("history.col.cid_name"))
            assert row[cid_at:].startswith("Иванова Мария")
        assert_whole(lines, [tr(f"history.col.{key}") for key in ("time", "caller", "client")])


async def test_client_base_headers_and_filters_whole_and_a_page_fills_the_table(
    sessions: async_sessionmaker[AsyncSession], size: tuple[int, int]
) -> None:
    """No header, city or filter label is cut («Регистраци», «Санкт-Петерб», «Чёрный ▼»);
    a page holds as many clients as the table shows, more than 20 on 48 lines."""
    await seed(sessions)
    async with sessions.begin() as session:
        for n in range(60):
            await create_client(
                session, {"last_name": f"Яковлев {n:02}", "city": "Казань"}, [], actor="test"
            )
    app = console(sessions)
    async with app.run_test(size=size) as pilot:
        screen = await open_clients(app, pilot)
        table = screen.table

        def rows_on_screen() -> int:
            return table.size.height - table.header_height

        lines = screen_lines(app)
        assert_whole(lines, [tr(f"clients.col.{c.key}") for c in COLUMNS])
        assert_whole(
            lines,
            [
                tr(f"clients.filter.{key}")
                for key in ("city", "blacklist", "status", "activity", "tariff", "debts")
            ],
        )
        assert "Санкт-Петерб" not in "\n".join(lines) or "Санкт-Петербург" in "\n".join(lines)
        page_line = next(line for line in lines if "1–" in line).rstrip()
        last_part = page_line.rsplit(" · ", 1)[-1]
        per_page = re.escape(tr("clients.per_page", size="§")).replace("§", r"\d+")
        sorted_by = tr("clients.sorted_by", column=tr("clients.col.name")) + " ▲"
        assert last_part == sorted_by or re.fullmatch(per_page, last_part), (
            f"the page line is cut: {page_line!r}"
        )
        await until(
            pilot, lambda: table.row_count == rows_on_screen(), "a page as tall as the table"
        )
        await clients_page_ready(pilot, screen)
        assert table.row_count == rows_on_screen() == screen.query_state.page_size
        await until(pilot, lambda: not table.show_vertical_scrollbar, "no scrolling in a page")
        if size[1] >= 48:
            assert table.row_count > 20
        # What a dispatcher needs first stays on any terminal.
        header = next(line for line in lines if tr("clients.col.phone") in line)
        for key in ("name", "phone", "debt"):
            assert tr(f"clients.col.{key}") in header


async def test_board_totals_and_tables_whole_at_any_size(
    sessions: async_sessionmaker[AsyncSession], size: tuple[int, int]
) -> None:
    """The totals read «пропущено/брошено», «отвечено ≤ 20 с» whole; the operators table
    keeps its headers whole (dropping columns, not cutting them)."""
    await seed(sessions)
    app = console(sessions)
    async with app.run_test(size=size) as pilot:
        await app.switch_mode("supervisor")
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await until(pilot, lambda: screen.stats_loads > 0, "today's figures")
        await settle(app, pilot)
        lines = screen_lines(app)
        totals = [
            tr(f"board.total.{tile}", seconds=20)
            for tile in ("inbound", "answered", "missed", "avg_wait", "avg_talk", "service_level")
        ]
        text = "\n".join(lines)
        for label in totals:
            assert label in text, f"{label!r} not whole on the board:\n{text}"
        ops = ["operator", "state", "party", "for", "answered", "missed", "talk_total"]
        assert_whole(lines, [tr(f"board.ops.col.{key}") for key in ops])
        for key in ("operator", "state", "for"):
            assert tr(f"board.ops.col.{key}") in text
        assert_footer_fits(app)


async def test_footer_fits_and_shows_the_keys_that_act(
    sessions: async_sessionmaker[AsyncSession], size: tuple[int, int]
) -> None:
    """The footer's keys are whole on every screen; the empty dispatcher offers no card
    keys; a dialog shows its own keys, not the card's under it."""
    ids = await seed(sessions)
    app = console(sessions)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        keys = assert_footer_fits(app)
        card_keys = [tr(f"key.card.{k}") for k in ("edit", "call", "blacklist", "add_debt")]
        assert not [k for k in keys if any(c in k for c in card_keys)]
        assert not [k for k in keys if tr("key.popup.close") in k]
        assert any(tr("key.mode.clients") in k for k in keys)
        for mode in ("clients", "supervisor", "history"):
            await app.switch_mode(mode)
            await settle(app, pilot)
            assert assert_footer_fits(app), mode
        app.push_screen(ClientCardScreen(client_id=ids))
        await settle(app, pilot)
        keys = assert_footer_fits(app)
        assert any(tr("key.card.edit") in k for k in keys)
        if size[0] >= 160:  # narrower, the card's last keys are left to the palette
            assert all(any(c in k for k in keys) for c in card_keys)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, AddDebtDialog), "the debt dialog")
        await settle(app, pilot)
        keys = assert_footer_fits(app)
        assert any(tr("key.cancel") in k for k in keys) and any(tr("key.ok") in k for k in keys)
        assert not [k for k in keys if any(c in k for c in card_keys)]


async def test_empty_client_base_shows_how_to_add_a_client(
    sessions: async_sessionmaker[AsyncSession], size: tuple[int, int]
) -> None:
    """On an empty base, with the focus in the search box, the footer offers «new client»
    and its key opens the new client's form."""
    app = console(sessions)
    async with app.run_test(size=size) as pilot:
        screen = await open_clients(app, pilot)
        assert isinstance(screen, ClientsScreen) and screen.table.row_count == 0
        keys = assert_footer_fits(app)
        assert "^n " + tr("clients.key.new") in keys
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ClientCardScreen), "the new form")
