"""Export to an Excel file from a screen, in one modal dialog: which file, then the export
with a progress bar that Escape cancels, then what happened.

The opener says what to export as `ExportKind`s, built from its own filter by
`clients_export`, `calls_export` or `debt_exports`; with more than one kind the dialog
offers the choice. The export runs in an exclusive worker on the app's loop: storage reads
the rows in batches and writes each batch in a thread, calling back after every batch
(`ProgressThrottle` turns that into a few messages). Escape sets the cancel event: storage
stops after the batch in hand and removes what it wrote, so no partial file remains. A
file that cannot be written is one line in the dialog, and the path can be corrected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from console.data import CallFilter, ClientFilter
from console.i18n import fmt_number, timezone, tr
from console.widgets.footer import ConsoleFooter
from console.widgets.transfer.common import default_export_path, export_target, shown_path
from console.widgets.transfer.dialog import TransferDialog
from console.widgets.transfer.progress import Progressed, TransferProgress
from console.xlsx_words import Sheet, sheet_words
from storage.xlsx import ExportSummary

if TYPE_CHECKING:
    from console.data import ConsoleData

Progress = Callable[[int, int | None], None]
ExportJob = Callable[[Path, Progress, asyncio.Event], Awaitable[ExportSummary]]
Phase = Literal["ask", "running", "cancelling", "done"]
EXPORT_GROUP = "transfer-export"


@dataclass(frozen=True)
class ExportKind:
    """One thing the dialog can export: its label when there is a choice, the stem of the
    offered file name (`stem-YYYY-MM-DD.xlsx`), and the export itself."""

    label: str
    stem: str
    run: ExportJob


def export_kind(
    label: str, stem: str, export: Callable[..., Awaitable[ExportSummary]], sheet: Sheet
) -> ExportKind:
    """A kind exporting with `export(path, words=…, progress=…, cancel=…, tz=…)`: one of
    storage's exports with what it exports (sessions, filter…) bound already, writing the
    words of `sheet`."""

    async def run(path: Path, progress: Progress, cancel: asyncio.Event) -> ExportSummary:
        words = sheet_words(sheet)
        return await export(path, words=words, progress=progress, cancel=cancel, tz=timezone())

    return ExportKind(label, stem, run)


def clients_export(data: ConsoleData, flt: ClientFilter) -> ExportKind:
    """The clients `flt` selects (the client base's search and filters), and their
    companies on a sheet of their own."""
    export = partial(data.clients_export(flt), company_words=sheet_words("companies"))
    return export_kind("", "clients", export, "clients")


def calls_export(data: ConsoleData, flt: CallFilter) -> ExportKind:
    """The calls `flt` selects (the history's dates and filters)."""
    return export_kind("", "calls", data.calls_export(flt), "calls")


def debt_exports(data: ConsoleData) -> list[ExportKind]:
    """Unpaid debts, paid ones (with who closed them), or all of them."""

    def kind(paid: bool | None, key: str, stem: str) -> ExportKind:
        return export_kind(tr(f"transfer.debts.{key}"), stem, data.debts_export(paid), "debts")

    return [
        kind(False, "unpaid", "debts-unpaid"),
        kind(True, "paid", "debts-paid"),
        kind(None, "all", "debts"),
    ]


@dataclass
class ExportFinished(Message):
    """The export ended: the file is written, or it was cancelled and nothing is left."""

    summary: ExportSummary


class ExportDialog(TransferDialog[ExportSummary | None]):
    """Asks for the file, exports with a progress bar, says how it went. Dismisses with the
    summary once an export has ended (cancelled or not), None when closed before."""

    RUNNING = ("running", "cancelling")
    NOTHING_YET = ("ask",)
    ENDED = ("done",)
    BUTTONS: ClassVar = {
        "start": ("ask",),
        "cancel": ("ask", "running", "cancelling"),
        "close": ("done",),
    }

    phase: Phase

    def __init__(
        self,
        title: str,
        about: str,
        kinds: Sequence[ExportKind],
        *,
        day: date,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        if not kinds:
            raise ValueError("nothing to export")
        self._title = title
        self._about = about
        self._kinds = list(kinds)
        self._day = day
        self._folder = folder
        self._offered = default_export_path(self._kinds[0].stem, day, folder)
        self._cancel = asyncio.Event()
        self._replace: Path | None = None  # an existing file the operator agreed to replace
        self.summary: ExportSummary | None = None
        self.progress_done = 0  # rows written, as last shown

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._about, classes="transfer-about")
            if len(self._kinds) > 1:
                with RadioSet(id="export-kind", compact=True):
                    for index, kind in enumerate(self._kinds):
                        yield RadioButton(kind.label, value=index == 0)
            yield from self._path_field(shown_path(self._offered))
            yield from self._result_lines()
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("transfer.export.start"), id="start", variant="primary")
                yield Button(tr("common.cancel"), id="cancel")
                yield Button(tr("transfer.close"), id="close", variant="primary")
        yield ConsoleFooter()  # the dialog's keys, not those of the screen under it

    def _show_phase(self) -> None:
        super()._show_phase()
        for choice in self.query("#export-kind"):
            choice.disabled = self.phase != "ask"
        self.query_one("#cancel", Button).disabled = self.phase == "cancelling"

    def _progress_shown(self) -> bool:
        written = self.summary is not None and not self.summary.cancelled
        return super()._progress_shown() or (self.phase == "done" and written)

    @property
    def kind(self) -> ExportKind:
        index = 0
        for choice in self.query(RadioSet):
            index = max(choice.pressed_index, 0)
        return self._kinds[index]

    # --- asking ---------------------------------------------------------------------------

    @on(RadioSet.Changed, "#export-kind")
    def _kind_changed(self) -> None:
        path = self._path
        if path.value.strip() == shown_path(self._offered):  # not edited: offer the new name
            self._offered = default_export_path(self.kind.stem, self._day, self._folder)
            path.value = shown_path(self._offered)

    @on(Input.Submitted, "#transfer-path")
    def _path_submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        kind = self.kind
        name = f"{kind.stem}-{self._day.isoformat()}.xlsx"
        target = self._typed(lambda text: export_target(text, name))
        if target is None:
            return
        if target.exists() and target != self._replace:
            self._replace = target  # asked once; the same path again means «replace it»
            self._path.value = shown_path(target)
            self._say(tr("transfer.export.exists", name=shown_path(target)), error=True)
            return
        self._replace = None  # should this export fail, the next one asks again
        self._cancel = asyncio.Event()
        self.summary = None
        self.progress_done = 0
        self._say("")
        self._begin("running", tr("transfer.export.counting"))
        self._export(kind, target)

    # --- running ----------------------------------------------------------------------------

    @work(exclusive=True, group=EXPORT_GROUP, exit_on_error=False, description="export to Excel")
    async def _export(self, kind: ExportKind, target: Path) -> None:
        summary = await self._guarded(lambda progress: kind.run(target, progress, self._cancel))
        if summary is not None:
            self.post_message(ExportFinished(summary))

    def _counted(self, message: Progressed) -> str:
        self.progress_done = message.done
        if self.phase == "cancelling":
            return tr("transfer.export.cancelling")
        if message.total is None:
            return tr("transfer.export.progress_open", done=fmt_number(message.done))
        return tr(
            "transfer.export.progress",
            done=fmt_number(message.done),
            total=fmt_number(message.total),
        )

    @on(ExportFinished)
    def _finished(self, message: ExportFinished) -> None:
        if self.phase not in self.RUNNING:
            return
        summary = message.summary
        self.summary = summary
        self.phase = "done"
        if summary.cancelled:
            self._say(tr("transfer.export.cancelled"))
        else:
            rows = fmt_number(summary.rows)
            self.query_one(TransferProgress).complete(
                tr("transfer.export.progress", done=rows, total=rows)
            )
            self._say(
                tr("transfer.export.done", rows=rows, seconds=fmt_number(summary.seconds, 1))
                + "\n"
                + tr("transfer.export.saved_to", path=shown_path(summary.path))
            )
        self._show_phase()
        self.query_one("#close", Button).focus()

    # --- keys -------------------------------------------------------------------------------

    def _result(self) -> ExportSummary | None:
        return self.summary

    def _escape_running(self) -> None:
        if self.phase == "running":
            self._cancel.set()  # storage stops after the batch in hand and removes the file
            self.phase = "cancelling"
            self.query_one(TransferProgress).say(tr("transfer.export.cancelling"))
            self._show_phase()
