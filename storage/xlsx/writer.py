"""A streaming xlsx sheet that appears on disk only when complete.

openpyxl's write-only mode keeps memory flat (rows go straight to a temporary XML part);
this wraps it with what every export needs: a bold, frozen header in the interface
language, column widths, date and money formats, cells that are never turned into formulas,
and a temporary file beside the target that is renamed over it only on success, so a
cancelled or failed export leaves nothing half-written.

Speed: openpyxl's `append` infers every value's type and hashes every cell's style; where
`storage.xlsx.openpyxl_rows` may be used, each column's cell is set up once and refilled
(and the sheet gets an exact `<dimension>`, so readers need not parse it to learn its size).
Otherwise rows go through the public API: plain values, or a `WriteOnlyCell` where a
column has a style or a text could be read as a formula. `tests/test_xlsx_export.py` reads
the result of both back with openpyxl.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from storage.xlsx import openpyxl_rows
from storage.xlsx.headers import NUMBER_FORMATS, Column
from storage.xlsx.openpyxl_rows import RowWriter
from storage.xlsx.report import ExportFileError

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_TEXT: Final = 32_767  # Excel's limit for one cell
_MAX_ROWS: Final = 1_048_576  # Excel's limit for one sheet

Styler = Callable[[Any], None]


def _plain(_cell: Any) -> None:
    """A column whose cells keep openpyxl's default style."""


def _column_style(column: Column) -> Styler | None:
    """What styles a cell of `column` (a number format, wrapping), None for nothing."""
    if column.fmt in NUMBER_FORMATS:
        number_format = NUMBER_FORMATS[column.fmt]

        def set_format(cell: Any) -> None:
            cell.number_format = number_format

        return set_format
    if column.key in ("phones", "phones_national", "phone_labels", "addresses"):

        def wrap(cell: Any) -> None:
            cell.alignment = _WRAP

        return wrap
    return None


def _clean_text(value: str) -> str:
    """A text as a cell can hold it: no control characters, at most Excel's length."""
    if ILLEGAL_CHARACTERS_RE.search(value) is not None:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:_MAX_TEXT] if len(value) > _MAX_TEXT else value


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
        self._styles = [_column_style(col) for col in self._columns]
        for index, col in enumerate(self._columns, 1):
            self._ws.column_dimensions[get_column_letter(index)].width = col.width
        self._fast: RowWriter | None = None
        if openpyxl_rows.usable():
            self._fast = RowWriter(
                self._ws,
                [style or _plain for style in self._styles],
                _clean_text,
                get_column_letter(max(1, len(self._columns))),
                _MAX_ROWS,
            )
        try:
            self._ws.append([self._header_cell(text) for text in headers])
        except OSError as exc:
            self.abort()
            raise ExportFileError(path, exc) from None
        if self._fast is not None:
            self._fast.start()
        self.rows = 0
        self._more: list[tuple[str, list[Column], list[str], list[list[Any]]]] = []

    def _header_cell(self, text: str, ws: Any = None) -> Any:
        cell = WriteOnlyCell(ws or self._ws, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        return cell

    def _public_row(
        self, values: Sequence[Any], styles: Sequence[Styler | None] | None = None, ws: Any = None
    ) -> list[Any]:
        """One row for openpyxl's public `append` (None and "" leave a cell empty)."""
        row: list[Any] = []
        for value, style in zip(values, styles or self._styles, strict=True):
            if value is None or value == "":
                row.append(None)
                continue
            text = isinstance(value, str)
            if text:
                value = _clean_text(value)
            if style is None and not (text and value.startswith("=")):
                row.append(value)
                continue
            cell = WriteOnlyCell(ws or self._ws, value=value)
            if text:
                cell.data_type = "s"  # text, even if it reads "=1+1"
            if style is not None:
                style(cell)
            row.append(cell)
        return row

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        append = self._ws.append
        public = self._fast is None
        try:
            for row in rows:
                append(self._public_row(row) if public else row)
                self.rows += 1
        except OSError as exc:
            raise ExportFileError(self.path, exc) from None

    def add_sheet(
        self,
        title: str,
        columns: Sequence[Column],
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """A second, small sheet (a client export's companies), written at `finish`
        after the first one is complete, through openpyxl's public API."""
        self._more.append((title, list(columns), list(headers), [list(r) for r in rows]))

    def _write_more(self) -> None:
        for title, columns, headers, rows in self._more:
            ws = self._wb.create_sheet(title)
            ws.freeze_panes = "A2"
            for index, col in enumerate(columns, 1):
                ws.column_dimensions[get_column_letter(index)].width = col.width
            ws.append([self._header_cell(text, ws) for text in headers])
            styles = [_column_style(col) for col in columns]
            for row in rows:
                ws.append(self._public_row(row, styles, ws))

    def finish(self) -> None:
        """Zip the workbook into the temporary file and rename it over the target."""
        try:
            self._ws.close()  # the sheet's XML part is complete now, not yet zipped
            if self._fast is not None:
                self._fast.set_dimension(self.rows + 1)
            self._write_more()
            self._wb.save(self._tmp)
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self.abort()
            raise ExportFileError(self.path, exc) from None
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop everything written so far; the target path is left as it was."""
        openpyxl_rows.discard(self._ws)
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
