"""The preview of a merge, before anything is written: which rows move to the card kept
(phones, calls, debts, operations, history) and, where the two cards differ, whose value
stays — side by side, one key to take the other card's. Dismisses with the choice per
field, or None (nothing merged)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.merge_words import field_name, merge_value, moves_line
from console.widgets.columns import ColumnSpec, FittedTable
from console.widgets.footer import ConsoleFooter
from storage.phones import format_display

if TYPE_CHECKING:
    from console.data import MergePreview, Side

KEPT: Final = "● "
DROPPED: Final = "○ "
COLUMNS: Final = (
    ColumnSpec("field", "", 0),
    ColumnSpec("survivor", "", 0, shrink_to=16),
    ColumnSpec("other", "", 0, shrink_to=16),
)


class MergeDialog(ModalScreen["dict[str, Side] | None"]):
    """Side by side where the cards differ; Space takes the other value; Ctrl+S merges."""

    CSS_PATH = "../styles/client_base.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space", "take_other", "merge.key.toggle", tooltip="merge.tip.toggle", id="merge.toggle"
        ),
        Binding("ctrl+s", "merge", "merge.key.merge", tooltip="merge.tip.merge", id="merge.merge"),
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="merge.cancel"),
    ]

    def __init__(self, preview: MergePreview) -> None:
        super().__init__(classes="dialog wide-dialog")
        localize_bindings(self)
        self.preview = preview
        self.picks: dict[str, Side] = {d.field: d.default for d in preview.differences}

    def compose(self) -> ComposeResult:
        p = self.preview
        with Vertical(classes="dialog-body"):
            yield Static(
                tr(
                    "merge.title",
                    other=p.other_name or "—",
                    other_id=p.other_id,
                    survivor=p.survivor_name or "—",
                    survivor_id=p.survivor_id,
                ),
                classes="dialog-title",
                markup=False,
            )
            phones = [format_display(e) for e in p.phones]
            yield Static(moves_line(p.moves, phones), id="merge-moves", markup=False)
            yield FittedTable(id="merge-fields")
            note = tr("merge.note") if p.differences else tr("merge.same")
            yield Static(note, id="merge-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("merge.button"), id="merge", variant="error")
                yield Button(tr("common.cancel"), id="cancel")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        table = self.query_one(FittedTable)
        p = self.preview
        labels = {
            "field": tr("merge.col.field"),
            "survivor": tr("merge.col.survivor", id=p.survivor_id),
            "other": tr("merge.col.other", id=p.other_id),
        }
        table.set_columns([ColumnSpec(c.key, labels[c.key], c.drop, c.shrink_to) for c in COLUMNS])
        table.display = bool(p.differences)
        self._show()
        if p.differences:
            table.focus()
        else:
            self.query_one("#merge", Button).focus()

    def _show(self) -> None:
        rows: dict[str, dict[str, Text]] = {}
        tariffs = self.preview.tariffs
        for diff in self.preview.differences:
            take_other = self.picks[diff.field] == "other"
            mine = merge_value(diff.field, diff.survivor, tariffs)
            theirs = merge_value(diff.field, diff.other, tariffs)
            rows[diff.field] = {
                "field": Text(field_name(diff.field)),
                "survivor": Text(
                    (DROPPED if take_other else KEPT) + mine, style="dim" if take_other else ""
                ),
                "other": Text(
                    (KEPT if take_other else DROPPED) + theirs, style="" if take_other else "dim"
                ),
            }
        self.query_one(FittedTable).show(rows)

    def action_take_other(self) -> None:
        table = self.query_one(FittedTable)
        differences = self.preview.differences
        index = table.cursor_row
        if not 0 <= index < len(differences):
            return
        field = differences[index].field
        self.picks[field] = "survivor" if self.picks[field] == "other" else "other"
        self._show()

    @on(DataTable.RowSelected, "#merge-fields")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_take_other()

    def action_merge(self) -> None:
        self.dismiss(dict(self.picks))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "merge":
            self.action_merge()
        else:
            self.action_cancel()
