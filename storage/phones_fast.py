"""A shortcut through `phonenumbers` for text that is already E.164.

Imports, exports and the seed handle every client phone, and `phonenumbers.parse` is most of the
cost (figures in docs/performance.md). An E.164 string needs no parsing: its country code
is one of a known set of 1-3 digit prefixes and the rest is the national number. Anything
the shortcut is not sure of (a leading zero, an unknown prefix, an invalid number) goes the
long way through `storage.phones`, so results never differ
(`tests/test_xlsx_validation.py` checks them against each other).

Checking validity and the national format are the other costs (mostly looking up and
compiling the same few patterns again): `normalize_fast` and
`national_fast` do what `is_valid_number` and `format_number(..., NATIONAL)` do for a plain
number (no extension, no leading zero) with each country's patterns compiled once, in the
same order and with the same rules (see `_Region`).

It re-implements part of phonenumbers over its metadata, so it is used only on the
phonenumbers release series it was written for (`WRITTEN_FOR`) and unless switched off
(`storage.shortcuts`); otherwise every function here is `storage.phones`' own.
"""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple

import phonenumbers
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    PhoneMetadata,
    PhoneNumber,
)

from storage import shortcuts
from storage.phones import format_national, normalize_phone, phone_digits

NAME: Final = "phonenumbers-e164"
WRITTEN_FOR: Final = {"phonenumbers": "9.0"}


def usable() -> bool:
    return shortcuts.usable(NAME, WRITTEN_FOR)


_E164: Final = re.compile(r"\+[1-9]\d{6,14}")
# What phonenumbers replaces in a format with the national prefix rule ("\1" → "8 (\1)").
_FIRST_GROUP: Final = re.compile(r"(\\\d)")


def _split(e164: str) -> tuple[int, str] | None:
    """Country code and national number of a well-formed E.164 string, when certain."""
    if not _E164.fullmatch(e164):
        return None
    digits = e164[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if not national or national[0] == "0":
                return None
            return code, national
    return None


def _number(e164: str) -> PhoneNumber | None:
    split = _split(e164)
    if split is None:
        return None
    return PhoneNumber(country_code=split[0], national_number=int(split[1]))


class _Desc(NamedTuple):
    lengths: frozenset[int]  # empty: any length
    pattern: re.Pattern[str]

    def matches(self, national: str) -> bool:
        """phonenumbers' `_is_number_matching_desc`."""
        if self.lengths and len(national) not in self.lengths:
            return False
        return self.pattern.fullmatch(national) is not None


def _desc(desc: Any) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return _Desc(frozenset(desc.possible_length), re.compile(desc.national_number_pattern))


class _Region(NamedTuple):
    """What `is_valid_number` looks at for one region of a country code.

    A number is valid when the region `region_code_for_number` picks (the only one, else
    the first whose leading digits match or that knows the number's type) knows its type:
    the general description matches, and one of premium rate, toll free, shared cost, VoIP,
    personal, pager, UAN, voicemail, fixed line, or mobile (checked only when its pattern
    differs from the fixed line's) does (`_number_type_helper` != UNKNOWN).
    """

    leading: re.Pattern[str] | None
    general: _Desc | None
    kinds: tuple[_Desc, ...]
    code_matches: bool  # the region really belongs to this country code

    def knows(self, national: str) -> bool:
        if self.general is None or not self.general.matches(national):
            return False
        return any(kind.matches(national) for kind in self.kinds)


_REGIONS: dict[int, tuple[_Region | None, ...]] = {}
_KINDS: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


def _regions(code: int) -> tuple[_Region | None, ...]:
    if code in _REGIONS:
        return _REGIONS[code]
    out: list[_Region | None] = []
    for region in COUNTRY_CODE_TO_REGION_CODE[code]:
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region.upper())
        if metadata is None:
            out.append(None)
            continue
        # Validity asks only whether any kind matches: the common kinds go first.
        descs = [metadata.fixed_line, *(getattr(metadata, name) for name in _KINDS)]
        if not metadata.same_mobile_and_fixed_line_pattern:
            descs.insert(0, metadata.mobile)
        try:
            matches = region == "001" or phonenumbers.country_code_for_valid_region(region) == code
        except Exception:  # phonenumbers raises a bare Exception for an unknown region
            matches = False
        out.append(
            _Region(
                re.compile(metadata.leading_digits) if metadata.leading_digits else None,
                _desc(metadata.general_desc),
                tuple(d for d in map(_desc, descs) if d is not None),
                matches,
            )
        )
    _REGIONS[code] = tuple(out)
    return _REGIONS[code]


def _is_valid(code: int, national: str) -> bool:
    """`phonenumbers.is_valid_number` for a number without extension or leading zero."""
    regions = _regions(code)
    if len(regions) == 1:
        only = regions[0]
        return only is not None and only.code_matches and only.knows(national)
    for region in regions:
        if region is None:
            continue
        if region.leading is not None:
            if region.leading.match(national):
                return region.code_matches and region.knows(national)
        elif region.knows(national):
            return region.code_matches
    return False


def normalize_fast(raw: str, region: str) -> str | None:
    """`storage.phones.normalize_phone`, quicker when `raw` is already E.164."""
    split = _split(raw) if usable() else None
    if split is not None and _is_valid(*split):
        return raw
    return normalize_phone(raw, region)


class _Format(NamedTuple):
    leading: re.Pattern[str] | None  # the most detailed leading-digits pattern
    pattern: re.Pattern[str]
    template: str  # the national format, national prefix rule applied


_FORMATS: dict[int, list[_Format] | None] = {}


def _formats(code: int) -> list[_Format] | None:
    """A country's national formats, in phonenumbers' order; None when it has no metadata."""
    if code in _FORMATS:
        return _FORMATS[code]
    region = phonenumbers.region_code_for_country_code(code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    formats: list[_Format] | None = None
    if metadata is not None:
        formats = []
        for fmt in metadata.number_format:
            template, pattern = fmt.format, fmt.pattern
            if template is None or pattern is None:
                formats = None  # never in phonenumbers' metadata: let it handle that
                break
            if fmt.national_prefix_formatting_rule:
                template = _FIRST_GROUP.sub(fmt.national_prefix_formatting_rule, template, count=1)
            leading = fmt.leading_digits_pattern
            formats.append(
                _Format(re.compile(leading[-1]) if leading else None, re.compile(pattern), template)
            )
    _FORMATS[code] = formats
    return formats


def national_fast(e164: str) -> str:
    """`storage.phones.format_national`, quicker for a well-formed E.164 number."""
    split = _split(e164) if usable() else None
    formats = _formats(split[0]) if split is not None else None
    if split is None or formats is None:
        return format_national(e164)
    national = split[1]
    for fmt in formats:
        if (fmt.leading is None or fmt.leading.match(national)) and fmt.pattern.fullmatch(national):
            return fmt.pattern.sub(fmt.template, national)
    return national  # no format fits: phonenumbers gives the bare national number too


def search_digits_fast(e164: str) -> str:
    """`storage.clients.phone_search_digits` (international and national digits), with the
    national form from `national_fast`."""
    international = phone_digits(e164)
    national = phone_digits(national_fast(e164))
    if not national or national == international:
        return international
    return f"{international} {national}"
