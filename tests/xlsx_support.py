"""What the xlsx tests share: a real workbook written from rows, as a person would save it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_sheet(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
