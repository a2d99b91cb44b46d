"""The board's tables: keyed, diffed and fitted to the width (`FittedTable`), no cursor.

The supervisor board redraws every second (waiting times tick) and on every desk event;
the diff of `FittedTable.show` means a tick touches only the time column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text

from console.i18n import tr
from console.widgets.columns import ColumnSpec, FittedTable


class LiveTable(FittedTable):
    """A board table: its `COLUMNS` labelled from the catalog under `LABELS`."""

    COLUMNS: ClassVar[Sequence[ColumnSpec]] = ()
    LABELS: ClassVar[str] = ""  # catalog prefix of the column labels
    CURSOR: ClassVar[bool] = False  # a row cursor: the operators' table (keys act on it)

    def __init__(self, *, id: str | None = None) -> None:
        # The waiting callers have no cursor: a cursor bar over the first row would hide
        # the highlight of the longest wait.
        super().__init__(id=id, zebra_stripes=False, show_cursor=self.CURSOR)

    def on_mount(self) -> None:
        self.set_columns(
            [
                ColumnSpec(c.key, tr(f"{self.LABELS}.{c.key}"), c.drop, c.shrink_to)
                for c in self.COLUMNS
            ]
        )

    def show_keeping_cursor(self, rows: Mapping[str, Mapping[str, Text]]) -> None:
        """`show`, the cursor staying on its line (the last one when the table got shorter)."""
        row = self.cursor_row
        self.show(rows)
        if rows and self.cursor_row != row:
            self.move_cursor(row=min(max(row, 0), len(rows) - 1), animate=False)
