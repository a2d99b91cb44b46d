"""Pausing an operator from the board: a reason (from `[[pause_reasons]]`, or typed) and
where (every queue, or one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.widgets.footer import ConsoleFooter

EVERY_QUEUE = "*"
REASON_MAX = 64


@dataclass(frozen=True, slots=True)
class PauseChoice:
    """What the supervisor chose: the reason (None: none given), the queue (None: all)."""

    reason: str | None
    queue: str | None


class PauseDialog(ModalScreen[PauseChoice | None]):
    """Enter on a listed reason, or on a typed one, pauses; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="pause.cancel"),
    ]

    def __init__(self, operator: str, reasons: Sequence[str], queues: Sequence[str]) -> None:
        """`operator` as the board names it; `queues` those the operator is logged in to."""
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._operator = operator
        self._reasons = list(reasons)
        self._queues = list(queues)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="pause-body"):
            yield Static(tr("pause.title", operator=self._operator), id="title")
            if self._reasons:
                yield Static(tr("pause.reason"), classes="field-label")
                yield OptionList(
                    *[
                        Option(f"{n}. {reason}", id=str(n - 1))
                        for n, reason in enumerate(self._reasons, start=1)
                    ],
                    id="pause-reasons",
                )
            yield Static(tr("pause.typed"), classes="field-label")
            yield Input(max_length=REASON_MAX, id="pause-typed")
            yield Static(tr("pause.where"), classes="field-label")
            yield Select(
                [(tr("pause.all"), EVERY_QUEUE)]
                + [(tr("pause.one", queue=q), q) for q in self._queues],
                value=EVERY_QUEUE,
                allow_blank=False,
                id="pause-where",
            )
        yield ConsoleFooter()

    def on_mount(self) -> None:
        if self._reasons:
            self.query_one("#pause-reasons", OptionList).focus()
        else:
            self.query_one("#pause-typed", Input).focus()

    def _where(self) -> str | None:
        value = self.query_one("#pause-where", Select).value
        return value if isinstance(value, str) and value != EVERY_QUEUE else None

    @on(OptionList.OptionSelected, "#pause-reasons")
    def _reason_picked(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        self.dismiss(PauseChoice(self._reasons[index], self._where()))

    @on(Input.Submitted, "#pause-typed")
    def _reason_typed(self, event: Input.Submitted) -> None:
        reason = " ".join(event.value.split())
        self.dismiss(PauseChoice(reason or None, self._where()))

    def action_cancel(self) -> None:
        self.dismiss(None)
