"""Who did what: the audit trail read back per client and for the whole desk, filtered by
operator, dates and kind of change, worded, and exported to a real xlsx file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.merge_words import describe_entry
from console.xlsx_words import sheet_words
from storage.accounts import add_operation
from storage.audit import AuditFilter, audit_actors, count_audit, kind_of, list_audit
from storage.clients import get_or_create_client_for_call, set_blacklist, update_client
from storage.models import OperatorRole
from storage.roles import Actor
from storage.tariffs import add_tariff
from storage.xlsx import export_audit
from tests.xlsx_support import speaking

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OLGA = Actor("Ольга", OperatorRole.SUPERVISOR)


async def desk_day(sessions: Sessions) -> tuple[int, int]:
    """Two clients; Анна edits and blacklists, Ольга moves money and adds a tariff."""
    ids = []
    for minutes, phone in ((0, "+79161234567"), (5, "+79031112233")):
        created = await get_or_create_client_for_call(
            sessions,
            phone,
            caller_name="Иванова Мария",
            region="RU",
            registered_by="Анна",
            at=T0 + timedelta(minutes=minutes),
        )
        assert created is not None
        ids.append(created[0])
    first, second = ids
    async with sessions.begin() as s:
        at = T0 + timedelta(hours=1)
        await update_client(s, first, 1, {"city": "Самара"}, "Анна", at=at)
        await set_blacklist(s, second, True, "хамит", "Анна", at=at + timedelta(minutes=1))
        await add_operation(s, first, "credit", "500", actor=OLGA, at=T0 + timedelta(days=1))
        await add_tariff(s, "Комфорт", actor=OLGA, at=T0 + timedelta(days=1, minutes=1))
    return first, second


async def test_filters_by_client_operator_dates_and_kind(sessions: Sessions) -> None:
    first, _ = await desk_day(sessions)
    async with sessions() as s:
        mine = await list_audit(s, AuditFilter(client_id=first))
        assert [r.action for r in mine] == ["money_credit", "update", "create"]  # newest first
        assert mine[0].client_name == "Иванова Мария" and mine[0].actor == "Ольга"

        by_anna = await list_audit(s, AuditFilter(actor="Анна"))
        assert {r.action for r in by_anna} == {"create", "update", "blacklist"}
        day_two = AuditFilter(since=T0 + timedelta(days=1), until=T0 + timedelta(days=2))
        assert [r.action for r in await list_audit(s, day_two)] == ["tariff_add", "money_credit"]
        money = await list_audit(s, AuditFilter(kinds=frozenset({"money", "blacklist"})))
        assert sorted(r.action for r in money) == ["blacklist", "money_credit"]
        tariffs = await list_audit(s, AuditFilter(kinds=frozenset({"tariffs"})))
        assert [(r.action, r.client_id, r.client_name) for r in tariffs] == [
            ("tariff_add", None, None)
        ]
        assert await count_audit(s, AuditFilter()) == 6
        assert await audit_actors(s) == ["Анна", "Ольга"]
        page = await list_audit(s, AuditFilter(), limit=2, offset=2)
        assert [r.action for r in page] == ["blacklist", "update"]
    assert kind_of("phone_add") == "phones" and kind_of("something_new") == "other"


async def test_an_entry_in_words(sessions: Sessions) -> None:
    first, _ = await desk_day(sessions)
    async with sessions() as s:
        update = (await list_audit(s, AuditFilter(client_id=first, kinds=frozenset({"card"}))))[0]
    with speaking("ru"):
        assert describe_entry(update) == ("Карточка", "Карточка изменена: Город: Самара")
    with speaking("en"):
        assert describe_entry(update) == ("Card", "Card edited: City: Самара")


async def test_export_reads_back(sessions: Sessions, tmp_path: Path) -> None:
    await desk_day(sessions)
    path = tmp_path / "audit.xlsx"
    with speaking("ru"):
        summary = await export_audit(
            sessions,
            path,
            AuditFilter(actor="Анна"),
            words=sheet_words("audit"),
            describe=describe_entry,
            tz=UTC,
        )
        assert summary.rows == 4 and not summary.cancelled
    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert rows[0] == ("Когда", "Кто", "Клиент", "Номер клиента", "Вид изменения", "Что изменено")
    assert [r[1] for r in rows[1:]] == ["Анна"] * 4
    assert rows[1][0] == datetime(2026, 12, 1, 9, 0)  # oldest first, wall-clock time
    assert rows[1][4:] == (
        "Карточка",
        "Клиент создан: Телефон: +7 916 123-45-67; Имя: Иванова Мария",
    )
    assert rows[4][4] == "Чёрный список"
    assert "Причина чёрного списка: хамит" in rows[4][5]
