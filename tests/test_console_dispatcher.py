"""The dispatcher screen driven through Textual's Pilot, against a real migrated SQLite
database and call events from the real tracker fed with recorded Asterisk sessions.

The desk here is a small fake with the real `Desk`'s surface: tests push desk events into
it (the same frozen dataclasses the real desk publishes) and read what the console asked
of it. Assertions look at posted messages and at the database, not at timing.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterable, Sized
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList
from textual.widgets._footer import FooterKey

from console.app import ConsoleApp
from console.desk import CallerIdentified, CallLogged, ClickToCallError
from console.i18n import set_timezone
from console.messages import CallInLog, ClientSaved, RingingForMe
from console.screens.call_picker import CallPickerScreen, PickScreen
from console.screens.confirm import ConfirmScreen
from console.screens.dispatcher import DispatcherScreen
from console.timers import TEXTUAL_TIMERS
from console.widgets.card.dialogs import MarkPaidDialog
from console.widgets.card.popup import CallPopup
from console.widgets.card.tab_line import PopupTabLine
from console.widgets.card.view import BlacklistBanner, ClientCardView, DebtsBanner, TariffBadge
from console.widgets.footer import ConsoleFooter
from pbx.call_events import (
    CallAnswered,
    CallStoppedRinging,
    OriginateProgress,
    OriginateResult,
    OriginateStage,
)
from storage.clients import create_client
from storage.models import AuditEntry, Debt
from tests.console_support import (
    DESK_NOW,
    MARIA_PHONES,
    PETROV_PHONE,
    FakeDesk,
    Notes,
    make_app,
    ring,
    seed_desk,
    settle,
    until,
)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FIXTURES = Path(__file__).parent / "fixtures" / "ami"
NOW = DESK_NOW


@pytest.fixture(autouse=True)
def _utc_times() -> Iterable[None]:
    set_timezone(UTC)
    yield
    set_timezone(None)


def highlighted_tab(screen: DispatcherScreen) -> str:
    """The text of the tab shown reversed (the call on screen)."""
    line = screen.query_one(PopupTabLine).render()
    assert isinstance(line, Content)
    return next(
        line.plain[span.start : span.end] for span in line.spans if "reverse" in str(span.style)
    )


def dispatcher(app: ConsoleApp) -> DispatcherScreen:
    screen = app.screen
    assert isinstance(screen, DispatcherScreen)
    return screen


async def new_client(sessions: async_sessionmaker[AsyncSession], phone: str, **values: Any) -> int:
    async with sessions.begin() as session:
        client = await create_client(session, values, [phone], actor="test")
        return client.id


async def test_ring_at_my_phone_pops_the_callers_card(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    client_id = await new_client(sessions, "+79161234567", last_name="Иванова", first_name="Мария")
    desk = FakeDesk()
    messages: list[Message] = []
    app = make_app(sessions, desk)
    async with app.run_test(message_hook=messages.append) as pilot:
        await pilot.pause()
        desk.emit(ring("+79161234567", name="Иванова Мария"))
        await pilot.pause()
        popups = dispatcher(app).popups
        assert list(popups) == ["main/1700000000.1"]
        popup = popups["main/1700000000.1"]
        # The number is on screen before any query returned (how fast: bench/).
        assert popup.shown_at is not None
        assert "+7 916 123-45-67" in str(popup.query_one("#call-line").render())
        await settle(app, pilot)
        assert popup.panel.card is not None
        assert popup.panel.card.id == client_id
        assert popup.panel.card.name == "Иванова Мария"
    assert any(isinstance(m, RingingForMe) for m in messages)


async def test_ring_at_a_colleagues_phone_does_not_pop(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test() as pilot:
        await pilot.pause()
        desk.emit(ring("+79161234567", extensions=("102",)))
        await settle(app, pilot)
        assert dispatcher(app).popups == {}


# --- the card: what it shows, what its keys do -------------------------------------------


async def pop(
    app: ConsoleApp, pilot: Any, desk: FakeDesk, number: str, linkedid: str = "1700000000.1"
) -> CallPopup:
    """Ring `number` at my phone and wait for its card."""
    desk.emit(ring(number, linkedid=linkedid))
    screen = dispatcher(app)
    key = f"main/{linkedid}"
    await until(pilot, lambda: key in screen.popups, "the popup")
    popup = screen.popups[key]
    await until(pilot, lambda: popup.panel.card is not None, "the card")
    await settle(app, pilot)
    return popup


def shown(widget: Any) -> str:
    return str(widget.render())


async def test_blacklist_banner_debts_and_tariff_show(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        popup = await pop(app, pilot, desk, MARIA_PHONES[0])
        view = popup.panel.query_one(ClientCardView)
        banner = view.query_one(BlacklistBanner)
        assert banner.display
        assert shown(banner) == (
            "⛔ BLACKLISTED since 2026-09-13 10:00 by Борис (102): Ложные вызовы"
        )
        blocked = view.query_one(DebtsBanner)
        assert blocked.display
        assert "2 unpaid debts" in shown(blocked) and "RUB\u00a01,550.00" in shown(blocked)
        assert "Комфорт" in shown(view.query_one(TariffBadge))
        assert "Unpaid: 2" in shown(view.query_one("#debts-total"))
        debts = view.query_one("#debts-table", DataTable)
        assert [debts.get_row_at(n)[:3] for n in range(debts.row_count)] == [
            ["A-1042", "2026-09-14", "RUB\u00a0350.00"],
            ["A-1107", "2026-10-13", "RUB\u00a01,200.00"],
        ]
        calls = shown(view.query_one("#card-calls")).splitlines()
        assert calls[0] == "Last calls"
        assert calls[1].split() == ["When", "Direction", "Result", "Operator", "Talk"]
        assert len(calls) == 4
        assert "Анна" in calls[3]  # who answered, by name


async def test_a_client_in_good_standing_has_no_banners(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        popup = await pop(app, pilot, desk, PETROV_PHONE)
        view = popup.panel.query_one(ClientCardView)
        assert not view.query_one(BlacklistBanner).display
        assert not view.query_one(DebtsBanner).display
        assert shown(view.query_one("#debts-total")) == "Debts\nNo unpaid debts"
        assert "Эконом" in shown(view.query_one(TariffBadge))


async def test_marking_a_debt_paid_records_the_operator(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, role="supervisor")  # closing a debt needs one
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        popup = await pop(app, pilot, desk, MARIA_PHONES[0])
        await pilot.press("m")
        picker = app.screen
        assert isinstance(picker, PickScreen)  # two unpaid debts: which one was paid?
        assert [str(o.prompt) for o in picker.query_one(OptionList).options] == [
            "1. RUB\u00a0350.00  of 2026-09-14  late cancellation  order A-1042",
            "2. RUB\u00a01,200.00  of 2026-10-13  unpaid order  order A-1107",
        ]
        await pilot.press("2")  # not the first: the one the client paid
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MarkPaidDialog)
        assert dialog.query_one("#paid-on", Input).value == "2026-11-22"  # today
        assert shown(dialog.query_one(".dialog-title")) == (
            "Mark paid: RUB\u00a01,200.00, order A-1107 of 2026-10-13 (Иванова Мария Сергеевна)"
        )
        dialog.query_one("#comment", Input).focus()
        await pilot.press(*"cash at office", "ctrl+s")
        await until(pilot, lambda: "Debt marked paid." in notes.texts, "the payment saved")
        await until(pilot, lambda: len(popup.panel.card.unpaid_debts) == 1, "the card reloaded")  # type: ignore[union-attr]
        view = popup.panel.query_one(ClientCardView)
        assert not view.query_one(DebtsBanner).display  # one debt left: orders allowed again
        assert "Unpaid: 1" in shown(view.query_one("#debts-total"))

    async with sessions() as session:
        debt = await session.get(Debt, ids.debts[1])
        assert debt is not None
        assert (debt.paid_by, debt.payment_comment) == ("Анна (101)", "cash at office")
        assert debt.paid_at == NOW
        other = await session.get(Debt, ids.debts[0])
        assert other is not None and other.paid_at is None
        trail = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "debt",
                    AuditEntry.entity_id == ids.debts[1],
                    AuditEntry.action == "debt_paid",
                )
            )
        ).all()
    assert [(a.actor, a.client_id, a.at) for a in trail] == [("Анна (101)", ids.maria, NOW)]
    assert trail[0].changes["payment_comment"] == [None, "cash at office"]


# --- click-to-call -----------------------------------------------------------------------


STAGES: tuple[OriginateStage, ...] = ("operator_ringing", "operator_answered", "client_ringing")


async def test_click_to_call_from_the_card_asks_which_phone_confirms_and_reports_progress(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Мария has two phones and is blacklisted: pick the number, confirm, then each stage
    of the call is said in words until it connects."""
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, MARIA_PHONES[0])
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CallPickerScreen), "which phone?")
        await pilot.press("2")  # the second number
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "are you sure?")
        assert "BLACKLISTED (Ложные вызовы)" in shown(app.screen.query_one("#question"))
        await pilot.press("y")
        await until(pilot, lambda: bool(desk.originated), "the call placed")
        assert desk.originated == [{"phone": MARIA_PHONES[1], "name": "Иванова Мария Сергеевна"}]
        target = "Иванова Мария Сергеевна (+7 495 987-65-43)"
        desk.emit(
            *(OriginateProgress("main", "c2c-1", None, stage, NOW) for stage in STAGES),
            OriginateResult("main", "c2c-1", "1700000009.1", True, None, None, NOW),
        )
        await until(pilot, lambda: f"Connected to {target}." in notes.texts, "connected")
    assert notes.texts[-5:] == [
        f"Calling {target}: pick up your phone when it rings.",
        f"Your phone is ringing (call to {target}).",
        f"You picked up; dialling {target}…",
        f"{target} is ringing…",
        f"Connected to {target}.",
    ]
    assert notes.errors() == []


