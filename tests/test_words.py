"""The words of the Excel files and of the command line come from the console's catalog, in
both languages, and nothing a person reads is spelled by storage.

The screens' own catalog entries are checked by tests/test_i18n.py; here: the words written
into and read from xlsx files (headers, sheet titles, words for stored codes), the import
and export reports, and what `opconsole` sub-commands print.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from string import Formatter
from typing import get_args

import pytest

from console.cli import main
from console.i18n import LANGUAGES, Language, catalog
from console.xlsx_words import SHEET_COLUMNS, import_lines, sheet_words
from storage.db import create_engine, make_sessionmaker
from storage.xlsx import CODE_GROUPS, import_clients
from storage.xlsx.report import FileErrorCode, RowErrorCode
from tests.test_search import add_client
from tests.xlsx_support import IMPORT_WORDS, admin, speaking, write_sheet

# Prefixes of the keys this file covers (the screens' keys are tests/test_i18n.py's).
FILE_AND_CLI_PREFIXES = ("xlsx.", "word.", "cli.")

# The client sheet's header row as exports write it: files out there are read back by
# imports and by people, so a change here is a change to an interface.
CLIENT_HEADERS: dict[str, list[str]] = {
    "en": [
        "Client", "Phones", "Phones (national)", "Birthday", "Email", "City", "Status",
        "Activity", "Completed orders", "False orders", "Unpaid debt", "Blacklisted",
        "Blacklist reason", "Tariff", "Registered at", "Comment", "Kind", "Last name",
        "First name", "Middle name", "Organisation", "Street", "House", "Entrance",
        # what the card holds besides (issue 14, item 11)
        "Balance", "Bonus balance", "Credit limit", "Discount, %", "Rating", "Employer",
        "On the company's account", "Whose phones",
        "Addresses (label | city | street | house | bldg | entrance | floor | apt | note)",
    ],
    "ru": [
        "Клиент", "Телефоны", "Телефоны (местный формат)", "Дата рождения", "Email", "Город",
        "Статус", "Активность", "Выполнено заказов", "Ложных заказов", "Долг", "Черный список",
        "Причина", "Тариф", "Дата регистрации", "Комментарий", "Тип клиента", "Фамилия", "Имя",
        "Отчество", "Организация", "Улица", "Дом", "Подъезд",
        "Баланс", "Бонусный баланс", "Кредитный лимит", "Скидка, %", "Рейтинг", "Работодатель",
        "За счёт компании", "Чьи телефоны",
        "Адреса (метка | город | улица | дом | корп. | подъезд | этаж | кв. | прим.)",
    ],
}  # fmt: skip


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def _file_and_cli_keys() -> list[str]:
    return [key for key in catalog() if key.startswith(FILE_AND_CLI_PREFIXES)]


@pytest.mark.parametrize("key", _file_and_cli_keys())
def test_every_file_and_command_line_text_is_in_both_languages(key: str) -> None:
    texts = catalog()[key]
    assert all(texts.get(language, "").strip() for language in LANGUAGES), texts
    # The same blanks to fill: a sentence that drops one loses what it reports.
    assert _fields(texts["en"]) == _fields(texts["ru"]), texts


def test_every_code_column_and_reason_storage_reports_has_words() -> None:
    every = catalog()
    wanted = [f"word.{group}.{code}" for group, codes in CODE_GROUPS.items() for code in codes]
    for sheet, columns in SHEET_COLUMNS.items():
        wanted.append(f"xlsx.{sheet}.title")
        wanted.extend(f"xlsx.{sheet}.col.{key}" for key in columns)
    wanted.extend(f"xlsx.reason.{code}" for code in get_args(RowErrorCode))
    wanted.extend(f"xlsx.file.{code}" for code in get_args(FileErrorCode))
    assert [key for key in wanted if key not in every] == []
    # ...and no header is left over for a column that is gone.
    headers = {key for key in every if ".col." in key and key.startswith("xlsx.")}
    assert headers <= set(wanted)


@pytest.mark.parametrize("language", LANGUAGES)
def test_client_sheet_headers_are_the_ones_files_out_there_carry(language: Language) -> None:
    words = sheet_words("clients", language)
    assert [words.headers[key] for key in SHEET_COLUMNS["clients"]] == CLIENT_HEADERS[language]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_refused_word_suggests_the_catalogs_words(db_url: str, tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "c.xlsx", [["ФИО", "Телефон", "Статус"], ["Иванов", "+79161234567", "Космос"]]
    )
    engine = create_engine(db_url)
    try:
        report = await import_clients(
            make_sessionmaker(engine), path, actor=admin("t"), words=IMPORT_WORDS
        )
    finally:
        await engine.dispose()
    with speaking("ru"):
        (line, verdict) = import_lines(report)
    assert line == (
        "строка 2, Статус: 'Космос': неизвестное значение; допустимо: "
        "New, Regular, VIP, Inactive / Новый, Постоянный, VIP, Неактивный"
    )
    assert verdict == "c.xlsx: ошибок 1 в 1 строках; ничего не импортировано"


def _desk(db_url: str, tmp_path: Path, language: str) -> Path:
    async def run() -> None:
        engine = create_engine(db_url)
        try:
            async with make_sessionmaker(engine).begin() as session:
                await add_client(
                    session, "Иванова", "Мария", phones=["+79161234567"], status="regular",
                    city="Москва", street="Тверская", house="7", entrance="2",
                )  # fmt: skip
        finally:
            await engine.dispose()

    asyncio.run(run())
    config = tmp_path / f"{language}.toml"
    config.write_text(
        f'[database]\nurl = "{db_url}"\n\n[ui]\nlanguage = "{language}"\n', encoding="utf-8"
    )
    return config


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_clients_find_speaks_the_desks_language(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ru = _desk(db_url, tmp_path, "ru")
    en = tmp_path / "en.toml"
    en.write_text(ru.read_text("utf-8").replace('"ru"', '"en"'), encoding="utf-8")
    capsys.readouterr()

    assert main(["--config", str(ru), "clients", "find", "8 916 123-45-67"]) == 0
    shown = capsys.readouterr().out
    assert "Иванова Мария" in shown and "Постоянный" in shown
    assert "адрес:    Тверская, 7, под. 2" in shown

    assert main(["--config", str(en), "clients", "find", "8 916 123-45-67"]) == 0
    shown = capsys.readouterr().out
    assert "Regular" in shown and "address:  Тверская, 7, entrance 2" in shown

    assert main(["--config", str(ru), "clients", "find", "+79161234567", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["status"] == "regular"  # codes, not words, for programs
    assert document["address"] == "Тверская, 7, под. 2"

    assert main(["--config", str(ru), "clients", "find", "12"]) == 1
    assert "не телефон клиента" in capsys.readouterr().err
