"""`[database] journal_dir`: where calls wait while the database is away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from console.config import load_settings
from console.desk_writes import journal_path


def test_the_journal_defaults_to_the_users_data_directory() -> None:
    settings = load_settings(None, {})
    data_home = Path(os.environ["XDG_DATA_HOME"])  # the tests' own (conftest)
    assert settings.database.journal_dir == data_home / "opconsole" / "journal"
    assert journal_path(settings.database.journal_dir, "record").name == "record-journal.sqlite3"


def test_a_relative_journal_dir_is_next_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "etc" / "config.toml"
    config.parent.mkdir()
    config.write_text('[database]\njournal_dir = "spool"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not where the file is
    settings = load_settings(str(config), {})
    assert settings.database.journal_dir == (tmp_path / "etc" / "spool").resolve()
