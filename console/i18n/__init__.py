"""Every string people read, in English and Russian, and locale formatting of numbers,
money, dates and durations.

Strings live in catalog modules, one per feature, each defining
``CATALOG: dict[str, dict[Language, str]]`` with every key in both languages side by side
(so a missing translation shows in review, and `tests/test_i18n.py` fails on it).

To add a catalog: create ``console/i18n/<feature>.py`` with a ``CATALOG`` like
``console/i18n/common.py`` (keys prefixed ``<feature>.``), then append
``"console.i18n.<feature>"`` to ``CATALOG_MODULES`` below. Keys must be unique across
catalogs: a duplicate is an error at start-up, not a silent override.

The language is process-wide (one console = one operator): ``set_language`` once at start.
Times are shown in the machine's local zone unless ``set_timezone`` says otherwise (tests
pin it so snapshots do not depend on where they run).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Final, Literal, cast

Language = Literal["en", "ru"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "ru")
Catalog = Mapping[str, Mapping[Language, str]]

# The registry: every catalog module, merged in this order. Add yours here.
CATALOG_MODULES: Final[list[str]] = [
    "console.i18n.common",
    "console.i18n.dispatcher",
    "console.i18n.clients",
    "console.i18n.board",
    "console.i18n.transfer",
    "console.i18n.xlsx",
    "console.i18n.cli",
    "console.i18n.cli_tariffs",
    "console.i18n.client_base",
    "console.i18n.outage",
    "console.i18n.textual",
    "console.i18n.ringing",
    "console.i18n.supervise",
    "console.i18n.places",
    "console.i18n.money",
    "console.i18n.wallboard",
    "console.i18n.companies",
    "console.i18n.call_backs",
]

NBSP: Final = "\u00a0"

_language: Language = "ru"
_timezone: tzinfo | None = None


class CatalogError(Exception):
    """A catalog is malformed: a duplicate key or a missing translation."""


@cache
def catalog() -> dict[str, Mapping[Language, str]]:
    """All catalogs merged; raises CatalogError on duplicates so nothing is shadowed."""
    merged: dict[str, Mapping[Language, str]] = {}
    for name in CATALOG_MODULES:
        module = importlib.import_module(name)
        entries = cast(Catalog, module.CATALOG)
        for key, texts in entries.items():
            if key in merged:
                raise CatalogError(f"{name}: key {key!r} is already defined by another catalog")
            merged[key] = texts
    return merged


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    _language = language


def language() -> Language:
    return _language


def set_timezone(tz: tzinfo | None) -> None:
    """Zone for shown times; None means the machine's local zone."""
    global _timezone
    _timezone = tz


def timezone() -> tzinfo | None:
    """The zone times are shown in (None: the machine's local zone), for whatever else
    writes wall-clock times for people to read (an exported file)."""
    return _timezone


def tr(key: str, **kw: object) -> str:
    """The text for `key` in the current language, with `{placeholders}` filled from kw.

    An unknown key comes back as itself, so a slip shows on screen instead of crashing a
    dispatcher's shift (the catalog test catches it before that)."""
    texts = catalog().get(key)
    if texts is None:
        return key
    text = texts.get(_language) or texts.get("en") or key
    return text.format(**kw) if kw else text


# --- numbers and money ------------------------------------------------------------------


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


def fmt_number(value: int | float | Decimal, places: int | None = None) -> str:
    """1 234 567 (ru, no-break spaces) or 1,234,567 (en); `places` fixes the decimals."""
    number = Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, frac = text.partition(".")
    thousands, point = (NBSP, ",") if _language == "ru" else (",", ".")
    grouped = _group(whole, thousands)
    return f"{sign}{grouped}{point}{frac}" if frac else f"{sign}{grouped}"


def fmt_money(amount: Decimal) -> str:
    """«1 234,50 ₽» in Russian, «RUB 1,234.50» in English."""
    number = fmt_number(amount, places=2)
    return f"{number}{NBSP}₽" if _language == "ru" else f"RUB{NBSP}{number}"


def fmt_amount(amount: Decimal) -> str:
    """An amount as a form shows it: the number of `fmt_money` without the currency
    («1 234,50» in Russian, «1,234.50» in English), so a form and the card agree."""
    return fmt_number(amount, places=2)


_GROUPED_EN = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_money(text: str) -> Decimal | None:
    """What a person typed as an amount -> Decimal (negative allowed); None if not one.

    Takes what `fmt_amount` shows in either language and what people type besides:
    «1 234,50», «1234.50», «1,234.50», «-5», with or without «₽»/«RUB». A lone comma is the
    decimal point, except in English where «1,234» groups thousands."""
    cleaned = text.replace(NBSP, "").replace(" ", "").replace("₽", "").replace("RUB", "")
    sign = ""
    if cleaned.startswith("-"):
        sign, cleaned = "-", cleaned[1:]
    if "," in cleaned and "." in cleaned:
        point = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if point == "," else ",", "").replace(",", ".")
    elif "," in cleaned:
        grouped = _language != "ru" and _GROUPED_EN.match(cleaned)
        cleaned = cleaned.replace(",", "" if grouped else ".")
    if not cleaned or not all(c.isdigit() or c == "." for c in cleaned):
        return None
    try:
        value = Decimal(sign + cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def fmt_address(street: str, house: str, entrance: str) -> str:
    """Street, house and entrance as one line: «Тверская, 7, под. 2» / "Tverskaya, 7,
    entrance 2"; parts that are empty are left out."""
    door = tr("card.entrance", entrance=entrance) if entrance else ""
    return ", ".join(part for part in (street, house, door) if part)


# --- time ---------------------------------------------------------------------------------


def to_local(value: datetime) -> datetime:
    """`value` in the zone times are shown in."""
    return value.astimezone(_timezone) if value.tzinfo else value


def fmt_date(value: date | datetime) -> str:
    """22.11.2026 (ru) or 2026-11-22 (en)."""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d.%m.%Y") if _language == "ru" else value.isoformat()


def fmt_time(value: datetime) -> str:
    """HH:MM in the shown zone: both languages use the 24-hour clock at a desk."""
    return to_local(value).strftime("%H:%M")


def fmt_datetime(value: datetime) -> str:
    return f"{fmt_date(value)} {fmt_time(value)}"


def fmt_duration(seconds: float) -> str:
    """m:ss under an hour, h:mm:ss beyond; never negative."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
