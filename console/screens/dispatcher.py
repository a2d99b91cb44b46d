"""The dispatcher's screen: live calls on top, the caller's card popping underneath.

Pop path (the one that must take under 100 ms): the app's desk feed posts `RingingForMe`
here; the handler mounts a popup showing the number at once and starts the card query in a
worker; the card fills in when the query returns. Nothing on that path waits on the
database or the network.

A ring pops its card only while the dispatcher is idle on this screen (`dispatcher_busy`):
otherwise the call waits in the tabs and the app's ringing bar, F8 away (console/ringing.py).

Several calls can ring at once (a queue rings everyone, a busy evening): each gets its own
popup, the newest is shown, and the others stay one key away (`]`/`[`, or the tabs).
A popup closes by itself when someone else answered the call, or `ui.ended_call_seconds`
after its call ended — never while the dispatcher is busy with it; `x` dismisses an ended
call's card (never a live one's) and `X` every ended one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from console.i18n import tr
from console.i18n.bindings import localize_bindings
from console.messages import (
    CallerKnown,
    CallInLog,
    CallsChanged,
    CallUpdate,
    ClientSaved,
    RingingForMe,
)
from console.timers import Stoppable
from console.widgets.calls.strip import CallsStrip, build_rows, call_key
from console.widgets.card.keys import (
    CARD_ACTIONS,
    CARD_BINDINGS,
    CARD_MORE_BINDINGS,
    CARD_PLACE_BINDINGS,
    CardActions,
)
from console.widgets.card.panel import ClientCardPanel
from console.widgets.card.popup import LIVE_STATES, CallPopup
from console.widgets.card.tab_line import PopupTabLine
from console.widgets.footer import ConsoleFooter
from console.widgets.ringing import RingingCall
from console.widgets.status_bar import StatusBar
from pbx.call_events import CallAnswered, CallEnded, CallStoppedRinging, CallTransferred

if TYPE_CHECKING:
    from console.app import ConsoleApp

# The footer is rebuilt this long after the last request (after the card is on screen).
BINDINGS_DELAY = 0.25
# A blank popup for the next ring is mounted this long after the last one was taken.
SPARE_DELAY = 0.5
# Closed popups kept (blank, hidden) for the next rings; more than this are removed.
POOL_SIZE = 4
# A ring's popup waits this long for its card, so that one screen update shows the number
# and the card together; with a slower database the number shows first, the card follows.
CARD_WAIT = 0.04
# While a ring's card is on its way (at most this long), the live strip is not redrawn: a
# strip update is a screen update of its own, on the pop path (figures: docs/performance.md,
# «Pop path: what the code avoids, and why»). It catches up right after the card is on
# screen.
STRIP_HOLD = 0.15
# How often ended calls' cards are looked at (they also are whenever the calls change).
SWEEP_SECONDS = 10.0


class DispatcherScreen(CardActions, Screen[None]):
    """Live strip, popups for calls at my phone, status bar, footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The card's keys first: a narrow footer keeps what acts on the caller's card; then
        # «clear ended calls», while there are some.
        *CARD_BINDINGS,
        Binding(
            "X",
            "dismiss_ended",
            "key.popup.dismiss_ended",
            tooltip="key.popup.dismiss_ended.tip",
            id="dispatcher.dismiss_ended",
            key_display="X",  # offered while there are ended calls (`check_action`)
        ),
        Binding(
            "right_square_bracket",
            "next_popup",
            "key.popup.next",
            tooltip="key.popup.next.tip",
            id="dispatcher.next",
            key_display="]",
            show=False,  # the tab line says «] [» when there is more than one call
        ),
        Binding(
            "left_square_bracket",
            "previous_popup",
            "key.popup.previous",
            tooltip="key.popup.previous.tip",
            id="dispatcher.previous",
            key_display="[",
            show=False,
        ),
        Binding("ctrl+n", "next_popup", "key.popup.next", id="dispatcher.next_alt", show=False),
        Binding(
            "x",
            "close_popup",
            "key.popup.close",
            tooltip="key.popup.close.tip",
            id="dispatcher.close",
        ),
        *CARD_PLACE_BINDINGS,
        Binding(
            "f7",
            "pickup",
            "dispatcher.key.pickup",
            tooltip="dispatcher.tip.pickup",
            id="dispatcher.pickup",
            show=False,  # in the keys panel (F1); the footer is the card's
        ),
        Binding(
            "ctrl+l",
            "focus_calls",
            "key.calls.focus",
            tooltip="key.calls.focus.tip",
            id="dispatcher.calls",
            show=False,
        ),
        *CARD_MORE_BINDINGS,  # the client's account and calls: after the call's own keys
    ]

    _bindings_timer: Stoppable | None = None
    _spare_timer: Stoppable | None = None

    def __init__(self) -> None:
        super().__init__(id="dispatcher")
        localize_bindings(self)
        self._popups: dict[str, CallPopup] = {}
        self._serial = 0
        self._names: dict[str, str] = {}  # call key -> client name, for the strip
        self._pool: list[CallPopup] = []  # blank, mounted, hidden: for the next rings
        self._popping: set[str] = set()  # rings whose card is not on screen yet
        self._strip_stale = False  # calls changed while the strip was held for a pop
        self._ended_shown = False  # an ended call's tab is up: X is offered

    @property
    def console(self) -> ConsoleApp:
        return cast("ConsoleApp", self.app)

    # --- footer -------------------------------------------------------------------------

    def refresh_bindings(self) -> None:
        """Coalesced and a little late: a footer rebuild is costly main-thread work (see
        docs/performance.md, «Pop path: what the code avoids, and why»), and a pop asks for
        several (the popup shown, its tab, focus, the card arrived); one rebuild after the
        card is on screen says the same."""
        if self._bindings_timer is None:
            self._bindings_timer = self._later(BINDINGS_DELAY, self._flush_bindings)

    def _later(self, delay: float, callback: Callable[[], object]) -> Stoppable:
        return self.console.timers.later(self, delay, callback)

    def _flush_bindings(self) -> None:
        self._bindings_timer = None
        self._show_tabs()  # (edit mode came or went: the tabs' keys say how to move on)
        super().refresh_bindings()

    def compose(self) -> ComposeResult:
        app = self.console
        yield CallsStrip(id="calls-strip", clock=app.epoch)
        with Vertical(id="popups"):
            yield PopupTabLine(id="popup-tabs")
            with ContentSwitcher(id="popup-switcher", initial="no-popup"):
                yield Static(
                    tr("dispatcher.idle", ext=app.settings.me.extension or "—"), id="no-popup"
                )
        yield StatusBar(app.desk.connections(), database_ok=app.database_ok, id="status-bar")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.title = tr("dispatcher.title")
        self.console.follow_desk(self)
        self.refresh_calls()
        self._mount_spare()
        self.console.timers.every(self, SWEEP_SECONDS, self._sweep_ended)

    def on_unmount(self) -> None:
        self.console.unfollow_desk(self)

    # --- live strip ---------------------------------------------------------------------

    def refresh_calls(self) -> None:
        app = self.console
        rows = build_rows(
            app.desk.live_calls(),
            me=app.settings.me.extension,
            names=self._names,
            operator_names=app.operator_names,
        )
        self.query_one(CallsStrip).show_calls(rows)

    def on_calls_changed(self, _message: CallsChanged) -> None:
        if self._popping:
            self._strip_stale = True  # after the card (`_popped`)
            return
        self._sweep_ended()
        self.refresh_calls()

    def _popped(self, key: str) -> None:
        """A ring's card is on screen (or gave up waiting): the strip may catch up."""
        self._popping.discard(key)
        if not self._popping and self._strip_stale:
            self._strip_stale = False
            self.call_after_refresh(self.refresh_calls)  # after the card's screen update

    @on(DataTable.RowSelected, "#calls-strip")
    def _strip_row(self, event: DataTable.RowSelected) -> None:
        """Enter on a live call opens that caller's card as a popup."""
        key = event.row_key.value
        if key is None:
            return
        if key in self._popups:
            popup = self._popups[key]
            if popup.revealed:
                self.show_popup(key)
            else:
                self._reveal(popup)
            return
        call = next(
            (c for c in self.console.desk.live_calls() if call_key(c.server, c.linkedid) == key),
            None,
        )
        if call is not None:
            popup = self._take_spare()
            popup.assign_live(key, call)
            self._add_popup(popup)

    # --- popups -------------------------------------------------------------------------

    @property
    def popups(self) -> dict[str, CallPopup]:
        return dict(self._popups)

    def current_popup(self) -> CallPopup | None:
        current = self.query_one(ContentSwitcher).current
        return next((p for p in self._popups.values() if p.id == current), None)

    def card_panel(self) -> ClientCardPanel | None:
        popup = self.current_popup()
        return popup.panel if popup is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys that do not apply now are dimmed (None), not hidden: the footer then keeps
        # the same keys from call to call (see `CardActions.check_card_action`). With no
        # call's card on screen (none, or those there wait in the tabs) there is no card to
        # act on: its keys are not offered.
        if (action in CARD_ACTIONS or action == "close_popup") and self.current_popup() is None:
            return False
        if action == "dismiss_ended":
            return self._ended_shown
        if action in CARD_ACTIONS:
            return self.check_card_action(action)
        if action in ("next_popup", "previous_popup"):
            return True if sum(popup.revealed for popup in self._popups.values()) > 1 else None
        if action == "close_popup":
            if (self.card_panel() or _NoPanel).editing:
                return False
            return True if self._popups else None
        return True

    def _next_id(self) -> str:
        self._serial += 1
        return f"popup-{self._serial}"

    def on_ringing_for_me(self, message: RingingForMe) -> None:
        call = message.call
        key = call_key(call.server, call.linkedid)
        existing = self._popups.get(key)
        if existing is not None:  # rang again here (queue round): show it, never twice
            existing.set_state("ringing")
            if existing.revealed and not self.dispatcher_busy():
                self.show_popup(key)
            self.console.ringing.changed()
            return
        popup = self._take_spare()
        popup.on_card = self._card_in
        self._popping.add(key)
        popup.assign_ring(key, call, popped_at=message.received_at)  # the card query starts
        self._add_popup(popup, reveal=False)
        self._later(CARD_WAIT, partial(self._reveal, popup))
        self._later(STRIP_HOLD, partial(self._popped, key))

    # The pop path fills in a popup mounted ahead of time: composing and styling a card's
    # widgets is most of what a first screen update with a new popup would cost. A closed
    # popup is blanked and kept for a later ring instead of being removed: a removed card
    # is thousands of objects in reference cycles, left for a full garbage collection.

    def _mount_spare(self) -> None:
        self._spare_timer = None
        if self._pool or not self.is_attached:
            return
        spare = CallPopup(id=self._next_id())
        spare.display = False
        self._pool.append(spare)
        self.query_one(ContentSwitcher).mount(spare)

    def _take_spare(self) -> CallPopup:
        """A blank popup waiting for a call, or a new one (a burst of rings)."""
        popup = self._pool.pop() if self._pool else CallPopup(id=self._next_id())
        if not self._pool:
            if self._spare_timer is not None:
                self._spare_timer.stop()  # the next spare waits for the burst to pass
            self._spare_timer = self._later(SPARE_DELAY, self._mount_spare)
        return popup

    def _add_popup(self, popup: CallPopup, *, reveal: bool = True) -> None:
        self._popups[popup.key] = popup
        if popup.parent is None:  # a burst's new popup: hidden like a spare until revealed
            popup.display = False  # (the switcher hides only what it had when it switched)
            self.query_one(ContentSwitcher).mount(popup)
        if reveal:
            self._reveal(popup)

    def _card_in(self, popup: CallPopup) -> None:
        if popup.revealed:
            self._show_tabs()  # the tab names the client now
        else:
            self._reveal(popup)
        self._popped(popup.key)

    def _reveal(self, popup: CallPopup) -> None:
        """Put a popup on screen (once; not if it was closed meanwhile)."""
        if popup.revealed or self._popups.get(popup.key) is not popup:
            return
        popup.reveal()
        if self.dispatcher_busy() or self._newer_call_shown(popup):
            # The keys are the dispatcher's: the call waits in the tabs and the ringing bar
            # (F8), and nothing on screen moves. So does an older call whose card came in
            # after a newer one's (an unknown number's form can be up before a known
            # client's card): the newest call stays shown.
            self._show_tabs()
            self.console.ringing.changed()
            return
        self.console.keyboard.fence(popup, time.monotonic())
        self.show_popup(popup.key)

    def _newer_call_shown(self, popup: CallPopup) -> bool:
        """A live call that rang after `popup`'s is on screen."""
        current = self.current_popup()
        if current is None or current is popup or not current.revealed:
            return False
        if current.state not in LIVE_STATES or self._popups.get(current.key) is not current:
            return False
        order = list(self._popups)
        return order.index(current.key) > order.index(popup.key)

    def dispatcher_busy(self) -> bool:
        """The dispatcher is at work: another screen or a dialog is up, a key was pressed
        a moment ago (`ui.typing_seconds`), or a field or a card's form holds what they
        typed. A first-time caller's form that opened by itself and holds only what the
        PBX said (number, caller ID name) is not their work: the next ring pops."""
        app = self.console
        if app.screen is not self or app.keyboard.typed_within(app.settings.ui.typing_seconds):
            return True
        panel = self.card_panel()
        focused = self.focused
        if (
            isinstance(focused, Input)
            and focused.value
            and (panel is None or panel not in focused.ancestors)
        ):
            return True
        return panel is not None and panel.has_unsaved_typing()

    def live_calls_off_screen(self) -> list[tuple[str, RingingCall]]:
        """Calls ringing (or answered) at my phone whose card is not on screen now, oldest
        first: the dispatcher may be on the phone with a caller while working elsewhere."""
        # (a dialog over this screen belongs to the card under it: that card counts as shown)
        shown = self.current_popup() if self in self.app.screen_stack else None
        return [
            (key, popup.ringing_call())
            for key, popup in self._popups.items()
            if popup.state in LIVE_STATES and popup is not shown and popup.assigned
        ]

    def show_popup(self, key: str) -> None:
        popup = self._popups[key]
        leaving = self.current_popup()
        with self.app.batch_update():  # the popup and its tab in one screen update
            if leaving is not None and leaving is not popup:
                leaving.panel.hide_focus()
            self.query_one(ContentSwitcher).current = popup.id
            self._show_tabs()
            popup.panel.restore_focus()
        self.refresh_bindings()

    def _show_tabs(self) -> None:
        current = self.query_one(ContentSwitcher).current
        labels = [(p.id or "", p.tab_label()) for p in self._popups.values() if p.revealed]
        panel = self.card_panel()
        typing = panel is not None and panel.editing
        ended = any(p.state not in LIVE_STATES for p in self._popups.values() if p.revealed)
        self.query_one(PopupTabLine).show(labels, current, typing=typing, ended=ended)
        if ended != self._ended_shown:  # X comes into the footer or goes
            self._ended_shown = ended
            self.refresh_bindings()
        self.console.ringing.changed()

    def action_pick_popup(self, popup_id: str) -> None:
        """A click on a call's tab."""
        popup = next((p for p in self._popups.values() if p.id == popup_id), None)
        if popup is not None and popup.revealed:
            self.show_popup(popup.key)

    def _cycle(self, step: int) -> None:
        keys = [key for key, popup in self._popups.items() if popup.revealed]
        current = self.current_popup()
        if not keys or current is None:
            return
        self.show_popup(keys[(keys.index(current.key) + step) % len(keys)])

    def action_next_popup(self) -> None:
        self._cycle(1)

    def action_previous_popup(self) -> None:
        self._cycle(-1)

    def action_close_popup(self) -> None:
        popup = self.current_popup()
        if popup is None:
            return
        if popup.state in LIVE_STATES:  # a slip of the finger must not lose a live call
            self.notify(tr("popup.live_kept"), severity="warning")
            return
        self.close_popup(popup.key)

    def action_dismiss_ended(self) -> None:
        """Every ended call's card goes, except one with typing not saved yet."""
        for key, popup in list(self._popups.items()):
            if popup.state not in LIVE_STATES and not popup.panel.has_unsaved_typing():
                self.close_popup(key)

    def _sweep_ended(self) -> None:
        """Cards of calls that ended `ui.ended_call_seconds` ago go by themselves."""
        linger = self.console.settings.ui.ended_call_seconds
        if linger <= 0 or self._popping:  # (never inside a ring's pop)
            return
        now = self.console.epoch()
        for key, popup in list(self._popups.items()):
            ended = popup.ended_at
            if ended is not None and now - ended >= linger and self._may_close(popup):
                self.close_popup(key)

    def action_pickup(self) -> None:
        """Take a call ringing at a colleague's phone (console.pickup)."""
        from console.pickup import offer_pickup

        offer_pickup(self, self.console.desk, self.console.settings)

    def action_focus_calls(self) -> None:
        self.query_one(CallsStrip).focus()

    def close_popup(self, key: str) -> None:
        popup = self._popups.pop(key, None)
        if popup is None:
            return
        self._popped(key)
        switcher = self.query_one(ContentSwitcher)
        was_current = switcher.current == popup.id
        shown = [p for p in self._popups.values() if p.revealed]
        with self.app.batch_update():
            popup.panel.hide_focus()
            if not shown:
                switcher.current = "no-popup"
            elif was_current:
                switcher.current = shown[-1].id
                shown[-1].panel.restore_focus()
            if len(self._pool) < POOL_SIZE and popup.recycle():
                self._pool.append(popup)
            else:
                # Textual's Input subscribes to the screen's text-selection signal and never
                # leaves it: the edit form's inputs would live as long as this screen does.
                for widget in popup.query(Input):
                    self.text_selection_started_signal.unsubscribe(widget)
                popup.remove()
            self._show_tabs()
        self.refresh_bindings()

    def _may_close(self, popup: CallPopup) -> bool:
        """A popup may close by itself (the call went elsewhere or ended) unless that would
        move what the dispatcher is working on: its typing, or the card on screen while
        they are busy with it (a dialog of that card may be open over it)."""
        if popup.panel.has_unsaved_typing():
            return False
        return popup is not self.current_popup() or not self.dispatcher_busy()

    # --- what the desk says about calls ---------------------------------------------------

    def on_caller_known(self, message: CallerKnown) -> None:
        info = message.info
        key = call_key(info.server, info.linkedid)
        popup = self._popups.get(key)
        if popup is not None:
            popup.identified(
                kind=info.kind,
                client_id=info.client_id,
                created=info.created,
                colleague=info.colleague,
            )
        if info.colleague:
            self._names[key] = info.colleague
            self.refresh_calls()
        elif info.client_id is not None:
            self._lookup_name(key, info.client_id)

    @work(group="strip-names", exit_on_error=False, description="client name for the strip")
    async def _lookup_name(self, key: str, client_id: int) -> None:
        name = await self.console.data.client_name(client_id)
        if name:
            self._names[key] = name
            self.post_message(CallsChanged())

    def on_call_update(self, message: CallUpdate) -> None:
        event = message.event
        me = self.console.settings.me.extension
        if isinstance(event, CallEnded):
            key = call_key(event.record.server, event.record.linkedid)
            popup = self._popups.get(key)
            self._names.pop(key, None)
            if popup is None:
                return
            if popup.state in ("ringing", "missed"):
                popup.set_state("missed")
            elif popup.state != "elsewhere":
                popup.set_state("ended")
            self._show_tabs()
            if not self.console.keep_card_after_call and self._may_close(popup):
                self.close_popup(key)
            return
        if not isinstance(event, CallStoppedRinging | CallAnswered | CallTransferred):
            return
        key = call_key(event.server, event.linkedid)
        popup = self._popups.get(key)
        if popup is None:
            return
        if isinstance(event, CallStoppedRinging) and event.extension == me:
            if event.reason == "answered_elsewhere" and event.answered_by != me:
                popup.set_state("elsewhere")
                if self._may_close(popup):
                    self.close_popup(key)  # a colleague took it: out of my way
                else:
                    self._show_tabs()  # what I typed stays until I save or dismiss it
                return
            popup.set_state("missed")
        elif isinstance(event, CallAnswered):
            if event.extension == me:
                popup.set_state("talking")
        elif isinstance(event, CallTransferred) and event.to_extension == me:
            popup.set_state("talking")
        self._show_tabs()

    def on_call_in_log(self, message: CallInLog) -> None:
        """The finished call is in the log now: cards of that client show it."""
        client_id = message.logged.client_id
        for popup in self._popups.values():
            panel = popup.panel
            if not panel.is_mounted:
                continue  # registered, not composed yet: its own load comes with its mount
            if client_id is not None and panel.client_id == client_id and not panel.editing:
                panel.load(client_id)

    def on_client_saved(self, message: ClientSaved) -> None:
        for popup in self._popups.values():
            panel = popup.panel
            if (
                panel.is_mounted
                and panel.client_id == message.client_id
                and panel is not message.source
                and not panel.editing
                and panel.card is not None
            ):
                panel.load(message.client_id)


class _NoPanel:
    editing = False