# (OriginateResponse Reason, the tracker's words, what the dispatcher reads), as the tracker
# concludes them (tests/fixtures/ami/click_to_call_failed.jsonl, pbx/tracker_state.py).
FAILURES: dict[str, list[tuple[int | None, str | None, str]]] = {
    "en": [
        (3, "operator did not answer", "you did not pick up your phone"),
        (0, "operator's device unavailable", "your phone is unavailable (device not registered)"),
        (5, "operator's line busy", "your line is busy"),
        (None, "client busy", "the client's line is busy"),
        (None, "no answer", "the client did not answer"),
        (None, "client's line unavailable", "the client's number is unavailable"),
        (None, "congestion", "the network is congested"),
        (
            None,
            "operator hung up before the client answered",
            "you hung up before the client answered",
        ),
        (None, "something new from Asterisk", "something new from Asterisk"),
        (None, None, "no reason given"),
    ],
    "ru": [
        (3, "operator did not answer", "вы не сняли трубку"),
        (None, "client busy", "у клиента занято"),
        (None, "client's line unavailable", "номер клиента недоступен"),
    ],
}  # fmt: skip


def has_length(items: Callable[[], Sized], n: int) -> Callable[[], bool]:
    return lambda: len(items()) == n


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_click_to_call_failure_says_why_in_words(
    sessions: async_sessionmaker[AsyncSession], language: str
) -> None:
    """Петров has one phone and a clean record: `c` calls at once. Each call fails for
    another reason, said in the interface language."""
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk, language=language)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PETROV_PHONE)
        for n, (code, reason, _said) in enumerate(FAILURES[language], start=1):
            await pilot.press("c")
            await until(pilot, has_length(lambda: desk.originated, n), f"call {n} placed")
            desk.emit(OriginateResult("main", f"c2c-{n}", None, False, code, reason, NOW))
            await until(pilot, has_length(notes.errors, n), f"failure {n} said")
    target = "Петров Пётр (+7 903 111-22-33)"
    failed = {"en": "Call to {} failed: {}.", "ru": "Звонок не состоялся: {} — {}."}[language]
    assert notes.errors() == [failed.format(target, said) for _c, _r, said in FAILURES[language]]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Cannot call Петров Пётр (+7 903 111-22-33): PBX main is not connected"),
        ("ru", "Звонок не начат: Петров Пётр (+7 903 111-22-33) — нет связи с АТС main"),
    ],
)
async def test_click_to_call_that_cannot_start_says_why(
    sessions: async_sessionmaker[AsyncSession], language: str, said: str
) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk(refuse=ClickToCallError("not_connected", server="main"))
    app = make_app(sessions, desk, language=language)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pop(app, pilot, desk, PETROV_PHONE)
        await pilot.press("c")
        await until(pilot, lambda: bool(notes.errors()), "the refusal")
    assert notes.errors() == [said]


