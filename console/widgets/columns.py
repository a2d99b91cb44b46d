"""Tables that fit the terminal: columns sized to what they hold, dropped whole when narrow.

Every table of the console (the client base, History, the board, the live strip) is a
`FittedTable`. It is told its columns (`ColumnSpec`) and the rows it should show (keyed
cells); on every change of rows or of its own width it works out which columns fit
(`fit_columns`): a header is never cut, a column is as wide as its widest cell, and when
the table is too narrow the columns of least use go first, whole, rather than every column
losing its last letters («Регистраци», «Санкт-Петерб»). Only columns that say so (names)
may be shortened, and then at a word boundary with an ellipsis.

Rows are diffed by key inside one `batch_update()` (removed keys go, changed cells are
updated, new keys appended), the pattern of dolphie's process list: a live table that
ticks every second touches only the cells that changed, and the cursor stays on its row.
A changed cell drops only its own cached render and is the only part repainted
(`_put_cells`): `DataTable.update_cell` would drop every cached row and cell of the table,
so that a second's tick of a board's time column rendered every cell of every row again.
That reaches into DataTable's caches, so it is a shortcut as `storage.shortcuts` defines
them (docs/performance.md, «Libraries' private APIs»): used on the Textual series it was
written for only, switched off by `OPCONSOLE_SHORTCUTS_OFF` (`all` or `textual-cells`),
and otherwise the table takes `update_cell`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import textual
from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.widgets import DataTable, Select
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

K = TypeVar("K")
ELLIPSIS = "…"
CELLS_SHORTCUT = "textual-cells"  # the shortcut's name for OPCONSOLE_SHORTCUTS_OFF
CELLS_WRITTEN_FOR = ("8", "2")  # Textual's release series whose DataTable it knows
FALLBACK_PAGE_ROWS = 20  # a page before the table is laid out


def page_rows(cap: int | str, fit: int) -> int:
    """Rows a page holds: as many as the table shows (`fit`), at most `cap` if a number."""
    rows = fit if fit > 0 else FALLBACK_PAGE_ROWS
    return min(rows, cap) if isinstance(cap, int) else rows


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column. `drop` orders what goes when the table is narrow: 0 never goes, and of
    the others the highest goes first. `shrink_to` > 0 lets the cells (not the header) be
    shortened down to that width at a word boundary (names); 0 keeps them whole."""

    key: str
    label: str | Text
    drop: int = 0
    shrink_to: int = 0


def label_width(label: str | Text) -> int:
    return label.cell_len if isinstance(label, Text) else cell_len(label)


SELECT_CHROME = 4  # a compact Select around its text: a space before, «  ▼» after


def select_width(select: Select[Any]) -> int:
    """Cells a compact Select needs to show its prompt and each of its options whole."""
    texts = [str(select.prompt)] + [str(prompt) for prompt, _value in select._options]
    return max(cell_len(text) for text in texts) + SELECT_CHROME


def fit_parts(parts: Sequence[str], width: int, separator: str = " · ") -> str:
    """As many of `parts` (most important first) as fit whole in `width` cells, joined:
    a status line loses its last parts on a narrow terminal, never half a word."""
    shown: list[str] = []
    for part in parts:
        if cell_len(separator.join([*shown, part])) > width and shown:
            break
        shown.append(part)
    return separator.join(shown)


def grid_columns(need: int, width: int, counts: Sequence[int]) -> int:
    """How many cells of a row of filters fit side by side, each at least `need` wide
    (one cell between them): the first of `counts` that fits, else the last."""
    for count in counts:
        if (width - (count - 1)) // count >= need:
            return count
    return counts[-1]


def fit_columns(
    columns: Sequence[ColumnSpec], natural: Mapping[str, int], width: int, padding: int = 1
) -> dict[str, int]:
    """The columns that fit in `width` cells and the width of each, in `columns` order.

    `natural` is each column's widest cell. A column needs at least its header (and its
    widest cell unless it may shrink); those that do not fit are dropped, columns with
    nothing in them first, then by `drop`; whatever width is left brings shrunk columns
    back up to their widest cell.
    """

    def floor(c: ColumnSpec) -> int:
        want = max(label_width(c.label), natural.get(c.key, 0))
        return want if not c.shrink_to else min(want, max(label_width(c.label), c.shrink_to))

    def want(c: ColumnSpec) -> int:
        return max(label_width(c.label), natural.get(c.key, 0))

    def worth(c: ColumnSpec) -> tuple[bool, int, int]:
        """Least worth first: an empty column (of a table with rows), then by `drop`."""
        empty = bool(natural) and not natural.get(c.key, 0)
        return (empty, c.drop, columns.index(c))

    kept = list(columns)
    while len(kept) > 1 and sum(floor(c) + 2 * padding for c in kept) > width:
        droppable = [c for c in kept if c.drop > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=worth))
    widths = {c.key: floor(c) for c in kept}
    spare = width - sum(w + 2 * padding for w in widths.values())
    for c in sorted(kept, key=lambda c: c.drop):
        if spare <= 0:
            break
        grow = min(spare, want(c) - widths[c.key])
        if grow > 0:
            widths[c.key] += grow
            spare -= grow
    return widths


