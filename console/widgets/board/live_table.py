"""A DataTable that is told the rows it should show, keyed, and changes only the difference.

The supervisor board redraws every second (waiting times tick) and on every desk event.
Clearing and refilling would lose the cursor and repaint everything; instead, inside one
`batch_update()`, rows whose keys vanished are removed, cells whose text changed are
updated, and new keys are appended (the pattern of dolphie's process list). A tick then
touches only the time column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


class LiveTable(DataTable[Text]):
    """A keyed, diffed table: call `set_columns` once, then `sync` as often as needed."""

    def __init__(self, *, id: str | None = None) -> None:
        # No cursor: nothing on the board is acted on by row, and a cursor bar over the
        # first row would hide the highlight of the longest wait.
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_cursor=False)
        self._column_keys: list[str] = []
        self._shown: dict[str, tuple[Text, ...]] = {}

    def set_columns(self, columns: Sequence[tuple[str, str, int | None]]) -> None:
        """Columns as (key, label, width); only before the first `sync`."""
        for key, label, width in columns:
            self.add_column(label, key=key, width=width)
            self._column_keys.append(key)

    def sync(self, rows: Mapping[str, Sequence[Text]]) -> None:
        """Make the table show exactly `rows` (key -> cells), in that order for new rows."""
        with self.app.batch_update():
            for key in [k for k in self._shown if k not in rows]:
                self.remove_row(key)
                del self._shown[key]
            for key, cells in rows.items():
                new = tuple(cells)
                old = self._shown.get(key)
                if old is None:
                    self.add_row(*new, key=key)
                elif [_signature(c) for c in old] != [_signature(c) for c in new]:
                    for column, before, after in zip(self._column_keys, old, new, strict=True):
                        if _signature(before) != _signature(after):
                            self.update_cell(RowKey(key), ColumnKey(column), after)
                else:
                    continue
                self._shown[key] = new

    @property
    def shown(self) -> Mapping[str, tuple[Text, ...]]:
        """The rows as last synced (what a test or a screen reader would read)."""
        return self._shown

    def cell_text(self, key: str, column: str) -> str:
        return self._shown[key][self._column_keys.index(column)].plain


def _signature(text: Text) -> tuple[str, str, tuple[object, ...]]:
    """What a cell looks like: rich's Text equality ignores the base style (a highlight)."""
    return text.plain, str(text.style), tuple(text.spans)
