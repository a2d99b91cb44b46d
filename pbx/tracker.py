"""The call tracker: AMI events in, domain events out. Pure: no I/O, no clock of its own.

Calls are keyed by Asterisk's Linkedid (every channel of one call shares it: operator legs,
Local halves, transfer targets). Channels are keyed by Uniqueid, so an event is routed by one
dict lookup, and a channel that changes hands (an attended transfer) simply moves.

What the rules rest on — seen in real captures (tests/fixtures/ami/README.md):
- the call's first channel (Uniqueid == Linkedid) is the caller: its CallerIDNum is the
  client's number on inbound calls; operator legs carry the desk number, never read;
- an operator's phone rings when a DialBegin/AgentCalled targets its device; a Local queue
  member is resolved through StateInterface, or when its `;2` half dials the real phone, and
  both paths land on the same extension, so a Local pair counts once;
- the first DialBegin of an Originate has no calling channel: the PBX itself dials the
  operator; the client's leg is the next DialBegin to a device that is not an operator's.
Times come from the `Timestamp` header when present, else from `received_at`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pbx.ami_event import AmiEvent
from pbx.call_events import (
    CallAnswered,
    CallEnded,
    CallerKind,
    CallEvent,
    CallQueued,
    CallRinging,
    CallStoppedRinging,
    CallTransferred,
    LiveCall,
    OriginateProgress,
    OriginateResult,
    OriginateStage,
    StopReason,
    SupervisionKind,
    SupervisionStarted,
    TransferKind,
)
from pbx.supervise import SPY_OPTIONS, SUPERVISION_APPS, mode_of_options
from pbx.tracker_devices import (
    Classifier,
    Directory,
    OperatorDevice,
    channel_device,
    is_local,
    local_pair,
    member_base,
)
from pbx.tracker_resync import (
    RINGING_STATES,
    ChannelItem,
    QueueItem,
    Snapshot,
    collect,
    parse_int,
)
from pbx.tracker_state import (
    CLIENT_DIAL_REASONS,
    MAX_EPOCH,
    Call,
    Chan,
    clean_name,
    operator_hangup_reason,
    originate_reason,
    to_datetime,
)
from pbx.tracker_supervision import Supervision, SupervisionRules, leg_only

__all__ = ["CallTracker", "OperatorDevice"]

Headers = Mapping[str, str]
Handler = Callable[[Headers, float], list[CallEvent]]

# Events that never change a call: skipped by one set lookup, counted as "ignored".
IGNORED_EVENTS = frozenset(
    {
        "VarSet",
        "Newexten",
        "Newstate",
        "DeviceStateChange",
        "NewConnectedLine",
        "HangupRequest",
        "SoftHangupRequest",
        "BridgeCreate",
        "BridgeDestroy",
        "BridgeEnter",
        "BridgeLeave",
        "BridgeMerge",
        "DialState",
        "LocalBridge",
        "LocalOptimizationBegin",
        "LocalOptimizationEnd",
        "QueueCallerLeave",
        "AgentComplete",
        "AgentDump",
        "Hold",
        "Unhold",
        "MusicOnHoldStart",
        "MusicOnHoldStop",
        "DTMFBegin",
        "DTMFEnd",
        "RTCPSent",
        "RTCPReceived",
        "Cdr",
        "CEL",
        "PeerStatus",
        "ContactStatus",
        "Registry",
        "FullyBooted",
        "SuccessfulAuth",
        "ChallengeSent",
        "Reload",
        "QueueParams",
        "QueueSummary",
        "QueueStatusComplete",
        "QueueSummaryComplete",
        "CoreShowChannelsComplete",
        "StatusComplete",
        "CoreShowChannel",
        "Status",
        "QueueEntry",
        "ChannelTalkingStart",
        "ChannelTalkingStop",
        "NewAccountCode",
        "MixMonitorStart",
        "MixMonitorStop",
    }
)
_KINDS: dict[str, CallerKind] = {
    "phone": "phone",
    "internal": "internal",
    "withheld": "withheld",
    "invalid": "invalid",
}
_CLASSIFY_CACHE_MAX = 4096
_ENDED_MEMORY = 10_000  # linkedids remembered after their end, so late events never revive them
_SPY_NUMBERS = frozenset(SPY_OPTIONS.values())  # a listen-in leg's CallerID number


@dataclass(slots=True)
class _Originate:
    """A click-to-call the console announced before sending the Originate."""

    action_id: str
    extension: str
    number_raw: str
    number_e164: str | None
    linkedid: str | None = None


class CallTracker(SupervisionRules):
    """Turns one Asterisk server's AMI events into call events and call-log records.

    `feed()` one event at a time (never raises: malformed input is counted in `stats` and
    skipped); `resync()` with the list items asked after a reconnect; `live_calls()` for what
    is in progress; `expect_originate()` before a click-to-call so its progress is reported.
    """

    def __init__(
        self, *, server: str, operators: Sequence[OperatorDevice], classify: Classifier
    ) -> None:
        self.server = server
        self.stats: Counter[str] = Counter()
        self._dir = Directory(operators)
        self._classify = classify
        self._classified: dict[str, tuple[CallerKind, str | None]] = {}
        self._calls: dict[str, Call] = {}
        self._chans: dict[str, Chan] = {}
        self._ended: dict[str, None] = {}
        self._originates: dict[str, _Originate] = {}
        self._supervisions: dict[str, Supervision] = {}
        self._last_time = 0.0
        self._handlers: dict[str, Handler] = {
            "Newchannel": self._on_newchannel,
            "NewCallerid": self._on_newcallerid,
            "DialBegin": self._on_dialbegin,
            "DialEnd": self._on_dialend,
            "Hangup": self._on_hangup,
            "QueueCallerJoin": self._on_queue_join,
            "QueueCallerAbandon": self._on_queue_abandon,
            "AgentCalled": self._on_agent_called,
            "AgentConnect": self._on_agent_connect,
            "AgentRingNoAnswer": self._on_agent_noanswer,
            "QueueMemberStatus": self._on_member,
            "QueueMember": self._on_member,
            "QueueMemberAdded": self._on_member,
            "BlindTransfer": self._on_blind_transfer,
            "AttendedTransfer": self._on_attended_transfer,
            "OriginateResponse": self._on_originate_response,
            "ChanSpyStart": self._on_spy_start,
            "ChanSpyStop": self._on_spy_stop,
            "Pickup": self._on_pickup,
            "QueueMemberPause": self._on_member,
            "QueueMemberRemoved": self._on_member,
        }

    # ----------------------------------------------------------------- public API

    def feed(self, event: AmiEvent) -> list[CallEvent]:
        """Apply one AMI event; return what changed, in order."""
        stats = self.stats
        stats["events"] += 1
        handler = self._handlers.get(event.name)
        if handler is None:
            stats["ignored" if event.name in IGNORED_EVENTS else "unknown_events"] += 1
            return []
        if event.server != self.server:
            stats["other_server"] += 1
            return []
        headers = event.headers
        try:
            return handler(headers, self._time(headers, event.received_at))
        except Exception:  # a bug or garbage we did not foresee must not stop the desk
            stats["errors"] += 1
            return []

    def expect_originate(self, action_id: str, extension: str, client_number: str) -> None:
        """Announce a click-to-call before sending it, so its call is attributed to it."""
        kind, e164 = self._classify_number(client_number)
        self._originates[action_id] = _Originate(
            action_id, extension, client_number, e164 if kind == "phone" else None
        )

    def forget_originate(self, action_id: str) -> None:
        """Stop waiting for a click-to-call (e.g. its outcome became unknown after a drop)."""
        self._originates.pop(action_id, None)

    def expect_supervision(
        self,
        action_id: str,
        kind: SupervisionKind,
        supervisor_extension: str,
        operator_extension: str | None = None,
    ) -> None:
        """Announce a listen-in or pickup before sending its Originate (``pbx.supervise``):
        its leg is then known as supervision from its first ring, and its outcome reported
        (``SupervisionStarted``/``SupervisionEnded``, ``CallPickedUp``)."""
        self._supervisions[action_id] = Supervision(
            action_id, kind, supervisor_extension, operator_extension
        )

    def forget_supervision(self, action_id: str) -> None:
        self._supervisions.pop(action_id, None)

    def live_calls(self) -> list[LiveCall]:
        """Every call in progress, oldest first (supervision legs are no calls)."""
        return [c.live(self.server) for c in self._calls.values() if c.supervision is None]

    def live_call(self, linkedid: str) -> LiveCall | None:
        """One call in progress, None once it ended (or if it never was)."""
        call = self._calls.get(linkedid)
        if call is None or call.supervision is not None:
            return None
        return call.live(self.server)

    def live_supervisions(self) -> list[SupervisionStarted]:
        """Who listens to whom now: every listen-in leg joined to an operator's call."""
        return [
            self._spy_started(call, to_datetime(call.started_at))
            for call in self._calls.values()
            if call.supervision is not None and call.supervision_state == "active"
        ]

    def resync(
        self, items: Sequence[AmiEvent], now: float, *, lost_at: float | None = None
    ) -> list[CallEvent]:
        """Rebuild live calls from the PBX's lists after a reconnect.

        `items` are the list events of CoreShowChannels (or Status) and QueueStatus, complete;
        `now` is when they were received. Calls the PBX no longer has ended during the outage:
        they are closed at `lost_at` (when the link was lost) or else at the last event heard.
        Calls already shown are not announced again; only what changed is reported.
        """
        try:
            now = self._sane(now)
            return self._resync(collect(items, now), now, lost_at)
        except Exception:
            self.stats["errors"] += 1
            return []

    # ----------------------------------------------------------------- helpers

    def _sane(self, value: float) -> float:
        return value if 0.0 < value < MAX_EPOCH else self._last_time

    def _time(self, headers: Headers, received_at: float) -> float:
        t = received_at
        stamp = headers.get("Timestamp")
        if stamp:
            try:
                value = float(stamp)
            except ValueError:
                value = -1.0
            if 0.0 < value < MAX_EPOCH:
                t = value
            else:
                self.stats["bad_timestamps"] += 1
        if not 0.0 < t < MAX_EPOCH:
            return self._last_time
        if t > self._last_time:
            self._last_time = t
        return t

    def _classify_number(self, raw: str) -> tuple[CallerKind, str | None]:
        hit = self._classified.get(raw)
        if hit is not None:
            return hit
        try:
            result = self._classify(raw)
            kind = _KINDS.get(str(result.kind), "invalid")
            e164 = result.e164 if kind == "phone" else None
        except Exception:
            self.stats["classify_errors"] += 1
            kind, e164 = "invalid", None
        if len(self._classified) >= _CLASSIFY_CACHE_MAX:
            self._classified.clear()
        self._classified[raw] = (kind, e164)
        return kind, e164

    def _malformed(self) -> list[CallEvent]:
        self.stats["malformed"] += 1
        return []

    def _orphan(self) -> list[CallEvent]:
        """An event about a call or channel we do not track (ended, or before our time)."""
        self.stats["orphans"] += 1
        return []

    def _call_of(self, headers: Headers) -> Call | None:
        uid = headers.get("Uniqueid")
        chan = self._chans.get(uid) if uid else None
        if chan is not None:
            return chan.call
        return self._calls.get(headers.get("Linkedid") or "")

    def _start(self, linkedid: str, t: float) -> Call:
        call = Call(linkedid=linkedid, started_at=t)
        self._calls[linkedid] = call
        self.stats["calls_started"] += 1
        return call

    def _add_chan(self, call: Call, uid: str, name: str) -> Chan:
        chan = Chan(uid=uid, name=name, call=call, born=self._last_time)
        self._chans[uid] = chan
        call.channels.add(uid)
        return chan

    def _set_caller(self, call: Call, number: str, name: str | None) -> None:
        call.caller_raw = number
        call.caller_kind, call.caller_e164 = self._classify_number(number)
        call.caller_name = clean_name(name)

    def _set_origin(self, call: Call, uid: str, name: str, number: str, cid_name: str) -> None:
        call.origin_uid = uid
        call.origin_ext = None if is_local(name) else self._dir.extension_of(channel_device(name))
        self._set_caller(call, number, cid_name)

    def _leg_label(self, call: Call, name: str) -> str | None:
        """The operator a leg stands for, once known (Local halves through their pair)."""
        if is_local(name):
            return call.local_ext.get(local_pair(name)) or self._dir.local_member_label(
                channel_device(name)
            )
        return self._dir.label(channel_device(name))

    def _has_leg(self, call: Call, label: str) -> bool:
        chans = self._chans
        return any((c := chans.get(uid)) is not None and c.ext == label for uid in call.channels)

    # ----------------------------------------------------------------- state changes

    def _ring(self, call: Call, chan: Chan | None, label: str, t: float) -> list[CallEvent]:
        if chan is not None:
            chan.ext = label
        if label in call.ringing or label == call.talking:
            return []
        call.ringing[label] = t
        if label not in call.rung:
            call.rung.append(label)
        call.popped = True
        number, raw = call.outside_number()
        direction = call.direction
        return [
            CallRinging(
                server=self.server,
                linkedid=call.linkedid,
                extensions=tuple(call.ringing),
                started=(label,),
                direction=direction,
                number=number,
                number_raw=raw,
                # A colleague's phone may present the desk's public number: still a colleague.
                kind="internal" if direction == "internal" else call.caller_kind,
                name=call.display_name(),
                queue=call.queue,
                at=to_datetime(t),
            )
        ]

    def _stop(
        self,
        call: Call,
        label: str,
        reason: StopReason,
        t: float,
        answered_by: str | None = None,
    ) -> list[CallEvent]:
        if call.ringing.pop(label, None) is None:
            return []
        return [
            CallStoppedRinging(
                server=self.server,
                linkedid=call.linkedid,
                extension=label,
                reason=reason,
                answered_by=answered_by,
                at=to_datetime(t),
            )
        ]

    def _transfer(self, call: Call, label: str, kind: TransferKind, t: float) -> list[CallEvent]:
        if label in call.transferred_to or (label == call.answered_by and not call.transferred_to):
            return []
        call.transferred_to.append(label)
        return [
            CallTransferred(
                server=self.server,
                linkedid=call.linkedid,
                from_extension=call.talking or call.answered_by,
                to_extension=label,
                kind=kind,
                at=to_datetime(t),
            )
        ]

    def _answer(self, call: Call, label: str, t: float) -> list[CallEvent]:
        """`label` is talking on the call now: first answer, or the end of a transfer."""
        if call.talking == label:
            return []
        if label == call.picked_from and not call.transferred_to:
            return []  # the leg a pickup took over "answers" (DialEnd, AgentConnect)
        events: list[CallEvent] = []
        call.ringing.pop(label, None)
        if label not in call.rung:  # answered before we saw it ring (resync, lost events)
            call.rung.append(label)
        if call.answered_at is None:
            call.answered_at = t
            call.answered_by = label
        elif label != call.answered_by or call.transferred_to:
            events += self._transfer(call, label, call.transfer_kind or "redirect", t)
        call.talking = label
        call.talking_since = t
        events.append(CallAnswered(self.server, call.linkedid, label, to_datetime(t)))
        for other in list(call.ringing):
            events += self._stop(call, other, "answered_elsewhere", t, label)
        return events

    def _progress(self, call: Call, stage: OriginateStage, t: float) -> list[CallEvent]:
        if call.action_id is None or call.action_id not in self._originates:
            return []
        return [
            OriginateProgress(self.server, call.action_id, call.linkedid, stage, to_datetime(t))
        ]

    def _result(
        self,
        action_id: str | None,
        linkedid: str | None,
        success: bool,
        code: int | None,
        reason: str | None,
        t: float,
    ) -> list[CallEvent]:
        """The one final word on a click-to-call (later ones are dropped)."""
        if action_id is None or self._originates.pop(action_id, None) is None:
            return []
        return [
            OriginateResult(self.server, action_id, linkedid, success, code, reason, to_datetime(t))
        ]

    def _attach(self, call: Call, originate: _Originate) -> None:
        originate.linkedid = call.linkedid
        call.action_id = originate.action_id
        call.originated = True
        call.expected_raw = originate.number_raw
        call.expected_e164 = originate.number_e164

    def _end(self, call: Call, t: float, reason: StopReason) -> list[CallEvent]:
        events: list[CallEvent] = []
        for label in list(call.ringing):
            events += self._stop(call, label, reason, t)
        for uid in call.channels:
            self._chans.pop(uid, None)
        call.channels.clear()
        self._calls.pop(call.linkedid, None)
        self._ended[call.linkedid] = None
        if len(self._ended) > _ENDED_MEMORY:
            del self._ended[next(iter(self._ended))]
        if call.supervision is not None:
            self.stats["supervision_legs"] += 1
            return self._supervision_over(call, t)
        record = call.record(self.server, t)
        events.append(CallEnded(record))
        self.stats["calls_ended"] += 1
        if call.action_id is not None:
            success = record.disposition == "answered"
            events += self._result(call.action_id, call.linkedid, success, None, record.reason, t)
        return events

    # ----------------------------------------------------------------- channels and dials

    def _on_newchannel(self, h: Headers, t: float) -> list[CallEvent]:
        uid = h.get("Uniqueid")
        name = h.get("Channel")
        if not uid or not name:
            return self._malformed()
        if uid in self._chans:
            self.stats["duplicates"] += 1
            return []
        linkedid = h.get("Linkedid") or uid
        call = self._calls.get(linkedid)
        if call is None:
            if linkedid in self._ended:
                return self._orphan()
            call = self._start(linkedid, t)
        self._add_chan(call, uid, name)
        if uid == linkedid or call.origin_uid is None:
            self._set_origin(call, uid, name, h.get("CallerIDNum", ""), h.get("CallerIDName", ""))
        return []

    def _on_newcallerid(self, h: Headers, t: float) -> list[CallEvent]:
        uid = h.get("Uniqueid")
        chan = self._chans.get(uid) if uid else None
        if chan is None:
            return self._orphan()
        call = chan.call
        number = h.get("CallerIDNum")
        if uid == call.origin_uid and not call.popped and number and number != call.caller_raw:
            self._set_caller(call, number, h.get("CallerIDName") or call.caller_name)
            if number in _SPY_NUMBERS and call.origin_ext is not None and leg_only(call):
                # A listen-in leg as pbx.supervise makes them: «Прослушка <qE>» on a desk phone.
                call.supervision = call.supervision or mode_of_options(number)
        return []

    def _on_dialbegin(self, h: Headers, t: float) -> list[CallEvent]:
        dest_uid = h.get("DestUniqueid")
        dest_name = h.get("DestChannel")
        if not dest_uid or not dest_name:
            return self._malformed()
        src_uid = h.get("Uniqueid")
        src = self._chans.get(src_uid) if src_uid else None
        dest = self._chans.get(dest_uid)
        call = src.call if src else dest.call if dest else None
        if call is None:
            call = self._calls.get(h.get("Linkedid") or h.get("DestLinkedid") or "")
            if call is None:
                return self._orphan()
        if dest is None:
            dest = self._add_chan(call, dest_uid, dest_name)
        if not src_uid:
            return self._originate_leg(call, dest, t)
        if is_local(dest_name):
            pair = local_pair(dest_name)
            label = call.local_ext.get(pair) or self._dir.local_member_label(
                channel_device(dest_name)
            )
            if label is None:
                return []  # its `;2` half will dial the real phone: that names the operator
            call.local_ext[pair] = label
            return self._ring(call, dest, label, t)
        device = channel_device(dest_name)
        ext = self._dir.extension_of(device)
        if ext is None and (call.origin_ext is not None or call.originated):
            return self._client_leg(call, dest, h, t)
        label = ext or device
        src_name = h.get("Channel", "")
        if is_local(src_name):
            call.local_ext[local_pair(src_name)] = label
        return self._ring(call, dest, label, t)

    def _originate_leg(self, call: Call, dest: Chan, t: float) -> list[CallEvent]:
        """Originate's first leg: the PBX rings the operator's own phone. Not a popup."""
        call.originated = True
        label = self._dir.label(channel_device(dest.name))
        if call.origin_ext is None:
            call.origin_ext = label
        if call.action_id is None and call.supervision_action is None:
            for originate in self._originates.values():
                if originate.linkedid is None and originate.extension == label:
                    self._attach(call, originate)
                    break
            else:
                for sup in self._supervisions.values():
                    if sup.linkedid is None and sup.supervisor == label and leg_only(call):
                        self._attach_supervision(call, sup)
                        break
        return self._progress(call, "operator_ringing", t)

    def _client_leg(self, call: Call, dest: Chan, h: Headers, t: float) -> list[CallEvent]:
        dest.client = True
        call.client_leg = True
        dial_tail = h.get("DialString", "").rpartition("/")[2]
        for candidate in (h.get("Exten", ""), dial_tail):
            if candidate and candidate != "s":
                kind, e164 = self._classify_number(candidate)
                if kind == "phone" or call.client_raw is None:
                    call.client_raw, call.client_e164 = candidate, e164
                if kind == "phone":
                    break
        return self._progress(call, "client_ringing", t)

    def _on_dialend(self, h: Headers, t: float) -> list[CallEvent]:
        dest_uid = h.get("DestUniqueid")
        dest = self._chans.get(dest_uid) if dest_uid else None
        if dest is None:
            return self._orphan()
        call = dest.call
        status = h.get("DialStatus", "")
        if not h.get("Uniqueid"):  # Originate's first leg: the operator's own phone
            if status == "ANSWER":
                return self._operator_answered(call, t)
            if not call.operator_answered and call.fail_reason is None:
                call.fail_reason = operator_hangup_reason("17" if status == "BUSY" else "19")
            return []
        if dest.client:
            return self._client_dial_end(call, status, t)
        label = dest.ext
        if label is None and is_local(dest.name):
            label = call.local_ext.get(local_pair(dest.name))
        if label is None:
            return []
        if status == "ANSWER":
            return self._answer(call, label, t)
        if status == "BUSY":
            if call.answered_at is None:
                call.busy = True
            return self._stop(call, label, "busy", t)
        return self._stop(
            call, label, "caller_hung_up" if status == "CANCEL" else "not_answered", t
        )

    def _operator_answered(self, call: Call, t: float) -> list[CallEvent]:
        if call.operator_answered:
            return []
        call.operator_answered = True
        return self._progress(call, "operator_answered", t)

    def _client_dial_end(self, call: Call, status: str, t: float) -> list[CallEvent]:
        if status == "ANSWER":
            if call.answered_at is not None:
                return []
            operator = call.placed_by or ""
            call.answered_at = t
            call.answered_by = operator or None
            call.talking = operator or None
            call.talking_since = t
            events: list[CallEvent] = []
            if operator:
                events.append(CallAnswered(self.server, call.linkedid, operator, to_datetime(t)))
            return events + self._result(call.action_id, call.linkedid, True, None, None, t)
        if call.answered_at is not None:
            return []
        reason = CLIENT_DIAL_REASONS.get(status, "call failed")
        call.fail_reason = reason
        return self._result(call.action_id, call.linkedid, False, None, reason, t)

    def _on_hangup(self, h: Headers, t: float) -> list[CallEvent]:
        uid = h.get("Uniqueid")
        chan = self._chans.pop(uid, None) if uid else None
        if chan is None:
            return self._orphan()
        call = chan.call
        call.channels.discard(chan.uid)
        events: list[CallEvent] = []
        cause = h.get("Cause", "")
        if chan.uid == call.origin_uid and call.originated and not call.operator_answered:
            call.fail_reason = call.fail_reason or operator_hangup_reason(cause)
        label = chan.ext
        if label is not None and not self._has_leg(call, label):
            if cause == "17" and label in call.ringing and call.answered_at is None:
                call.busy = True
                events += self._stop(call, label, "busy", t)
            else:
                events += self._stop(call, label, "not_answered", t)
            if call.talking == label:
                call.talking = None
                call.talking_since = t
        if not call.channels:
            events += self._end(call, t, "caller_hung_up")
        return events

    # ----------------------------------------------------------------- queues

    def _on_queue_join(self, h: Headers, t: float) -> list[CallEvent]:
        queue = h.get("Queue")
        if not queue:
            return self._malformed()
        call = self._call_of(h)
        if call is None:
            return self._orphan()
        call.queue = queue
        if call.queued_at is None:
            call.queued_at = t
        position = parse_int(h.get("Position"))
        return [CallQueued(self.server, call.linkedid, queue, position, to_datetime(t))]

    def _on_queue_abandon(self, h: Headers, t: float) -> list[CallEvent]:
        call = self._call_of(h)
        if call is None:
            return self._orphan()
        call.abandoned = True
        call.queue = call.queue or h.get("Queue") or None
        return []

    def _member_label(self, call: Call, h: Headers) -> tuple[Chan | None, str | None]:
        """The channel and operator a queue member event (AgentCalled…) is about."""
        dest_uid = h.get("DestUniqueid")
        dest_name = h.get("DestChannel", "")
        dest = self._chans.get(dest_uid) if dest_uid else None
        if dest is None and dest_uid and dest_name:
            dest = self._add_chan(call, dest_uid, dest_name)
        interface = h.get("Interface", "")
        if is_local(interface) or (not interface and is_local(dest_name)):
            label = self._dir.local_member_label(member_base(interface)) if interface else None
            if label is None and dest_name:
                label = call.local_ext.get(local_pair(dest_name))
            if label is not None and dest_name:
                call.local_ext[local_pair(dest_name)] = label
            return dest, label
        if interface:
            return dest, self._dir.label(member_base(interface))
        return dest, self._leg_label(call, dest_name) if dest_name else None

    def _on_agent_called(self, h: Headers, t: float) -> list[CallEvent]:
        call = self._call_of(h)
        if call is None:
            return self._orphan()
        if call.queue is None and h.get("Queue"):
            call.queue = h.get("Queue")
        dest, label = self._member_label(call, h)
        return self._ring(call, dest, label, t) if label else []

    def _on_agent_connect(self, h: Headers, t: float) -> list[CallEvent]:
        call = self._call_of(h)
        if call is None:
            return self._orphan()
        _, label = self._member_label(call, h)
        return self._answer(call, label, t) if label else []

    def _on_agent_noanswer(self, h: Headers, t: float) -> list[CallEvent]:
        call = self._call_of(h)
        if call is None:
            return self._orphan()
        _, label = self._member_label(call, h)
        return self._stop(call, label, "not_answered", t) if label else []

    def _on_member(self, h: Headers, t: float) -> list[CallEvent]:
        self._dir.learn_member(
            h.get("Interface") or h.get("Location") or "", h.get("StateInterface", "")
        )
        return []

    # ----------------------------------------------------------------- transfers

    def _on_blind_transfer(self, h: Headers, t: float) -> list[CallEvent]:
        if h.get("Result", "Success") != "Success":
            return []
        call = self._calls.get(h.get("TransfereeLinkedid") or h.get("TransfererLinkedid") or "")
        if call is None:
            return self._orphan()
        call.transfer_kind = "blind"
        extension = h.get("Extension", "")
        if self._dir.is_extension(extension):
            return self._transfer(call, extension, "blind", t)
        return []  # to a queue or number: whoever answers next is the target

    def _on_attended_transfer(self, h: Headers, t: float) -> list[CallEvent]:
        """The transferee (the client) is joined to the transfer target's leg."""
        if h.get("Result", "Success") != "Success":
            return []
        call = self._calls.get(h.get("TransfereeLinkedid", ""))
        if call is None:
            tee = self._chans.get(h.get("TransfereeUniqueid", ""))
            if tee is None:
                return self._orphan()
            call = tee.call
        events: list[CallEvent] = []
        target_name = h.get("TransferTargetChannel", "")
        target = self._chans.get(h.get("TransferTargetUniqueid", ""))
        label: str | None = None
        if target is not None:
            label = target.ext or target.call.local_ext.get(local_pair(target.name))
            if target.call is not call:  # the consultation call's leg joins this call
                old = target.call
                old.channels.discard(target.uid)
                target.call = call
                call.channels.add(target.uid)
                if not old.channels:
                    events += self._end(old, t, "caller_hung_up")
        if label is None and target_name and not is_local(target_name):
            label = self._dir.extension_of(channel_device(target_name))
        if label is None and self._dir.is_extension(h.get("TransferTargetExten", "")):
            label = h.get("TransferTargetExten", "")
        if label is None:
            return events
        if target is not None:
            target.ext = label
        call.transfer_kind = "attended"
        events += self._transfer(call, label, "attended", t)
        return events + self._answer(call, label, t)

    # ----------------------------------------------------------------- click-to-call

    def _on_originate_response(self, h: Headers, t: float) -> list[CallEvent]:
        action_id = h.get("ActionID", "")
        if action_id in self._supervisions or h.get("Application", "").lower() in (
            SUPERVISION_APPS
        ):
            return self._supervision_response(h, t)
        originate = self._originates.get(action_id)
        uid = h.get("Uniqueid", "")
        chan = self._chans.get(uid) if uid else None
        call = chan.call if chan is not None else None
        if call is None and originate is not None and originate.linkedid is not None:
            call = self._calls.get(originate.linkedid)
        if call is not None:
            call.originated = True
            if originate is not None and call.action_id is None:
                self._attach(call, originate)
        if h.get("Response") == "Success":
            return self._operator_answered(call, t) if call is not None else []
        code = parse_int(h.get("Reason"))
        reason = originate_reason(code)
        linkedid = None
        if call is not None:
            linkedid = call.linkedid
            if call.answered_at is None:
                call.fail_reason = reason
        if originate is None:
            return []
        return self._result(action_id, linkedid, False, code, reason, t)

    # ----------------------------------------------------------------- resync

    def _resync(self, snap: Snapshot, now: float, lost_at: float | None) -> list[CallEvent]:
        self.stats["resyncs"] += 1
        self.stats["malformed"] += snap.malformed
        for interface, state_interface in snap.members:
            self._dir.learn_member(interface, state_interface)
        sane_lost = lost_at is not None and 0.0 < lost_at < MAX_EPOCH
        gone_at = lost_at if lost_at is not None and sane_lost else self._last_time
        gone_at = min(gone_at, now) if gone_at > 0 else now
        events: list[CallEvent] = []
        # Events that arrived while the lists were being sent were applied before this
        # resync: what they created is newer than the lists and must not be ended here.
        taken_at = snap.taken_at if snap.taken_at is not None else now
        for linkedid, call in list(self._calls.items()):
            if linkedid not in snap.calls and call.started_at <= taken_at:
                events += self._end(call, gone_at, "lost")
        queued = {q.uid: q for q in snap.queue_entries if q.uid}
        queued.update({q.channel: q for q in snap.queue_entries if q.channel})
        for linkedid, channels in snap.calls.items():
            events += self._resync_call(linkedid, channels, queued, now, taken_at)
        events += self._resync_spies(snap, now)
        if now > self._last_time:
            self._last_time = now
        return events

    def _resync_call(
        self,
        linkedid: str,
        channels: list[ChannelItem],
        queued: Mapping[str, QueueItem],
        now: float,
        taken_at: float,
    ) -> list[CallEvent]:
        call = self._calls.get(linkedid)
        if call is None:
            if linkedid in self._ended:
                self.stats["orphans"] += 1
                return []
            call = self._start(linkedid, channels[0].since)
            app = channels[0].application.lower()
            if len(channels) == 1 and app in SUPERVISION_APPS:  # a listen-in or pickup leg
                call.supervision = (
                    "pickup"
                    if app.startswith("pickup")
                    else mode_of_options(channels[0].app_data.rpartition(",")[2])
                )
        events: list[CallEvent] = []
        present = {c.uid for c in channels}
        old = {uid for uid, chan in self._chans.items() if chan.born <= taken_at}
        gone_uids = [u for u in call.channels if u not in present and u in old]
        for uid in gone_uids:  # gone during the outage
            gone = self._chans.pop(uid, None)
            call.channels.discard(uid)
            if gone is not None and gone.ext is not None and not self._has_leg(call, gone.ext):
                events += self._stop(call, gone.ext, "lost", now)
                if call.talking == gone.ext:
                    call.talking = None
        for item in channels:
            if item.uid not in self._chans:
                self._add_chan(call, item.uid, item.name)
        if call.origin_uid is None or call.origin_uid not in present:
            origin = next((c for c in channels if c.uid == linkedid), channels[0])
            self._set_origin(call, origin.uid, origin.name, origin.caller_num, origin.caller_name)
        if call.supervision is not None:
            return events
        events += self._resync_queue(call, channels, queued, now)
        events += self._resync_legs(call, channels, now, taken_at)
        return events

    def _resync_queue(
        self, call: Call, channels: list[ChannelItem], queued: Mapping[str, QueueItem], now: float
    ) -> list[CallEvent]:
        origin = next((c for c in channels if c.uid == call.origin_uid), None)
        if origin is None:
            return []
        entry = queued.get(origin.uid) or queued.get(origin.name)
        if entry is None or call.queue == entry.queue:
            return []
        call.queue = entry.queue
        call.queued_at = max(entry.since, call.started_at)
        at = to_datetime(call.queued_at)
        return [CallQueued(self.server, call.linkedid, entry.queue, entry.position, at)]

    def _resync_legs(
        self, call: Call, channels: list[ChannelItem], now: float, taken_at: float
    ) -> list[CallEvent]:
        """Who rings and who talks now, from the channels' states."""
        events: list[CallEvent] = []
        ringing: dict[str, float] = {}
        talking: tuple[str, float] | None = None
        operator_call = call.origin_ext is not None or call.originated
        origin = next((c for c in channels if c.uid == call.origin_uid), None)
        for item in channels:
            if item.uid == call.origin_uid or is_local(item.name):
                continue
            chan = self._chans[item.uid]
            device = channel_device(item.name)
            ext = self._dir.extension_of(device)
            since = max(item.since, call.started_at)
            if operator_call and ext is None:  # the client's leg of an outbound call
                chan.client = True
                call.client_leg = True
                if call.client_raw is None:
                    raw = origin.exten if origin is not None and origin.exten else item.exten
                    if raw and raw != "s":
                        call.client_raw = raw
                        call.client_e164 = self._classify_number(raw)[1]
                if item.state == "Up" and call.answered_at is None:
                    call.answered_at, call.answered_by = since, call.placed_by
                    call.talking, call.talking_since = call.placed_by, since
                    if call.placed_by:
                        events.append(
                            CallAnswered(
                                self.server, call.linkedid, call.placed_by, to_datetime(now)
                            )
                        )
                continue
            label = ext or device
            chan.ext = label
            if item.state in RINGING_STATES:
                ringing.setdefault(label, since)
            elif item.state == "Up" and (talking is None or item.bridged):
                talking = (label, since)
        if talking is not None and call.talking != talking[0]:
            events += self._answer(call, talking[0], talking[1])
        for label, since in ringing.items():
            if label not in call.ringing:
                events += self._ring(call, None, label, since)
        # Legs that began ringing after the lists were made: the lists cannot know them.
        newer = {
            leg.ext
            for leg in (self._chans.get(uid) for uid in call.channels)
            if leg is not None and leg.born > taken_at
        }
        for label in [lbl for lbl in call.ringing if lbl not in ringing and lbl not in newer]:
            events += self._stop(call, label, "not_answered", now)
        return events
