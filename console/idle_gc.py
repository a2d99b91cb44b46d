"""Full garbage collections at quiet moments, not in the middle of a pop.

Textual allocates many objects per screen update and per restyle (segments, strips,
styles, footer keys), a good part of them in reference cycles that only the cyclic
collector frees. CPython decides on a full (generation 2) collection now and then and runs
it wherever the allocation happens to be: with the console's heap one such collection
takes longer than the whole pop's budget, and it lands inside the screen update that was
to show a ringing caller's card (measured: docs/performance.md, "Garbage collection").

`IdleCollector` takes the decision away from allocation counts:

- CPython no longer starts full collections on its own (young ones still run, a few ms);
- after each burst of activity (a ring at this phone, typing), once the console has been
  quiet for `quiet` seconds, it collects and then freezes (`gc.freeze()`) what survived:
  the next collection walks only what came since, so each costs roughly the garbage of the
  last call or two, spent while the dispatcher is talking, not waiting;
- frozen objects that die later are not seen by those collections, so every `thaw`
  seconds, at a quiet moment (`quiet` × 3), everything is unfrozen and collected once;
- while a ringing caller's card is on its way (`hold`), no collection runs at all: the
  allocations of the screen update that shows a card set off about ten young collections
  and a middle one, a noticeable share of that update (timed with `gc.callbacks`: see
  docs/performance.md). They resume at the next `tick` after the hold; a storm of rings
  gets at most `MAX_HOLD` without, then as long with collections.

Only the real console installs it: tests build many apps in one process and keep the
interpreter's defaults.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Final

NEVER: Final = 1_000_000_000  # a generation-2 threshold CPython never reaches
POP_HOLD: Final = 0.3  # seconds without collections from a ring: its card is up by then
MAX_HOLD: Final = 2.0  # at most this long in a row (rings every few ms): memory is bounded


class IdleCollector:
    """Owns the interpreter's collection policy while installed."""

    def __init__(
        self,
        *,
        quiet: float = 1.5,
        thaw: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet = quiet
        self.thaw = thaw
        self._clock = clock  # seconds, monotonic; tests pass a clock they move by hand
        self._saved: tuple[int, int, int] | None = None
        self._busy_at = 0.0
        self._dirty = False  # something happened since the last collection
        self._thawed_at = 0.0
        self._held_since: float | None = None  # collections off since (a pop on its way)
        self._held_until = 0.0
        self._no_hold_until = 0.0  # after a hold cut short: collections run a while

    @property
    def installed(self) -> bool:
        return self._saved is not None

    def install(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, NEVER)
        self._collect(thaw=False)
        self._thawed_at = self._clock()

    def uninstall(self) -> None:
        if self._saved is None:
            return
        self._release()
        gc.set_threshold(*self._saved)
        self._saved = None
        gc.unfreeze()

    def busy(self) -> None:
        """Something the operator waits for is happening (a ring, typing)."""
        self._busy_at = self._clock()
        self._dirty = True

    def hold(self, seconds: float = POP_HOLD) -> None:
        """A ringing caller's card is on its way: no collection for `seconds`."""
        if self._saved is None:
            return
        now = self._clock()
        if now < self._no_hold_until:
            return
        if self._held_since is None:
            self._held_since = now
            gc.disable()
        self._held_until = max(self._held_until, now + seconds)

    def _release(self) -> None:
        if self._held_since is not None:
            self._held_since = None
            gc.enable()

    def tick(self) -> bool:
        """Collect if the console is quiet and there is something to collect; True if it
        did. Called on a timer (the app: every half second); ends a hold that is over."""
        if self._saved is None:
            return False
        now = self._clock()
        if self._held_since is not None:
            if now < self._held_until and now - self._held_since < MAX_HOLD:
                return False
            if now < self._held_until:  # cut short: rings keep coming
                self._no_hold_until = now + MAX_HOLD
            self._release()
        quiet_for = now - self._busy_at
        if quiet_for >= 3 * self.quiet and now - self._thawed_at >= self.thaw:
            self._collect(thaw=True)
            self._thawed_at = self._clock()
            return True
        if self._dirty and quiet_for >= self.quiet:
            self._collect(thaw=False)
            return True
        return False

    def _collect(self, *, thaw: bool) -> None:
        if thaw:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._dirty = False
