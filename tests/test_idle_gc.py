"""The console's garbage-collection policy: full collections only when the desk is quiet,
and nothing kept for ever by the freezing that makes them cheap.

What a dispatcher would notice: a card that pops late because a long collection ran in the
middle of the pop, or a console that grows over a shift. Each test installs the collector
and uninstalls it, so the rest of the test run keeps the interpreter's defaults.
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator

import pytest

from console.idle_gc import NEVER, IdleCollector


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


@pytest.fixture
def collector() -> Iterator[IdleCollector]:
    saved = gc.get_threshold()
    idle = IdleCollector(quiet=0.05, thaw=3600.0)
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


def test_old_garbage_waits_for_a_quiet_moment(collector: IdleCollector) -> None:
    keep = [Node()]
    ref = weakref.ref(keep[0])
    gc.collect(1)  # the node survives the young collections: it is in the oldest generation
    collector.busy()  # a ring
    keep.clear()  # garbage now, in a cycle in the oldest generation
    for _ in range(3):
        gc.collect(1)  # young collections go on as usual and do not reach it
    assert not collector.tick()  # not quiet yet: no full collection in the middle of a pop
    assert ref() is not None
    time.sleep(0.06)
    assert collector.tick()
    assert ref() is None


def test_a_quiet_desk_is_collected_once_per_burst(collector: IdleCollector) -> None:
    collector.busy()
    time.sleep(0.06)
    assert collector.tick()
    assert not collector.tick()  # nothing happened since: no second collection
    collector.busy()
    time.sleep(0.06)
    assert collector.tick()


def test_objects_frozen_alive_and_dropped_later_are_freed_at_the_thaw() -> None:
    idle = IdleCollector(quiet=0.01, thaw=0.2)
    keep: list[Node] = [Node()]
    ref = weakref.ref(keep[0])
    idle.install()  # collects and freezes: the node is frozen alive
    try:
        keep.clear()  # now it is garbage, but frozen
        idle.busy()
        time.sleep(0.02)
        assert idle.tick()  # a regular collection does not see frozen objects
        assert ref() is not None
        time.sleep(0.2)
        assert idle.tick()  # the thaw: everything unfrozen and collected once
        assert ref() is None
    finally:
        idle.uninstall()


def test_no_collection_at_all_while_a_card_is_on_its_way(collector: IdleCollector) -> None:
    collector.busy()
    collector.hold(0.05)
    assert not gc.isenabled()  # young collections too: they would land in the card's update
    garbage = [cycle() for _ in range(5000)]  # far past the young threshold
    assert all(ref() is not None for ref in garbage)
    assert not collector.tick()  # the hold is not over
    time.sleep(0.06)
    collector.tick()
    assert gc.isenabled()
    gc.collect(0)
    assert all(ref() is None for ref in garbage)


def test_a_storm_of_rings_cannot_hold_collections_off_for_long(
    collector: IdleCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    import console.idle_gc as idle_gc

    monkeypatch.setattr(idle_gc, "MAX_HOLD", 0.05)
    started = time.monotonic()
    while time.monotonic() - started < 0.2:  # a ring every few ms, each asking for a hold
        collector.hold(0.05)
        collector.tick()
        time.sleep(0.005)
        if gc.isenabled():
            break
    assert gc.isenabled()
    assert time.monotonic() - started < 0.15
    collector.hold(0.05)  # the next ring of the storm: collections stay on a while
    assert gc.isenabled()


def test_uninstall_ends_a_hold() -> None:
    idle = IdleCollector()
    idle.install()
    idle.hold(10)
    idle.uninstall()
    assert gc.isenabled() and gc.get_freeze_count() == 0
