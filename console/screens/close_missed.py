"""Closing a missed number without calling back, and reopening it: the `x` key of the
board's missed list and of History's missed tab, one flow for both.

On a number still waiting, `x` asks for a reason (an offered one, or typed) and closes it;
on a closed one it asks whether to reopen it; a number already called back has nothing to
close. The write is one transaction (`ConsoleData.close_missed`) in a worker, so the screen
never waits on the database; while the database is unreachable it is refused in words and
nothing is changed (it is a person's decision at that moment, not queued for later).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.data import (
    OFFERED_REASONS,
    Closing,
    ConsoleData,
    DomainError,
    MissedNumber,
    NotWaiting,
    is_unavailable,
)
from console.i18n import fmt_time, tr
from console.i18n.bindings import localize_bindings
from console.merge_words import refusal_line
from console.screens.confirm import ConfirmScreen
from console.widgets.board.missed import who_called
from console.widgets.footer import ConsoleFooter
from console.wording import caller_number, close_reason, close_reason_code

REASON_MAX = 200  # as storage keeps it (storage.missed_closings.REASON_MAX)


class CloseMissedDialog(ModalScreen[str | None]):
    """Enter on an offered reason, or on a typed one, closes; Escape cancels. Dismisses
    with the reason as stored: an offered one's code, or the typed words."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="close.cancel"),
    ]

    def __init__(self, number: str, who: str) -> None:
        """`number` as the list shows it, `who` the client or caller ID name ("" if none)."""
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._number = number
        self._who = who

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="close-body"):
            yield Static(tr("callbacks.close.title", number=self._number), classes="dialog-title")
            if self._who:  # the name as it is, never declined
                yield Static(tr("callbacks.close.who", who=self._who))
            yield Static(tr("callbacks.close.about"))
            yield Static(tr("callbacks.close.reason"), classes="field-label")
            yield OptionList(
                *[
                    Option(f"{n}. {close_reason(code)}", id=code)
                    for n, code in enumerate(OFFERED_REASONS, start=1)
                ],
                id="close-reasons",
            )
            yield Static(tr("callbacks.close.typed"), classes="field-label")
            yield Input(max_length=REASON_MAX, id="close-typed")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.query_one("#close-reasons", OptionList).focus()

    @on(OptionList.OptionSelected, "#close-reasons")
    def _reason_picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#close-typed")
    def _reason_typed(self, event: Input.Submitted) -> None:
        reason = close_reason_code(event.value)
        if reason:  # Enter on an empty field closes nothing: a reason is required
            self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MissedCloser:
    """The close / reopen flow of one screen's missed list; `reread` reads the list again
    when the change may have been made elsewhere, or (outside a ConsoleApp) was made."""

    def __init__(self, screen: Screen[Any], data: ConsoleData, reread: Callable[[], None]) -> None:
        self._screen = screen
        self._data = data
        self._reread = reread

    def start(self, row: MissedNumber) -> None:
        """Close the number `row` is (a reason first), or reopen it if it is closed."""
        number = caller_number(row.number, row.number_raw)
        app = self._screen.app
        if row.closed:
            question = tr(
                "callbacks.reopen.question",
                number=number,
                time=fmt_time(row.returned_at) if row.returned_at else "",
                reason=close_reason(row.close_reason or ""),
                who=row.closed_by or "",
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self._run(
                        lambda: self._data.reopen_missed(row.number),
                        tr("callbacks.reopened", number=number),
                        tr("callbacks.reopen.not_closed", number=number),
                        tr("callbacks.reopen.refused"),
                    )

            confirm = ConfirmScreen(
                question, yes=tr("callbacks.reopen.yes"), no=tr("callbacks.reopen.no")
            )
            app.push_screen(confirm, answered)
            return
        if row.returned:
            self._screen.notify(tr("callbacks.close.returned", number=number))
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self._run(
                    lambda: self._data.close_missed(row.number, reason),
                    tr("callbacks.closed", number=number, reason=close_reason(reason)),
                    tr("callbacks.close.not_waiting", number=number),
                    tr("callbacks.close.refused"),
                )

        app.push_screen(CloseMissedDialog(number, who_called(row)), chosen)

    def _run(
        self, write: Callable[[], Awaitable[Closing]], done: str, moot: str, outage: str
    ) -> None:
        self._screen.run_worker(
            self._write(write, done, moot, outage),
            group="missed-close",
            exit_on_error=False,
            description="closing a missed number",
        )

    async def _write(
        self, write: Callable[[], Awaitable[Closing]], done: str, moot: str, outage: str
    ) -> None:
        """One transaction; every refusal said in words, the list read again when it may
        have changed (here or at another console)."""
        screen = self._screen
        try:
            await write()
        except NotWaiting:
            screen.notify(moot, severity="warning")
            self._reread()
            return
        except DomainError as exc:  # a dispatcher's key, a reason refused
            screen.notify(refusal_line(exc), severity="error")
            return
        except Exception as exc:
            if not is_unavailable(exc):
                raise  # the screen's worker handler says what failed
            recheck = getattr(getattr(screen.app, "desk", None), "recheck_database", None)
            if callable(recheck):
                recheck()  # the status bar follows at once
            screen.notify(outage, severity="error", timeout=15)
            return
        screen.notify(done)
        announce = getattr(screen.app, "call_backs_changed", None)
        if callable(announce):
            announce()  # the board and History of this console read again, not only this one
        else:
            self._reread()
