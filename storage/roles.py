"""Who is acting, and what their role lets them do.

An `Actor` is what storage functions that need a role take instead of a bare name: the
name is what the audit trail and the operation records keep, the role is checked before
anything is written. Roles come from the desk's config (`[[operators]] role`); storage
does not read the config, the caller builds the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from storage.errors import NotAllowed
from storage.models import OperatorRole

# Money, the credit limit, lifting a blacklist, closing a debt, merging, importing,
# tariffs, and closing a missed number without calling back: not a dispatcher's.
SUPERVISORS: Final = (OperatorRole.SUPERVISOR, OperatorRole.ADMIN)

# What `require_role` refuses, as `NotAllowed.action` says it (English, for logs and as
# the key the console and the command line word it by: `cli.action.<action>`).
CHANGE_MONEY: Final = "change a client's money"
CHANGE_CREDIT_LIMIT: Final = "change the credit limit"
LIFT_BLACKLIST: Final = "lift a blacklist"
CLOSE_DEBT: Final = "close a debt"
IMPORT_CLIENTS: Final = "import clients"
MANAGE_TARIFFS: Final = "manage tariffs"
# Like closing a debt, it writes off what the desk owes without it being done, and it
# empties the «to call back» tile a supervisor watches the dispatchers' backlog by:
# the dispatchers call back, a supervisor decides a number needs no call.
CLOSE_MISSED: Final = "close a missed number"


@dataclass(frozen=True, slots=True)
class Actor:
    """A person (or a named tool) making a change, with their role."""

    name: str
    role: OperatorRole = OperatorRole.DISPATCHER

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("an actor needs a name: every change records who made it")


def as_actor(actor: Actor | str) -> Actor:
    """An `Actor` as given, or a bare name as a dispatcher: a role is never assumed, so a
    caller that names nobody's role can do what any dispatcher can and nothing more."""
    return actor if isinstance(actor, Actor) else Actor(actor, OperatorRole.DISPATCHER)


def require_role(
    actor: Actor, action: str, allowed: tuple[OperatorRole, ...] = SUPERVISORS
) -> None:
    """Refuse `action` (worded for the message, e.g. "change a balance") to other roles."""
    if actor.role not in allowed:
        raise NotAllowed(actor.name, actor.role.value, action, tuple(r.value for r in allowed))
