"""The word index of migration 0003: a surname and an initial ("Петрова С"), in either
order, kept in step by triggers, safe with any input, answered by the index, and a
migration that goes down and up again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import search
from storage.client_list import list_clients
from storage.db import create_engine
from storage.filters import ClientFilter
from storage.list_indexes import FILTER
from storage.migrate import alembic_config, current_revision, head_revision, upgrade_database
from storage.models import Client
from storage.search import matching_ids, parse_query, search_clients
from storage.seed import seed_database
from tests.test_search import add_client, ids

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def people(sessions: Sessions) -> dict[str, int]:
    async with sessions.begin() as s:
        made = {
            "svetlana": await add_client(s, "Петрова", "Светлана", "Игоревна"),
            "sofia": await add_client(s, "Петрова", "София", "Андреевна"),
            "anna": await add_client(s, "Петрова", "Анна", "Сергеевна"),
            "petrov": await add_client(s, "Петров", "Сергей", "Иванович"),
            "ivan": await add_client(s, "Сидоров", "Иван", "Павлович"),
            "semenova": await add_client(s, "Семёнова", "Ольга", "Петровна"),
            "double": await add_client(s, "Петрова-Водкина", "Серафима"),
            "firm": await add_client(s, organisation="ООО Север", email="sever@example.org"),
            "apostrophe": await add_client(s, "Д'Артаньян", "Шарль"),
        }
    return {key: client.id for key, client in made.items()}


def who(people: dict[str, int], found: list[int]) -> set[str]:
    names = {v: k for k, v in people.items()}
    return {names[i] for i in found}


async def both(sessions: Sessions, query: str) -> set[int]:
    """What the ranked search and the client base's search find: always the same."""
    async with sessions() as s:
        ranked = set(await ids(s, query, limit=50))
        listed = {r.id for r in (await list_clients(s, ClientFilter(search=query))).rows}
    assert ranked == listed, query
    return ranked


# --------------------------------------------------------------------------- parsing


def test_parse_query_words() -> None:
    assert parse_query("Петрова С").words == ((("петрова", False), ("с", True)),)
    assert parse_query("С Петрова").words == ((("с", True),), (("петрова", True),))
    assert parse_query("иванова м п").words == ((("иванова", False), ("м", True), ("п", True)),)
    assert parse_query("Петрова-Водкина Се").words == (
        (("петрова", False), ("водкина", False), ("се", True)),
    )
    assert parse_query("Семёнова О").words == ((("семенова", False), ("о", True)),)
    # Not for the word index: no initial, only initials, digits, punctuation, e-mail.
    for query in ("петрова", "петрова светлана", "п с", "петрова 916", "maria.iv m", "Петрова -"):
        assert parse_query(query).words == (), query


# --------------------------------------------------------------------------- finding


async def test_surname_and_initial_in_either_order(
    sessions: Sessions, people: dict[str, int]
) -> None:
    assert who(people, list(await both(sessions, "Петрова С"))) == {"svetlana", "sofia"}
    assert who(people, list(await both(sessions, "петрова с"))) == {"svetlana", "sofia"}
    assert who(people, list(await both(sessions, "С Петрова"))) == {
        "svetlana", "sofia", "anna", "double"
    }  # fmt: skip
    assert who(people, list(await both(sessions, "Петрова Со"))) == {"sofia"}
    assert who(people, list(await both(sessions, "Петрова С А"))) == {"sofia"}
    assert who(people, list(await both(sessions, "Петров С"))) == {"petrov"}
    assert who(people, list(await both(sessions, "Иван П"))) == {"ivan"}
    assert who(people, list(await both(sessions, "Петрова Ф"))) == set()
    # A longer word on its own is a word start, as typed so far.
    assert who(people, list(await both(sessions, "с петро"))) == {
        "svetlana", "sofia", "anna", "petrov", "double", "semenova"
    }  # fmt: skip


async def test_surname_and_initial_ranks_name_starts_first(
    sessions: Sessions, people: dict[str, int]
) -> None:
    async with sessions() as s:
        hits = await search_clients(s, "Петрова С")
    assert [h.client_id for h in hits] == [people["svetlana"], people["sofia"]]
    assert {h.match for h in hits} == {search.MatchKind.PREFIX}


