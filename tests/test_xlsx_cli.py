"""`opconsole clients export | import`, `calls export`, `debts export` on real files.

The commands run in-process through `console.cli.main` (SQLite and, with
OPCONSOLE_TEST_PG_URL, PostgreSQL), and as a subprocess where a terminal or Ctrl-C matter.
"""

from __future__ import annotations

import asyncio
import csv
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from console.cli import main
from storage.db import create_engine, make_sessionmaker
from storage.models import Call, Client, ClientPhone, Debt, Tariff
from tests.xlsx_support import write_sheet

ROOT = Path(__file__).resolve().parent.parent


def config(path: Path, url: str, language: str = "en", actor: str | None = "tester") -> Path:
    """A desk's config; changes act as the admin `[cli] actor` names (None: nobody)."""
    cli = f'\n[cli]\nactor = "{actor}"\n' if actor is not None else ""
    path.write_text(f'[database]\nurl = "{url}"\n\n[ui]\nlanguage = "{language}"\n{cli}', "utf-8")
    return path


def query(url: str, stmt: Any) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                return list((await session.execute(stmt)).all())
        finally:
            await engine.dispose()

    return asyncio.run(run())


def count(url: str, model: Any) -> int:
    return int(query(url, select(func.count()).select_from(model))[0][0])


def sheet(path: Path) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """Header and data rows of an xlsx file."""
    wb = load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return list(rows[0]), rows[1:]


def opconsole(cfg: Path, *argv: str) -> int:
    return main(["--config", str(cfg), *argv])


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> tuple[Path, str]:
    cfg = config(tmp_path / "config.toml", db_url)
    assert opconsole(cfg, "db", "seed", "--clients", "300") == 0
    return cfg, db_url


