"""Supervision legs in the call tracker: listen-in (ChanSpy) and pickup (PickupChan).

A listen-in or pickup is an Originate to an application that rings the person's own phone:
its leg is supervision, never a call of the log nor a failed call of the supervisor. It is
recognised by the console's announcement (``CallTracker.expect_supervision``), by its
OriginateResponse (``Application: ChanSpy``/``PickupChan``), by ``ChanSpyStart`` naming it
as the spyer, by a ``Pickup`` event, by the CallerID ``pbx.supervise`` gives it («<qE>»), or
in the resync lists by its application. ``SupervisionRules`` is a part of ``CallTracker``
(it shares the tracker's state); kept apart so the call rules read on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pbx.call_events import (
    CallEvent,
    CallPickedUp,
    StopReason,
    SupervisionEnded,
    SupervisionKind,
    SupervisionStarted,
)
from pbx.supervise import mode_of_options
from pbx.tracker_devices import Directory, channel_device
from pbx.tracker_resync import Snapshot, parse_int
from pbx.tracker_state import Call, Chan, to_datetime

Headers = Mapping[str, str]


@dataclass(slots=True)
class Supervision:
    """A listen-in or pickup the console announced before sending its Originate."""

    action_id: str
    kind: SupervisionKind
    supervisor: str  # extension whose phone rings first
    operator: str | None  # whom to listen to, or whose ringing call to take
    linkedid: str | None = None


class SupervisionRules:
    """The tracker's handlers for supervision legs (a base class of ``CallTracker``)."""

    server: str
    stats: Counter[str]
    _dir: Directory
    _calls: dict[str, Call]
    _chans: dict[str, Chan]
    _supervisions: dict[str, Supervision]

    # Provided by CallTracker.
    def _orphan(self) -> list[CallEvent]:
        raise NotImplementedError

    def _malformed(self) -> list[CallEvent]:
        raise NotImplementedError

    def _answer(self, call: Call, label: str, t: float) -> list[CallEvent]:
        raise NotImplementedError

    def _end(self, call: Call, t: float, reason: StopReason) -> list[CallEvent]:
        raise NotImplementedError

    def _attach_supervision(self, call: Call, sup: Supervision) -> None:
        sup.linkedid = call.linkedid
        call.supervision = sup.kind
        call.supervision_action = sup.action_id
        call.spy_operator = call.spy_operator or sup.operator

    def _originated_on(self, device: str) -> Call | None:
        """The newest originated call whose first leg is on ``device``, not yet answered
        (a failed Originate names the device, not the channel)."""
        wanted = device.lower()
        for call in reversed(self._calls.values()):
            origin = self._chans.get(call.origin_uid or "")
            if (
                call.originated
                and not call.operator_answered
                and origin is not None
                and channel_device(origin.name).lower() == wanted
            ):
                return call
        return None

    def _supervision_response(self, h: Headers, t: float) -> list[CallEvent]:
        """OriginateResponse of a listen-in or pickup: its leg is supervision; a failure
        (the supervisor's phone did not answer, no such device) is its end."""
        action_id = h.get("ActionID", "")
        sup = self._supervisions.get(action_id)
        chan = self._chans.get(h.get("Uniqueid", ""))
        call = chan.call if chan is not None else None
        if call is None and sup is not None and sup.linkedid is not None:
            call = self._calls.get(sup.linkedid)
        if call is None and h.get("Response") != "Success":
            call = self._originated_on(h.get("Channel", ""))
        app = h.get("Application", "").lower()
        kind: SupervisionKind = (
            sup.kind
            if sup is not None
            else "pickup"
            if app.startswith("pickup")
            else mode_of_options(h.get("Data", "").rpartition(",")[2])
        )
        code = parse_int(h.get("Reason"))
        if call is not None and leg_only(call):
            call.originated = True
            if sup is not None and call.supervision_action is None:
                self._attach_supervision(call, sup)
            call.supervision = call.supervision or kind
            if h.get("Response") == "Success":
                call.operator_answered = True
            else:
                call.supervision_reason = code
            return []
        if h.get("Response") == "Success" or sup is None:
            return []
        # Failed without a channel at all (no such device): over before it began.
        self._supervisions.pop(action_id, None)
        return [
            SupervisionEnded(
                self.server, None, action_id, kind, sup.supervisor, sup.operator, False, code,
                to_datetime(t),
            )
        ]  # fmt: skip

    def _spy_started(self, call: Call, at: datetime) -> SupervisionStarted:
        return SupervisionStarted(
            server=self.server,
            linkedid=call.linkedid,
            action_id=call.supervision_action,
            kind=call.supervision or "listen",
            supervisor=call.origin_ext or "",
            operator=call.spy_operator or "",
            target_linkedid=call.spy_target,
            at=at,
        )

    def _on_spy_start(self, h: Headers, t: float) -> list[CallEvent]:
        spyer = self._chans.get(h.get("SpyerUniqueid", ""))
        if spyer is None:
            return self._orphan()
        call = spyer.call
        if call.supervision is None:  # ChanSpy from a phone's feature code or the dialplan
            if not leg_only(call):
                return self._malformed()  # a call with a client cannot be a listen-in
            call.supervision = mode_of_options(h.get("SpyerCallerIDNum", ""))
        if call.origin_ext is None:
            call.origin_ext = self._dir.label(channel_device(spyer.name))
        spyee = self._chans.get(h.get("SpyeeUniqueid", ""))
        operator = (spyee.ext if spyee is not None else None) or self._dir.label(
            channel_device(h.get("SpyeeChannel", ""))
        )
        target = spyee.call.linkedid if spyee is not None else h.get("SpyeeLinkedid") or None
        if call.supervision_state == "active" and (call.spy_operator, call.spy_target) == (
            operator,
            target,
        ):
            return []
        call.spy_operator, call.spy_target = operator, target
        call.supervision_state = "active"
        return [self._spy_started(call, to_datetime(t))]

    def _on_spy_stop(self, h: Headers, t: float) -> list[CallEvent]:
        spyer = self._chans.get(h.get("SpyerUniqueid", ""))
        if spyer is None:
            return self._orphan()
        call = spyer.call
        if call.supervision_state != "active":
            return []
        call.supervision_state = "stopped"
        return [self._supervision_ended(call, t, started=True)]

    def _supervision_ended(self, call: Call, t: float, *, started: bool) -> SupervisionEnded:
        return SupervisionEnded(
            server=self.server,
            linkedid=call.linkedid,
            action_id=call.supervision_action,
            kind=call.supervision or "listen",
            supervisor=call.origin_ext,
            operator=call.spy_operator,
            started=started,
            reason_code=None if started else call.supervision_reason,
            at=to_datetime(t),
        )

    def _supervision_over(self, call: Call, t: float) -> list[CallEvent]:
        """A supervision leg ended: no log entry; its end, unless ChanSpyStop said it."""
        if call.supervision_action is not None:
            self._supervisions.pop(call.supervision_action, None)
        if call.supervision_state == "stopped":
            return []
        return [self._supervision_ended(call, t, started=call.supervision_state == "active")]

    def _on_pickup(self, h: Headers, t: float) -> list[CallEvent]:
        """``by`` took the call ringing at a colleague's phone: the picker's leg joins that
        call, which is answered by the picker (never a transfer, never a missed call)."""
        target = self._chans.get(h.get("TargetUniqueid", ""))
        call = target.call if target is not None else self._calls.get(h.get("TargetLinkedid", ""))
        if call is None:
            return self._orphan()
        picker = self._chans.get(h.get("Uniqueid", ""))
        by = self._dir.label(channel_device(h.get("Channel", "")))
        from_label = (target.ext if target is not None else None) or (
            self._dir.label(channel_device(h["TargetChannel"])) if h.get("TargetChannel") else None
        )
        events: list[CallEvent] = []
        action_id: str | None = None
        if picker is not None and picker.call is not call and leg_only(picker.call):
            leg = picker.call
            leg.supervision = "pickup"
            leg.supervision_state = "active"
            leg.spy_operator = from_label
            leg.spy_target = call.linkedid
            action_id = leg.supervision_action
            leg.channels.discard(picker.uid)
            picker.call = call
            call.channels.add(picker.uid)
            if not leg.channels:
                events += self._end(leg, t, "caller_hung_up")
        if picker is not None:
            picker.ext = by
        call.picked_from = from_label
        events.append(
            CallPickedUp(self.server, call.linkedid, by, from_label, action_id, to_datetime(t))
        )
        return events + self._answer(call, by, t)

    def _resync_spies(self, snap: Snapshot, now: float) -> list[CallEvent]:
        """Listen-in legs the lists show (Application ChanSpy) that we did not know were
        listening: whom they listen to, from ApplicationData (``IAX2/op101,qE``)."""
        events: list[CallEvent] = []
        for linkedid, channels in snap.calls.items():
            call = self._calls.get(linkedid)
            if call is None or call.supervision in (None, "pickup"):
                continue
            if call.supervision_state != "pending" or channels[0].application != "ChanSpy":
                continue
            device = channels[0].app_data.partition(",")[0]
            if not device:
                continue
            call.spy_operator = self._dir.label(device)
            spied = next(
                (
                    c.call
                    for c in self._chans.values()
                    if c.call is not call and channel_device(c.name).lower() == device.lower()
                ),
                None,
            )
            call.spy_target = spied.linkedid if spied is not None else None
            call.supervision_state = "active"
            events.append(self._spy_started(call, to_datetime(now)))
        return events


def leg_only(call: Call) -> bool:
    """Whether a call may be a supervision leg: nobody rang for it, nobody answered it
    (a listen-in or pickup leg is the person's own phone and an application, nothing else)."""
    return not call.rung and call.answered_at is None
