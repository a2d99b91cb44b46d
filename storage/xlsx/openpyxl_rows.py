"""Rows into and out of openpyxl through its internals: the one place that uses them.

openpyxl's public row API costs most of an import's or export's time in work our files do
not need (docs/performance.md has the figures):

- reading, every inline string (how openpyxl's write-only mode, and so every export of
  ours, writes text) becomes a rich-text object just to take its text out again. Here
  openpyxl's own sheet parser (`WorkSheetParser`, as `ReadOnlyWorksheet` uses it) gets a
  quicker `parse_cell` for the common cells; everything else goes to openpyxl's method;
- writing, `append` infers every value's type and, for a styled cell, raises and catches a
  ValueError before taking it as is, and hashes each cell's style. Here the sheet's
  `_values_to_row` (what `WriteOnlyWorksheet._write_rows` calls for each appended row) is
  replaced by one that fills one reusable cell per column, its style worked out once;
- write-only mode leaves out `<dimension>`, and a reader without it parses the whole sheet
  once just to find its size. A placeholder is written instead and overwritten in place
  with the real size before the file is zipped.

`usable()` says whether to take these paths: only on the openpyxl release they were written
for (`WRITTEN_FOR`) and unless switched off (`storage.shortcuts`). `storage.xlsx.reader` and
`storage.xlsx.writer` take openpyxl's public API otherwise, and the tests run both.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final

from openpyxl.cell.cell import Cell
from openpyxl.styles.styleable import StyleableObject
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser, _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

from storage import shortcuts

NAME: Final = "openpyxl-rows"
WRITTEN_FOR: Final = {"openpyxl": "3.1"}


def usable() -> bool:
    return shortcuts.usable(NAME, WRITTEN_FOR)


# ------------------------------------------------------------------------------ reading

_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_QUICK_TYPES = frozenset({"inlineStr", "n", "s"})
_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}  # "AB" -> 28


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


def sheet_rows(ws: Any, min_row: int = 1) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(sheet row number, values) of every row from `min_row` that has cells, from a
    read-only worksheet. Row numbers are the sheet's own, also where another program left
    rows out."""
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


# ------------------------------------------------------------------------------ writing

_DIMENSION: Final = re.compile(rb"<dimension ref=\"[A-Z0-9:]+\"\s*/>")
# Cell data types by Python type ("s" for text: written as text even if it reads "=1+1").
_DATA_TYPES: Final[dict[type, str]] = {
    str: "s",
    int: "n",
    float: "n",
    Decimal: "n",
    datetime: "d",
    date: "d",
    time: "d",
    bool: "b",
}


class _ColumnCell(Cell):  # type: ignore[misc]
    """The reusable cell of one column: its style is set up once, so its style id and
    whether it has one are worked out once (openpyxl would hash the style for every cell)."""

    __slots__ = ("_fixed_has_style", "_fixed_style_id")

    def freeze(self) -> None:
        self._fixed_has_style = StyleableObject.has_style.fget(self)
        self._fixed_style_id = StyleableObject.style_id.fget(self)

    @property
    def has_style(self) -> bool:
        return self._fixed_has_style  # type: ignore[no-any-return]

    @property
    def style_id(self) -> int:
        return self._fixed_style_id  # type: ignore[no-any-return]


class RowWriter:
    """Fills a write-only sheet's rows through the reusable cells of its columns.

    `styles` sets up each column's cell (number format, alignment) the way the public path
    styles a `WriteOnlyCell`; `clean` makes a text value fit a cell. Create it before
    anything is appended (it sets the placeholder dimension), call `start()` once the
    header is written, and `set_dimension(rows)` after the sheet is closed.
    """

    def __init__(
        self,
        ws: Any,
        styles: Sequence[Callable[[Any], None]],
        clean: Callable[[str], str],
        last_column: str,
        max_rows: int,
    ) -> None:
        self._ws = ws
        self._clean = clean
        self._last_column = last_column
        # Read by openpyxl's write-only writer when the sheet's top is written.
        ws.calculate_dimension = lambda: f"A1:{last_column}{max_rows}"
        # One cell per column, refilled for every row: write-only mode serialises a row as
        # soon as it is appended, so the same objects serve every row.
        self._cells: list[Any] = []
        for style in styles:
            cell = _ColumnCell(ws, row=1, column=1)
            style(cell)
            cell.freeze()
            self._cells.append(cell)

    def start(self) -> None:
        """From now on every appended row goes through `_row_cells`."""
        self._ws._values_to_row = self._row_cells

    def _row_cells(self, values: Sequence[Any], row_index: int) -> Iterator[Any]:
        """The cells openpyxl writes for one row (None and "" leave a cell empty)."""
        column = 0
        for value, cell in zip(values, self._cells, strict=True):
            column += 1
            if value is None or value == "":
                continue
            data_type = _DATA_TYPES.get(type(value))
            if data_type == "s":
                cell._value = self._clean(value)
                cell.data_type = "s"
            elif data_type is not None:
                cell._value = value
                cell.data_type = data_type
            else:
                # Anything else: openpyxl's own conversion, in a cell of its own (it may
                # set a number format, which the column's cell must not keep).
                other = Cell(self._ws, row=row_index, column=column, style_array=cell._style)
                other.value = value
                yield other
                continue
            cell.column = column
            cell.row = row_index
            yield cell

    def set_dimension(self, rows: int) -> None:
        """Overwrite the placeholder dimension with the sheet's real size, in place, once
        the sheet is closed (its XML part complete, not yet zipped)."""
        part = getattr(getattr(self._ws, "_writer", None), "out", None)
        if not isinstance(part, str):
            return
        with open(part, "r+b") as fh:
            head = fh.read(4096)
            found = _DIMENSION.search(head)
            if found is None:
                return
            exact = f'<dimension ref="A1:{self._last_column}{rows}"'.encode()
            width = found.end() - found.start()
            fh.seek(found.start())
            fh.write(exact + b" " * (width - len(exact) - 2) + b"/>")


def discard(ws: Any) -> None:
    """Drop a write-only sheet half written, its temporary XML part included.

    openpyxl has no public way to abandon a sheet: left to the garbage collector its row
    generator would write its closing tag into a closed file (a traceback printed on the
    way out) and its temporary part would stay behind. This reaches its writer where it
    finds one, whatever the release, and does nothing where it finds none.
    """
    rows = getattr(ws, "_rows", None)
    writer = getattr(ws, "_writer", None)
    if rows is not None:
        # Close the row generator while its XML part is still open.
        with contextlib.suppress(Exception):
            rows.close()
    with contextlib.suppress(Exception):
        if writer is not None and not ws.closed:
            writer.close()
    with contextlib.suppress(Exception):
        if writer is not None:
            writer.cleanup()  # openpyxl's own temporary XML part
