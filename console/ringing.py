"""A call ringing at my phone while the dispatcher works: shown, never pushed on them.

The dispatcher's screen keeps a popup per call as before; when the dispatcher is busy (see
`DispatcherScreen.dispatcher_busy`) a ring only adds a tab there and a line to the ringing
bar over whatever screen or dialog is up. F8 goes to the ringing card and remembers where
the dispatcher was; F8 on that card goes back. Textual keeps each mode's screen stack, and
each screen its focus, so «back» finds the screen, dialog, field, cursor and text as left.

A dialog open over the dispatcher's own screen (a debt for the last caller) stays where it
is too: the ringing card is then shown in a mode of its own (`CALL_MODE`) whose only screen
is the same dispatcher screen, and «back» returns to the dispatcher mode with its dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from console.timers import Stoppable
from console.widgets.ringing import RingingBar, bar_text

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.screens.dispatcher import DispatcherScreen

CALL_MODE = "call"
TICK_SECONDS = 1.0  # the bar's waiting times


@dataclass(frozen=True, slots=True)
class WhereIWas:
    """Where F8 took the dispatcher from: the mode, and the call's card shown then."""

    mode: str
    popup: str | None


class RingingCalls:
    """The ringing bar on the screen that is up, and the F8 round trip."""

    def __init__(self, app: ConsoleApp) -> None:
        self._app = app
        self.dispatcher: DispatcherScreen | None = None
        self.came_from: WhereIWas | None = None
        self._pending = False
        self._tick: Stoppable | None = None
        self._offered: tuple[bool, bool] = (False, False)  # F8 to a card, F8 back

    def base_screen(self) -> Screen[Any]:
        """`CALL_MODE`'s screen: the dispatcher's own."""
        assert self.dispatcher is not None, "the dispatcher mode starts first"
        return self.dispatcher

    def changed(self) -> None:
        """The calls ringing here (or what is on screen) changed: the bar follows after the
        next screen update, never inside one (a ring's pop stays as light as it was)."""
        if not self._pending:
            self._pending = True
            self._app.call_after_refresh(self.refresh)

    def offers_back(self) -> bool:
        """F8 goes back: the dispatcher came to this card with F8 and is on it."""
        return self.came_from is not None and self._app.screen is self.dispatcher

    def offers_card(self) -> bool:
        """F8 shows a card: a call at my phone whose card is not on screen (and F8 does not
        go back instead)."""
        dispatcher = self.dispatcher
        return (
            dispatcher is not None
            and not self.offers_back()
            and bool(dispatcher.live_calls_off_screen())
        )

    def refresh(self) -> None:
        self._pending = False
        app = self._app
        dispatcher = self.dispatcher
        calls = [call for _key, call in dispatcher.live_calls_off_screen()] if dispatcher else []
        back = self.offers_back()
        offered = (bool(calls) and not back, back)
        if offered != self._offered:  # F8 comes into the footer, changes or goes
            self._offered = offered
            app.screen.refresh_bindings()
        text = bar_text(calls, app.now(), back=back) if calls or back else ""
        for screen in app.screen_stack:  # (those under a dialog show through it, dimmed)
            bars = screen.query_children(RingingBar)
            if bars:
                bars.first().say(text)
        screen = app.screen
        if text and screen.is_mounted and not screen.query_children(RingingBar):
            bar = RingingBar()
            bar.say(text)
            screen.mount(bar)
        if calls and self._tick is None:
            self._tick = app.timers.every(app, TICK_SECONDS, self.refresh)
        elif not calls and self._tick is not None:
            self._tick.stop()
            self._tick = None

    def toggle(self) -> None:
        """F8: to the card of the newest call at my phone not on screen; on a card reached
        that way: back."""
        app = self._app
        dispatcher = self.dispatcher
        if dispatcher is None:
            return
        if self.came_from is not None and app.screen is dispatcher:
            self._go_back(dispatcher, self.came_from)
            return
        calls = dispatcher.live_calls_off_screen()
        if not calls:
            app.bell()  # (not offered then: reached only by a stray call)
            return
        key = calls[-1][0]
        current = dispatcher.current_popup()
        self.came_from = WhereIWas(app.current_mode, current.key if current else None)
        if app.screen is not dispatcher:
            on_top = app.get_screen_stack("dispatcher")[-1]
            app.switch_mode("dispatcher" if on_top is dispatcher else CALL_MODE)
        dispatcher.show_popup(key)
        self.changed()

    def _go_back(self, dispatcher: DispatcherScreen, where: WhereIWas) -> None:
        self.came_from = None
        if where.popup is not None and where.popup in dispatcher.popups:
            dispatcher.show_popup(where.popup)
        if where.mode != self._app.current_mode:
            self._app.switch_mode(where.mode)
        self.changed()
