"""Database paths are what they say, whatever folder a command runs in.

A relative SQLite path in a config is taken from the config file's folder, so `db seed` in
one folder and `clients find` in another use one database; the default database is an
absolute path in the user's data directory; messages name the file by its absolute path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli import main
from console.config import load_settings


def desk_config(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n[ui]\nlanguage = "en"\n', encoding="utf-8")
    return path


def test_relative_sqlite_path_is_the_config_folders_from_any_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = desk_config(tmp_path / "etc", "sqlite+aiosqlite:///data/desk.db")
    expected = tmp_path / "etc" / "data" / "desk.db"
    said = []
    for cwd in (tmp_path / "one", tmp_path / "two" / "deeper"):
        cwd.mkdir(parents=True)
        monkeypatch.chdir(cwd)
        assert main(["--config", str(config), "db", "upgrade"]) == 0
        said.append(capsys.readouterr().out.strip())
        assert not (cwd / "data").exists()  # nothing created beside the cwd
    assert expected.is_file()
    # Both runs opened the same file and say so by its absolute path.
    assert said[0] == said[1]
    assert said[0].startswith(f"database {expected} is at revision ")


def test_config_named_by_a_relative_path_anchors_the_database_to_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk_config(tmp_path / "etc", "sqlite+aiosqlite:///desk.db")
    monkeypatch.chdir(tmp_path)
    settings = load_settings("etc/config.toml", environ={})
    monkeypatch.chdir(tmp_path / "etc")  # what the process does later changes nothing
    assert settings.database.url == f"sqlite+aiosqlite:///{tmp_path / 'etc' / 'desk.db'}"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite:///:memory:",
        "postgresql+asyncpg://desk:pw@db.example/opconsole",
    ],
)
def test_other_urls_are_left_as_written(tmp_path: Path, url: str) -> None:
    config = desk_config(tmp_path / "etc", url)
    assert load_settings(str(config), environ={}).database.url == url


def test_home_relative_sqlite_path_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = desk_config(tmp_path / "etc", "sqlite+aiosqlite:///~/desk.db")
    url = load_settings(str(config), environ={}).database.url
    assert url == f"sqlite+aiosqlite:///{tmp_path / 'home' / 'desk.db'}"


def test_default_database_is_absolute_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0  # no config file: every default
    expected = tmp_path / "xdg-data" / "opconsole" / "opconsole.db"  # conftest's XDG_DATA_HOME
    assert expected.is_file()
    # (in the default language, Russian: «база данных …: версия схемы …»)
    assert capsys.readouterr().out.startswith(f"база данных {expected}: версия схемы ")


def test_a_database_that_cannot_be_opened_is_named_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = desk_config(tmp_path / "etc", "sqlite+aiosqlite:///blocked/desk.db")
    (tmp_path / "etc" / "blocked").write_text("a file where the folder should be")
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(config), "db", "upgrade"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert f"{tmp_path / 'etc' / 'blocked' / 'desk.db'}" in err
