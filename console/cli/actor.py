"""Who a command that changes data acts as, and its refusals in the user's words.

The command line acts as an admin (whoever runs it owns the database file or its
password anyway), but never anonymously: the name comes from `--as NAME`, else from
`[cli] actor` in the config, and is what the audit trail records.
"""

from __future__ import annotations

import argparse
from typing import Any

from console.cli.common import CommandError
from console.config import Settings
from console.i18n import tr
from console.wording import not_allowed
from storage.errors import DomainError, InvalidChange, NotAllowed
from storage.models import OperatorRole
from storage.roles import Actor


def add_actor_argument(parser: Any) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        default=None,
        help="who the change is recorded as (default: [cli] actor in the config)",
    )


def cli_actor(args: argparse.Namespace, settings: Settings) -> Actor:
    """The admin this command acts as; a one-line refusal when nobody is named."""
    name = (args.actor or settings.cli.actor or "").strip()
    if not name:
        raise CommandError(tr("cli.actor.missing"), exit_code=2)
    return Actor(name, OperatorRole.ADMIN)


def refusal(exc: DomainError) -> CommandError:
    """A storage refusal as one line for the terminal."""
    if isinstance(exc, NotAllowed):
        return CommandError(not_allowed(exc))
    if isinstance(exc, InvalidChange):
        return CommandError(tr("cli.invalid", field=exc.field, message=exc.message))
    return CommandError(str(exc))
