"""Opening a workbook someone gives us, finding its header row and streaming its rows.

Every way a file can be unusable (missing, not a zip, a damaged zip, no sheets with a
recognisable header, no rows) becomes one `ImportFileError` with a line a dispatcher
understands; openpyxl's own exceptions never reach the caller. Read-only mode: rows are
parsed from the sheet XML as they are iterated, never loaded whole.

Speed: rows come from openpyxl's own sheet parser (`WorkSheetParser`, as
`ReadOnlyWorksheet.iter_rows` uses it, openpyxl 3.1) with a quicker `parse_cell` for the
common cells: an inline string (what openpyxl's write-only mode and so our exports write
for every text) is read as its text directly, where openpyxl builds a rich-text object
per cell to take the text out of it (about a third of the reading time). Row numbers are
the sheet's own, also where another program left rows out. `tests/test_xlsx_validation.py`
checks that the values are openpyxl's.
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
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser, _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

from storage.xlsx.labels import Spellings
from storage.xlsx.report import ImportFileError

HEADER_SEARCH_ROWS = 10
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_QUICK_TYPES = frozenset({"inlineStr", "n", "s"})
_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}  # "AB" -> 28
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


class _ValuesParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser with a quicker `parse_cell` for the common cells.

    Inline strings are read as their text (`Text.content`: the plain part and every run's
    text, joined) without building rich-text objects; numbers, dates and shared strings
    as `WorkSheetParser.parse_cell` reads them, minus its generic steps. Any other cell
    (formulas when not `data_only`, booleans, errors, ISO dates, rich text wanted) goes
    to openpyxl's own method.
    """

    def parse_cell(self, element: Any) -> dict[str, Any]:
        data_type = element.get("t", "n")
        if (
            data_type not in _QUICK_TYPES
            or self.rich_text
            or (not self.data_only and element.find(_FORMULA) is not None)
        ):
            return super().parse_cell(element)  # type: ignore[no-any-return]
        style_id: Any = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        coordinate = element.get("r")
        if coordinate:
            letters = coordinate.rstrip(_DIGITS)
            column = _COLUMNS.get(letters)
            if column is None:
                column = _COLUMNS[letters] = column_index_from_string(letters)
            self.col_counter = column
        else:
            self.col_counter += 1
            column = self.col_counter
        value: Any = None
        if data_type == "inlineStr":
            child = element.find(_INLINE)
            if child is not None:
                data_type = "s"
                parts: list[str] = []
                for part in child:
                    if part.tag == _TEXT:
                        text = part.text
                    elif part.tag == _RUN:
                        text = part.findtext(_TEXT)
                    else:
                        continue  # phonetic runs and properties are not text
                    if text is not None:
                        parts.append(text)
                value = "".join(parts)
        else:
            value = element.findtext(_VALUE) or None
            if value is not None:
                if data_type == "s":
                    value = self.shared_strings[int(value)]
                else:
                    value = _cast_number(value)
                    if style_id in self.date_formats:
                        try:
                            value = from_excel(
                                value, self.epoch, timedelta=style_id in self.timedelta_formats
                            )
                        except (OverflowError, ValueError):
                            return super().parse_cell(element)  # type: ignore[no-any-return]
                        data_type = "d"
        return {
            "row": self.row_counter,
            "column": column,
            "value": value,
            "data_type": data_type,
            "style_id": style_id,
        }


def _sheet_rows(ws: Any, min_row: int = 1) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(sheet row number, values) of every row from `min_row` that has cells."""
    wb = ws.parent
    with ws._get_source() as src:
        parser = _ValuesParser(
            src,
            ws._shared_strings,
            data_only=wb.data_only,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number < min_row or not cells:
                continue
            values: list[Any] = [None] * max(cell["column"] for cell in cells)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, tuple(values)


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

    def close(self) -> None:
        self._wb.close()


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
