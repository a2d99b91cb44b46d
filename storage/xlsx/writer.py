"""A streaming xlsx sheet that appears on disk only when complete.

openpyxl's write-only mode keeps memory flat (rows go straight to a temporary XML part);
this wraps it with what every export needs: a bold, frozen header in the interface
language, column widths, date and money formats, cells that are never turned into formulas,
and a temporary file beside the target that is renamed over it only on success, so a
cancelled or failed export leaves nothing half-written.

Speed: openpyxl's `append` infers every value's type (`Cell._bind_value`) and, for a styled
cell, raises and catches a ValueError before taking it as is. Each column's type is known
here, so the sheet's `_values_to_row` (the hook `WriteOnlyWorksheet._write_rows` calls for
every appended row, openpyxl 3.1) is replaced by one that fills one reusable cell per
column directly; openpyxl still serialises every cell and packages the file.
`tests/test_xlsx_export.py` reads the result back with openpyxl.

Dimension: write-only mode leaves out the sheet's `<dimension>` (the row count is not known
when the top of the sheet is written), and a reader without it parses the whole sheet once
just to find its size (openpyxl's read-only mode does, about a tenth of reading). A
placeholder as wide as the largest sheet is written instead and overwritten in place with
the real size (padded with spaces inside the tag) before the file is zipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.styleable import StyleableObject
from openpyxl.utils import get_column_letter

from storage.xlsx.headers import NUMBER_FORMATS, Column
from storage.xlsx.report import ExportFileError

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_TEXT: Final = 32_767  # Excel's limit for one cell
_MAX_ROWS: Final = 1_048_576  # Excel's limit for one sheet
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


class SheetWriter:
    """Synchronous and CPU-bound: call `write_rows` and `finish` from a worker thread.

    Raises `ExportFileError` when the target cannot be written (no such folder, no
    permission, disk full); nothing is left behind then either.
    """

    def __init__(
        self, path: Path, title: str, columns: Sequence[Column], headers: Sequence[str]
    ) -> None:
        self.path = path
        self._tmp = _create_beside(path)
        self._wb = Workbook(write_only=True)
        self._ws = self._wb.create_sheet(title)
        self._ws.freeze_panes = "A2"
        self._columns = list(columns)
        self._last_column = get_column_letter(max(1, len(self._columns)))
        # Read by openpyxl's write-only writer when the sheet's top is written.
        self._ws.calculate_dimension = lambda: f"A1:{self._last_column}{_MAX_ROWS}"
        for index, col in enumerate(self._columns, 1):
            self._ws.column_dimensions[get_column_letter(index)].width = col.width
        # One cell per column, refilled for every row: write-only mode serialises a row as
        # soon as it is appended, so the same objects serve every row.
        self._cells: list[Any] = []
        for col in self._columns:
            cell = _ColumnCell(self._ws, row=1, column=1)
            if col.fmt in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[col.fmt]
            elif col.key in ("phones", "phones_national"):
                cell.alignment = _WRAP
            cell.freeze()
            self._cells.append(cell)
        try:
            self._ws.append([self._header_cell(text) for text in headers])
        except OSError as exc:
            self.abort()
            raise ExportFileError(path, exc) from None
        self._ws._values_to_row = self._row_cells  # see the module docstring
        self.rows = 0

    def _header_cell(self, text: str) -> Any:
        cell = WriteOnlyCell(self._ws, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        return cell

    def _row_cells(self, values: Sequence[Any], row_index: int) -> Iterator[Any]:
        """The cells openpyxl writes for one row (None and "" leave a cell empty)."""
        column = 0
        for value, cell in zip(values, self._cells, strict=True):
            column += 1
            if value is None or value == "":
                continue
            data_type = _DATA_TYPES.get(type(value))
            if data_type == "s":
                if ILLEGAL_CHARACTERS_RE.search(value) is not None:
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if len(value) > _MAX_TEXT:
                    value = value[:_MAX_TEXT]
                cell._value = value
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

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        append = self._ws.append
        try:
            for row in rows:
                append(row)
                self.rows += 1
        except OSError as exc:
            raise ExportFileError(self.path, exc) from None

    def finish(self) -> None:
        """Zip the workbook into the temporary file and rename it over the target."""
        try:
            self._ws.close()  # the sheet's XML part is complete now, not yet zipped
            self._set_dimension()
            self._wb.save(self._tmp)
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self.abort()
            raise ExportFileError(self.path, exc) from None
        except BaseException:
            self.abort()
            raise

    def _set_dimension(self) -> None:
        """Overwrite the placeholder dimension with the sheet's real size, in place."""
        part = getattr(getattr(self._ws, "_writer", None), "out", None)
        if not isinstance(part, str):
            return
        with open(part, "r+b") as fh:
            head = fh.read(4096)
            found = _DIMENSION.search(head)
            if found is None:
                return
            exact = f'<dimension ref="A1:{self._last_column}{self.rows + 1}"'.encode()
            width = found.end() - found.start()
            fh.seek(found.start())
            fh.write(exact + b" " * (width - len(exact) - 2) + b"/>")

    def abort(self) -> None:
        """Drop everything written so far; the target path is left as it was."""
        ws: Any = self._ws
        rows = getattr(ws, "_rows", None)
        writer = getattr(ws, "_writer", None)
        if rows is not None:
            # Close the row generator while its XML part is still open: left to the garbage
            # collector it would write its closing tag into a closed file and print a
            # traceback ("Exception ignored in ...") on the way out.
            with contextlib.suppress(Exception):
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None and not ws.closed:
                writer.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.cleanup()  # openpyxl's own temporary XML part
        self._tmp.unlink(missing_ok=True)


def _create_beside(path: Path) -> Path:
    """An empty temporary file in the target's folder, with the permissions a new file
    gets there (the umask), or the target's own when it is replaced."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportFileError(path, exc) from None
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportFileError(path, exc) from None
        try:
            if mode is not None:
                os.fchmod(fd, mode)
        except OSError:
            pass  # not ours to change: the file keeps the default permissions
        finally:
            os.close(fd)
        return tmp
    raise ExportFileError(path, FileExistsError("no free temporary name"))
