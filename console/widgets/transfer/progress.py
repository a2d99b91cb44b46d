"""Progress of an export or import, from storage's callback to a bar on screen.

Storage calls `progress(done, total)` on the event loop whenever it finishes a batch (or a
chunk of rows read). `ProgressThrottle` turns those calls into at most one `Progressed`
message per interval: the first at once, later ones no sooner than `interval` after the
previous, and the latest value always delivered (a trailing message) so the bar never
stays behind. `TransferProgress` is the bar with a line of words under it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Final, Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import ProgressBar, Static

MIN_INTERVAL: Final = 0.1  # seconds between two progress messages


@dataclass
class Progressed(Message):
    """Rows done so far out of `total` (None: not known); a newer count supersedes it."""

    done: int
    total: int | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Progressed)


class Cancellable(Protocol):
    def cancel(self) -> None: ...


# Runs a callback after a delay in seconds: the event loop's `call_later` by default.
Later = Callable[[float, Callable[[], None]], Cancellable]


def _loop_later(delay: float, callback: Callable[[], None]) -> Cancellable:
    return asyncio.get_running_loop().call_later(delay, callback)


class ProgressThrottle:
    """A storage `progress` callback posting `Progressed` to `target`, throttled."""

    def __init__(
        self,
        target: MessagePump,
        *,
        interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        later: Later = _loop_later,
    ) -> None:
        self._target = target
        self._interval = interval
        self._clock = clock
        self._later = later  # with `clock`: tests pass a clock they move by hand
        self._last: float | None = None
        self._pending: tuple[int, int | None] | None = None
        self._timer: Cancellable | None = None
        self.calls = 0  # how often storage reported
        self.posted = 0  # how many messages that became

    def __call__(self, done: int, total: int | None) -> None:
        self.calls += 1
        now = self._clock()
        wait = 0.0 if self._last is None else self._last + self._interval - now
        if wait <= 0:
            self._post(done, total, now)
            return
        self._pending = (done, total)
        if self._timer is None:
            self._timer = self._later(wait, self._flush)

    def _flush(self) -> None:
        self._timer = None
        if self._pending is not None:
            done, total = self._pending
            self._post(done, total, self._clock())

    def _post(self, done: int, total: int | None, now: float) -> None:
        self._pending = None
        self._last = now
        self.posted += 1
        self._target.post_message(Progressed(done, total))

    def close(self) -> None:
        """No more messages: the job is over and says so itself."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pending = None


class TransferProgress(Vertical):
    """A progress bar (percent of `total`, or pulsing while the total is unknown) over one
    line saying what is being done."""

    DEFAULT_CSS: ClassVar[str] = """
    TransferProgress { height: auto; margin-top: 1; }
    TransferProgress > ProgressBar { width: 1fr; }
    TransferProgress > ProgressBar > Bar { width: 1fr; }
    TransferProgress > .transfer-progress-line { color: $text-muted; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, id="transfer-bar")
        yield Static("", classes="transfer-progress-line", id="transfer-progress-line")

    def show(self, done: int, total: int | None, line: str) -> None:
        bar = self.query_one(ProgressBar)
        if total is None:
            bar.update(total=None)
        else:
            bar.update(total=max(total, 1), progress=min(done, total))
        self.say(line)

    def complete(self, line: str) -> None:
        """The whole job is done (even one of no rows): a full bar."""
        self.query_one(ProgressBar).update(total=1, progress=1)
        self.say(line)

    def say(self, line: str) -> None:
        self.query_one("#transfer-progress-line", Static).update(line)
