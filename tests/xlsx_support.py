"""What the xlsx tests share: a real workbook written from rows, as a person would save it,
and the words the console hands storage for its files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook

from console import i18n
from console.xlsx_words import import_words, sheet_words
from storage.models import OperatorRole
from storage.roles import Actor
from storage.xlsx.labels import Spellings

IMPORT_WORDS: Final = import_words()


def admin(name: str) -> Actor:
    """Who imports in a test: importing needs a supervisor or an admin."""
    return Actor(name, OperatorRole.ADMIN)


SPELLINGS: Final = Spellings(IMPORT_WORDS)

__all__ = ["IMPORT_WORDS", "SPELLINGS", "sheet_words", "speaking", "write_sheet"]


@contextmanager
def speaking(language: i18n.Language) -> Iterator[None]:
    """The console's language for what is worded inside, restored after."""
    before = i18n.language()
    i18n.set_language(language)
    try:
        yield
    finally:
        i18n.set_language(before)


def write_sheet(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
