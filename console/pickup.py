"""Pickup from the dispatcher's screen: take a call ringing at a colleague's phone.

The desk rings the dispatcher's own phone, then joins it to the caller (`PickupChan`,
`console.queue_control`); the call log then says the call was answered by whoever took it
(the tracker's `CallPickedUp`). Several colleagues ringing: the dispatcher picks whose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from console.i18n import tr
from console.screens.call_picker import PickScreen
from console.wording import caller_text, supervisor_refusal

if TYPE_CHECKING:
    from textual.screen import Screen

    from console.config import Settings
    from pbx.call_events import LiveCall


@runtime_checkable
class PickupDesk(Protocol):
    """The part of `console.desk.Desk` a pickup uses."""

    def live_calls(self) -> list[LiveCall]: ...

    async def pickup(self, device: str, label: str = "") -> str: ...


def colleague_rings(calls: Sequence[LiveCall], settings: Settings) -> list[tuple[str, str]]:
    """(colleague's device, «Борис (102): +7 916 …») for each colleague whose phone rings
    with a call that is not also ringing here, oldest call first, each colleague once."""
    me = settings.me.extension
    out: dict[str, str] = {}
    for call in sorted(calls, key=lambda c: c.started_at):
        if me in call.ringing or call.talking:
            continue
        for extension in call.ringing:
            operator = settings.operator(extension)
            if operator is None or operator.device in out:
                continue
            caller = caller_text(call.number, call.number_raw, call.name)
            who = f"{operator.name} ({extension})"
            out[operator.device] = tr("pickup.row", operator=who, caller=caller)
    return list(out.items())


def offer_pickup(screen: Screen[Any], desk: object, settings: Settings) -> None:
    """The pickup key: nothing ringing is said; one colleague ringing is taken at once;
    several: the dispatcher picks whose."""
    if not isinstance(desk, PickupDesk):
        return
    rings = colleague_rings(desk.live_calls(), settings)
    if not rings:
        screen.notify(tr("pickup.none"), severity="warning")
        return
    names = dict(rings)

    def take(device: str | None) -> None:
        if device is not None:
            _take(screen, desk, device, names[device].partition(":")[0])

    if len(rings) == 1:
        take(rings[0][0])
        return
    screen.app.push_screen(PickScreen(tr("pickup.title"), rings), take)


def _take(screen: Screen[Any], desk: PickupDesk, device: str, who: str) -> None:
    async def run() -> None:
        try:
            await desk.pickup(device, tr("pickup.label", operator=who))
        except Exception as exc:  # a refusal is said, never a traceback
            screen.notify(supervisor_refusal(exc), title=tr("pickup.title"), severity="error")
            return
        screen.notify(tr("pickup.ringing", operator=who))

    screen.run_worker(run(), group="pickup", exit_on_error=False, description="pickup")
