"""`opconsole clients import --create-tariffs` (one desk's export into a brand-new
database) and `opconsole clients merge`, run in-process on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import AuditEntry, Call, Client, ClientPhone, Tariff
from tests.test_xlsx_cli import config, count, opconsole, query
from tests.test_xlsx_export import _empty_twin


def test_one_desks_export_imports_into_a_new_database_with_create_tariffs(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path / "config.toml", db_url)
    assert opconsole(cfg, "db", "seed", "--clients", "120") == 0
    exported = tmp_path / "base.xlsx"
    assert opconsole(cfg, "clients", "export", str(exported)) == 0
    used = sorted(
        name
        for (name,) in query(
            db_url, select(Tariff.name).join(Client, Client.tariff_id == Tariff.id).distinct()
        )
    )
    assert used

    new_url = asyncio.run(_empty_twin(db_url, tmp_path / "new.db"))  # `db upgrade` only
    try:
        new_cfg = config(tmp_path / "new.toml", new_url)
        capsys.readouterr()
        # Without the flag: every unknown tariff once, the hint, nothing written.
        assert opconsole(new_cfg, "clients", "import", str(exported), "--as", "Ольга") == 1
        err = capsys.readouterr().err.splitlines()
        listed = [line for line in err if line.startswith("tariffs this database does not have")]
        assert len(listed) == 1 and all(name in listed[0] for name in used)
        assert "to create them with the import, pass --create-tariffs" in err
        assert err[-1] == "base.xlsx: unknown tariffs; nothing imported"
        assert not any(line.startswith("row ") for line in err)
        assert count(new_url, Client) == 0 and count(new_url, Tariff) == 0

        argv = ["clients", "import", str(exported), "--create-tariffs", "--as", "Ольга"]
        assert opconsole(new_cfg, *argv) == 0
        out = capsys.readouterr().out
        assert "tariffs created: " + ", ".join(used) in out or all(n in out for n in used)
        assert "imported 120 rows: created 120" in out
        assert count(new_url, Client) == 120
        names = sorted(n for (n,) in query(new_url, select(Tariff.name)))
        assert names == used
        # The same clients with the same tariffs, by phone.
        old = dict(
            query(
                db_url,
                select(ClientPhone.e164, Tariff.name)
                .join(Client, Client.id == ClientPhone.client_id)
                .outerjoin(Tariff, Tariff.id == Client.tariff_id),
            )
        )
        new = dict(
            query(
                new_url,
                select(ClientPhone.e164, Tariff.name)
                .join(Client, Client.id == ClientPhone.client_id)
                .outerjoin(Tariff, Tariff.id == Client.tariff_id),
            )
        )
        assert new == old
        created = query(new_url, select(AuditEntry.actor).where(AuditEntry.action == "tariff_add"))
        assert {a for (a,) in created} == {"Ольга"}
    finally:
        if new_url.startswith("postgresql"):
            from tests.support import pg_admin

            asyncio.run(pg_admin.drop_database(new_url))


def test_merge_from_the_command_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path / "config.toml", db_url, actor=None)
    assert opconsole(cfg, "db", "seed", "--clients", "30") == 0
    ids = [i for (i,) in query(db_url, select(Client.id).order_by(Client.id))]
    survivor, other = ids[0], ids[1]
    calls_before = count(db_url, Call)
    their_calls = len(query(db_url, select(Call.id).where(Call.client_id == other)))
    capsys.readouterr()

    assert opconsole(cfg, "clients", "merge", str(survivor), str(other), "--dry-run", "--json") == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["merged"] is False
    assert preview["survivor"]["id"] == survivor and preview["other"]["id"] == other
    assert preview["moves"]["calls"] == their_calls
    assert {d["kept"] for d in preview["differences"]} <= {"survivor", "other"}
    assert count(db_url, Client) == 30

    # Changing data needs a name: refused in one line without --as or [cli] actor.
    assert opconsole(cfg, "clients", "merge", str(survivor), str(other)) == 2
    assert "--as" in capsys.readouterr().err

    assert opconsole(cfg, "clients", "merge", str(survivor), str(other), "--as", "Ольга") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("merged ") and f"(#{other}) into " in out[0]
    assert count(db_url, Client) == 29 and count(db_url, Call) == calls_before
    assert len(query(db_url, select(Call.id).where(Call.client_id == survivor))) >= their_calls

    assert opconsole(cfg, "clients", "merge", str(survivor), str(other), "--as", "Ольга") == 1
    assert capsys.readouterr().err.strip() == f"opconsole: no client #{other}"
