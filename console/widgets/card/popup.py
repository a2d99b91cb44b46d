"""A popup for one call at my phone: the call line (number at once) over the caller's card.

The number and caller ID name show the moment the ring arrives; the card fills in when
its query returns. Withheld and internal calls get a line that says so, and no card.
"""

from __future__ import annotations

import time
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from console.i18n import fmt_time, tr
from console.widgets.calls.strip import caller_text
from console.widgets.card.panel import ClientCardPanel
from pbx.call_events import CallRinging, LiveCall

PopupState = Literal["ringing", "talking", "missed", "ended", "elsewhere"]


class CallPopup(Vertical):
    """Keyed by `server/linkedid`; the dispatcher keeps one per call that rang here."""

    DEFAULT_CSS = """
    CallPopup { height: 1fr; }
    CallPopup #call-line { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    CallPopup.-ringing #call-line { background: $success 40%; }
    CallPopup.-missed #call-line { background: $warning 40%; }
    """

    def __init__(
        self,
        key: str,
        *,
        server: str,
        linkedid: str,
        number: str | None,
        number_raw: str,
        name: str | None,
        queue: str | None,
        kind: str,
        at_text: str,
        popped_at: float,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="-ringing")
        self.key = key
        self.server = server
        self.linkedid = linkedid
        self.number = number
        self.number_raw = number_raw
        self.caller_name = name
        self.queue = queue
        self.kind = kind
        self.at_text = at_text
        self.state: PopupState = "ringing"
        self.popped_at = popped_at  # monotonic time the ring reached the console
        self.shown_at: float | None = None
        self.colleague: str | None = None

    @classmethod
    def from_ring(
        cls, key: str, call: CallRinging, *, popped_at: float, id: str | None = None
    ) -> CallPopup:
        return cls(
            key,
            server=call.server,
            linkedid=call.linkedid,
            number=call.number,
            number_raw=call.number_raw,
            name=call.name,
            queue=call.queue,
            kind=call.kind,
            at_text=fmt_time(call.at),
            popped_at=popped_at,
            id=id,
        )

    @classmethod
    def from_live(cls, key: str, call: LiveCall, *, id: str | None = None) -> CallPopup:
        kind = "phone" if call.number else "withheld"
        popup = cls(
            key,
            server=call.server,
            linkedid=call.linkedid,
            number=call.number,
            number_raw=call.number_raw,
            name=call.name,
            queue=call.queue,
            kind=kind,
            at_text=fmt_time(call.started_at),
            popped_at=time.monotonic(),
            id=id,
        )
        popup.state = "talking" if call.state == "talking" else "ringing"
        return popup

    @property
    def panel(self) -> ClientCardPanel:
        return self.query_one(ClientCardPanel)

    def compose(self) -> ComposeResult:
        yield Static(self._line(), id="call-line")
        yield ClientCardPanel()

    def on_mount(self) -> None:
        self.shown_at = time.monotonic()
        self.set_state(self.state)
        if self.kind == "withheld":
            self.panel.notice(tr("popup.withheld"), loud=True)
        elif self.kind == "invalid":
            self.panel.notice(tr("popup.invalid", raw=self.number_raw or "—"), loud=True)
        elif self.kind == "internal":
            self.panel.notice(tr("popup.internal", who=self.number_raw), loud=True)
        elif self.number:
            self.panel.load_phone(self.number)

    def tab_label(self) -> str:
        who = self.caller_name or self.number_raw or tr("calls.withheld")
        return f"{tr(f'popup.state.{self.state}')} {who}"

    def _line(self) -> str:
        caller = caller_text(self.number, self.number_raw, self.caller_name)
        if self.kind == "internal":
            caller = tr("popup.colleague", who=self.colleague or self.number_raw)
        queue = tr("popup.queue", queue=self.queue) if self.queue else ""
        return tr(
            "popup.line",
            state=tr(f"popup.state.{self.state}"),
            caller=caller,
            queue=queue,
            at=self.at_text,
        )

    def set_state(self, state: PopupState) -> None:
        self.state = state
        for name in ("ringing", "talking", "missed", "ended", "elsewhere"):
            self.set_class(name == state, f"-{name}")
        self.query_one("#call-line", Static).update(self._line())

    def identified(
        self, *, kind: str, client_id: int | None, created: bool, colleague: str | None
    ) -> None:
        """The desk said who is calling: load the card (edit mode for a brand-new client)."""
        self.kind = kind
        if kind == "internal":
            self.colleague = colleague
            self.panel.notice(tr("popup.internal", who=colleague or self.number_raw), loud=True)
            self.query_one("#call-line", Static).update(self._line())
            return
        if client_id is None:
            return
        if created:
            self.panel.notice(tr("popup.created"), loud=True)
            self.panel.load(client_id, edit_focus="last_name")
        elif self.panel.card is None or self.panel.card.id != client_id:
            self.panel.load(client_id)
