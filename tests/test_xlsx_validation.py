"""Pure parts of the xlsx import: header names, yes/no words, the E.164 shortcut, the
compact structures that keep an import's memory flat, the quick sheet reader."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from storage.clients import phone_search_digits
from storage.phones import format_national, normalize_phone
from storage.xlsx.fastphone import national_fast, normalize_fast, search_digits_fast
from storage.xlsx.headers import client_field_for
from storage.xlsx.labels import code_for
from storage.xlsx.reader import SheetReader
from storage.xlsx.spill import IntMap, Spill


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ФИО", "name"),
        ("  Ф.И.О. ", "name"),
        ("Фамилия", "last_name"),
        ("Организация", "organisation"),
        ("Телефон", "phones"),
        ("Телефоны", "phones"),
        ("Phone 2", "phones"),
        ("Моб. телефон", "phones"),
        ("Телефоны (местный формат)", "phones_national"),
        ("E-mail", "email"),
        ("Почта", "email"),
        ("ЧЁРНЫЙ СПИСОК", "blacklisted"),
        ("Черный список", "blacklisted"),
        ("Blacklist reason", "blacklist_reason"),
        ("Дата рождения", "birthday"),
        ("Тариф", "tariff"),
        ("Статус", "status"),
        ("Активность", "activity"),
        ("Что-то ещё", None),
        (None, None),
    ],
)
def test_headers(header: str | None, field: str | None) -> None:
    assert client_field_for(header) == field


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("да", "yes"),
        ("Нет", "no"),
        ("YES", "yes"),
        ("1", "yes"),
        ("0", "no"),
        ("x", "yes"),
        ("true", "yes"),
        ("False", "no"),
        ("может быть", None),
    ],
)
def test_yes_no(text: str, code: str | None) -> None:
    assert code_for("bool", text) == code


def test_status_words_in_both_languages() -> None:
    assert code_for("status", "Постоянный") == "regular"
    assert code_for("status", "vip") == "vip"
    assert code_for("kind", "Юрлицо") == "corporate"


def test_e164_shortcut_agrees_with_storage_phones() -> None:
    rng = random.Random(7)
    numbers = [f"+{rng.randint(10**6, 10**14)}" for _ in range(3000)]
    numbers += [f"+7{rng.randint(10**9, 10**10 - 1)}" for _ in range(3000)]
    numbers += ["+74951234567", "+78121234567", "+390612345678", "+4930123456", "+12025550123"]
    valid = 0
    for number in numbers:
        e164 = normalize_phone(number, "RU")
        assert normalize_fast(number, "RU") == e164, number
        if e164 is not None:
            valid += 1
            assert national_fast(e164) == format_national(e164), e164
            assert search_digits_fast(e164) == phone_search_digits(e164), e164
    assert valid > 500  # enough real numbers compared, not just rejects
    assert normalize_fast("8 (916) 123-45-67", "RU") == "+79161234567"


def test_intmap_agrees_with_a_dict() -> None:
    rng = random.Random(11)
    imap, plain = IntMap(4), dict[int, int]()
    keys = [rng.randrange(10**14) for _ in range(20_000)] + list(
        range(79_160_000_000, 79_160_003_000)
    )
    for row, key in enumerate(keys * 2):
        assert imap.setdefault(key, row) == plain.setdefault(key, row)
    assert len(imap) == len(plain)
    assert all(imap.get(key) == value for key, value in plain.items())
    assert imap.get(12345) is None and imap.get(0) is None
    with pytest.raises(ValueError):
        imap.setdefault(-1, 0)


def test_spill_gives_back_what_was_written() -> None:
    chunks = [
        [(i, f"строка {i}", None, (1, 2)) for i in range(start, start + 3)] for start in (0, 3)
    ]
    with Spill() as spill:
        for chunk in chunks:
            spill.write(chunk)
        spill.write([])
        assert spill.count == 6
        assert list(spill.chunks()) == chunks
        assert list(spill.chunks()) == chunks  # read again from the start


def test_quick_reader_reads_what_openpyxl_reads(tmp_path: Path) -> None:
    """Inline strings (plain, rich text, blank, spaces kept), numbers, dates, row gaps."""
    path = tmp_path / "mixed.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    rich = CellRichText("Иван ", TextBlock(InlineFont(b=True), "Иванов"), " ok")
    ws.append(["ФИО", "Телефон", "Дата", "Сумма"])
    ws.append([rich, "+79161234567", None, 12.5])
    ws.append([])
    ws.append(["  пробелы  ", 89161234567, "", 3])
    wb.save(path)
    reader = SheetReader(path)
    ours = list(reader.rows())
    reader.close()
    theirs = load_workbook(path, read_only=True).worksheets[0]
    expected = [
        (number, tuple(values))
        for number, values in enumerate(theirs.iter_rows(min_row=2, values_only=True), 2)
        if any(v is not None for v in values)
    ]
    assert ours == expected
    assert ours[0] == (2, ("Иван Иванов ok", "+79161234567", None, 12.5))
    assert ours[1][0] == 4 and ours[1][1][0] == "  пробелы  "