async def test_another_consoles_click_to_call_is_not_reported_here(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await pilot.pause()
        desk.emit(OriginateResult("main", "someone-else", None, False, 3, "x", NOW))
        await settle(app, pilot)
    assert notes.texts == []


async def test_a_burst_ring_then_answered_elsewhere_leaves_no_popup_and_no_error(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A queue call taken by a colleague within the same burst of AMI events (one loop turn):
    the popup is closed before it was ever composed."""
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test() as pilot:
        await pilot.pause()
        desk.emit(
            ring("+79161234567", extensions=("101", "102"), queue="dispatch"),
            CallStoppedRinging("main", "1700000000.1", "101", "answered_elsewhere", "102", NOW),
        )
        await settle(app, pilot)
        assert dispatcher(app).popups == {}
        assert app.is_running  # nothing crashed


async def test_a_burst_ring_then_answered_here_shows_talking(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    client_id = await new_client(sessions, "+79161234567", last_name="Иванова")
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test() as pilot:
        await pilot.pause()
        desk.emit(
            ring("+79161234567"),
            CallAnswered("main", "1700000000.1", "101", NOW),
            CallerIdentified("main", "1700000000.1", client_id, False, "phone"),
        )
        await settle(app, pilot)
        popup = dispatcher(app).popups["main/1700000000.1"]
        assert popup.state == "talking"
        assert "Talking" in shown(popup.query_one("#call-line"))
        assert popup.panel.card is not None and popup.panel.card.id == client_id


async def test_footer_rebuilds_do_not_keep_watchers_of_removed_keys(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """textual#6666: every footer rebuild left a `compact` watcher per removed FooterKey on
    the footer (and so the keys alive); `ConsoleFooter` prunes them. Each call here is a
    first-time caller, whose card opens in edit mode: the set of keys changes (save and
    cancel in, the card's keys out) and back when it closes, so the footer is rebuilt."""
    client_id = await new_client(sessions, "+79161234567", last_name="Иванова")
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        footer = screen.query_one(ConsoleFooter)

        def watchers() -> int:
            return len(getattr(footer, "__watchers", {}).get("compact", []))

        rebuilds = 0
        for n in range(6):
            linkedid = f"1700000000.{n}"
            desk.emit(
                ring("+79161234567", linkedid=linkedid),
                CallerIdentified("main", linkedid, client_id, True, "phone"),
            )
            await settle(app, pilot)
            keys = list(footer.query(FooterKey))
            screen.close_popup(f"main/{linkedid}")
            await settle(app, pilot)
            rebuilds += not set(footer.query(FooterKey)) & set(keys)  # all keys are new
            if n == 1:
                after_two = watchers()
        assert rebuilds == 6
        assert watchers() <= after_two


async def test_desk_messages_for_a_popup_not_mounted_yet_are_harmless(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    client_id = await new_client(sessions, "+79161234567", last_name="Иванова")
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        popup = CallPopup.from_ring(
            "main/1700000000.1", ring("+79161234567"), popped_at=0.0, id="popup-early"
        )
        screen._add_popup(popup)  # registered; composed and mounted on a later turn
        popup.panel.client_id = client_id
        screen.on_call_in_log(CallInLog(CallLogged("main", "1700000000.0", client_id, 1)))
        screen.on_client_saved(ClientSaved(client_id))
        await settle(app, pilot)
        assert app.is_running
        assert popup.panel.card is not None and popup.panel.card.id == client_id


async def test_closed_popups_are_reused_not_accumulated(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The dispatcher screen lives all day: a closed popup is blanked and reused for a later
    ring (its edit form too), and beyond a small pool closed popups are really let go —
    Textual's Input stays subscribed to its screen's text-selection signal otherwise."""
    phones = [f"+7916123450{n}" for n in range(8)]
    ids = [
        await new_client(sessions, phone, last_name=f"Новая{n}") for n, phone in enumerate(phones)
    ]
    await new_client(sessions, PETROV_PHONE, last_name="Петров")
    desk = FakeDesk()
    # Textual's own timers: on the hand-moved clock, with every card in before its popup's
    # CARD_WAIT is over, the popups closed beyond the pool were not let go (i13 report).
    app = make_app(sessions, desk, timers=TEXTUAL_TIMERS)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        # Eight calls ring at once, each a new client (edit form up), then all are closed.
        for n, (phone, client_id) in enumerate(zip(phones, ids, strict=True)):
            linkedid = f"1700000000.{n}"
            desk.emit(
                ring(phone, linkedid=linkedid),
                CallerIdentified("main", linkedid, client_id, True, "phone"),
            )
        await settle(app, pilot)
        await until(
            pilot,
            lambda: all(p.panel.editing and p.query(Input) for p in screen.popups.values()),
            "eight edit forms",
        )
        inputs = [weakref.ref(w) for p in screen.popups.values() for w in p.query(Input)]
        for key in list(screen.popups):
            screen.close_popup(key)
        await settle(app, pilot)

        def let_go() -> bool:  # a removed popup's widgets close a few loop turns later
            gc.collect()
            return sum(ref() is not None for ref in inputs) <= len(inputs) // 2

        await until(pilot, let_go, "the popups beyond the pool let go")
        alive = [ref for ref in inputs if ref() is not None]
        assert 0 < len(alive) <= len(inputs) // 2  # a pool of 4 of the 8 kept, the rest gone

        # The next ring reuses a blank popup: no number, card or typing of the last call.
        desk.emit(ring(PETROV_PHONE, linkedid="1700000001.1"))
        await settle(app, pilot)
        popup = screen.popups["main/1700000001.1"]
        assert popup.panel.card is not None and popup.panel.card.phones[0].e164 == PETROV_PHONE
        assert not popup.panel.editing
        assert "+7 903 111-22-33" in str(popup.query_one("#call-line").render())


async def test_several_calls_at_once_newest_shown_others_one_key_or_click_away(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_desk(sessions, NOW)
    desk = FakeDesk()
    app = make_app(sessions, desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = dispatcher(app)
        phones = (MARIA_PHONES[0], PETROV_PHONE, "+79995550011")
        for n, phone in enumerate(phones):
            desk.emit(ring(phone, linkedid=f"1700000000.{n}"))
        await settle(app, pilot)
        keys = [f"main/1700000000.{n}" for n in range(3)]
        assert list(screen.popups) == keys  # none lost
        assert screen.current_popup() is screen.popups[keys[2]]  # the newest is shown
        tabs = str(screen.query_one("#popup-tabs").render())
        assert tabs.index("Иванова Мария") < tabs.index("Петров") < tabs.index("+7 999 555-00-11")
        # The newest is a first-time caller: the cursor is in their form, where «[» is
        # typed; ctrl+n moves on all the same, and the tabs say so.
        panel = screen.card_panel()
        assert panel is not None and panel.editing
        assert "ctrl+n other calls" in tabs
        await pilot.press("ctrl+n")
        assert screen.current_popup() is screen.popups[keys[0]]  # around the end
        assert "] [ other calls" in str(screen.query_one("#popup-tabs").render())
        await pilot.press("right_square_bracket")
        assert screen.current_popup() is screen.popups[keys[1]]
        assert highlighted_tab(screen) == " 2 Ringing Петров Пётр "  # the tab line follows
        await pilot.press("left_square_bracket")
        assert screen.current_popup() is screen.popups[keys[0]]
        assert highlighted_tab(screen) == " 1 Ringing Иванова Мария Сергеевна "

        await pilot.click("#popup-tabs", offset=(tabs.index("Петров"), 0))
        await pilot.pause()
        assert screen.current_popup() is screen.popups[keys[1]]

        await pilot.press("x")  # a ringing call's card is not dismissed by a slip
        await settle(app, pilot)
        assert list(screen.popups) == keys
        desk.emit(CallStoppedRinging("main", "1700000000.1", "101", "caller_hung_up", None, NOW))
        await settle(app, pilot)
        await pilot.press("x")  # that call is over: dismissed, another call's card takes its place
        await settle(app, pilot)
        assert list(screen.popups) == [keys[0], keys[2]]
        assert screen.current_popup() is screen.popups[keys[2]]
        assert "other calls" in str(screen.query_one("#popup-tabs").render())
        # Back on the first-time caller's form, the cursor is back in it (keys type there).
        assert isinstance(app.focused, Input) and app.focused.id == "edit-last_name"
        desk.emit(CallStoppedRinging("main", "1700000000.2", "101", "not_answered", None, NOW))
        await settle(app, pilot)
        await pilot.press("escape", "x")
        await settle(app, pilot)
        assert "other calls" not in str(screen.query_one("#popup-tabs").render())
