"""Dates as people type them in filters and dialogs: 22.11.2026 or 2026-11-22 (or
22/11/2026), whatever the interface language."""

from __future__ import annotations

from datetime import date, datetime

_PATTERNS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")


def parse_date(text: str) -> date | None:
    """The date typed, or None when it is not (yet) one."""
    text = text.strip()
    for pattern in _PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_day(text: str) -> date | bool | None:
    """A filter's day: None when the field is empty (no bound), False while it is being
    typed (keep the last filter), else the date."""
    if not text.strip():
        return None
    day = parse_date(text)
    return False if day is None else day