async def test_double_surnames_organisations_and_apostrophes(
    sessions: Sessions, people: dict[str, int]
) -> None:
    assert who(people, list(await both(sessions, "Петрова-Водкина С"))) == {"double"}
    assert who(people, list(await both(sessions, "петрова водкина с"))) == {"double"}
    assert who(people, list(await both(sessions, "Водкина С"))) == {"double"}
    assert who(people, list(await both(sessions, "ООО С"))) == {"firm"}
    assert who(people, list(await both(sessions, "Д'Артаньян Ш"))) == {"apostrophe"}


async def test_yo_and_ye(sessions: Sessions, people: dict[str, int]) -> None:
    assert who(people, list(await both(sessions, "Семенова О"))) == {"semenova"}
    assert who(people, list(await both(sessions, "СЕМЁНОВА о"))) == {"semenova"}
    assert who(people, list(await both(sessions, "О Семён"))) == {"semenova"}
    async with sessions.begin() as s:
        await add_client(s, "Королева", "Алёна")
    async with sessions() as s:
        assert len(await ids(s, "Королева Ал")) == 1
        assert len(await ids(s, "К Алена")) == 1
        assert len(await ids(s, "королёва а")) == 1


@pytest.mark.parametrize(
    "query",
    ['"', "*", "Петрова -", "AND", "Петрова AND", "Петрова С AND", "С OR Петрова",
     'Петрова "С', 'Петрова С"', "Петрова С*", "Петрова ^С", "NEAR(Петрова С)", "Петрова NOT",
     "names: Петрова", "- С", "(", "Петрова (С", "'", "Д'", "Петрова С'", "\\ С",
     "Петрова\\ С", "+", "Петрова + С", "Петрова С:*", "Петрова <-> С", "С & Петрова",
     "!С Петрова", "%", "_ Петрова", "ё Ё", "И И И И", "Петрова С С С С С"],
)  # fmt: skip
async def test_no_input_is_an_error(sessions: Sessions, people: dict[str, int], query: str) -> None:
    found = await both(sessions, query)
    assert found <= set(people.values())
    async with sessions() as s:
        page = await list_clients(s, ClientFilter(search=query, city="Москва"))
    assert page.rows == []


# --------------------------------------------------------------------------- kept in step


async def test_edits_and_deletes_are_reflected(sessions: Sessions, people: dict[str, int]) -> None:
    async with sessions.begin() as s:
        client = await s.get_one(Client, people["svetlana"])
        client.last_name = "Кузнецова"
        client.refresh_name()
    assert who(people, list(await both(sessions, "Кузнецова С"))) == {"svetlana"}
    assert who(people, list(await both(sessions, "Петрова С"))) == {"sofia"}
    assert who(people, list(await both(sessions, "С Кузнецова"))) == {"svetlana"}

    async with sessions.begin() as s:  # an edit that leaves the name alone
        client = await s.get_one(Client, people["svetlana"])
        client.city = "Тверь"
    assert who(people, list(await both(sessions, "Кузнецова С"))) == {"svetlana"}

    async with sessions.begin() as s:
        await s.delete(await s.get_one(Client, people["sofia"]))
    assert who(people, list(await both(sessions, "Петрова С"))) == set()
    assert who(people, list(await both(sessions, "С Петрова"))) == {"anna", "double"}

    async with sessions.begin() as s:  # raw SQL writers too
        await s.execute(
            text(
                "UPDATE clients SET name = 'Орлова Анна Сергеевна',"
                " name_key = 'орлова анна сергеевна' WHERE id = :id"
            ),
            {"id": people["anna"]},
        )
        await s.execute(delete(Client).where(Client.id == people["petrov"]))
    assert who(people, list(await both(sessions, "Орлова А"))) == {"anna"}
    assert who(people, list(await both(sessions, "С Петров"))) == {"double", "semenova"}
    async with sessions.begin() as s:
        await s.execute(
            text(
                "UPDATE clients SET organisation = 'ЗАО Юг', name = 'ЗАО Юг',"
                " name_key = 'зао юг' WHERE id = :id"
            ),
            {"id": people["firm"]},
        )
    assert who(people, list(await both(sessions, "ЗАО Ю"))) == {"firm"}
    assert who(people, list(await both(sessions, "ООО С"))) == set()


