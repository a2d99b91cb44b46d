"""The trail names numbers and clients as the rest of the console does: a number as the
card shows it («+7 916 123-45-67», not «+79161234567»), a client without a name by their
number (as a call shows them), or as the card says when there is none («(имя не
указано)»), a card gone since by its number in words (never a bare «#5003»)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.merge_words import client_words, describe_entry
from console.xlsx_words import sheet_words
from storage.audit import AuditFilter, list_audit
from storage.clients import get_or_create_client_for_call
from storage.models import ClientPhone
from storage.xlsx import export_audit
from tests.xlsx_support import speaking

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def nameless(sessions: Sessions, phone: str) -> int:
    created = await get_or_create_client_for_call(
        sessions, phone, caller_name=None, region="RU", registered_by="PBX", at=T0
    )
    assert created is not None
    return created[0]


async def test_a_nameless_client_is_named_by_their_number(sessions: Sessions) -> None:
    client = await nameless(sessions, "+79161234567")
    async with sessions() as s:
        [created] = await list_audit(s, AuditFilter(client_id=client))
    assert (created.client_name, created.client_phone) == ("", "+79161234567")
    for language in ("ru", "en"):
        with speaking(language):
            assert client_words(created) == "+7 916 123-45-67"
    with speaking("ru"):
        assert describe_entry(created)[1] == "Клиент создан: Телефон: +7 916 123-45-67; Имя: —"
    with speaking("en"):
        assert describe_entry(created)[1] == "Client created: Phone: +7 916 123-45-67; Name: —"

    # No number left: as the card says; the card gone: its number in words.
    async with sessions.begin() as s:
        await s.execute(delete(ClientPhone).where(ClientPhone.client_id == client))
    async with sessions() as s:
        [phoneless] = await list_audit(s, AuditFilter(client_id=client))
    gone = replace(phoneless, client_name=None)
    with speaking("ru"):
        assert client_words(phoneless) == "(имя не указано)"
        assert client_words(gone) == f"карточка №{client} (удалена)"
    with speaking("en"):
        assert client_words(phoneless) == "(no name yet)"
        assert client_words(gone) == f"card #{client} (gone)"
        assert client_words(replace(gone, client_id=None)) == ""  # a tariff's, an operator's


def test_numbers_in_changes_read_as_on_the_card() -> None:
    row = (
        datetime(2026, 12, 1, tzinfo=UTC),
        {
            "phones": [None, ["+79161234567", "+74957654321"]],
            "phone_labels": [{"+79161234567": ""}, {"+79161234567": "жена"}],
        },
    )
    from storage.audit import AuditRow

    entry = AuditRow(1, row[0], "Анна (101)", "client", 7, 7, "Иванова", "update", row[1])
    with speaking("ru"):
        assert describe_entry(entry)[1] == (
            "Карточка изменена: Телефоны: +7 916 123-45-67, +7 495 765-43-21;"
            " Подписи телефонов: +7 916 123-45-67: — → +7 916 123-45-67: жена"
        )


async def test_the_export_names_clients_as_the_screen(sessions: Sessions, tmp_path: Path) -> None:
    client = await nameless(sessions, "+79031112233")
    path = tmp_path / "trail.xlsx"
    with speaking("ru"):
        await export_audit(
            sessions,
            path,
            AuditFilter(),
            words=sheet_words("audit"),
            describe=describe_entry,
            client=client_words,
            tz=UTC,
        )
    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert rows[1][2:4] == ("+7 903 111-22-33", client)
    assert rows[1][5] == "Клиент создан: Телефон: +7 903 111-22-33; Имя: —"
