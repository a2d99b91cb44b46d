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
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from console.i18n import fmt_number, language, timezone, tr
from console.i18n.bindings import localize_bindings
from console.widgets.transfer.common import (
    default_export_path,
    error_line,
    export_target,
    shown_path,
)
from console.widgets.transfer.progress import Progressed, ProgressThrottle, TransferProgress
from storage.db import StorageError
from storage.filters import CallFilter, ClientFilter
from storage.xlsx import ExportFileError, ExportSummary

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


def clients_export(sessions: async_sessionmaker[AsyncSession], flt: ClientFilter) -> ExportKind:
    """The clients `flt` selects (the client base's search and filters)."""

    async def run(path: Path, progress: Progress, cancel: asyncio.Event) -> ExportSummary:
        from storage.xlsx import export_clients

        return await export_clients(
            sessions,
            path,
            flt,
            language=language(),
            progress=progress,
            cancel=cancel,
            tz=timezone(),
        )

    return ExportKind("", "clients", run)


def calls_export(sessions: async_sessionmaker[AsyncSession], flt: CallFilter) -> ExportKind:
    """The calls `flt` selects (the history's dates and filters)."""

    async def run(path: Path, progress: Progress, cancel: asyncio.Event) -> ExportSummary:
        from storage.xlsx import export_calls

        return await export_calls(
            sessions,
            path,
            flt,
            language=language(),
            progress=progress,
            cancel=cancel,
            tz=timezone(),
        )

    return ExportKind("", "calls", run)


def debt_exports(sessions: async_sessionmaker[AsyncSession]) -> list[ExportKind]:
    """Unpaid debts, paid ones (with who closed them), or all of them."""

    def kind(paid: bool | None, key: str, stem: str) -> ExportKind:
        async def run(path: Path, progress: Progress, cancel: asyncio.Event) -> ExportSummary:
            from storage.xlsx import export_debts

            return await export_debts(
                sessions,
                path,
                paid=paid,
                language=language(),
                progress=progress,
                cancel=cancel,
                tz=timezone(),
            )

        return ExportKind(tr(f"transfer.debts.{key}"), stem, run)

    return [
        kind(False, "unpaid", "debts-unpaid"),
        kind(True, "paid", "debts-paid"),
        kind(None, "all", "debts"),
    ]


@dataclass
class ExportFinished(Message):
    """The export ended: the file is written, or it was cancelled and nothing is left."""

    summary: ExportSummary


@dataclass
class ExportFailed(Message):
    """The export could not be done (the file cannot be written): one line saying why."""

    line: str


