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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Static

from console.i18n import fmt_number, timezone, tr
from console.widgets.footer import ConsoleFooter
from console.widgets.transfer.common import import_source, shown_path
from console.widgets.transfer.dialog import TransferDialog
from console.widgets.transfer.progress import Progressed, TransferProgress
from console.xlsx_words import import_lines, import_words
from storage.xlsx import ImportReport

if TYPE_CHECKING:
    from console.data import ConsoleData

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


def notes(report: ImportReport) -> list[str]:
    """What a clean report adds to its counts: the tariffs it creates, the rows of existing
    clients it leaves alone («don't update»)."""
    lines = import_lines(report, hint="dialog")[:-1]  # (the counts are said on their own)
    return lines[1:] if report.ignored_columns else lines  # (and so are ignored columns)


def counts(report: ImportReport) -> dict[str, str]:
    """What a report counts, as the lines saying it name the numbers."""
    return {
        "rows": fmt_number(report.rows),
        "create": fmt_number(report.created),
        "update": fmt_number(report.updated),
        "unchanged": fmt_number(report.unchanged),
    }


class ImportDialog(TransferDialog[ImportReport | None]):
    """Check, confirm, import. Dismisses with the report of a committed import, else None."""

    RUNNING = ("checking", "importing")
    NOTHING_YET = ("ask", "confirm")
    ENDED = ("rejected", "done")
    BUTTONS: ClassVar = {
        "check": ("ask",),
        "start": ("confirm",),
        "cancel": ("ask", "checking", "confirm"),
        "close": ("rejected", "done"),
    }

    phase: Phase

    def __init__(
        self,
        data: ConsoleData,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self._data = data
        self._folder = folder if folder is not None else Path.home()
        self._source: Path | None = None
        self._update_existing = True
        self._create_tariffs = False
        self.report: ImportReport | None = None  # the last report: a check's or the import's
        self.report_lines: list[str] = []  # what the report's box shows

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(tr("transfer.import.title"), classes="dialog-title")
            yield Static(tr("transfer.import.about"), classes="transfer-about")
            yield from self._path_field(shown_path(self._folder).rstrip("/") + "/")
            yield Checkbox(tr("transfer.import.no_update"), id="import-no-update", compact=True)
            yield Checkbox(
                tr("transfer.import.create_tariffs"), id="import-create-tariffs", compact=True
            )
            yield from self._result_lines()
            # The report's lines whole: long ones wrap, many of them scroll.
            with VerticalScroll(id="import-errors"):
                yield Static("", id="import-errors-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("transfer.import.check"), id="check", variant="primary")
                yield Button(tr("transfer.import.start"), id="start", variant="primary")
                yield Button(tr("common.cancel"), id="cancel")
                yield Button(tr("transfer.close"), id="close", variant="primary")
        yield ConsoleFooter()  # the dialog's keys, not those of the screen under it

    def _show_phase(self) -> None:
        super()._show_phase()
        asking = self.phase == "ask"
        self.query_one(".transfer-about", Static).display = asking  # room for the report
        self.query_one("#import-no-update", Checkbox).disabled = not asking
        self.query_one("#import-create-tariffs", Checkbox).disabled = not asking
        self.query_one("#import-errors").display = bool(self.report_lines) and self.phase in (
            "rejected",
            "confirm",
            "done",
        )

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
        source = self._typed(import_source)
        if source is None:
            return
        self._source = source
        self._update_existing = not self.query_one("#import-no-update", Checkbox).value
        self._create_tariffs = self.query_one("#import-create-tariffs", Checkbox).value
        self.report = None
        self._show_lines([])
        self._say("")
        self._begin("checking", tr("transfer.import.checking", done=fmt_number(0)))
        self._run(source, dry_run=True)

    @work(exclusive=True, group=IMPORT_GROUP, exit_on_error=False, description="import from Excel")
    async def _run(self, source: Path, dry_run: bool) -> None:
        report = await self._guarded(
            lambda progress: self._data.import_clients(
                source,
                words=import_words(),
                update_existing=self._update_existing,
                create_tariffs=self._create_tariffs,
                dry_run=dry_run,
                tz=timezone(),
                progress=progress,
            )
        )
        if report is not None:
            self.post_message(ImportChecked(report) if dry_run else ImportFinished(report))

    def _counted(self, message: Progressed) -> str:
        if self.phase == "checking":
            return tr("transfer.import.checking", done=fmt_number(message.done))
        return tr("transfer.import.writing")

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
        self._show_lines(notes(report))
        if report.created or report.updated:
            self.phase = "confirm"
            lines.append(tr("transfer.import.plan", **counts(report)))
        else:
            self.phase = "done"
            lines.append(tr("transfer.import.nothing", **counts(report)))
        self._say("\n".join(lines))
        self._show_phase()
        self._focus_later("#start" if self.phase == "confirm" else "#close")

    def _reject(self, report: ImportReport) -> None:
        """Bad rows: list them all; nothing was (or will be) written."""
        self.phase = "rejected"
        if report.error_count:
            line = tr(
                "transfer.import.rejected",
                errors=fmt_number(report.error_count),
                rows=fmt_number(report.rows),
            )
        else:  # only tariffs this database has not: the box says which, and the checkbox
            line = tr("transfer.import.rejected_tariffs")
        self._say(line, error=True)
        self._show_lines(import_lines(report, hint="dialog"))
        self._show_phase()
        self._focus_later("#close")

    def _show_lines(self, lines: list[str]) -> None:
        self.report_lines = lines
        self.query_one("#import-errors-text", Static).update("\n".join(lines))
        self.query_one("#import-errors", VerticalScroll).scroll_home(animate=False)

    # --- import -----------------------------------------------------------------------------

    def action_start(self) -> None:
        if self.phase != "confirm" or self._source is None:
            return
        self._begin("importing", tr("transfer.import.writing"))
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
        self._say(tr("transfer.import.done", **counts(report)))
        self._show_lines(notes(report))
        self._show_phase()
        self._focus_later("#close")

    # --- keys and buttons -------------------------------------------------------------------

    def _result(self) -> ImportReport | None:
        return self.report if self.committed else None

    def _escape_running(self) -> None:
        if self.phase == "checking":
            self.workers.cancel_group(self, IMPORT_GROUP)  # a dry run: nothing to undo
            self._ask_again(tr("transfer.import.check_cancelled"), error=False)
        else:  # the import commits everything or nothing: it is not stopped half-way
            self.query_one(TransferProgress).say(tr("transfer.import.busy"))

    @on(Button.Pressed, "#check")
    def _check_pressed(self) -> None:
        self.action_check()
