"""Click-to-call from anywhere (a client row, the card, a missed call): one function.

`start_click_to_call(app, client_id)` must run in a worker (it waits for the operator's
choices in modal screens). It asks which phone when the client has several, asks for
confirmation before calling a blacklisted client when `rules.confirm_call_blacklisted`,
then asks the desk to originate. Progress and the outcome arrive later as desk events;
the app follows them by ActionID (`ConsoleApp.on_originate_update`) and says each step in
words, including why a call failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import App
from textual.widget import Widget

from console.i18n import tr
from console.screens.call_picker import CallPickerScreen
from console.screens.confirm import ConfirmScreen
from pbx.tracker_state import CLIENT_DIAL_REASONS, ORIGINATE_REASONS
from storage.phones import format_display

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.data import MissedNumber

# Why a click-to-call failed, in the interface language. The tracker states it in English
# words from two tables (pbx.tracker_state): OriginateResponse's Reason, which is about the
# *operator's* leg (the PBX rings the operator's own phone first), and the client leg's
# DialStatus. Each of those words has its own sentence here; a code alone is the fallback.
REASON_WORDS: dict[str, str] = {
    ORIGINATE_REASONS[0]: "c2c.reason.operator_unavailable",
    ORIGINATE_REASONS[1]: "c2c.reason.operator_hung_up",
    ORIGINATE_REASONS[3]: "c2c.reason.operator_no_answer",
    ORIGINATE_REASONS[5]: "c2c.reason.operator_busy",
    ORIGINATE_REASONS[8]: "c2c.reason.congestion",
    CLIENT_DIAL_REASONS["BUSY"]: "c2c.reason.client_busy",
    CLIENT_DIAL_REASONS["NOANSWER"]: "c2c.reason.client_no_answer",
    CLIENT_DIAL_REASONS["CONGESTION"]: "c2c.reason.congestion",
    CLIENT_DIAL_REASONS["CHANUNAVAIL"]: "c2c.reason.client_unavailable",
    CLIENT_DIAL_REASONS["CANCEL"]: "c2c.reason.operator_hung_up_early",
}
REASON_CODES: dict[int, str] = {
    0: "c2c.reason.operator_unavailable",
    1: "c2c.reason.operator_hung_up",
    3: "c2c.reason.operator_no_answer",
    5: "c2c.reason.operator_busy",
    8: "c2c.reason.congestion",
}


def reason_text(reason_code: int | None, reason: str | None) -> str:
    """Why a click-to-call failed, in the interface language."""
    if reason in REASON_WORDS:
        return tr(REASON_WORDS[reason])
    if reason_code in REASON_CODES:
        return tr(REASON_CODES[reason_code])
    if reason:
        return tr("c2c.reason.other", reason=reason)
    return tr("c2c.reason.unknown")


def error_text(exc: Exception) -> str:
    """Why the desk could not start a call, in the interface language."""
    code = getattr(exc, "code", None)
    params = getattr(exc, "params", {})
    if isinstance(code, str) and isinstance(params, dict):
        return tr(f"c2c.error.{code}", **params)
    return str(exc)


async def start_click_to_call(app: App[Any], client_id: int) -> None:
    console = cast("ConsoleApp", app)
    settings = console.settings
    card = await console.data.card(client_id)
    if card is None:
        app.notify(tr("card.error.not_found"), severity="error")
        return
    if not card.phones:
        app.notify(tr("c2c.no_phone", name=card.name or "—"), severity="error")
        return
    e164: str | None = card.phones[0].e164
    if len(card.phones) > 1:
        e164 = await app.push_screen_wait(
            CallPickerScreen(
                tr("c2c.pick", name=card.name or "—"), [(p.e164, p.label) for p in card.phones]
            )
        )
    if e164 is None:
        return
    if card.blacklisted and settings.rules.confirm_call_blacklisted:
        question = tr(
            "c2c.confirm_blacklisted", name=card.name or "—", reason=card.blacklist_reason or "—"
        )
        if not await app.push_screen_wait(
            ConfirmScreen(question, yes=tr("c2c.call_anyway"), danger=True)
        ):
            return
    await console.place_call(e164, card.name)


def describe_target(e164: str, name: str) -> str:
    return f"{name} ({format_display(e164)})" if name else format_display(e164)


def call_back(node: Widget, row: MissedNumber) -> None:
    """Call back a missed number — the number that called, whoever owns it — in a worker
    of `node` (the board, History): the operator's own phone rings first, then that
    number. Whether it was a call-back, and how it ended, the desk records
    (`console.desk_call_backs`)."""
    app = cast("ConsoleApp", node.app)
    node.run_worker(
        app.place_call(row.number, row.client_name or row.name or ""),
        group="click-to-call",
        exit_on_error=False,
        description="call back",
    )
