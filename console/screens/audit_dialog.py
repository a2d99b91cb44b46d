"""One client's «who did what», from the card: every change to the card, its phones,
money, debts and merges, newest first, each with when, who and what (old → new) in words.
Long entries wrap; the list scrolls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.data import AuditRow
from console.i18n import fmt_datetime, tr
from console.i18n.bindings import localize_bindings
from console.merge_words import describe_entry
from console.widgets.footer import ConsoleFooter


class AuditDialog(ModalScreen[None]):
    """The entries given (newest first); Escape closes."""

    CSS_PATH = "../styles/client_base.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "audit.key.close", tooltip="audit.tip.close", id="audit.close"),
    ]

    def __init__(
        self, title: str, rows: Sequence[AuditRow], tariffs: Mapping[int, str] | None = None
    ) -> None:
        super().__init__(classes="dialog wide-dialog")
        localize_bindings(self)
        self._title = title
        self._rows = list(rows)
        tariffs = dict(tariffs or {})
        # (when · who, what changed) per entry, as shown
        self.entries: list[tuple[str, str]] = [
            (
                tr("audit.entry.head", at=fmt_datetime(row.at), who=row.actor),
                describe_entry(row, tariffs)[1],
            )
            for row in self._rows
        ]

    def compose(self) -> ComposeResult:
        # One text for all the entries (a long trail is one widget, not hundreds).
        text = Text()
        for head, what in self.entries:
            if text:
                text.append("\n\n")
            text.append(head, style="dim")
            text.append("\n")
            text.append(what)
        with Vertical(classes="dialog-body"):
            yield Static(self._title, classes="dialog-title", markup=False)
            with VerticalScroll(id="audit-entries"):
                yield Static(text if self.entries else tr("audit.none"), id="audit-text")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.query_one("#audit-entries").focus()

    def action_close(self) -> None:
        self.dismiss(None)
