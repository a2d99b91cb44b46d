"""The console's own messages: small typed dataclasses, one per thing that happened.

Desk events arrive from the PBX in bursts (a queue ringall is a dozen AMI events in a few
milliseconds); messages that only say "look again" implement `can_replace`, so a burst
waiting in a widget's queue collapses into one repaint. Messages that carry something that
must not be lost (a ring at my phone, a caller identified) never replace each other.

Desk messages are posted straight to each follower (`ConsoleApp.follow_desk`) and do not
bubble, so a screen and its widgets never see the same event twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    from console.desk import CallerIdentified, CallLogged, ConnectionStatus
    from console.outbox import OutboxStatus
    from pbx.call_events import CallEvent, CallRinging
    from storage.cards import ClientCard


@dataclass
class CallsChanged(Message, bubble=False):
    """The set of live calls changed: read `desk.live_calls()` again."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CallsChanged)


@dataclass
class MembersChanged(Message, bubble=False):
    """A queue member's state changed (paused, logged in or out…): read the members again."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MembersChanged)


@dataclass
class RingingForMe(Message, bubble=False):
    """A call started ringing at this operator's phone: pop its card now."""

    call: CallRinging
    received_at: float  # time.monotonic() when the console took it off the desk feed


@dataclass
class CallerKnown(Message, bubble=False):
    """The desk identified a caller (client found or created, colleague, withheld)."""

    info: CallerIdentified


@dataclass
class CallUpdate(Message, bubble=False):
    """A call already shown moved on: answered, stopped ringing here, transferred, ended."""

    event: CallEvent


@dataclass
class CallInLog(Message, bubble=False):
    """A finished call was written to the call log (so it is now in the client's history)."""

    logged: CallLogged


@dataclass
class CallBacksChanged(Message, bubble=False):
    """A call-back attempt or its outcome reached the database: read missed lists again."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CallBacksChanged)


@dataclass
class OriginateUpdate(Message, bubble=False):
    """Progress or result of a click-to-call, matched by its action_id."""

    event: CallEvent


@dataclass
class ConnectionChanged(Message, bubble=False):
    """A PBX link changed state; only the newest state per server matters."""

    status: ConnectionStatus

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, ConnectionChanged) and message.status.server == self.status.server
        )


@dataclass
class DatabaseChanged(Message, bubble=False):
    """The database answered (ok) or failed (detail says how); newest wins. `status`, from
    the desk's outbox, adds since when and how many calls wait in the journal."""

    ok: bool
    detail: str = ""
    status: OutboxStatus | None = None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DatabaseChanged)


@dataclass
class CardLoaded(Message, bubble=False):
    """A card query returned. `card` is None when no client has that id or number."""

    token: int
    card: ClientCard | None


@dataclass
class ClientSaved(Message):
    """A client was changed from this console: views showing it should reload (but
    `source`, the card that saved it: it shows the new values already)."""

    client_id: int
    source: Widget | None = None
