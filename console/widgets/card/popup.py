"""A popup for one call at my phone: the call line (number at once) over the caller's card.

The number and caller ID name show the moment the ring arrives; the card fills in when
its query returns. Withheld and internal calls get a line that says so, and no card.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from console.data import first_call_fields
from console.i18n import fmt_time, tr
from console.widgets.card.panel import ClientCardPanel
from console.widgets.ringing import RingingCall
from console.wording import caller_name, caller_number, caller_text
from pbx.call_events import CallRinging, LiveCall
from storage.phones import format_display

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.data import ClientCard

PopupState = Literal["ringing", "talking", "missed", "ended", "elsewhere"]
LIVE_STATES: frozenset[PopupState] = frozenset({"ringing", "talking"})  # not to dismiss


class CallPopup(Vertical):
    """Keyed by `server/linkedid`; the dispatcher keeps one per call that rang here."""

    DEFAULT_CSS = """
    CallPopup { height: 1fr; }
    CallPopup #call-line { height: 1; padding: 0 1; text-style: bold; background: $boost;
                           text-wrap: nowrap; text-overflow: ellipsis; }
    CallPopup #call-line.-ringing { background: $success 40%; }
    CallPopup #call-line.-missed { background: $warning 40%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """A blank popup: `assign_ring` or `assign_live` gives it its call. The dispatcher
        keeps one blank popup mounted (hidden) ahead of the next ring, so a ring fills in
        widgets that exist instead of composing some thirty of them on the pop path."""
        super().__init__(id=id)
        self.key = ""
        self.server = ""
        self.linkedid = ""
        self.number: str | None = None
        self.number_raw = ""
        self.caller_name: str | None = None
        self.queue: str | None = None
        self.kind = "phone"
        self.at_text = ""
        self.rang_at: datetime | None = (
            None  # when the PBX said it rang here (None: from the strip)
        )
        self.state: PopupState = "ringing"
        self.ended_at: float | None = None  # epoch: the call ended (or went) for me
        self.popped_at = 0.0  # monotonic time the ring reached the console
        self.shown_at: float | None = None
        self.colleague: str | None = None
        self.assigned = False
        self.revealed = False  # on screen (the dispatcher holds a ring back for its card)
        self.first_call_form = False  # the form opened before the caller was registered
        self.on_card: Callable[[CallPopup], None] | None = None  # a card is in its widgets
        # The panel exists from the start: a call can be answered elsewhere (or identified)
        # before this popup is composed — a burst of AMI events is one loop turn — and the
        # dispatcher asks the panel whether it is being edited. What arrives before the
        # mount is kept and applied once both the call and the widgets are there.
        self._panel = ClientCardPanel()
        self._panel.card_listener = self._card_in
        self._ready = False
        self._call_line = Static("", id="call-line", classes=f"-{self.state}")
        self._identity: tuple[str, int | None, bool, str | None] | None = None

    @classmethod
    def from_ring(
        cls, key: str, call: CallRinging, *, popped_at: float, id: str | None = None
    ) -> CallPopup:
        popup = cls(id=id)
        popup.assign_ring(key, call, popped_at=popped_at)
        return popup

    def assign_ring(self, key: str, call: CallRinging, *, popped_at: float) -> None:
        """This popup is for `call`, which just rang at my phone."""
        self._assign(
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
            rang_at=call.at,
        )

    def assign_live(self, key: str, call: LiveCall) -> None:
        """This popup is for a live call picked from the strip."""
        self.state = "talking" if call.state == "talking" else "ringing"
        self._assign(
            key,
            server=call.server,
            linkedid=call.linkedid,
            number=call.number,
            number_raw=call.number_raw,
            name=call.name,
            queue=call.queue,
            kind="phone" if call.number else "withheld",
            at_text=fmt_time(call.started_at),
            popped_at=time.monotonic(),
            rang_at=None,
        )

    def _assign(
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
        rang_at: datetime | None,
    ) -> None:
        self.key = key
        self.server = server
        self.linkedid = linkedid
        self.number = number
        self.number_raw = number_raw
        self.caller_name = name
        self.queue = queue
        self.kind = kind
        self.at_text = at_text
        self.popped_at = popped_at
        self.rang_at = rang_at
        self.assigned = True
        if self._ready:
            self._start()

    @property
    def panel(self) -> ClientCardPanel:
        return self._panel

    def compose(self) -> ComposeResult:
        if self.assigned:
            self._call_line.update(self._line())
        yield self._call_line
        yield self._panel

    def on_mount(self) -> None:
        if not self._call_line.is_attached:
            return  # closed before it was shown: rang and was taken elsewhere in one burst
        self._ready = True
        if self.assigned:
            self._start()
        else:  # a spare, mounted while nothing rings: its edit form can be ready too
            self.call_after_refresh(self._panel.prepare_form)

    def recycle(self) -> bool:
        """Blank this popup for a later ring (it stays mounted, hidden); False if its card
        cannot be blanked yet (a save in flight), and it should be removed instead."""
        if not self._ready or not self._panel.reset():
            return False
        self.display = False
        self.key = ""
        self.server = self.linkedid = self.number_raw = self.at_text = ""
        self.number = self.caller_name = self.queue = self.colleague = None
        self.kind = "phone"
        self.rang_at = None
        self.state = "ringing"
        self.ended_at = None
        self.popped_at = 0.0
        self.shown_at = None
        self.assigned = self.revealed = self.first_call_form = False
        self.on_card = None
        self._identity = None
        self._call_line.update("", layout=False)
        self._call_line.set_classes("-ringing")  # every call starts ringing: restyle now
        return True

    def _card_in(self, _card: ClientCard | None) -> None:
        if self.on_card is not None:
            self.on_card(self)

    def reveal(self) -> None:
        """The dispatcher put this popup on screen (bench/ times the ring to here)."""
        if not self.revealed:
            self.revealed = True
            self.shown_at = time.monotonic()

    def _start(self) -> None:
        """The call and the widgets are both here: show the number, fetch the card."""
        self.set_state(self.state)
        if self._identity is not None:
            kind, client_id, created, colleague = self._identity
            self.identified(kind=kind, client_id=client_id, created=created, colleague=colleague)
            return
        if self.kind == "withheld":
            self.panel.notice(tr("popup.withheld"), loud=True)
        elif self.kind == "invalid":
            self.panel.notice(tr("popup.invalid", raw=self.number_raw or "—"), loud=True)
        elif self.kind == "internal":
            self.panel.notice(tr("popup.internal", who=self.number_raw), loud=True)
        elif self.number:
            self.panel.load_phone(self.number, unknown=self._open_first_call)

    def ringing_call(self) -> RingingCall:
        """What the ringing bar says about this call."""
        card = self._panel.card
        return RingingCall(
            state=tr(f"popup.state.{self.state}"),
            ringing=self.state == "ringing",
            number=self.number,
            number_raw=self.number_raw,
            caller_name=self.caller_name,
            client_name=card.name if card is not None else None,
            queue=self.queue,
            rang_at=self.rang_at,
        )

    def tab_label(self) -> str:
        card = self._panel.card
        who = (card.name if card is not None else None) or caller_name(self.caller_name)
        who = who or caller_number(self.number, self.number_raw)
        return f"{tr(f'popup.state.{self.state}')} {who}"

    def _line(self) -> str:
        caller = caller_text(self.number, self.number_raw, self.caller_name)
        if self.kind == "internal":
            caller = tr("popup.colleague", who=self.colleague or self.number_raw)
        queue = " " + tr("popup.queue", queue=self.queue) if self.queue else ""
        return tr(
            "popup.line",
            state=tr(f"popup.state.{self.state}"),
            ringing=self.state == "ringing",
            caller=caller,
            queue=queue,
            at=self.at_text,
        )

    def set_state(self, state: PopupState) -> None:
        # The state class is on the call line only: on the popup it would restyle the whole
        # card (some 45 widgets) at every ring, answer and hang-up (docs/performance.md,
        # «Pop path: what the code avoids, and why»).
        self.state = state
        if state in LIVE_STATES:
            self.ended_at = None
        elif self.ended_at is None:
            self.ended_at = cast("ConsoleApp", self.app).epoch()  # its card goes in a while
        if self._ready and self.assigned:
            line = self._call_line
            if not line.has_class(f"-{state}"):
                line.set_classes(f"-{state}")
            line.update(self._line(), layout=False)  # one line, always: no layout pass

    def identified(
        self, *, kind: str, client_id: int | None, created: bool, colleague: str | None
    ) -> None:
        """The desk said who is calling: load the card (edit mode for a brand-new client)."""
        self.kind = kind
        if not (self._ready and self.assigned):
            self._identity = (kind, client_id, created, colleague)
            return
        if kind == "internal":
            self.colleague = colleague
            self.panel.notice(tr("popup.internal", who=colleague or self.number_raw), loud=True)
            self._call_line.update(self._line(), layout=False)
            return
        if client_id is None:
            if kind == "phone" and self._panel.first_call is not None:
                self.panel.registration_failed()
                self.panel.notice(tr("popup.not_registered"), loud=True)
            return
        if created:
            self._open_new(client_id)
            return
        # Another desk (a colleague's console, the recorder) may have won the race to
        # register this caller: the client is still new to the desk if this call registered
        # it, and the dispatcher who gets the call types the name all the same.

        def check(card: ClientCard) -> None:
            panel = self.panel
            if registered_by_this_call(card, self.rang_at):
                if not panel.editing:
                    self._open_new(client_id)
            elif self.first_call_form and panel.editing and not panel.has_unsaved_typing():
                panel.cancel_edit()  # the number found an older client after all: its card

        self.panel.expect(client_id, check)

    def _open_first_call(self) -> None:
        """Nobody owns the number: a first-time caller, whom the desk is registering right
        now. Their form opens at once, with the number and the caller ID name, instead of
        after the new row is committed and read back; the desk's answer (`identified`)
        binds the form to the client."""
        if self.number is None or self._panel.editing:
            return
        self.first_call_form = True
        self._panel.open_first_call(self.number, first_call_fields(self.caller_name))
        self._panel.notice(tr("popup.created", phone=format_display(self.number)), loud=True)

    def _open_new(self, client_id: int) -> None:
        """A client registered by this very call: the card opens to type the name."""
        panel = self.panel
        if panel.first_call is not None:  # the form is up: the client binds it
            panel.load(client_id)
            return
        if panel.card is not None and panel.card.id == client_id:
            panel.start_edit("last_name", quick=True)
        else:
            panel.load(client_id, edit_focus="last_name", quick=True)
        phone = format_display(self.number) if self.number else self.number_raw
        panel.notice(tr("popup.created", phone=phone), loud=True)  # after load's «loading…»


# Clocks of the desks that may register a caller (consoles, the recorder) can differ a little.
REGISTRATION_SLACK = timedelta(minutes=2)


def registered_by_this_call(card: ClientCard, rang_at: datetime | None) -> bool:
    """The client was registered by the PBX when this call rang and nobody edited it since."""
    if rang_at is None:
        return False
    return card.version <= 1 and card.registered_at >= rang_at - REGISTRATION_SLACK
