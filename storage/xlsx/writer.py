"""A streaming xlsx sheet that appears on disk only when complete.

openpyxl's write-only mode keeps memory flat (rows go straight to a temporary XML part);
this wraps it with what every export needs: a bold, frozen header in the interface
language, column widths, date and money formats, cells that are never turned into formulas,
and a temporary file beside the target that is renamed over it only on success, so a
cancelled or failed export leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from storage.xlsx.headers import NUMBER_FORMATS, Column, Language

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
# Text openpyxl would store as a formula or an error value if given as is.
_ACTIVE_PREFIXES = ("=", "#")


class SheetWriter:
    """Synchronous and CPU-bound: call `write_rows` and `finish` from a worker thread."""

    def __init__(
        self, path: Path, title: str, columns: Sequence[Column], language: Language
    ) -> None:
        self.path = path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self._wb = Workbook(write_only=True)
        self._ws = self._wb.create_sheet(title)
        self._ws.freeze_panes = "A2"
        self._columns = list(columns)
        for index, col in enumerate(self._columns, 1):
            self._ws.column_dimensions[get_column_letter(index)].width = col.width
        # One styled cell per formatted column, refilled for every row: write-only mode
        # serialises a cell as soon as its row is appended, so one object per column is
        # enough and costs nothing per row.
        self._templates: list[WriteOnlyCell | None] = []
        for col in self._columns:
            if col.fmt in NUMBER_FORMATS:
                cell = WriteOnlyCell(self._ws)
                cell.number_format = NUMBER_FORMATS[col.fmt]
                self._templates.append(cell)
            elif col.key in ("phones", "phones_national"):
                cell = WriteOnlyCell(self._ws)
                cell.alignment = _WRAP
                self._templates.append(cell)
            else:
                self._templates.append(None)
        self._ws.append([self._header_cell(col.label(language)) for col in self._columns])
        self.rows = 0

    def _header_cell(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._ws, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        return cell

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        append = self._ws.append
        templates = self._templates
        for row in rows:
            out: list[Any] = []
            for value, template in zip(row, templates, strict=True):
                if value is None or value == "":
                    out.append(None)
                elif isinstance(value, str) and (
                    value.startswith(_ACTIVE_PREFIXES) or ILLEGAL_CHARACTERS_RE.search(value)
                ):
                    out.append(self._literal(value, template))
                elif template is not None:
                    template.value = value
                    out.append(template)
                else:
                    out.append(value)
            append(out)
            self.rows += 1

    def _literal(self, text: str, template: WriteOnlyCell | None) -> WriteOnlyCell:
        """A text cell kept as text: no formula, no error value, no control characters."""
        cell = WriteOnlyCell(self._ws, value=ILLEGAL_CHARACTERS_RE.sub("", text))
        cell.data_type = "s"
        if template is not None:
            cell.alignment = template.alignment
        return cell

    def finish(self) -> None:
        """Zip the workbook into the temporary file and rename it over the target."""
        try:
            self._wb.save(self._tmp)
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop everything written so far; the target path is left as it was."""
        writer = getattr(self._ws, "_writer", None)
        with contextlib.suppress(Exception):
            if writer is not None and not self._ws.closed:
                writer.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.cleanup()  # openpyxl's own temporary XML part
        self._tmp.unlink(missing_ok=True)
