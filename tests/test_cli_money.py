"""`opconsole clients money ID add|debit|correct|bonus-add|bonus-spend AMOUNT` and
`opconsole clients money ID history [--json]`: money moved by a named admin, one line for
every mistake, and the history as one JSON document."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.cli import main
from storage.clients import create_client
from storage.db import create_engine, make_sessionmaker
from storage.models import AccountOperation, AuditEntry


def _config(tmp_path: Path, url: str, extra: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n\n[ui]\nlanguage = "en"\n{extra}', "utf-8")
    return str(path)


def _run(url: str, job: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with make_sessionmaker(engine).begin() as session:
                return await job(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def a_client(url: str) -> int:
    async def job(session: Any) -> int:
        values = {"last_name": "Иванова", "first_name": "Мария"}
        return (await create_client(session, values, ["+79161234567"], actor="t")).id

    return int(_run(url, job))


def operations(url: str) -> list[tuple[str, str, str, str]]:
    async def job(session: Any) -> list[tuple[str, str, str, str]]:
        found = await session.scalars(select(AccountOperation).order_by(AccountOperation.id))
        return [(o.kind, str(o.amount), o.operator, o.comment) for o in found]

    return list(_run(url, job))


def test_money_moves_by_a_named_admin_and_the_history_reads_back(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = str(a_client(db_url))
    cfg = _config(tmp_path, db_url, '\n[cli]\nactor = "Ирина"\n')
    money = ["--config", cfg, "clients", "money", client_id]
    assert main([*money, "add", "1000", "--comment", "перевод"]) == 0
    assert main([*money, "debit", "250.50", "--as", "Пётр"]) == 0
    assert main([*money, "correct", "-9.50"]) == 0
    assert main([*money, "bonus-add", "30"]) == 0
    assert main([*money, "bonus-spend", "10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Иванова Мария (#1): top-up RUB\u00a01,000.00; balance RUB\u00a01,000.00,"
        " bonus RUB\u00a00.00"
    ).replace("#1", f"#{client_id}")
    assert out[-1].endswith("balance RUB\u00a0740.00, bonus RUB\u00a020.00")
    assert operations(db_url) == [
        ("credit", "1000.00", "Ирина", "перевод"),
        ("debit", "-250.50", "Пётр", ""),
        ("correction", "-9.50", "Ирина", ""),
        ("bonus_credit", "30.00", "Ирина", ""),
        ("bonus_spend", "-10.00", "Ирина", ""),
    ]

    assert main([*money, "history", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["client_id"], doc["balance"], doc["bonus_balance"]) == (
        int(client_id),
        "740.00",
        "20.00",
    )
    assert [(o["kind"], o["amount"], o["operator"]) for o in doc["operations"]][:2] == [
        ("bonus_spend", "-10.00", "Ирина"),
        ("bonus_credit", "30.00", "Ирина"),
    ]
    assert set(doc["operations"][0]) == {"id", "kind", "amount", "comment", "operator", "at"}

    assert main([*money, "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Иванова Мария") and "balance RUB\u00a0740.00" in lines[0]
    assert lines[1].split() == ["when", "operation", "amount", "operator", "comment"]
    assert len(lines) == 2 + 5

    async def actors(session: Any) -> list[str]:
        stmt = select(AuditEntry.actor).where(AuditEntry.entity == "account_operation")
        return list((await session.scalars(stmt)).all())

    assert sorted(_run(db_url, actors)) == ["Ирина"] * 4 + ["Пётр"]


@pytest.mark.parametrize(
    ("args", "extra", "code", "line"),
    [
        (["add", "100"], "", 2, "say who makes this change: --as NAME"),
        (["add", "lots", "--as", "Ирина"], "", 2, "amount: not an amount: 'lots'"),
        (["add", "1.005", "--as", "Ирина"], "", 1, "amount: at most two decimal places"),
        (["debit", "-5", "--as", "Ирина"], "", 1, "amount: must be greater than zero"),
        (["correct", "0", "--as", "Ирина"], "", 1, "amount: a correction must not be zero"),
        (["bonus-spend", "5", "--as", "Ирина"], "", 1, "only 0.00 bonuses to spend"),
    ],
)
def test_money_mistakes_are_one_line_and_write_nothing(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    extra: str,
    code: int,
    line: str,
) -> None:
    client_id = str(a_client(db_url))
    capsys.readouterr()
    cfg = _config(tmp_path, db_url, extra)
    assert main(["--config", cfg, "clients", "money", client_id, *args]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and line in err, err
    assert operations(db_url) == []


def test_money_of_a_client_that_is_not_there(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path, db_url, '\n[cli]\nactor = "Ирина"\n')
    assert main(["--config", cfg, "clients", "money", "404", "add", "5"]) == 1
    assert main(["--config", cfg, "clients", "money", "404", "history"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["opconsole: no client #404 (see opconsole clients find PHONE)"] * 2


def test_importing_without_a_name_is_refused_in_one_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing needs an admin named by --as or [cli] actor, like every change."""
    cfg = _config(tmp_path, db_url)
    assert main(["--config", cfg, "clients", "import", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "say who makes this change" in err
