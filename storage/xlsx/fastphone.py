"""A shortcut through `phonenumbers` for text that is already E.164.

Imports and exports handle every client phone, and `phonenumbers.parse` is most of the
cost (~36 µs of ~66 µs per number here). An E.164 string needs no parsing: its country code
is one of a known set of 1-3 digit prefixes and the rest is the national number. Anything
the shortcut is not sure of (a leading zero, an unknown prefix, an invalid number) goes the
long way through `storage.phones`, so results never differ
(`tests/test_xlsx_validation.py` checks them against each other).
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumber, PhoneNumberFormat

from storage.phones import format_national, normalize_phone, phone_digits

_E164: Final = re.compile(r"\+[1-9]\d{6,14}")


def _number(e164: str) -> PhoneNumber | None:
    digits = e164[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if not national or national[0] == "0":
                return None
            return PhoneNumber(country_code=code, national_number=int(national))
    return None


def normalize_fast(raw: str, region: str) -> str | None:
    """`storage.phones.normalize_phone`, quicker when `raw` is already E.164."""
    if _E164.fullmatch(raw):
        number = _number(raw)
        if number is not None and phonenumbers.is_valid_number(number):
            return raw
    return normalize_phone(raw, region)


def national_fast(e164: str) -> str:
    """`storage.phones.format_national`, quicker for a well-formed E.164 number."""
    number = _number(e164) if _E164.fullmatch(e164) else None
    if number is None:
        return format_national(e164)
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def search_digits_fast(e164: str) -> str:
    """`storage.clients.phone_search_digits` (international and national digits), with the
    national form from `national_fast`."""
    international = phone_digits(e164)
    national = phone_digits(national_fast(e164))
    if not national or national == international:
        return international
    return f"{international} {national}"
