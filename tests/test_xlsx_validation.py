"""Pure parts of the xlsx import: header names, yes/no words, the E.164 shortcut."""

from __future__ import annotations

import random

import pytest

from storage.phones import format_national, normalize_phone
from storage.xlsx.fastphone import national_fast, normalize_fast
from storage.xlsx.headers import client_field_for
from storage.xlsx.labels import code_for


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
    assert valid > 500  # enough real numbers compared, not just rejects
    assert normalize_fast("8 (916) 123-45-67", "RU") == "+79161234567"
