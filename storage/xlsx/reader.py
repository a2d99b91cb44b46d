"""Opening a workbook someone gives us, finding its header row and streaming its rows.

Every way a file can be unusable (missing, not a zip, a damaged zip, no sheets with a
recognisable header, no rows) becomes one `ImportFileError` with a line a dispatcher
understands; openpyxl's own exceptions never reach the caller. Read-only mode: rows are
parsed from the sheet XML as they are iterated, never loaded whole.

Speed: where `storage.xlsx.openpyxl_rows` may be used, rows come from openpyxl's own sheet
parser with a quicker reading of the common cells; otherwise from the read-only sheet's
`iter_rows`. `tests/test_xlsx_validation.py` checks that both give openpyxl's values.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from storage.xlsx import openpyxl_rows
from storage.xlsx.labels import Spellings
from storage.xlsx.report import ImportFileError

HEADER_SEARCH_ROWS = 10
_IDENTITY_FIELDS = frozenset(
    {"phones", "phones_national", "name", "last_name", "first_name", "organisation"}
)
# What openpyxl and zipfile raise for a damaged workbook, at open or while reading rows.
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    ParseError,
    EOFError,
    OSError,
)


@dataclass
class Layout:
    """Which column feeds which field; phones may come from several columns."""

    header_row: int  # 1-based sheet row of the header
    fields: dict[str, int] = field(default_factory=dict)  # field -> 0-based column index
    phone_columns: list[int] = field(default_factory=list)
    headers: dict[int, str] = field(default_factory=dict)  # column index -> header text
    ignored: list[str] = field(default_factory=list)

    def header(self, index: int) -> str:
        return self.headers.get(index) or get_column_letter(index + 1)


def _layout(
    row_number: int, values: tuple[Any, ...], path: Path, spellings: Spellings
) -> Layout | None:
    mapped: dict[int, str] = {}
    for index, value in enumerate(values):
        key = spellings.field_for(value)
        if key is not None:
            mapped[index] = key
    if not _IDENTITY_FIELDS & set(mapped.values()):
        return None
    layout = Layout(header_row=row_number)
    national: list[int] = []
    for index, value in enumerate(values):
        text = str(value).strip() if value is not None else ""
        if not text:
            continue
        layout.headers[index] = text
        key = mapped.get(index)
        if key is None:
            layout.ignored.append(text)
        elif key == "phones":
            layout.phone_columns.append(index)
        elif key == "phones_national":
            national.append(index)
        elif key in layout.fields:
            first = layout.headers[layout.fields[key]]
            raise ImportFileError("duplicate_column", path, f"{first!r}, {text!r}")
        else:
            layout.fields[key] = index
    # The export writes every phone twice (E.164 and national): read the national copy only
    # when it is all the file has.
    if layout.phone_columns:
        layout.ignored.extend(layout.headers[i] for i in national)
    else:
        layout.phone_columns = national
    return layout


def _sheet_rows(ws: Any, min_row: int = 1) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(sheet row number, values) of every row from `min_row` with a value, without the
    empty cells at its end."""
    if openpyxl_rows.usable():
        yield from openpyxl_rows.sheet_rows(ws, min_row)
        return
    ws.reset_dimensions()  # read what is there, whatever size another program wrote down
    for number, row in enumerate(ws.iter_rows(min_row=min_row, values_only=True), min_row):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        if end:
            yield number, tuple(row[:end])


class SheetReader:
    """Open `path`, find the header (named as `spellings` knows); then `rows()` yields
    (sheet row number, values)."""

    def __init__(self, path: Path, spellings: Spellings) -> None:
        self.path = path
        self._spellings = spellings
        if not path.is_file():
            raise ImportFileError("not_found", path)
        with path.open("rb") as fh:
            magic = fh.read(4)
        if magic[:2] != b"PK":
            raise ImportFileError("not_xlsx", path)
        try:
            self._wb = load_workbook(path, read_only=True, data_only=True)
        except InvalidFileException:
            raise ImportFileError("not_xlsx", path) from None
        except _BROKEN as exc:
            raise ImportFileError("corrupt", path, _short(exc)) from None
        try:
            self.layout, self._ws, self.estimated_rows = self._find_header()
        except ImportFileError:
            self.close()
            raise
        except _BROKEN as exc:
            self.close()
            raise ImportFileError("corrupt", path, _short(exc)) from None

    def _find_header(self) -> tuple[Layout, Any, int | None]:
        any_rows = False
        for ws in self._wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            # Only for the progress bar: `_sheet_rows` reads what is really there, whatever
            # the dimensions another program wrote say.
            estimate = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 1 else None
            seen = 0
            for number, values in _sheet_rows(ws):
                if not any(v is not None and str(v).strip() for v in values):
                    continue
                any_rows = True
                layout = _layout(number, values, self.path, self._spellings)
                if layout is not None:
                    return layout, ws, (estimate - number) if estimate else None
                seen += 1
                if seen >= HEADER_SEARCH_ROWS:
                    break
        raise ImportFileError("no_header" if any_rows else "empty", self.path)

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        start = self.layout.header_row + 1
        try:
            yield from _sheet_rows(self._ws, start)
        except _BROKEN as exc:
            raise ImportFileError("corrupt", self.path, _short(exc)) from None

    def other_sheets(self) -> Iterator[tuple[str, Iterator[tuple[int, tuple[Any, ...]]]]]:
        """(title, rows) of every sheet but the clients' (a client export's companies)."""
        for ws in self._wb.worksheets:
            if ws is not self._ws and hasattr(ws, "iter_rows"):
                yield ws.title, _sheet_rows(ws)

    def close(self) -> None:
        self._wb.close()


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