def clip(text: Text, width: int) -> Text:
    """`text` in at most `width` cells: whole if it fits, else cut after the last whole
    word that fits, with an ellipsis (a single long word is cut where it must be)."""
    if text.cell_len <= width:
        return text
    plain = text.plain
    room = max(0, width - 1)
    cut = room
    while cut > 0 and cell_len(plain[:cut]) > room:
        cut -= 1
    space = plain.rfind(" ", 0, cut + 1)
    if space > 0:
        cut = space
    head = text.divide([cut])[0] if cut else Text(style=text.style)
    head.rstrip()
    head.append(ELLIPSIS)
    return head


class FittedTable(DataTable[Text]):
    """A keyed table that fits its width: `set_columns` once, then `show` as often as
    needed; `update_cell_of` for a single cell (a ticking clock)."""

    def __init__(
        self,
        *,
        id: str | None = None,
        cursor_type: str = "row",
        zebra_stripes: bool = True,
        show_cursor: bool = True,
    ) -> None:
        super().__init__(
            id=id,
            cursor_type=cursor_type,  # type: ignore[arg-type]
            zebra_stripes=zebra_stripes,
            show_cursor=show_cursor,
        )
        self._specs: list[ColumnSpec] = []
        self._rows_shown: dict[str, dict[str, Text]] = {}  # every column, as given
        self._fitted: dict[str, int] = {}  # the columns on screen and their widths
        self._own_cells = cells_shortcut_usable()

    # --- what the table holds ---------------------------------------------------------

    def set_columns(self, columns: Sequence[ColumnSpec]) -> None:
        """The columns, in order (also to change a label, e.g. a sort arrow)."""
        self._specs = list(columns)
        self._fitted = {}  # the labels may differ: lay out afresh
        self._lay_out()

    @property
    def column_specs(self) -> Sequence[ColumnSpec]:
        return self._specs

    @property
    def shown(self) -> Mapping[str, Mapping[str, Text]]:
        """Every row as last given, every column (shown or dropped), by row key."""
        return self._rows_shown

    @property
    def visible_columns(self) -> list[str]:
        """The keys of the columns on screen now, in order."""
        return list(self._fitted)

    def cell_text(self, key: str, column: str) -> str:
        return self._rows_shown[key][column].plain

    def show(self, rows: Mapping[str, Mapping[str, Text]]) -> None:
        """Make the table show exactly `rows` (key -> cells by column key), in that order."""
        new = {key: dict(cells) for key, cells in rows.items()}
        old = self._rows_shown
        self._rows_shown = new
        fitted = self._fit()
        if fitted != self._fitted or list(new) != [k for k in old if k in new] + [
            k for k in new if k not in old
        ]:
            self._rebuild(fitted)
            return
        changed: list[tuple[str, str]] = []
        with self.app.batch_update():
            for key in [k for k in old if k not in new]:
                self.remove_row(key)
            for key, cells in new.items():
                before = old.get(key)
                if before is None:
                    self.add_row(*self._cells(cells), key=key)
                    continue
                changed += [
                    (key, column)
                    for column in self._fitted
                    if before[column] is not cells[column]  # kept as it was: unchanged
                    and _signature(before[column]) != _signature(cells[column])
                ]
            self._put_cells(changed)

    def update_cell_of(self, key: str, column: str, text: Text) -> None:
        """One cell changed (nothing else): update it in place if its column is shown."""
        cells = self._rows_shown.get(key)
        if cells is None:
            return
        cells[column] = text
        if column not in self._fitted:
            return
        if text.cell_len > self._fitted[column]:  # 9:59 → 10:00: the column must widen
            self._lay_out()
        else:
            self._put_cells([(key, column)])

    def _put_cells(self, changed: Sequence[tuple[str, str]]) -> None:
        """Put the shown values of these (row, column) cells in the table: their cached
        renders are dropped and only they are repainted; every other cell keeps its own.

        (DataTable's caches are keyed by its update count, which `update_cell` bumps: the
        next paint then renders every visible cell again.)"""
        if not changed:
            return
        if not self._own_cells:
            for key, column in changed:
                self.update_cell(key, column, self._cell(self._rows_shown[key], column))
            return
        cells: set[tuple[RowKey, ColumnKey]] = set()
        for key, column in changed:
            cell = (RowKey(key), ColumnKey(column))
            self._data[cell[0]][cell[1]] = self._cell(self._rows_shown[key], column)
            cells.add(cell)
        rows = {row for row, _ in cells}
        indexes = {self._row_locations.get(row) for row in rows} - {None}
        _forget(self._cell_render_cache, lambda k: (k[0], k[1]) in cells)
        _forget(self._row_render_cache, lambda k: k[0] in rows)
        _forget(self._row_renderable_cache, lambda k: k[1] in indexes)
        self._line_cache.clear()  # lines by position: put together again from the rows
        self._repaint(cells)

    def _repaint(self, cells: set[tuple[RowKey, ColumnKey]]) -> None:
        """Repaint these cells, in one refresh. (Every row is one line high: the table
        adds them so; DataTable's own `refresh_coordinate` sums the rows above each cell.)"""
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        lefts = [self._row_label_column_width + sum(widths[:i]) for i in range(len(widths))]
        top = self.header_height if self.show_header else 0
        window = self.window_region
        regions = []
        for row, col in cells:
            index, column_index = self._row_locations.get(row), self._column_locations.get(col)
            if index is None or column_index is None:
                continue
            region = Region(lefts[column_index], top + index, widths[column_index], 1)
            if window.overlaps(region):
                regions.append(region.translate(-self.scroll_offset))
        if regions:
            self.refresh(*regions)

    @property
    def rows_that_fit(self) -> int:
        """How many rows the table shows without scrolling (0 before it is laid out)."""
        return max(0, self.size.height - (self.header_height if self.show_header else 0))

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        if not self.row_count or self.cursor_row < 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # the cursor beyond the rows while they change
            return None

    # --- fitting ------------------------------------------------------------------------

    def _available_width(self) -> int:
        width = self.size.width
        scrolls = self.styles.overflow_y != "hidden" and (
            self.show_vertical_scrollbar or len(self._rows_shown) > self.rows_that_fit > 0
        )
        if scrolls:
            width -= self.styles.scrollbar_size_vertical
        return max(0, width)

    def _fit(self) -> dict[str, int]:
        natural: dict[str, int] = {}
        for cells in self._rows_shown.values():
            for key, text in cells.items():
                natural[key] = max(natural.get(key, 0), text.cell_len)
        width = self._available_width()
        if width <= 0:  # not laid out yet: every column at its natural width
            return {c.key: max(label_width(c.label), natural.get(c.key, 0)) for c in self._specs}
        return fit_columns(self._specs, natural, width, self.cell_padding)

    def _lay_out(self) -> None:
        if self._specs and self.is_mounted:
            fitted = self._fit()
            if fitted != self._fitted:
                self._rebuild(fitted)

    def _rebuild(self, fitted: dict[str, int]) -> None:
        """Columns and rows afresh (the columns shown or their widths changed)."""
        selected = self.cursor_key
        self._fitted = fitted
        labels = {c.key: c.label for c in self._specs}
        with self.app.batch_update():
            self.clear(columns=True)
            for key, width in fitted.items():
                self.add_column(labels[key], key=key, width=width)
            for key, cells in self._rows_shown.items():
                self.add_row(*self._cells(cells), key=key)
            if selected is not None and selected in self.rows:
                self.move_cursor(row=self.get_row_index(selected), animate=False)

    def _cell(self, cells: Mapping[str, Text], column: str) -> Text:
        return clip(cells.get(column, Text()), self._fitted[column])

    def _cells(self, cells: Mapping[str, Text]) -> list[Text]:
        return [self._cell(cells, column) for column in self._fitted]

    class RowsFit(Message):
        """The table now shows this many rows without scrolling (its height changed)."""

        def __init__(self, table: FittedTable, rows: int) -> None:
            super().__init__()
            self.table = table
            self.rows = rows

        @property
        def control(self) -> FittedTable:
            return self.table

    _rows_fit_said = -1

    def on_resize(self, _event: events.Resize) -> None:
        self._lay_out()
        if self.rows_that_fit != self._rows_fit_said:
            self._rows_fit_said = self.rows_that_fit
            self.post_message(self.RowsFit(self, self.rows_that_fit))

    def on_mount(self) -> None:
        self._lay_out()


def cells_shortcut_usable() -> bool:
    """Whether a table may put its changed cells in by itself (`_put_cells`): Textual is
    of the series that shortcut was written for, and it is not switched off. (The rule of
    `storage.shortcuts`, which this layer may not import.)"""
    off = {
        part.strip().lower() for part in os.environ.get("OPCONSOLE_SHORTCUTS_OFF", "").split(",")
    }
    return tuple(textual.__version__.split(".")[:2]) == CELLS_WRITTEN_FOR and not (
        off & {"all", CELLS_SHORTCUT}
    )


def _forget(cache: LRUCache[K, Any], stale: Callable[[K], bool]) -> None:
    for key in [k for k in cache.keys() if stale(k)]:  # noqa: SIM118 - an LRUCache
        cache.discard(key)


def _signature(text: Text) -> tuple[str, str, tuple[object, ...]]:
    """What a cell looks like: rich's Text equality ignores the base style (a highlight)."""
    return text.plain, str(text.style), tuple(text.spans)
