"""A user's mistake is one clear line and a non-zero exit, never a traceback, and nothing
is half-written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import main

ROOT = Path(__file__).resolve().parent.parent


def config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n\n[ui]\nlanguage = "en"\n', encoding="utf-8")
    return path


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPCONSOLE_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "console", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bad_config_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[ui]\npage_size = 0\n", encoding="utf-8")
    result = run_cli("--config", str(path), "db", "upgrade")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "ui.page_size" in result.stderr and str(path) in result.stderr


def test_db_upgrade_creates_the_sqlite_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "sub" / "desk.db"
    assert (
        main(["--config", str(config(tmp_path, f"sqlite+aiosqlite:///{db}")), "db", "upgrade"]) == 0
    )
    assert db.exists()
    assert "is at revision" in capsys.readouterr().out


def test_unreachable_postgresql_is_one_line_without_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+asyncpg://u:pa55word@127.0.0.1:1/none"
    assert main(["--config", str(config(tmp_path, url)), "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("opconsole: ") and err.count("\n") == 1
    assert "pa55word" not in err
    assert "cannot reach the database server" in err


def test_a_russian_desk_reads_the_database_failure_in_russian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+asyncpg://u:pa55word@127.0.0.1:1/none"
    path = config(tmp_path, url)
    path.write_text(path.read_text(encoding="utf-8").replace('"en"', '"ru"'), encoding="utf-8")
    assert main(["--config", str(path), "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("opconsole: сервер базы данных недоступен (postgresql+asyncpg://u:")
    assert "@127.0.0.1:1/none): " in err and err.count("\n") == 1
    assert "pa55word" not in err and "cannot reach" not in err


def test_corrupt_sqlite_file_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "corrupt.db"
    garbage = b"this is not a database" * 100
    db.write_bytes(garbage)
    assert (
        main(["--config", str(config(tmp_path, f"sqlite+aiosqlite:///{db}")), "db", "upgrade"]) == 1
    )
    err = capsys.readouterr().err
    assert "corrupt or not a database" in err and err.count("\n") == 1
    assert db.read_bytes() == garbage


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ro.db"
    cfg = config(tmp_path, f"sqlite+aiosqlite:///{db}")
    assert main(["--config", str(cfg), "db", "upgrade"]) == 0
    db.chmod(stat.S_IRUSR)
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert main(["--config", str(cfg), "clients", "find", "+79161234567"]) == 1
    finally:
        tmp_path.chmod(stat.S_IRWXU)
    assert capsys.readouterr().err.count("\n") == 1


def test_unparseable_database_url_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = config(tmp_path, "postgresql+asyncpg://user:pw@@@host:x:y/db")
    assert main(["--config", str(bad), "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "invalid database url" in err and err.count("\n") == 1
    assert ":pw@" not in err


def test_unknown_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["nonsense"])
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_seeding_a_desk_with_clients_is_refused_in_the_desk_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make demo` after a pull under a Russian desk printed the refusal in English."""
    path = tmp_path / "config.toml"
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    path.write_text(f'[database]\nurl = "{url}"\n\n[ui]\nlanguage = "ru"\n', encoding="utf-8")
    assert main(["--config", str(path), "db", "upgrade"]) == 0
    assert main(["--config", str(path), "db", "seed", "--clients", "30"]) == 0
    assert "добавлено клиентов: 30" in capsys.readouterr().out
    assert main(["--config", str(path), "db", "seed", "--clients", "30"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "opconsole: в базе данных уже есть клиенты (30): заполняйте пустую базу или"
        " добавьте --append"
    )