# --------------------------------------------------------------------------- the index


async def test_answered_by_the_word_index(engine: AsyncEngine, people: dict[str, int]) -> None:
    dialect = engine.dialect.name
    sub = matching_ids(dialect, "Петрова С", limit=20)
    assert sub is not None
    async with engine.connect() as conn:
        compiled = select(sub.c.id).compile(
            conn.sync_connection, compile_kwargs={"literal_binds": True}
        )
        if dialect == "sqlite":
            plan = " ".join(
                str(r[-1]) for r in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            )
            assert "VIRTUAL TABLE INDEX" in plan and "client_search_words" in plan
            assert "SCAN clients" not in plan
        else:
            await conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(r[0]) for r in await conn.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "ix_client_search_words_words" in plan


async def _word_index(engine: AsyncEngine) -> list[Any]:
    """What the word index holds, comparable between databases."""
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            await conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE temp.words_vocab"
                " USING fts5vocab(main, client_search_words, instance)"
            )
            rows = await conn.exec_driver_sql("SELECT doc, term, col, offset FROM temp.words_vocab")
        else:
            rows = await conn.exec_driver_sql(
                "SELECT client_id, words::text FROM client_search_words"
            )
        return sorted(tuple(r) for r in rows.all())


async def test_bulk_index_equals_what_the_triggers_write(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """storage.search keeps a copy of migration 0003's text for bulk loads: a database
    seeded with the per-row triggers must have the very same word index."""
    if not db_url.startswith("sqlite"):
        other = None
    else:
        copy = tmp_path / "triggers.db"
        shutil.copyfile(db_url.removeprefix("sqlite+aiosqlite:///"), copy)
        other = f"sqlite+aiosqlite:///{copy}"

    async def seeded(url: str, *, triggers: bool) -> list[Any]:
        engine = create_engine(url)
        try:
            with monkeypatch.context() as patch:
                if triggers:

                    async def plain(conn: Any, write: Any) -> None:
                        await write()

                    patch.setattr("storage.seed.bulk_index", plain)
                await seed_database(engine, clients=200, seed=3)
            return await _word_index(engine)
        finally:
            await engine.dispose()

    bulk = await seeded(db_url, triggers=False)
    assert bulk
    if other is not None:
        assert bulk == await seeded(other, triggers=True)
        return
    # PostgreSQL: the bulk path calls the function the trigger calls; recompute it.
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("DELETE FROM client_search_words")
            await conn.exec_driver_sql("UPDATE clients SET name = name")
        assert await _word_index(engine) == bulk
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- migration


async def test_migration_downgrades_and_upgrades_again(
    engine: AsyncEngine, sessions: Sessions, people: dict[str, int]
) -> None:
    def down(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0002")

    def schema(connection: Connection) -> tuple[set[str], set[str]]:
        inspector = inspect(connection)
        return set(inspector.get_table_names()), {
            i["name"] for i in inspector.get_indexes("clients") if i["name"]
        }

    async with engine.begin() as conn:
        await conn.run_sync(down)
        tables, indexes = await conn.run_sync(schema)
    assert await current_revision(engine) == "0002"
    assert "client_search_words" not in tables and "client_search" in tables
    assert "ix_clients_status_city" not in indexes
    async with sessions.begin() as s:  # writes with the 0003 triggers gone
        await add_client(s, "Петрова", "Серафима")
        await s.delete(await s.get_one(Client, people["sofia"]))

    await upgrade_database(engine)  # rebuilds the word index from the rows
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        tables, indexes = await conn.run_sync(schema)
    assert "client_search_words" in tables
    # 0003's (status, city) index came back and went again with 0007's, which replace it.
    assert "ix_clients_status_city" not in indexes and FILTER in indexes
    assert len(await both(sessions, "Петрова С")) == 2  # Светлана, the new Серафима
    assert people["sofia"] not in await both(sessions, "С Петрова")
