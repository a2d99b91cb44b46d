"""One AmiClient stream into one CallTracker: the consumer loop every user of pbx/ needs.

    feeder = TrackerFeed(tracker)
    async for item in ami.events():
        for call_event in feeder.handle(item):
            ...

AMI events go to ``tracker.feed``; a ``down`` remembers when the link was lost; the next
``up`` hands its snapshot to ``tracker.resync`` with that moment, so calls that ended during
the outage are closed when the link was lost and calls still in progress are neither lost
nor announced twice. The console, the headless recorder, the tests and the bench all feed a
tracker through this, so the reconnect rules live in one place.
"""

from __future__ import annotations

from pbx.ami_client import StreamItem
from pbx.call_events import CallEvent
from pbx.connection_state import ConnectionState, LinkState
from pbx.tracker import CallTracker


class TrackerFeed:
    """Applies stream items to a tracker; see the module docstring."""

    def __init__(self, tracker: CallTracker) -> None:
        self.tracker = tracker
        self.lost_at: float | None = None  # when the link went down, until the next resync
        self.resyncs = 0
        self.missing_snapshots = 0  # ups without a snapshot (resync off or failed)

    def handle(self, item: StreamItem) -> list[CallEvent]:
        """What the tracker concluded from one stream item, in order."""
        if not isinstance(item, ConnectionState):
            return self.tracker.feed(item)
        if item.state is LinkState.DOWN:
            if self.lost_at is None:
                self.lost_at = item.since.timestamp()
            return []
        if not item.is_up:
            return []
        if item.snapshot is None:
            self.missing_snapshots += 1
            return []
        lost_at, self.lost_at = self.lost_at, None
        self.resyncs += 1
        return self.tracker.resync(item.snapshot, item.since.timestamp(), lost_at=lost_at)
