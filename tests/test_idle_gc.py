"""The console's garbage-collection policy: full collections only when the desk is quiet,
and nothing kept for ever by the freezing that makes them cheap.

What a dispatcher would notice: a card that pops late because a long collection ran in the
middle of the pop, or a console that grows over a shift. Each test installs the collector
and uninstalls it, so the rest of the test run keeps the interpreter's defaults. Time is a
`FakeTimers` clock the tests move: "quiet for 1.5 s" is said, not waited for.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from console.idle_gc import MAX_HOLD, NEVER, POP_HOLD, IdleCollector
from tests.fake_timers import FakeTimers

QUIET = 1.5


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


@pytest.fixture
def clock() -> FakeTimers:
    return FakeTimers()


@pytest.fixture
def collector(clock: FakeTimers) -> Iterator[IdleCollector]:
    saved = gc.get_threshold()
    idle = IdleCollector(quiet=QUIET, thaw=3600.0, clock=clock.time)
    idle.install()
    try:
        yield idle
    finally:
        idle.uninstall()
        assert gc.get_threshold() == saved
        assert gc.get_freeze_count() == 0


def test_cpython_no_longer_starts_full_collections_itself(collector: IdleCollector) -> None:
    assert collector.installed
    assert gc.get_threshold()[2] == NEVER


def test_old_garbage_waits_for_a_quiet_moment(collector: IdleCollector, clock: FakeTimers) -> None:
    keep = [Node()]
    ref = weakref.ref(keep[0])
    gc.collect(1)  # the node survives the young collections: it is in the oldest generation
    collector.busy()  # a ring
    keep.clear()  # garbage now, in a cycle in the oldest generation
    for _ in range(3):
        gc.collect(1)  # young collections go on as usual and do not reach it
    assert not collector.tick()  # not quiet yet: no full collection in the middle of a pop
    assert ref() is not None
    clock.advance(QUIET - 0.1)
    assert not collector.tick()  # a dispatcher typing on: still not quiet
    assert ref() is not None
    clock.advance(0.1)
    assert collector.tick()
    assert ref() is None


def test_a_quiet_desk_is_collected_once_per_burst(
    collector: IdleCollector, clock: FakeTimers
) -> None:
    collector.busy()
    clock.advance(QUIET)
    assert collector.tick()
    clock.advance(QUIET)
    assert not collector.tick()  # nothing happened since: no second collection
    collector.busy()
    clock.advance(QUIET)
    assert collector.tick()


def test_objects_frozen_alive_and_dropped_later_are_freed_at_the_thaw(clock: FakeTimers) -> None:
    idle = IdleCollector(quiet=QUIET, thaw=300.0, clock=clock.time)
    keep: list[Node] = [Node()]
    ref = weakref.ref(keep[0])
    idle.install()  # collects and freezes: the node is frozen alive
    try:
        keep.clear()  # now it is garbage, but frozen
        idle.busy()
        clock.advance(QUIET)
        assert idle.tick()  # a regular collection does not see frozen objects
        assert ref() is not None
        clock.advance(300.0 - QUIET)
        assert idle.tick()  # the thaw: everything unfrozen and collected once
        assert ref() is None
    finally:
        idle.uninstall()


def test_no_collection_at_all_while_a_card_is_on_its_way(
    collector: IdleCollector, clock: FakeTimers
) -> None:
    collector.busy()
    collector.hold()
    assert not gc.isenabled()  # young collections too: they would land in the card's update
    garbage = [cycle() for _ in range(5000)]  # far past the young threshold
    assert all(ref() is not None for ref in garbage)
    assert not collector.tick()  # the hold is not over
    clock.advance(POP_HOLD - 0.01)
    assert not collector.tick() and not gc.isenabled()
    clock.advance(0.01)
    collector.tick()
    assert gc.isenabled()
    gc.collect(0)
    assert all(ref() is None for ref in garbage)


def test_a_storm_of_rings_cannot_hold_collections_off_for_long(
    collector: IdleCollector, clock: FakeTimers
) -> None:
    collector.hold()
    held = 0.0
    while not gc.isenabled():  # a ring every 10 ms, each asking for a hold
        clock.advance(0.01)
        held += 0.01
        collector.hold()
        collector.tick()
    assert MAX_HOLD <= round(held, 6) <= MAX_HOLD + 0.02  # off for MAX_HOLD, no longer
    collector.hold()  # the next ring of the storm: collections stay on a while
    assert gc.isenabled()
    clock.advance(MAX_HOLD)
    collector.hold()  # then a ring may hold them off again
    assert not gc.isenabled()


def test_uninstall_ends_a_hold() -> None:
    idle = IdleCollector()
    idle.install()
    idle.hold(10)
    idle.uninstall()
    assert gc.isenabled() and gc.get_freeze_count() == 0