def test_exports_from_the_command_line(
    seeded: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, url = seeded
    out = tmp_path / "out"
    out.mkdir()
    capsys.readouterr()

    assert opconsole(cfg, "clients", "export", str(out / "all.xlsx")) == 0
    assert capsys.readouterr().out.strip().startswith("all.xlsx: exported 300 rows")
    header, rows = sheet(out / "all.xlsx")
    assert header[:3] == ["Client", "Phones", "Phones (national)"] and len(rows) == 300
    # An export gets the permissions of any new file there (not the temporary file's 0600).
    probe = out / "probe"
    probe.touch()
    assert (out / "all.xlsx").stat().st_mode == probe.stat().st_mode

    blacklisted = query(url, select(Client.name).where(Client.blacklisted).order_by(Client.id))
    assert opconsole(cfg, "clients", "export", str(out / "bl.xlsx"), "--blacklisted", "yes") == 0
    header, rows = sheet(out / "bl.xlsx")
    assert [r[0] for r in rows] == [name for (name,) in blacklisted]
    assert {r[header.index("Blacklisted")] for r in rows} == {"Yes"}

    argv = ["--city", "Москва", "--search", "ова", "--blacklisted", "no"]
    assert opconsole(cfg, "clients", "export", str(out / "msk.xlsx"), *argv) == 0
    header, rows = sheet(out / "msk.xlsx")
    assert rows and all(r[header.index("City")] == "Москва" for r in rows)
    assert all("ова" in r[0].casefold().replace("ё", "е") for r in rows)
    assert {r[header.index("Blacklisted")] for r in rows} == {"No"}

    starts = sorted(s for (s,) in query(url, select(Call.started_at)))
    since, until = starts[len(starts) // 4], starts[3 * len(starts) // 4]
    answered = query(
        url,
        select(func.count())
        .select_from(Call)
        .where(Call.started_at >= since, Call.started_at < until, Call.disposition == "answered"),
    )[0][0]
    argv = ["--since", since.isoformat(), "--until", until.isoformat()]
    argv += ["--disposition", "answered"]
    assert opconsole(cfg, "calls", "export", str(out / "calls.xlsx"), *argv) == 0
    header, rows = sheet(out / "calls.xlsx")
    assert header[0] == "Started at" and len(rows) == answered > 0
    assert {r[header.index("Result")] for r in rows} == {"Answered"}

    paid = sorted(by for (by,) in query(url, select(Debt.paid_by).where(Debt.paid_at.is_not(None))))
    assert opconsole(cfg, "debts", "export", str(out / "paid.xlsx"), "--paid") == 0
    header, rows = sheet(out / "paid.xlsx")
    assert {r[header.index("State")] for r in rows} == {"Paid"}
    assert sorted(r[header.index("Closed by")] for r in rows) == paid and all(paid)
    assert all(isinstance(r[header.index("Paid at")], datetime) for r in rows)
    unpaid = count(url, Debt) - len(paid)
    assert opconsole(cfg, "debts", "export", str(out / "unpaid.xlsx"), "--unpaid") == 0
    header, rows = sheet(out / "unpaid.xlsx")
    assert len(rows) == unpaid and {r[header.index("State")] for r in rows} == {"Unpaid"}
    assert {r[header.index("Closed by")] for r in rows} == {None}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["all.xlsx", "bl.xlsx", "msk.xlsx", "calls.xlsx", "paid.xlsx", "unpaid.xlsx", "probe"]
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_to_an_unwritable_place_is_one_line(
    seeded: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, _ = seeded
    capsys.readouterr()
    assert opconsole(cfg, "clients", "export", str(tmp_path / "no" / "such" / "a.xlsx")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the file" in err and "database" not in err
    folder = tmp_path / "taken.xlsx"
    folder.mkdir()
    assert opconsole(cfg, "debts", "export", str(folder)) == 1
    assert "cannot write the file" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


HEADER = ["ФИО", "Телефон", "Почта", "Город", "Тариф", "Черный список", "Причина"]


def test_import_dry_run_no_update_and_update(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path / "config.toml", db_url)
    assert opconsole(cfg, "db", "seed", "--clients", "0") == 0  # tariffs only
    first = write_sheet(
        tmp_path / "first.xlsx",
        [
            HEADER,
            ["Иванов Иван", "8 916 123-45-67", "ivan@example.ru", "Москва", "Эконом", "нет", None],
            ["Петрова Анна", "+7 926 555-12-34", None, "Тверь", None, "да", "Не платит"],
        ],
    )
    capsys.readouterr()
    assert opconsole(cfg, "clients", "import", str(first), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run, nothing written: 2 rows, would create 2" in out
    assert count(db_url, Client) == 0

    assert opconsole(cfg, "clients", "import", str(first)) == 0
    assert "imported 2 rows: created 2, updated 0" in capsys.readouterr().out
    assert count(db_url, Client) == 2 and count(db_url, ClientPhone) == 2

    second = write_sheet(
        tmp_path / "second.xlsx",
        [
            ["ФИО", "Телефон", "Город"],
            [None, "+79161234567", "Казань"],
            ["Сидоров Олег", "+79030000000", "Казань"],
        ],
    )
    # «Don't update»: the existing client's row is reported and skipped, the new one goes in.
    assert opconsole(cfg, "clients", "import", str(second), "--no-update") == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("row 2: the phone +79161234567 belongs to existing client #")
    assert lines[0].endswith("; left as it is")
    assert lines[1] == "1 row(s) of existing clients skipped (updating is off)"
    assert "created 1, updated 0, unchanged 0" in lines[2]
    assert count(db_url, Client) == 3

    assert opconsole(cfg, "clients", "import", str(second)) == 0
    assert "created 0, updated 1, unchanged 1" in capsys.readouterr().out
    cities = query(
        db_url,
        select(Client.city).join(ClientPhone).where(ClientPhone.e164 == "+79161234567"),
    )
    assert cities == [("Казань",)]


def test_import_bad_rows_lists_every_one_and_writes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path / "config.toml", db_url)
    assert opconsole(cfg, "db", "seed", "--clients", "0") == 0
    bad = write_sheet(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            ["Хороший Клиент", "+79160000001", "a@b.ru", "Москва", "Эконом", "нет", None],
            ["Плохой Телефон", "12345", "not-an-email", None, "Космос", "может быть", None],
            ["Повтор", "8 (916) 000-00-01", None, None, None, None, None],
        ],
    )
    capsys.readouterr()
    assert opconsole(cfg, "clients", "import", str(bad)) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        "row 3, Почта: 'not-an-email': not an email address",
        "row 3, Черный список: 'может быть': unknown value; use one of: Yes, No / Да, Нет",
        "row 3, Телефон: '12345': an extension or a hidden number, not a client's phone",
        "row 4, Телефон: '8 (916) 000-00-01': the same phone is already on row 2",
        "tariffs this database does not have: Космос (rows: 1)",
        "to create them with the import, pass --create-tariffs",
        "bad.xlsx: 4 error(s) in 3 rows; nothing imported",
    ]
    assert count(db_url, Client) == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_unreadable_files_are_one_line_and_write_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path / "config.toml", db_url)
    good = write_sheet(tmp_path / "good.xlsx", [["ФИО", "Телефон"], ["А Б", "+79161234567"]])
    (tmp_path / "notes.xlsx").write_text("ФИО;Телефон\nИванов;89161234567\n", "utf-8")
    (tmp_path / "truncated.xlsx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (tmp_path / "zero.xlsx").write_bytes(b"")
    Workbook().save(tmp_path / "empty.xlsx")
    write_sheet(tmp_path / "noheader.xlsx", [["foo", "bar"], [1, 2]])
    expected = {
        "notes.xlsx": "not an Excel .xlsx workbook",
        "truncated.xlsx": "the workbook is damaged",
        "zero.xlsx": "not an Excel .xlsx workbook",
        "empty.xlsx": "the workbook has no rows",
        "noheader.xlsx": "no header row with a phone or name column",
        "missing.xlsx": "file not found",
    }
    capsys.readouterr()
    for name, reason in expected.items():
        for extra in ((), ("--dry-run",), ("--no-update",)):
            assert opconsole(cfg, "clients", "import", str(tmp_path / name), *extra) != 0
            captured = capsys.readouterr()
            assert captured.out == ""
            assert captured.err.count("\n") == 1, captured.err
            assert captured.err.startswith(f"opconsole: {name}: {reason}"), captured.err
    assert count(db_url, Client) == 0


def _snapshot(url: str) -> dict[tuple[str, ...], tuple[Any, ...]]:
    """Clients keyed by their phones: names, contacts, tariff, blacklist."""
    phones: dict[int, list[str]] = {}
    for client_id, e164 in query(url, select(ClientPhone.client_id, ClientPhone.e164)):
        phones.setdefault(client_id, []).append(e164)
    stmt = select(
        Client.id,
        Client.kind,
        Client.last_name,
        Client.first_name,
        Client.middle_name,
        Client.organisation,
        Client.email,
        Client.city,
        Client.birthday,
        Client.comment,
        Client.status,
        Client.blacklisted,
        Client.blacklist_reason,
        Tariff.name,
    ).outerjoin(Tariff, Tariff.id == Client.tariff_id)
    return {tuple(sorted(phones.get(cid, []))): tuple(rest) for cid, *rest in query(url, stmt)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_round_trip_through_the_command_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = config(tmp_path / "source.toml", db_url, language="ru")
    assert opconsole(source, "db", "seed", "--clients", "300") == 0
    exported = tmp_path / "база.xlsx"
    assert opconsole(source, "clients", "export", str(exported)) == 0
    empty_url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    target = config(tmp_path / "target.toml", empty_url)
    assert opconsole(target, "db", "seed", "--clients", "0") == 0  # the same tariffs
    capsys.readouterr()
    assert opconsole(target, "clients", "import", str(exported)) == 0
    assert "created 300, updated 0" in capsys.readouterr().out
    before, after = _snapshot(db_url), _snapshot(empty_url)
    assert len(after) == 300 and after == before
    assert sum(1 for v in after.values() if v[10]) > 0  # blacklisted clients came across


def _run(argv: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "OPCONSOLE_CONFIG"}
    return subprocess.Popen(
        [sys.executable, "-m", "console", *argv],
        cwd=ROOT,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kwargs,
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_progress_bar_on_a_terminal_and_ctrl_c(db_url: str, tmp_path: Path) -> None:
    cfg = config(tmp_path / "config.toml", db_url)
    assert opconsole(cfg, "db", "seed", "--clients", "4000") == 0
    out = tmp_path / "out"
    out.mkdir()

    # On a terminal: a progress bar on stderr, then the summary.
    leader, follower = pty.openpty()
    proc = _run(
        ["--config", str(cfg), "clients", "export", str(out / "all.xlsx")],
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    stdout = proc.communicate(timeout=120)[0]
    os.close(leader)
    assert proc.returncode == 0
    bar = shown.decode()
    assert "exporting [" in bar and "100% 4000/4000" in bar
    assert b"exported 4000 rows" in stdout

    # Ctrl-C while writing: exit 130, no file, no temporary file, no traceback.
    target = out / "cancelled.xlsx"
    proc = _run(
        ["--config", str(cfg), "clients", "export", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in out.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "export ended too soon"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)  # the file is being written
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr, stderr
    assert sorted(p.name for p in out.iterdir()) == ["all.xlsx"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_libreoffice_reads_an_export(db_url: str, tmp_path: Path) -> None:
    """LibreOffice opens an export: headers, text, dates and money as a person sees them."""
    cfg = config(tmp_path / "config.toml", db_url)
    assert opconsole(cfg, "db", "seed", "--clients", "20") == 0
    path = tmp_path / "clients.xlsx"
    assert opconsole(cfg, "clients", "export", str(path)) == 0
    converted = subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert converted.returncode == 0, converted.stderr
    with (tmp_path / "clients.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    assert header[:6] == ["Client", "Phones", "Phones (national)", "Birthday", "Email", "City"]
    assert len(data) == 20
    first = dict(zip(header, data[0], strict=True))
    assert first["Client"] == "Иванова Мария Петровна"
    assert first["Phones"].startswith("+79161234567")
    assert first["Phones (national)"].startswith("8 (916) 123-45-67")
    # Dates, times and money show as formatted: DD.MM.YYYY HH:MM and two decimals.
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", first["Registered at"])
    assert re.fullmatch(r"\d[\d,]*\.\d\d", first["Unpaid debt"])
    assert all(re.fullmatch(r"(\d\d\.\d\d\.\d{4})?", row[3]) for row in data)
