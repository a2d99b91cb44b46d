"""Tariffs managed by supervisors and admins: added, renamed, retired (kept by the clients
that have it, offered no more), in storage and through `opconsole tariffs`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console.cli import main
from storage.clients import get_or_create_client_for_call, set_tariff
from storage.db import create_engine, make_sessionmaker
from storage.errors import InvalidChange, NotAllowed, NotFound
from storage.models import AuditEntry, Client, OperatorRole, Tariff
from storage.roles import Actor
from storage.tariffs import add_tariff, list_tariffs, rename_tariff, set_tariff_active

Sessions = async_sessionmaker[AsyncSession]
Attempt = Callable[[AsyncSession], Awaitable[object]]
ADMIN = Actor("Ирина", OperatorRole.ADMIN)
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_a_dispatcher_cannot_manage_tariffs(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await add_tariff(session, "Комфорт", actor=ADMIN)
    dispatcher = Actor("Анна")
    attempts: list[Attempt] = [
        lambda s: add_tariff(s, "Эконом", actor=dispatcher),
        lambda s: rename_tariff(s, "Комфорт", "Комфорт+", actor=dispatcher),
        lambda s: set_tariff_active(s, "Комфорт", False, actor=dispatcher),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="Анна \\(dispatcher\\) may not manage tariffs"):
            async with sessions.begin() as session:
                await attempt(session)
    async with sessions() as session:
        rows = await list_tariffs(session)
    assert [(r.name, r.active) for r in rows] == [("Комфорт", True)]


async def test_a_retired_tariff_stays_on_its_clients_and_is_offered_no_more(
    sessions: Sessions,
) -> None:
    supervisor = Actor("Ольга", OperatorRole.SUPERVISOR)
    async with sessions.begin() as session:
        comfort = await add_tariff(session, "Комфорт", actor=supervisor, description="седан")
        await add_tariff(session, "Эконом", actor=supervisor)
    created = await get_or_create_client_for_call(
        sessions, "+79161234567", caller_name="Иванова Мария", region="RU", registered_by="x", at=T0
    )
    assert created is not None
    client_id = created[0]
    async with sessions.begin() as session:
        await set_tariff(session, client_id, comfort.id, "Ольга")
        await set_tariff_active(session, "комфорт", False, actor=supervisor)

    async with sessions() as session:
        offered = await list_tariffs(session, retired=False)
        everything = await list_tariffs(session)
        client = await session.get(Client, client_id)
        trail = (
            await session.scalars(select(AuditEntry).where(AuditEntry.entity == "tariff"))
        ).all()
    assert [r.name for r in offered] == ["Эконом"]
    assert [(r.name, r.active, r.clients) for r in everything] == [
        ("Комфорт", False, 1),
        ("Эконом", True, 0),
    ]
    assert client is not None and client.tariff_id == comfort.id
    assert [(e.action, e.actor) for e in trail] == [
        ("tariff_add", "Ольга"),
        ("tariff_add", "Ольга"),
        ("tariff_retire", "Ольга"),
    ]
    with pytest.raises(InvalidChange, match="not active"):
        async with sessions.begin() as session:
            await set_tariff(session, client_id, None, "Ольга")
            await set_tariff(session, client_id, comfort.id, "Ольга")


async def test_names_are_unique_in_any_case_and_never_empty(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await add_tariff(session, "Комфорт", actor=ADMIN)
        await add_tariff(session, "Бизнес", actor=ADMIN)
    attempts: list[tuple[Attempt, str]] = [
        (lambda s: add_tariff(s, "  комфорт ", actor=ADMIN), "'Комфорт' already exists"),
        (lambda s: add_tariff(s, "   ", actor=ADMIN), "needs a name"),
        (lambda s: rename_tariff(s, "Бизнес", "КОМФОРТ", actor=ADMIN), "already exists"),
    ]
    for attempt, error in attempts:
        with pytest.raises(InvalidChange, match=error):
            async with sessions.begin() as session:
                await attempt(session)
    with pytest.raises(NotFound):
        async with sessions.begin() as session:
            await rename_tariff(session, "Люкс", "Премиум", actor=ADMIN)


# --- the command line --------------------------------------------------------------------


def _config(tmp_path: Path, url: str, extra: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n\n[ui]\nlanguage = "en"\n{extra}', "utf-8")
    return str(path)


def _tariffs(url: str) -> list[tuple[Any, ...]]:
    async def run() -> list[tuple[Any, ...]]:
        engine = create_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                stmt = select(Tariff.name, Tariff.active).order_by(Tariff.name)
                return [tuple(r) for r in (await session.execute(stmt)).all()]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_tariffs_cli_end_to_end(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path, db_url, '\n[cli]\nactor = "Ирина"\n')
    assert main(["--config", cfg, "tariffs", "list"]) == 0
    assert "no tariffs yet" in capsys.readouterr().out

    assert main(["--config", cfg, "tariffs", "add", "Комфорт"]) == 0
    assert main(["--config", cfg, "tariffs", "add", "Эконом", "--as", "Пётр"]) == 0
    assert main(["--config", cfg, "tariffs", "rename", "комфорт", "Комфорт+"]) == 0
    assert main(["--config", cfg, "tariffs", "retire", "Эконом"]) == 0
    out = capsys.readouterr().out
    assert "tariff Комфорт is now Комфорт+" in out
    assert "tariff Эконом retired: its 0 clients keep it, it is offered no more" in out

    assert main(["--config", cfg, "tariffs", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "1   Комфорт+  0        offered",
        "2   Эконом    0        retired",
    ]

    assert main(["--config", cfg, "tariffs", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(t["name"], t["active"], t["clients"]) for t in listed] == [
        ("Комфорт+", True, 0),
        ("Эконом", False, 0),
    ]
    assert _tariffs(db_url) == [("Комфорт+", True), ("Эконом", False)]

    async def actors() -> list[str]:
        engine = create_engine(db_url)
        try:
            async with make_sessionmaker(engine)() as session:
                stmt = select(AuditEntry.actor).order_by(AuditEntry.id)
                return list((await session.scalars(stmt)).all())
        finally:
            await engine.dispose()

    assert asyncio.run(actors()) == ["Ирина", "Пётр", "Ирина", "Ирина"]


@pytest.mark.parametrize(
    ("args", "config_extra", "code", "line"),
    [
        (["add", "Комфорт"], "", 2, "say who makes this change: --as NAME"),
        (["retire", "Люкс", "--as", "Ирина"], "", 1, "no tariff 'Люкс'"),
        (["add", "  ", "--as", "Ирина"], "", 1, "name: a tariff needs a name"),
    ],
)
def test_tariffs_cli_refusals_are_one_line(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    config_extra: str,
    code: int,
    line: str,
) -> None:
    cfg = _config(tmp_path, db_url, config_extra)
    assert main(["--config", cfg, "tariffs", *args]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and line in err, err
    assert _tariffs(db_url) == []
