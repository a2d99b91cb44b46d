"""Who sits at this console, as the storage layer's `Actor`: the name the audit trail
records («Анна (101)») and the role `[[operators]] role` gives that extension.

A seat whose `[me]` extension is not among the operators is a dispatcher: roles are
granted by the desk's config, never assumed.
"""

from __future__ import annotations

from console.config import Settings
from storage.models import OperatorRole
from storage.roles import Actor


def seat_actor(settings: Settings) -> Actor:
    ext = settings.me.extension
    me = settings.my_operator
    if me is None:
        return Actor(ext or "console", OperatorRole.DISPATCHER)
    return Actor(f"{me.name} ({ext})", OperatorRole(me.role))
