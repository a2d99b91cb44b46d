"""Phone numbers at the boundary: every form people and PBXs use, table by table."""

from __future__ import annotations

import pytest

from storage.clients import phone_search_digits
from storage.phones import (
    DialFormat,
    NumberKind,
    classify_number,
    format_display,
    format_for_dial,
    format_national,
    normalize_phone,
    phone_digits,
)

# (raw, default region, E.164)
PHONES = [
    # Russia: the four forms the issue names, and what people and PBXs add around them.
    ("89161234567", "RU", "+79161234567"),
    ("+7 916 123-45-67", "RU", "+79161234567"),
    ("79161234567", "RU", "+79161234567"),
    ("9161234567", "RU", "+79161234567"),
    ("8 (916) 123-45-67", "RU", "+79161234567"),
    ("8-916-123-45-67", "RU", "+79161234567"),
    ("+7(916)1234567", "RU", "+79161234567"),
    ("  +7 916 123 45 67  ", "RU", "+79161234567"),
    ("84957654321", "RU", "+74957654321"),
    ("8 (495) 765-43-21", "RU", "+74957654321"),
    ("sip:89161234567@pbx.local", "RU", "+79161234567"),
    ("tel:+79161234567", "RU", "+79161234567"),
    ("+79161234567", "US", "+79161234567"),
    # United Kingdom
    ("07911 123456", "GB", "+447911123456"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("+44 20 7946 0958", "GB", "+442079460958"),
    ("00442079460958", "RU", "+442079460958"),
    # United States
    ("(202) 555-0123", "US", "+12025550123"),
    ("+1 202-555-0123", "US", "+12025550123"),
    ("2025550123", "US", "+12025550123"),
    ("12025550123", "US", "+12025550123"),
    ("+1 (202) 555-0123", "RU", "+12025550123"),
    # Germany
    ("030 1234567", "DE", "+49301234567"),
    ("+49 30 1234567", "DE", "+49301234567"),
    ("+49 151 23456789", "RU", "+4915123456789"),
    # Ukraine
    ("044 123 4567", "UA", "+380441234567"),
    ("+380 44 123 4567", "UA", "+380441234567"),
    ("380441234567", "RU", "+380441234567"),
    # Kazakhstan shares +7 with Russia
    ("87012345678", "KZ", "+77012345678"),
    ("+7 701 234 5678", "RU", "+77012345678"),
    ("87012345678", "RU", "+77012345678"),
]

# (raw, kind): never a client's phone, so no client is ever created for them.
NOT_CLIENT_PHONES = [
    ("101", NumberKind.INTERNAL),
    ("12", NumberKind.INTERNAL),
    ("5000", NumberKind.INTERNAL),
    ("12345", NumberKind.INTERNAL),
    ("sip:101@pbx.local", NumberKind.INTERNAL),
    ("anonymous", NumberKind.WITHHELD),
    ("Anonymous", NumberKind.WITHHELD),
    ("unknown", NumberKind.WITHHELD),
    ("<unknown>", NumberKind.WITHHELD),
    ("", NumberKind.WITHHELD),
    ("   ", NumberKind.WITHHELD),
    (None, NumberKind.WITHHELD),
    ("withheld", NumberKind.WITHHELD),
    ("restricted", NumberKind.WITHHELD),
    ("private", NumberKind.WITHHELD),
    ("unavailable", NumberKind.WITHHELD),
    ("1", NumberKind.INVALID),
    ("123456", NumberKind.INVALID),
    ("abc", NumberKind.INVALID),
    ("+7 916", NumberKind.INVALID),
    ("8916123456789012345", NumberKind.INVALID),
]

# (E.164, dial format, region of the desk, what the PBX dials)
DIALLED: list[tuple[str, DialFormat, str, str]] = [
    ("+79161234567", "national", "RU", "89161234567"),
    ("+79161234567", "e164", "RU", "+79161234567"),
    ("+79161234567", "digits", "RU", "79161234567"),
    ("+74957654321", "national", "RU", "84957654321"),
    ("+77012345678", "national", "RU", "87012345678"),
    ("+442079460958", "national", "RU", "810442079460958"),
    ("+12025550123", "national", "RU", "81012025550123"),
    ("+442079460958", "national", "GB", "02079460958"),
    ("+442079460958", "e164", "GB", "+442079460958"),
    ("+442079460958", "digits", "GB", "442079460958"),
    ("+79161234567", "national", "GB", "0079161234567"),
    ("+12025550123", "national", "US", "2025550123"),
    ("+79161234567", "national", "US", "01179161234567"),
    ("+49301234567", "national", "DE", "0301234567"),
]


@pytest.mark.parametrize(("raw", "region", "e164"), PHONES)
def test_client_phone_forms_normalise_to_e164(raw: str, region: str, e164: str) -> None:
    number = classify_number(raw, region)
    assert number.kind is NumberKind.PHONE
    assert number.is_client_phone
    assert number.e164 == e164
    assert normalize_phone(raw, region) == e164


@pytest.mark.parametrize(("raw", "kind"), NOT_CLIENT_PHONES)
def test_not_client_phones(raw: str | None, kind: NumberKind) -> None:
    number = classify_number(raw, "RU")
    assert number.kind is kind
    assert not number.is_client_phone
    assert number.e164 is None
    assert normalize_phone(raw) is None


@pytest.mark.parametrize(("e164", "dial_format", "region", "dialled"), DIALLED)
def test_dial_formats(e164: str, dial_format: DialFormat, region: str, dialled: str) -> None:
    assert format_for_dial(e164, dial_format, region) == dialled


@pytest.mark.parametrize(
    ("e164", "digits"),
    [
        ("+79161234567", "79161234567 89161234567"),
        ("+74957654321", "74957654321 84957654321"),
        ("+442079460958", "442079460958 02079460958"),
        ("+12025550123", "12025550123 2025550123"),
        ("+49301234567", "49301234567 0301234567"),
    ],
)
def test_search_digits_hold_international_and_national_forms(e164: str, digits: str) -> None:
    assert phone_search_digits(e164) == digits


def test_display_forms() -> None:
    assert format_display("+79161234567") == "+7 916 123-45-67"
    assert format_national("+79161234567") == "8 (916) 123-45-67"
    assert phone_digits("+7 (916) 123-45-67") == "79161234567"
    assert format_display("not a number") == "not a number"
