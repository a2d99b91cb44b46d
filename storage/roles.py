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

# Money, tariffs (and, later, blacklist lifting, debts, merges, imports): not a dispatcher's.
SUPERVISORS: Final = (OperatorRole.SUPERVISOR, OperatorRole.ADMIN)


@dataclass(frozen=True, slots=True)
class Actor:
    """A person (or a named tool) making a change, with their role."""

    name: str
    role: OperatorRole = OperatorRole.DISPATCHER

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("an actor needs a name: every change records who made it")


def require_role(
    actor: Actor, action: str, allowed: tuple[OperatorRole, ...] = SUPERVISORS
) -> None:
    """Refuse `action` (worded for the message, e.g. "change a balance") to other roles."""
    if actor.role not in allowed:
        raise NotAllowed(actor.name, actor.role.value, action, tuple(r.value for r in allowed))
