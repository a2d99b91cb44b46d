"""Amounts as forms show them and as people type them, in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from console.i18n import fmt_amount, fmt_money, language, parse_money, set_language


@pytest.fixture(params=["en", "ru"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    before = language()
    set_language(request.param)
    yield request.param
    set_language(before)


@pytest.mark.parametrize("amount", ["0", "0.5", "1234.5", "-1234567.89", "30000"])
def test_what_a_form_shows_reads_back_and_matches_the_card(lang: str, amount: str) -> None:
    value = Decimal(amount)
    shown = fmt_amount(value)
    assert parse_money(shown) == value
    assert shown in fmt_money(value)  # the card's text, with the currency around it


@pytest.mark.parametrize(
    ("typed", "en", "ru"),
    [
        ("1 234,50", "1234.50", "1234.50"),
        ("1234.50", "1234.50", "1234.50"),
        ("1,234.50", "1234.50", "1234.50"),
        ("1.234,50", "1234.50", "1234.50"),
        ("1,5", "1.5", "1.5"),
        ("1,500", "1500", "1.500"),  # thousands in English, a decimal comma in Russian
        ("-5", "-5", "-5"),
        ("500 ₽", "500", "500"),
        ("RUB 500", "500", "500"),
    ],
)
def test_what_people_type(lang: str, typed: str, en: str, ru: str) -> None:
    assert parse_money(typed) == Decimal(en if lang == "en" else ru)


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "1e5", "--5", "5-"])
def test_what_is_not_an_amount(lang: str, typed: str) -> None:
    assert parse_money(typed) is None
