"""What the export and import dialogs share: the modal frame with its path field, progress
bar, result line and buttons, a job run in a worker with its failures as one line, and the
keys.

A dialog goes through phases (its `phase`, a word of its own); `RUNNING` are those in
which a job runs, and `BUTTONS` says in which phases each button is shown. A job's file
that cannot be read or written, a storage error, or an error nobody foresaw becomes one
`TransferFailed` line, and the dialog asks for the path again. Escape closes the dialog
in the phases of `NOTHING_YET` (with None) and of `ENDED` (with what it did); in the
others it is the dialog's `_escape_running`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from console.data import NotAllowed, StorageError, database_error
from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.widgets.transfer.common import error_line
from console.widgets.transfer.progress import Progressed, ProgressThrottle, TransferProgress
from console.wording import not_allowed
from console.xlsx_words import export_error_line, file_error_line
from storage.xlsx import ExportFileError, ImportFileError

R = TypeVar("R")  # what the dialog dismisses with
T = TypeVar("T")  # what a job returns

STYLES: Final = Path(__file__).resolve().parents[2] / "styles" / "transfer.tcss"


@dataclass
class TransferFailed(Message):
    """The job could not be done (the file cannot be read or written…): one line why."""

    line: str


class TransferDialog(ModalScreen[R]):
    """The frame of a file transfer dialog; see the module's docstring."""

    CSS_PATH = STYLES
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "key.cancel", tooltip="key.cancel.tip", id="transfer.escape"),
    ]
    RUNNING: ClassVar[tuple[str, ...]]  # the phases in which a job runs
    NOTHING_YET: ClassVar[tuple[str, ...]]  # Escape closes with None
    ENDED: ClassVar[tuple[str, ...]]  # Escape closes with `_result()`
    BUTTONS: ClassVar[Mapping[str, tuple[str, ...]]]  # button id: the phases it is shown in

    phase: str

    def __init__(self) -> None:
        super().__init__(classes="dialog transfer-dialog")
        localize_bindings(self)
        self.phase = "ask"

    # --- layout -------------------------------------------------------------------------

    def _path_field(self, value: str) -> ComposeResult:
        yield Label(tr("transfer.path"))
        yield Input(
            value,
            placeholder=tr("transfer.path.placeholder"),
            id="transfer-path",
            compact=True,
        )

    def _result_lines(self) -> ComposeResult:
        yield TransferProgress(id="transfer-progress")
        yield Static("", id="transfer-result")

    def on_mount(self) -> None:
        self._say("")
        self._show_phase()
        self._path.focus()

    @property
    def _path(self) -> Input:
        return self.query_one("#transfer-path", Input)

    def _show_phase(self) -> None:
        """The path is open only while asking; the buttons are those of the phase."""
        self._path.disabled = self.phase != "ask"
        self.query_one(TransferProgress).display = self._progress_shown()
        for button_id, phases in self.BUTTONS.items():
            self.query_one(f"#{button_id}", Button).display = self.phase in phases

    def _progress_shown(self) -> bool:
        return self.phase in self.RUNNING

    def _say(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#transfer-result", Static)
        result.update(text)
        result.set_class(error, "dialog-error")
        result.display = bool(text)

    def _typed(self, to_path: Callable[[str], Path | None]) -> Path | None:
        """The file `to_path` makes of the path field while asking; None when not asking,
        or (saying so) when nothing was typed."""
        if self.phase != "ask":
            return None
        path = to_path(self._path.value)
        if path is None:
            self._say(tr("transfer.path.empty"), error=True)
        return path

    def _ask_again(self, text: str, *, error: bool) -> None:
        """Back to the path, with a line saying why."""
        self.phase = "ask"
        self._say(text, error=error)
        self._show_phase()
        self._path.focus()

    # --- running ----------------------------------------------------------------------------

    def _begin(self, phase: str, line: str) -> None:
        """A job starts: its phase, an empty bar with `line` under it."""
        self.phase = phase
        self.query_one(TransferProgress).show(0, None, line)
        self._show_phase()
        self.set_focus(None)  # a second Enter must not press a button; Escape still works

    async def _guarded(self, job: Callable[[ProgressThrottle], Awaitable[T]]) -> T | None:
        """What `job(progress)` returns, or None when it failed (and said so)."""
        throttle = ProgressThrottle(self)
        try:
            return await job(throttle)
        except ExportFileError as exc:
            self.post_message(TransferFailed(export_error_line(exc)))
        except ImportFileError as exc:
            self.post_message(TransferFailed(file_error_line(exc)))
        except StorageError as exc:
            self.post_message(TransferFailed(database_error(exc)))
        except NotAllowed as exc:  # importing needs a supervisor or an admin
            self.post_message(TransferFailed(not_allowed(exc)))
        finally:
            throttle.close()
        return None

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if self.phase not in self.RUNNING:
            return  # a late count: the job has already said how it ended
        line = self._counted(message)
        self.query_one(TransferProgress).show(message.done, message.total, line)

    def _counted(self, message: Progressed) -> str:
        """The line under the bar for a count (noted by the dialog if it wants)."""
        raise NotImplementedError

    @on(TransferFailed)
    def _failed(self, message: TransferFailed) -> None:
        if self.phase in self.RUNNING:
            self._ask_again(message.line, error=True)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = tr("transfer.failed", error=error_line(event.worker.error))
            self.post_message(TransferFailed(error))

    # --- keys and buttons -------------------------------------------------------------------

    def _result(self) -> R | None:
        """What the dialog dismisses with once the job has ended."""
        raise NotImplementedError

    def _escape_running(self) -> None:
        """Escape while a job runs."""
        raise NotImplementedError

    def action_start(self) -> None:
        raise NotImplementedError

    def action_escape(self) -> None:
        if self.phase in self.NOTHING_YET:
            self.dismiss(None)
        elif self.phase in self.ENDED:
            self.dismiss(self._result())
        else:
            self._escape_running()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_escape()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.dismiss(self._result())