class ExportDialog(ModalScreen[ExportSummary | None]):
    """Asks for the file, exports with a progress bar, says how it went. Dismisses with the
    summary once an export has ended (cancelled or not), None when closed before."""

    CSS_PATH = "../styles/transfer.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "key.cancel", tooltip="key.cancel.tip", id="transfer.escape"),
    ]

    def __init__(
        self,
        title: str,
        about: str,
        kinds: Sequence[ExportKind],
        *,
        day: date,
        folder: Path | None = None,
    ) -> None:
        super().__init__(classes="dialog transfer-dialog")
        localize_bindings(self)
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
        self.phase: Phase = "ask"
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
            yield Label(tr("transfer.path"))
            yield Input(
                shown_path(self._offered),
                placeholder=tr("transfer.path.placeholder"),
                id="transfer-path",
                compact=True,
            )
            yield TransferProgress(id="transfer-progress")
            yield Static("", id="transfer-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("transfer.export.start"), id="start", variant="primary")
                yield Button(tr("common.cancel"), id="cancel")
                yield Button(tr("transfer.close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self._say("")
        self._show_phase()
        self.query_one("#transfer-path", Input).focus()

    def _show_phase(self) -> None:
        phase = self.phase
        asking = phase == "ask"
        self.query_one("#transfer-path", Input).disabled = not asking
        for choice in self.query("#export-kind"):
            choice.disabled = not asking
        written = self.summary is not None and not self.summary.cancelled
        self.query_one(TransferProgress).display = phase in ("running", "cancelling") or (
            phase == "done" and written
        )
        self.query_one("#start", Button).display = asking
        cancel = self.query_one("#cancel", Button)
        cancel.display = phase != "done"
        cancel.disabled = phase == "cancelling"
        self.query_one("#close", Button).display = phase == "done"

    def _say(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#transfer-result", Static)
        result.update(text)
        result.set_class(error, "dialog-error")
        result.display = bool(text)

    @property
    def kind(self) -> ExportKind:
        index = 0
        for choice in self.query(RadioSet):
            index = max(choice.pressed_index, 0)
        return self._kinds[index]

    # --- asking ---------------------------------------------------------------------------

    @on(RadioSet.Changed, "#export-kind")
    def _kind_changed(self) -> None:
        path = self.query_one("#transfer-path", Input)
        if path.value.strip() == shown_path(self._offered):  # not edited: offer the new name
            self._offered = default_export_path(self.kind.stem, self._day, self._folder)
            path.value = shown_path(self._offered)

    @on(Input.Submitted, "#transfer-path")
    def _path_submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.phase != "ask":
            return
        kind = self.kind
        path = self.query_one("#transfer-path", Input)
        target = export_target(path.value, f"{kind.stem}-{self._day.isoformat()}.xlsx")
        if target is None:
            self._say(tr("transfer.path.empty"), error=True)
            return
        if target.exists() and target != self._replace:
            self._replace = target  # asked once; the same path again means «replace it»
            path.value = shown_path(target)
            self._say(tr("transfer.export.exists", name=shown_path(target)), error=True)
            return
        self._cancel = asyncio.Event()
        self.summary = None
        self.progress_done = 0
        self.phase = "running"
        self._say("")
        self.query_one(TransferProgress).show(0, None, tr("transfer.export.counting"))
        self._show_phase()
        self.set_focus(None)  # a second Enter must not press Cancel; Escape still cancels
        self._export(kind, target)

    # --- running ----------------------------------------------------------------------------

    @work(exclusive=True, group=EXPORT_GROUP, exit_on_error=False, description="export to Excel")
    async def _export(self, kind: ExportKind, target: Path) -> None:
        throttle = ProgressThrottle(self)
        try:
            summary = await kind.run(target, throttle, self._cancel)
        except ExportFileError as exc:
            self.post_message(ExportFailed(exc.line(language())))
            return
        except StorageError as exc:
            self.post_message(ExportFailed(str(exc)))
            return
        finally:
            throttle.close()
        self.post_message(ExportFinished(summary))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if self.phase not in ("running", "cancelling"):
            return  # a late count: the export has already said how it ended
        self.progress_done = message.done
        if self.phase == "cancelling":
            line = tr("transfer.export.cancelling")
        elif message.total is None:
            line = tr("transfer.export.progress_open", done=fmt_number(message.done))
        else:
            line = tr(
                "transfer.export.progress",
                done=fmt_number(message.done),
                total=fmt_number(message.total),
            )
        self.query_one(TransferProgress).show(message.done, message.total, line)

    @on(ExportFinished)
    def _finished(self, message: ExportFinished) -> None:
        if self.phase not in ("running", "cancelling"):
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

    @on(ExportFailed)
    def _failed(self, message: ExportFailed) -> None:
        if self.phase not in ("running", "cancelling"):
            return
        self.phase = "ask"
        self._replace = None
        self._say(message.line, error=True)
        self._show_phase()
        self.query_one("#transfer-path", Input).focus()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = tr("transfer.failed", error=error_line(event.worker.error))
            self.post_message(ExportFailed(error))

    # --- keys and buttons -------------------------------------------------------------------

    def action_escape(self) -> None:
        if self.phase == "ask":
            self.dismiss(None)
        elif self.phase == "running":
            self._cancel.set()  # storage stops after the batch in hand and removes the file
            self.phase = "cancelling"
            self.query_one(TransferProgress).say(tr("transfer.export.cancelling"))
            self._show_phase()
        elif self.phase == "done":
            self.dismiss(self.summary)

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_escape()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.dismiss(self.summary)
