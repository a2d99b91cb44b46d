"""Phone numbers at the boundary: whatever a PBX, a person or a spreadsheet gives us becomes
E.164, or is recognised as not being a client's phone at all.

Pure functions over `phonenumbers`; no database. Both the call tracker (injected by the
wiring layer) and the storage queries use them, so a number means the same everywhere.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

DialFormat = Literal["national", "e164", "digits"]

# What Asterisk and carriers put in CallerIDNum when there is no number to show.
_WITHHELD: Final = frozenset(
    {
        "",
        "anonymous",
        "unknown",
        "<unknown>",
        "restricted",
        "private",
        "withheld",
        "unavailable",
        "null",
        "s",
        "<null>",
        "anonymous@anonymous.invalid",
    }
)
_INTERNAL = re.compile(r"^\d{2,5}$")
_DIGITS = re.compile(r"\D+")
_URI_SCHEME = re.compile(r"^(?:sips?|tel):", re.IGNORECASE)


class NumberKind(StrEnum):
    PHONE = "phone"  # a real outside number, normalised to E.164
    INTERNAL = "internal"  # an extension (2-5 digits): a colleague or a desk number
    WITHHELD = "withheld"  # the caller hid the number, or the PBX does not know it
    INVALID = "invalid"  # something, but not a number anybody can call back


@dataclass(frozen=True, slots=True)
class ClassifiedNumber:
    kind: NumberKind
    raw: str
    e164: str | None = None

    @property
    def is_client_phone(self) -> bool:
        return self.kind is NumberKind.PHONE


def classify_number(raw: str | None, region: str = "RU") -> ClassifiedNumber:
    """Decide what a caller ID or a typed number is, and its E.164 form if it is a phone."""
    text = (raw or "").strip()
    if text.lower() in _WITHHELD:
        return ClassifiedNumber(NumberKind.WITHHELD, text)
    if _URI_SCHEME.match(text) or "@" in text:
        # sip:89161234567@pbx, sips:…, tel:+79161234567: the user part is the number.
        text = _URI_SCHEME.sub("", text).split("@", 1)[0]
    compact = re.sub(r"[\s\-().]", "", text)
    if _INTERNAL.match(compact):
        return ClassifiedNumber(NumberKind.INTERNAL, text)
    e164 = _to_e164(compact, region)
    if e164 is None:
        return ClassifiedNumber(NumberKind.INVALID, text)
    return ClassifiedNumber(NumberKind.PHONE, text, e164)


def normalize_phone(raw: str | None, region: str = "RU") -> str | None:
    """E.164 for a client's phone; None for extensions, withheld and invalid numbers."""
    return classify_number(raw, region).e164


# A number is classified several times on its way (the ring, the card, the call log) and
# the same callers call back all day; parsing and checking one is phonenumbers' dearest
# call on the ring path (docs/performance.md, session 5).
@functools.lru_cache(maxsize=8192)
def _to_e164(compact: str, region: str) -> str | None:
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not re.fullmatch(r"\+?\d{6,17}", compact):
        return None
    candidates = [compact] if compact.startswith("+") else [compact, "+" + compact]
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, None if candidate.startswith("+") else region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return None


def format_for_dial(e164: str, dial_format: DialFormat, region: str = "RU") -> str:
    """The string the PBX dials for a client: config `phone.dial_format` decides."""
    if dial_format == "e164":
        return e164
    if dial_format == "digits":
        return e164.lstrip("+")
    number = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(number) != region:
        # A foreign number dialled "nationally" from here needs the international prefix.
        # Only digits (and a leading +) may reach the PBX: the formatter adds spaces,
        # dashes, parentheses and "~" (wait for a second dial tone, as in 8~10…).
        dialled = phonenumbers.format_out_of_country_calling_number(number, region)
        prefix = "+" if dialled.startswith("+") else ""
        return prefix + _DIGITS.sub("", dialled)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return _DIGITS.sub("", national)


def format_display(e164: str) -> str:
    """Human form for screens and exports, e.g. +7 916 123-45-67."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def format_national(e164: str) -> str:
    """National form as people there write it, e.g. 8 (916) 123-45-67."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def phone_digits(text: str) -> str:
    """Only the digits: what search-as-you-type matches phone numbers on."""
    return _DIGITS.sub("", text)
