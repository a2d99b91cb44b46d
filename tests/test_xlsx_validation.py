"""Pure parts of the xlsx import: header names, yes/no words, the E.164 shortcut, the
compact structures that keep an import's memory flat, the quick sheet reader."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from storage import phones_fast
from storage.clients import phone_search_digits
from storage.phones import format_national, normalize_phone
from storage.phones_fast import national_fast, normalize_fast, search_digits_fast
from storage.xlsx.reader import SheetReader
from storage.xlsx.spill import IntMap, Spill
from tests.xlsx_support import SPELLINGS


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
    assert SPELLINGS.field_for(header) == field


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
    assert SPELLINGS.code_for("bool", text) == code


def test_status_words_in_both_languages() -> None:
    assert SPELLINGS.code_for("status", "Постоянный") == "regular"
    assert SPELLINGS.code_for("status", "vip") == "vip"
    assert SPELLINGS.code_for("kind", "Юрлицо") == "corporate"


@pytest.mark.skipif(not phones_fast.usable(), reason="phones_fast is off: nothing to compare")
def test_e164_shortcut_agrees_with_storage_phones() -> None:
    rng = random.Random(7)
    numbers = [f"+{rng.randint(10**6, 10**14)}" for _ in range(3000)]
    numbers += [f"+7{rng.randint(10**9, 10**10 - 1)}" for _ in range(3000)]
    numbers += ["+74951234567", "+78121234567", "+390612345678", "+4930123456", "+12025550123"]
    numbers += [  # every country code, so every region's patterns and multi-region rules
        f"+{code}{rng.randint(10**5, 10**11)}"
        for code in COUNTRY_CODE_TO_REGION_CODE
        for _ in range(25)
    ]
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


def _strip(values: tuple[object, ...]) -> tuple[object, ...]:
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return values[:end]


def _openpyxl_rows(path: Path, min_row: int) -> list[tuple[int, tuple[object, ...]]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    rows = [
        (number, _strip(tuple(values)))
        for number, values in enumerate(ws.iter_rows(values_only=True), 1)
        if number >= min_row and any(v is not None for v in values)
    ]
    wb.close()
    return rows


def _quick_rows(path: Path) -> list[tuple[int, tuple[object, ...]]]:
    reader = SheetReader(path, SPELLINGS)
    try:
        return [(number, _strip(values)) for number, values in reader.rows()]
    finally:
        reader.close()


def test_quick_reader_reads_what_openpyxl_reads(tmp_path: Path, library_shortcuts: bool) -> None:
    """Inline strings (plain, rich text, blank, spaces kept), shared strings, numbers,
    dates, booleans, formulas, row gaps: the values openpyxl reads, at the sheet's rows
    (through openpyxl's internals, and through its public API with them switched off)."""
    inline = tmp_path / "inline.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    rich = CellRichText("Иван ", TextBlock(InlineFont(b=True), "Иванов"), " ok")
    ws.append(["ФИО", "Телефон", "Дата", "Сумма"])
    ws.append([rich, "+79161234567", datetime(2024, 5, 6, 7, 8), 12.5])
    ws.append([])
    ws.append(["  пробелы  ", 89161234567, "", 3])
    wb.save(inline)
    shared = tmp_path / "shared.xlsx"  # normal mode: shared strings, styles, booleans
    wb = Workbook()
    sheet = wb.active
    sheet.append(["ФИО", "Телефон", "Дата рождения", "Черный список", "Сумма"])
    sheet.append(["Иванов Иван", "+79161234567", date(1985, 3, 15), True, "=1+1"])
    sheet["A5"] = "Петров"
    sheet["C5"] = datetime(2020, 1, 2, 3, 4, 5)
    sheet["E5"] = -1.5e-3
    wb.save(shared)
    libreoffice = Path(__file__).parent / "fixtures" / "xlsx" / "clients_libreoffice.xlsx"
    for path in (inline, shared, libreoffice):
        assert _quick_rows(path) == _openpyxl_rows(path, 2), path
    got = _quick_rows(inline)
    assert got[0] == (2, ("Иван Иванов ok", "+79161234567", datetime(2024, 5, 6, 7, 8), 12.5))
    assert got[1][0] == 4 and got[1][1][0] == "  пробелы  "
    assert [n for n, _ in _quick_rows(shared)] == [2, 5]
