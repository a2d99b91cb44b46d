"""Search as you type: what it finds, in what order, that every write is reflected at once,
and that it answers from the trigram index rather than by scanning the clients."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.client_list import _page_statement, list_clients
from storage.filters import ClientFilter, ClientSort
from storage.list_indexes import BY_NAME
from storage.models import Base, Client, ClientKind, ClientPhone
from storage.phones import format_national, phone_digits
from storage.search import (
    MatchKind,
    include_object,
    matching_ids,
    parse_query,
    search_clients,
)

Sessions = async_sessionmaker[AsyncSession]


def digits_of(e164: str) -> str:
    """What ClientPhone.digits holds (international and national digits)."""
    return f"{phone_digits(e164)} {phone_digits(format_national(e164))}"


async def add_client(
    session: AsyncSession,
    last: str = "",
    first: str = "",
    middle: str = "",
    *,
    phones: Sequence[str] = (),
    organisation: str = "",
    email: str = "",
    **fields: Any,
) -> Client:
    """A client written the way the application writes one (ORM, refresh_name)."""
    kind = ClientKind.CORPORATE if organisation and not last else ClientKind.PERSONAL
    client = Client(
        kind=kind,
        last_name=last,
        first_name=first,
        middle_name=middle,
        organisation=organisation,
        email=email,
        **fields,
    )
    client.refresh_name()
    session.add(client)
    await session.flush()
    for e164 in phones:
        session.add(ClientPhone(client_id=client.id, e164=e164, raw=e164, digits=digits_of(e164)))
    await session.flush()
    return client


async def ids(session: AsyncSession, query: str, limit: int = 20) -> list[int]:
    return [h.client_id for h in await search_clients(session, query, limit=limit)]


@pytest.fixture
async def people(sessions: Sessions) -> dict[str, int]:
    async with sessions.begin() as s:
        ivanova = await add_client(
            s, "Иванова", "Мария", "Петровна", phones=["+79161234567"],
            email="maria.ivanova@mail.ru",
        )  # fmt: skip
        petrov = await add_client(s, "Петров", "Иван", "Сергеевич", phones=["+74951112233"])
        ivanov = await add_client(s, "Иванов", "Пётр", phones=["+79035550000"])
        semenov = await add_client(s, "Семёнов", "Олег", phones=["+78123334455"])
        romashka = await add_client(
            s, organisation="ООО Ромашка", phones=["+79031112233", "+79031112234"],
            email="office@romashka.ru",
        )  # fmt: skip
        smirnov = await add_client(s, "Смирнов", "Алексей", email="a.smirnov@yandex.ru")
    return {
        "ivanova": ivanova.id, "petrov": petrov.id, "ivanov": ivanov.id,
        "semenov": semenov.id, "romashka": romashka.id, "smirnov": smirnov.id,
    }  # fmt: skip


# --------------------------------------------------------------------------- finding


@pytest.mark.parametrize("query", ["иван", "ИВАНОВА", "иВаНоВа мар", "мари", "петровна", "ова"])
async def test_partial_cyrillic_name_in_any_case(
    sessions: Sessions, people: dict[str, int], query: str
) -> None:
    async with sessions() as s:
        assert people["ivanova"] in await ids(s, query)
        assert people["smirnov"] not in await ids(s, query)


@pytest.mark.parametrize(
    "typed",
    ["916", "9161234", "916 123-45", "+7 916 123", "7916123", "8916123", "8 (916) 123-45-67",
     "1234567", "+79161234567"],
)  # fmt: skip
async def test_phone_fragments_in_any_typed_form(
    sessions: Sessions, people: dict[str, int], typed: str
) -> None:
    async with sessions() as s:
        found = await ids(s, typed)
    assert people["ivanova"] in found
    assert people["romashka"] not in found


async def test_any_phone_of_a_corporate_client(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions() as s:
        assert await ids(s, "903 111-22-34") == [people["romashka"]]
        assert await ids(s, "ромашка") == [people["romashka"]]


@pytest.mark.parametrize("query", ["maria.ivanova@mail", "ivanova@", "romashka.ru", "YANDEX"])
async def test_email(sessions: Sessions, people: dict[str, int], query: str) -> None:
    async with sessions() as s:
        found = await ids(s, query)
    assert found and all(i in people.values() for i in found)
    expected = {
        "maria.ivanova@mail": "ivanova", "ivanova@": "ivanova",
        "romashka.ru": "romashka", "YANDEX": "smirnov",
    }[query]  # fmt: skip
    assert found == [people[expected]]


async def test_yo_and_ye_are_the_same_letter(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions() as s:
        assert people["semenov"] in await ids(s, "семенов")
        assert people["semenov"] in await ids(s, "СЕМЁН")
        assert people["ivanov"] in await ids(s, "петр")


async def test_words_narrow_each_other(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions() as s:
        assert await ids(s, "иванова 916") == [people["ivanova"]]
        assert await ids(s, "иванова 903") == []
        assert await ids(s, "иван се") == [people["petrov"]]  # short word filters names
        # A surname and an initial: the short word goes with the word before it.
        assert await ids(s, "Иванова М") == [people["ivanova"]]
        assert await ids(s, "иванова м п") == [people["ivanova"]]
        assert await ids(s, "м иванова") == [people["ivanova"]]
        assert await ids(s, "Иванова П") == []


async def test_nothing_for_nonsense_and_blank(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions() as s:
        assert await ids(s, "щщщжжж") == []
        assert await ids(s, "   ") == []
        assert await ids(s, '"; DROP TABLE clients; --') == []
        assert await ids(s, "100%_") == []


# --------------------------------------------------------------------------- ranking


async def test_exact_phone_then_name_prefix_then_substring(
    sessions: Sessions, people: dict[str, int]
) -> None:
    async with sessions() as s:
        hits = await search_clients(s, "иван")
        # Names starting with "иван" (by name), then "Петров Иван" (a substring).
        assert [h.client_id for h in hits] == [
            people["ivanov"],
            people["ivanova"],
            people["petrov"],
        ]
        assert [h.match for h in hits] == [MatchKind.PREFIX, MatchKind.PREFIX, MatchKind.SUBSTRING]
        exact = await search_clients(s, "8 916 123 45 67")
        assert exact[0].client_id == people["ivanova"]
        assert exact[0].match is MatchKind.PHONE
        assert exact[0].phone == "+79161234567"
        assert exact[0].name == "Иванова Мария Петровна"


async def test_limit(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions() as s:
        assert len(await search_clients(s, "нов", limit=10)) == 4  # Ивано(ва), Ивано(в), …
        assert len(await search_clients(s, "нов", limit=2)) == 2
        assert await search_clients(s, "нов", limit=0) == []


# --------------------------------------------------------------------------- short queries


async def test_short_queries_use_name_and_number_prefixes(
    sessions: Sessions, people: dict[str, int]
) -> None:
    async with sessions() as s:
        assert set(await ids(s, "и")) == {people["ivanova"], people["ivanov"]}
        assert set(await ids(s, "ИВ")) == {people["ivanova"], people["ivanov"]}
        assert await ids(s, "оо") == [people["romashka"]]
        # Two digits: numbers starting with them, typed internationally or nationally.
        assert set(await ids(s, "91")) == {people["ivanova"]}
        assert set(await ids(s, "+7 90")) == {people["ivanov"], people["romashka"]}
        assert set(await ids(s, "89")) == {people["ivanova"], people["ivanov"], people["romashka"]}
        assert set(await ids(s, "81")) == {people["semenov"]}  # +7812…: 8 is not a prefix here
        hits = await search_clients(s, "см")
        assert [(h.client_id, h.match) for h in hits] == [(people["smirnov"], MatchKind.PREFIX)]


def test_parse_query() -> None:
    assert parse_query("+7 (916) 123-45").digits == "791612345"
    assert parse_query("+7 (916) 123-45").terms == ("791612345",)
    q = parse_query("  Семёнов  Ол ")
    assert (q.prefix, q.terms, q.short_terms) == ("семёнов ол", ("семенов ол",), ())
    q = parse_query("М Иванова Е П")  # a leading initial and a second one stay filters
    assert (q.terms, q.short_terms) == (("иванова е",), ("м", "п"))
    assert parse_query("").empty


# --------------------------------------------------------------------------- the client base


async def test_client_list_search_pages_and_counts(sessions: Sessions) -> None:
    async with sessions.begin() as s:
        for i in range(30):
            await add_client(s, "Тестов", f"Имя{i:02d}", city="Казань" if i % 3 else "Москва")
    async with sessions() as s:
        page = await list_clients(s, ClientFilter(search="тестов"), page_size=20)
        assert page.total == 30 and page.extra["search_capped"] is False and page.has_next
        names = [r.name for r in page.rows]
        assert names == sorted(names) and len(names) == 20
        last = await list_clients(s, ClientFilter(search="тестов"), page=1, page_size=20)
        assert len(last.rows) == 10 and not last.has_next and last.total == 30
        assert {r.id for r in page.rows}.isdisjoint(r.id for r in last.rows)
        beyond = await list_clients(s, ClientFilter(search="тестов"), page=5, page_size=20)
        assert beyond.rows == [] and beyond.total == 30

        capped = await list_clients(s, ClientFilter(search="тестов"), page_size=5, search_cap=10)
        assert capped.total == 10 and capped.extra["search_capped"] is True
        assert len(capped.rows) == 5 and capped.has_next

        kazan = ClientFilter(search="тестов", city="Казань")
        in_kazan = await list_clients(s, kazan, page_size=50)
        assert in_kazan.total == 20 and in_kazan.extra["search_capped"] is False
        assert {r.city for r in in_kazan.rows} == {"Казань"} and len(in_kazan.rows) == 20
        few = await list_clients(s, kazan, page_size=50, search_cap=12)
        assert few.extra["search_capped"] is True and few.total == len(few.rows) <= 12
        nobody = await list_clients(s, ClientFilter(search="тестов", city="Уфа"))
        assert nobody.rows == [] and nobody.total == 0
        assert (await list_clients(s, ClientFilter(search="щщщжжж"))).total == 0
        assert (await list_clients(s, ClientFilter(search="  "))).total == 30


async def test_statements_reused_for_other_values_give_their_own_answers(
    sessions: Sessions, people: dict[str, int]
) -> None:
    """Page and ranked-search statements are cached per shape of query; the values of each
    call must still be the ones used."""
    expected = {
        "иванова": {"ivanova"}, "смирнов": {"smirnov"}, "ромашка": {"romashka"},
        "1234567": {"ivanova"}, "5550000": {"ivanov"}, "ив": {"ivanova", "ivanov"}, "ма": set(),
    }  # fmt: skip
    async with sessions() as s:
        for query, who in expected.items():
            found = {r.id for r in (await list_clients(s, ClientFilter(search=query))).rows}
            ranked = set(await ids(s, query))
            assert found == ranked == {people[w] for w in who}, query
        moscow = await list_clients(s, ClientFilter(city="Москва"))
        kazan = await list_clients(s, ClientFilter(city="Казань"))
        assert moscow.total == kazan.total == 0
    async with sessions.begin() as s:
        await add_client(s, "Орлов", city="Москва")
        await add_client(s, "Орлова", city="Казань")
    async with sessions() as s:
        for city in ("Москва", "Казань", "Москва"):
            page = await list_clients(s, ClientFilter(city=city, search="орлов"))
            assert [r.city for r in page.rows] == [city] and page.total == 1


async def test_client_list_search_does_not_scan_the_clients(
    engine: AsyncEngine, sessions: Sessions, people: dict[str, int]
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("plan text checked on SQLite")
    stmt, _, _ = _page_statement(
        ClientFilter(search="иванова"), datetime.now(UTC), "sqlite", ClientSort.NAME, False,
        page=0, page_size=20, search_cap=500,
    )  # fmt: skip
    async with engine.connect() as conn:
        compiled = stmt.compile(conn.sync_connection, compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(r[-1]) for r in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        )
    assert "VIRTUAL TABLE" in plan and "SCAN clients" not in plan


# --------------------------------------------------------------------------- kept in step


async def test_every_write_is_reflected_at_once(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions.begin() as s:
        client = await s.get_one(Client, people["smirnov"])
        client.last_name = "Кузнецов"
        client.refresh_name()
    async with sessions() as s:
        assert await ids(s, "смирнов") == []
        assert await ids(s, "кузнецов") == [people["smirnov"]]

    async with sessions.begin() as s:
        s.add(
            ClientPhone(
                client_id=people["smirnov"], e164="+79267654321", digits=digits_of("+79267654321")
            )
        )
    async with sessions() as s:
        assert await ids(s, "926 765") == [people["smirnov"]]

    async with sessions.begin() as s:
        await s.execute(delete(ClientPhone).where(ClientPhone.e164 == "+79031112234"))
    async with sessions() as s:
        assert await ids(s, "9031112234") == []
        assert await ids(s, "9031112233") == [people["romashka"]]

    async with sessions.begin() as s:
        await s.delete(await s.get_one(Client, people["ivanova"]))
    async with sessions() as s:
        assert await ids(s, "иванова") == []
        assert await ids(s, "9161234567") == []
        assert await ids(s, "maria") == []


async def test_raw_sql_writers_are_reflected_too(
    sessions: Sessions, people: dict[str, int]
) -> None:
    async with sessions.begin() as s:
        await s.execute(
            text("UPDATE clients SET email = 'new@example.org' WHERE id = :id"),
            {"id": people["petrov"]},
        )
        await s.execute(
            text("UPDATE client_phones SET client_id = :to WHERE e164 = '+79035550000'"),
            {"to": people["petrov"]},
        )
        await s.execute(
            text(
                "INSERT INTO clients (kind, last_name, first_name, middle_name, organisation,"
                " name, name_key, city, street, house, entrance, email, language, comment,"
                " blacklisted, blacklist_reason, blacklisted_by, status, completed_orders,"
                " false_orders, bonus_orders, complaints, rating, balance, bonus_balance,"
                " credit_limit, discount_percent, registered_at, registered_by, updated_at,"
                " updated_by, version) VALUES ('personal', 'Зайцев', '', '', '', 'Зайцев',"
                " 'зайцев', '', '', '', '', '', 'ru', '', false, '', '', 'new', 0, 0, 0, 0,"
                " 500, 0, 0, 0, 0, :at, '', :at, '', 1)"
            ),
            {"at": datetime(2026, 1, 1)},
        )
    async with sessions() as s:
        assert await ids(s, "example.org") == [people["petrov"]]
        assert await ids(s, "903555") == [people["petrov"]]  # the number moved
        assert len(await ids(s, "зайцев")) == 1


# --------------------------------------------------------------------------- no full scan


async def test_substring_search_is_answered_by_the_index(
    engine: AsyncEngine, sessions: Sessions, people: dict[str, int]
) -> None:
    dialect = engine.dialect.name
    sub = matching_ids(dialect, "иванова", limit=20)
    assert sub is not None
    stmt = select(sub.c.id)
    async with engine.connect() as conn:
        compiled = stmt.compile(conn.sync_connection, compile_kwargs={"literal_binds": True})
        if dialect == "sqlite":
            plan = " ".join(
                str(r[-1]) for r in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            )
            assert "VIRTUAL TABLE" in plan
            assert "SCAN clients" not in plan
        else:
            # Six rows make a sequential scan cheapest; forbid it to prove the index applies.
            await conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(r[0]) for r in await conn.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "ix_client_search_doc" in plan


async def test_short_query_uses_the_name_key_index(
    engine: AsyncEngine, people: dict[str, int]
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("plan text checked on SQLite")
    sub = matching_ids("sqlite", "ив", limit=20)
    assert sub is not None
    async with engine.connect() as conn:
        compiled = select(sub.c.id).compile(
            conn.sync_connection, compile_kwargs={"literal_binds": True}
        )
        plan = " ".join(
            str(r[-1]) for r in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        )
    assert BY_NAME in plan  # the client list's name index (storage.list_indexes)


# --------------------------------------------------------------------------- migrations


async def test_models_and_migrations_agree_apart_from_the_search_index(
    engine: AsyncEngine,
) -> None:
    """What tests/test_migrations.py checks, with the filter env.py uses."""

    def diff(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_migration_downgrades_and_upgrades_again(
    engine: AsyncEngine, sessions: Sessions, people: dict[str, int]
) -> None:
    from alembic import command

    from storage.migrate import alembic_config, upgrade_database

    def down(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0001")

    async with engine.begin() as conn:
        await conn.run_sync(down)
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert "client_search" not in names
    await upgrade_database(engine)  # rebuilds the index from the existing rows
    async with sessions() as s:
        assert await ids(s, "ромашка") == [people["romashka"]]
        assert people["ivanova"] in await ids(s, "916123")
