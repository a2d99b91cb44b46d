"""Import clients from an Excel file, in one modal dialog: which file, a check of every
row, the operator's confirmation, then the import.

The check is storage's dry run (`import_clients(dry_run=True)`): nothing is written, and
the dialog shows its report before anything else happens. Bad rows are listed, each with
its row number, column, value and reason in the interface language, and the only way on is
Close. A clean file shows what the import will do (N to create, M to update) and waits
for the operator to confirm; only then does the real import run, all rows in one
transaction with the operator recorded as the actor of every change. A file that is not
a readable workbook is one line, and another path can be tried.

The check can be abandoned with Escape (it writes nothing); the import itself cannot: it
commits everything or nothing, and stopping it half-way would gain nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Log, Static
from textual.worker import Worker, WorkerState

from console.i18n import fmt_number, language, timezone, tr
from console.i18n.bindings import localize_bindings
from console.widgets.transfer.common import error_line, import_source, shown_path
from console.widgets.transfer.progress import Progressed, ProgressThrottle, TransferProgress
from storage.db import StorageError
from storage.xlsx import ImportFileError, ImportReport

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Phase = Literal["ask", "checking", "confirm", "rejected", "importing", "done"]
IMPORT_GROUP = "transfer-import"


@dataclass
class ImportChecked(Message):
    """The check (a dry run) is over: what the import would do, or the bad rows."""

    report: ImportReport


@dataclass
class ImportFinished(Message):
    """The import is over: committed, or refused with the bad rows and nothing written."""

    report: ImportReport


@dataclass
class ImportFailed(Message):
    """The file cannot be imported at all (not a workbook, no header…): one line."""

    line: str


class ImportDialog(ModalScreen[ImportReport | None]):
    """Check, confirm, import. Dismisses with the report of a committed import, else None."""

    CSS_PATH = "../styles/transfer.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "key.cancel", tooltip="key.cancel.tip", id="transfer.escape"),
    ]

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        actor: str,
        region: str,
        folder: Path | None = None,
    ) -> None:
        super().__init__(classes="dialog transfer-dialog")
        localize_bindings(self)
        self._sessions = sessions
        self._actor = actor
        self._region = region
        self._folder = folder if folder is not None else Path.home()
        self._source: Path | None = None
        self._update_existing = True
        self.phase: Phase = "ask"
        self.report: ImportReport | None = None  # the last report: a check's or the import's

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(tr("transfer.import.title"), classes="dialog-title")
            yield Static(tr("transfer.import.about"), classes="transfer-about")
            yield Label(tr("transfer.path"))
            yield Input(
                shown_path(self._folder).rstrip("/") + "/",
                placeholder=tr("transfer.path.placeholder"),
                id="transfer-path",
                compact=True,
            )
            yield Checkbox(tr("transfer.import.no_update"), id="import-no-update", compact=True)
            yield TransferProgress(id="transfer-progress")
            yield Static("", id="transfer-result")
            yield Log(auto_scroll=False, id="import-errors")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("transfer.import.check"), id="check", variant="primary")
                yield Button(tr("transfer.import.start"), id="start", variant="primary")
                yield Button(tr("common.cancel"), id="cancel")
                yield Button(tr("transfer.close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self._say("")
        self._show_phase()
        self.query_one("#transfer-path", Input).focus()

    def _show_phase(self) -> None:
        phase = self.phase
        asking = phase == "ask"
        self.query_one(".transfer-about", Static).display = asking  # room for the report
        self.query_one("#transfer-path", Input).disabled = not asking
        self.query_one("#import-no-update", Checkbox).disabled = not asking
        self.query_one(TransferProgress).display = phase in ("checking", "importing")
        self.query_one("#import-errors", Log).display = phase == "rejected"
        self.query_one("#check", Button).display = asking
        self.query_one("#start", Button).display = phase == "confirm"
        self.query_one("#cancel", Button).display = phase in ("ask", "checking", "confirm")
        self.query_one("#close", Button).display = phase in ("rejected", "done")

    def _say(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#transfer-result", Static)
        result.update(text)
        result.set_class(error, "dialog-error")
        result.display = bool(text)

    def _focus_later(self, button: str) -> None:
        """Focus (and so scroll into view) a button just shown, once it has a place."""
        self.call_after_refresh(self.query_one(button, Button).focus)

    @property
    def committed(self) -> bool:
        return self.report is not None and self.report.committed

    # --- check ------------------------------------------------------------------------------

    @on(Input.Submitted, "#transfer-path")
    def _path_submitted(self) -> None:
        self.action_check()

    def action_check(self) -> None:
        if self.phase != "ask":
            return
        source = import_source(self.query_one("#transfer-path", Input).value)
        if source is None:
            self._say(tr("transfer.path.empty"), error=True)
            return
        self._source = source
        self._update_existing = not self.query_one("#import-no-update", Checkbox).value
        self.report = None
        self.phase = "checking"
        self._say("")
        self.query_one(TransferProgress).show(
            0, None, tr("transfer.import.checking", done=fmt_number(0))
        )
        self._show_phase()
        self.set_focus(None)
        self._run(source, dry_run=True)

    @work(exclusive=True, group=IMPORT_GROUP, exit_on_error=False, description="import from Excel")
    async def _run(self, source: Path, dry_run: bool) -> None:
        from storage.xlsx import import_clients

        throttle = ProgressThrottle(self)
        try:
            report = await import_clients(
                self._sessions,
                source,
                update_existing=self._update_existing,
                dry_run=dry_run,
                actor=self._actor,
                region=self._region,
                tz=timezone(),
                progress=throttle,
            )
        except ImportFileError as exc:
            self.post_message(ImportFailed(exc.line(language())))
            return
        except StorageError as exc:
            self.post_message(ImportFailed(str(exc)))
            return
        finally:
            throttle.close()
        self.post_message(ImportChecked(report) if dry_run else ImportFinished(report))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if self.phase == "checking":
            line = tr("transfer.import.checking", done=fmt_number(message.done))
        elif self.phase == "importing":
            line = tr("transfer.import.writing")
        else:
            return  # a late count: the job has already said how it ended
        self.query_one(TransferProgress).show(message.done, message.total, line)

    @on(ImportChecked)
    def _checked(self, message: ImportChecked) -> None:
        if self.phase != "checking":
            return  # the check was abandoned meanwhile
        report = message.report
        self.report = report
        if not report.ok:
            self._reject(report)
            return
        lines = []
        if report.ignored_columns:
            lines.append(tr("transfer.import.ignored", columns=", ".join(report.ignored_columns)))
        counts = {
            "rows": fmt_number(report.rows),
            "create": fmt_number(report.created),
            "update": fmt_number(report.updated),
            "unchanged": fmt_number(report.unchanged),
        }
        if report.created or report.updated:
            self.phase = "confirm"
            lines.append(tr("transfer.import.plan", **counts))
        else:
            self.phase = "done"
            lines.append(tr("transfer.import.nothing", **counts))
        self._say("\n".join(lines))
        self._show_phase()
        self._focus_later("#start" if self.phase == "confirm" else "#close")

    def _reject(self, report: ImportReport) -> None:
        """Bad rows: list them all; nothing was (or will be) written."""
        self.phase = "rejected"
        self._say(
            tr(
                "transfer.import.rejected",
                errors=fmt_number(report.error_count),
                rows=fmt_number(report.rows),
            ),
            error=True,
        )
        errors = self.query_one("#import-errors", Log)
        errors.clear()
        errors.write_lines(report.format_lines(language()))
        errors.scroll_home(animate=False)
        self._show_phase()
        self._focus_later("#close")

    # --- import -----------------------------------------------------------------------------

    def action_start(self) -> None:
        if self.phase != "confirm" or self._source is None:
            return
        self.phase = "importing"
        self.query_one(TransferProgress).show(0, None, tr("transfer.import.writing"))
        self._show_phase()
        self.set_focus(None)
        self._run(self._source, dry_run=False)

    @on(ImportFinished)
    def _finished(self, message: ImportFinished) -> None:
        if self.phase != "importing":
            return
        report = message.report
        self.report = report
        if not report.ok:  # the base changed since the check: refused, nothing written
            self._reject(report)
            return
        self.phase = "done"
        self._say(
            tr(
                "transfer.import.done",
                rows=fmt_number(report.rows),
                create=fmt_number(report.created),
                update=fmt_number(report.updated),
                unchanged=fmt_number(report.unchanged),
            )
        )
        self._show_phase()
        self._focus_later("#close")

    @on(ImportFailed)
    def _failed(self, message: ImportFailed) -> None:
        if self.phase not in ("checking", "importing"):
            return
        self.phase = "ask"
        self._say(message.line, error=True)
        self._show_phase()
        self.query_one("#transfer-path", Input).focus()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = tr("transfer.failed", error=error_line(event.worker.error))
            self.post_message(ImportFailed(error))

    # --- keys and buttons -------------------------------------------------------------------

    def action_escape(self) -> None:
        if self.phase in ("ask", "confirm"):
            self.dismiss(None)
        elif self.phase == "checking":
            self.workers.cancel_group(self, IMPORT_GROUP)  # a dry run: nothing to undo
            self.phase = "ask"
            self._say(tr("transfer.import.check_cancelled"))
            self._show_phase()
            self.query_one("#transfer-path", Input).focus()
        elif self.phase == "importing":
            self.query_one(TransferProgress).say(tr("transfer.import.busy"))
        else:
            self.dismiss(self.report if self.committed else None)

    @on(Button.Pressed, "#check")
    def _check_pressed(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_escape()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.dismiss(self.report if self.committed else None)
