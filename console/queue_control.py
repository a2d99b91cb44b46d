"""The supervisor's actions on the desk's queues and calls: pause / unpause an operator, log
one in to or out of a queue, listen in / whisper / barge, and pick up a colleague's call.

`QueueControl` is the part of `console.desk.Desk` that acts (the desk owns the clients,
the trackers and the member states; this module owns the rules): who may act (a
supervisor or an admin, from `[me]` and `[[operators]] role`; pickup is anyone's), which
PBX the operator is on, and what to send. Refusals come back as `SupervisorError` (the
desk's own reasons, with a code for the console to word) or as the typed PBX refusals of
`pbx.errors` (`MemberNotDynamicError`, `PermissionDeniedError`, …), which
`console.wording.supervisor_refusal` words. Each action taken is logged with who asked.

Each action the PBX took goes to the audit trail with who (the person at this console,
`[me]`, named as the card's edits name them) and when, through the desk's journal
(`ActionKeeper`, `DeskWrites.keep_action`): on disk before the action returns, in the
database when that answers, so a database outage neither blocks the board nor loses it.
A refused action is not recorded: it changed nothing on the desk, the person who tried
was told why on the spot, and the log has it; the trail says who *did* what.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from console.actors import seat_actor
from pbx.errors import AmiError, OriginateOutcomeUnknownError
from pbx.queue_actions import LogIn, LogOut, PauseMember, QueueActionDone, run_queue_action
from pbx.supervise import ListenIn, Pickup, SpyMode
from storage.audit import OPERATOR_ENTITY
from storage.errors import NotAllowed
from storage.models import OperatorRole
from storage.roles import Actor, require_role

if TYPE_CHECKING:
    from console.config import OperatorSettings, Settings
    from pbx.ami_client import AmiClient
    from pbx.call_events import SupervisionStarted
    from pbx.queue_members import QueueMembers, QueueMemberState
    from pbx.tracker import CallTracker

log = logging.getLogger("opconsole.supervisor")

ALL_QUEUES: Final = None  # pause / unpause in every queue the operator is a member of
KEEP_TIMEOUT_S: Final = 5.0  # the journal takes an entry in ms; never hold the board longer
SupervisorErrorCode = Literal[
    "not_allowed", "no_me", "no_device", "no_pbx", "not_connected", "outcome_unknown"
]


class SupervisorError(Exception):
    """The desk will not send the action: `code` says why, `params` fill in the details
    for the screen to word; the message is English, for logs."""

    ENGLISH: Final[Mapping[str, str]] = {
        "not_allowed": "{name} ({role}) may not {action}: only a supervisor or an admin may",
        "no_me": "extension {extension!r} of [me] is not in [[operators]]: no role, no phone",
        "no_device": "{device!r} is no operator's device",
        "no_pbx": "no PBX configured",
        "not_connected": "PBX {server} is not connected",
        "outcome_unknown": "outcome unknown: the connection to the PBX failed while the"
        " action was being sent; your phone may ring",
    }

    def __init__(self, code: SupervisorErrorCode, **params: str) -> None:
        super().__init__(self.ENGLISH[code].format(**params))
        self.code = code
        self.params = params


class ActionKeeper(Protocol):
    """Where an action taken goes for the audit trail (`DeskWrites.keep_action`)."""

    async def keep_action(
        self, *, actor: str, entity: str, action: str, changes: dict[str, Any], at: datetime
    ) -> bool: ...


class QueueControl:
    """The actions. `clients` and `connected` are the desk's live view of its links;
    `keeper` records each action taken (None: not recorded), dated by `clock`."""

    def __init__(
        self,
        settings: Settings,
        trackers: Mapping[str, CallTracker],
        members: Mapping[str, QueueMembers],
        clients: Mapping[str, AmiClient],
        connected: Callable[[str], bool],
        *,
        keeper: ActionKeeper | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._settings = settings
        self._trackers = trackers
        self._members = members
        self._clients = clients
        self._connected = connected
        self._keeper = keeper
        self._clock = clock or (lambda: datetime.now(UTC))

    # --- who and where -----------------------------------------------------------------

    def me(self) -> OperatorSettings:
        ext = self._settings.me.extension
        operator = self._settings.operator(ext)
        if operator is None:
            raise SupervisorError("no_me", extension=ext)
        return operator

    def require_supervisor(self, action: str) -> OperatorSettings:
        """The operator at this console, if their role may `action`; else refused."""
        me = self.me()
        try:
            require_role(Actor(me.name, OperatorRole(me.role)), action)
        except NotAllowed as exc:
            raise SupervisorError("not_allowed", name=me.name, role=me.role, action=action) from exc
        return me

    def may_supervise(self) -> bool:
        me = self._settings.my_operator
        return me is not None and me.role in ("supervisor", "admin")

    def _server_of(self, device: str) -> str:
        """The PBX where `device` is a queue member (else the first one)."""
        if not self._settings.pbx:
            raise SupervisorError("no_pbx")
        for name, members in self._members.items():
            if members.of_device(device):
                return name
        return self._settings.pbx[0].name

    def _client(self, server: str) -> AmiClient:
        client = self._clients.get(server)
        if client is None or not self._connected(server):
            raise SupervisorError("not_connected", server=server)
        return client

    def _extension(self, device: str) -> str:
        wanted = device.lower()
        for operator in self._settings.operators:
            if operator.device.lower() == wanted:
                return operator.extension
        return device

    def _operator_device(self, device: str) -> OperatorSettings:
        wanted = device.lower()
        for operator in self._settings.operators:
            if operator.device.lower() == wanted:
                return operator
        raise SupervisorError("no_device", device=device)

    # --- queue control -------------------------------------------------------------------

    async def pause(
        self, device: str, queue: str | None = ALL_QUEUES, reason: str | None = None
    ) -> QueueActionDone:
        me = self.require_supervisor("pause an operator")
        request = PauseMember(device, paused=True, reason=reason or None, queue=queue)
        done = await self._queue_action(device, request)
        log.info("%s paused %s in %s: %s", me.name, device, queue or "every queue", reason)
        await self._keep(
            "queue_pause", device, queue=queue, **({"reason": reason} if reason else {})
        )
        return done

    async def unpause(self, device: str, queue: str | None = ALL_QUEUES) -> QueueActionDone:
        me = self.require_supervisor("unpause an operator")
        done = await self._queue_action(device, PauseMember(device, paused=False, queue=queue))
        log.info("%s unpaused %s in %s", me.name, device, queue or "every queue")
        await self._keep("queue_unpause", device, queue=queue)
        return done

    async def log_in(self, device: str, queue: str) -> QueueActionDone:
        me = self.require_supervisor("log an operator in")
        operator = self._operator_device(device)
        request = LogIn(
            queue=queue,
            interface=operator.device,
            member_name=operator.name,
            state_interface=operator.device,
        )
        done = await self._queue_action(device, request)
        log.info("%s logged %s in to %s", me.name, device, queue)
        await self._keep("queue_login", device, queue=queue)
        return done

    async def log_out(self, device: str, queue: str) -> QueueActionDone:
        me = self.require_supervisor("log an operator out")
        interface = device
        for members in self._members.values():
            for member in members.of_device(device):
                if member.queue == queue:
                    interface = member.interface  # a Local member: the queue's own name
        done = await self._queue_action(device, LogOut(queue=queue, interface=interface))
        log.info("%s logged %s out of %s", me.name, device, queue)
        await self._keep("queue_logout", device, queue=queue)
        return done

    async def _queue_action(
        self, device: str, request: PauseMember | LogIn | LogOut
    ) -> QueueActionDone:
        return await run_queue_action(self._client(self._server_of(device)), request)

    # --- listen in, pickup ---------------------------------------------------------------

    async def listen(self, device: str, mode: SpyMode = "listen", label: str = "") -> str:
        """Ring my phone, then join `device`'s call as `mode`; the Originate's ActionID."""
        me = self.require_supervisor(f"{mode} in on a call")
        extension = self._extension(device)
        server = self._server_on_call(extension)
        request = ListenIn(me.device, device, mode, label=label or "ChanSpy")
        tracker = self._trackers[server]
        tracker.expect_supervision(request.action_id, mode, me.extension, extension)
        action_id = await self._originate(server, request, tracker.forget_supervision)
        log.info("%s: %s on %s (%s)", me.name, mode, device, action_id)
        await self._keep(f"spy_{mode}", device)
        return action_id

    async def pickup(self, device: str, label: str = "") -> str:
        """Ring my phone, then take the call ringing at `device`: anyone may."""
        me = self.me()
        extension = self._extension(device)
        server = self._server_on_call(extension)
        request = Pickup(me.device, device, label=label or "PickupChan")
        tracker = self._trackers[server]
        tracker.expect_supervision(request.action_id, "pickup", me.extension, extension)
        action_id = await self._originate(server, request, tracker.forget_supervision)
        log.info("%s picks up the call ringing at %s (%s)", me.name, device, action_id)
        await self._keep("call_pickup", device)
        return action_id

    def _server_on_call(self, extension: str) -> str:
        for name, tracker in self._trackers.items():
            for call in tracker.live_calls():
                if call.talking == extension or extension in call.ringing:
                    return name
        if not self._settings.pbx:
            raise SupervisorError("no_pbx")
        return self._settings.pbx[0].name

    async def _originate(
        self, server: str, request: ListenIn | Pickup, forget: Callable[[str], None]
    ) -> str:
        client = self._client(server)
        try:
            return await client.originate(request)
        except OriginateOutcomeUnknownError as exc:
            forget(request.action_id)
            raise SupervisorError("outcome_unknown") from exc
        except AmiError:
            forget(request.action_id)
            raise

    # --- the audit trail -----------------------------------------------------------------

    async def _keep(self, action: str, device: str, **details: str | None) -> None:
        """Record an action the PBX took: who (as the card's edits name them), on which
        operator, the details; never fails the action itself (one log line instead)."""
        if self._keeper is None:
            return
        changes: dict[str, Any] = {"operator": self._operator_label(device), **details}
        try:
            async with asyncio.timeout(KEEP_TIMEOUT_S):
                await self._keeper.keep_action(
                    actor=seat_actor(self._settings).name,
                    entity=OPERATOR_ENTITY,
                    action=action,
                    changes=changes,
                    at=self._clock(),
                )
        except Exception as exc:  # the action is done; only its record is missing
            log.error("%s on %s NOT recorded in the audit trail: %r", action, device, exc)

    def _operator_label(self, device: str) -> str:
        """«Борис (102)», as the board names an operator; the device when unknown."""
        wanted = device.lower()
        for operator in self._settings.operators:
            if operator.device.lower() == wanted:
                return f"{operator.name} ({operator.extension})"
        return device

    # --- reading -------------------------------------------------------------------------

    def members(self) -> list[QueueMemberState]:
        return [m for members in self._members.values() for m in members.members()]

    def paused_seconds(self, device: str) -> float:
        return sum(members.paused_seconds(device) for members in self._members.values())

    def supervisions(self) -> list[SupervisionStarted]:
        return [s for tracker in self._trackers.values() for s in tracker.live_supervisions()]
