"""`opconsole tariffs list | add | rename | retire | restore`."""

from __future__ import annotations

import argparse
from typing import Any

from console.cli.actor import add_actor_argument, cli_actor, refusal
from console.cli.common import CommandError, open_database, print_json
from console.config import Settings
from console.i18n import tr
from storage.errors import DomainError, NotFound


def register(sub: Any) -> None:
    tariffs = sub.add_parser("tariffs", help="list, add, rename and retire tariffs")
    t_sub = tariffs.add_subparsers(title="tariffs commands", metavar="COMMAND", required=True)

    show = t_sub.add_parser("list", help="every tariff with its clients, offered and retired")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=list_command)

    add = t_sub.add_parser("add", help="a new tariff, offered from now on")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--description", default="", help="what the tariff is, for the desk")
    add.set_defaults(handler=add_command)

    rename = t_sub.add_parser("rename", help="rename a tariff; its clients keep it")
    rename.add_argument("tariff", metavar="TARIFF", help="the tariff's name or id")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.set_defaults(handler=rename_command)

    retire = t_sub.add_parser(
        "retire", help="stop offering a tariff; the clients that have it keep it"
    )
    retire.add_argument("tariff", metavar="TARIFF", help="the tariff's name or id")
    retire.set_defaults(handler=retire_command, active=False)

    restore = t_sub.add_parser("restore", help="offer a retired tariff again")
    restore.add_argument("tariff", metavar="TARIFF", help="the tariff's name or id")
    restore.set_defaults(handler=retire_command, active=True)

    for parser in (add, rename, retire, restore):
        add_actor_argument(parser)


async def list_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.tariffs import list_tariffs

    async with open_database(settings) as (_engine, sessions), sessions() as session:
        rows = await list_tariffs(session)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "description": r.description,
                    "active": r.active,
                    "clients": r.clients,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print(tr("cli.tariffs.none"))
        return 0
    table = [tr("cli.tariffs.columns").split("|")]
    for r in rows:
        state = tr("cli.tariffs.offered" if r.active else "cli.tariffs.retired_state")
        table.append([str(r.id), r.name, str(r.clients), state])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


def _failed(exc: DomainError, tariff: str) -> CommandError:
    if isinstance(exc, NotFound):
        return CommandError(tr("cli.tariffs.not_found", name=tariff))
    return refusal(exc)


async def add_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.tariffs import add_tariff

    actor = cli_actor(args, settings)
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                tariff = await add_tariff(
                    session, args.name, actor=actor, description=args.description
                )
        except DomainError as exc:
            raise _failed(exc, args.name) from None
    print(tr("cli.tariffs.added", name=tariff.name, id=tariff.id))
    return 0


async def rename_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.tariffs import clients_with_tariff, find_tariff, rename_tariff

    actor = cli_actor(args, settings)
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                old = (await find_tariff(session, args.tariff)).name
                tariff = await rename_tariff(session, args.tariff, args.new_name, actor=actor)
                clients = await clients_with_tariff(session, tariff.id)
        except DomainError as exc:
            raise _failed(exc, args.tariff) from None
    print(tr("cli.tariffs.renamed", old=old, new=tariff.name, clients=clients))
    return 0


async def retire_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.tariffs import clients_with_tariff, set_tariff_active

    actor = cli_actor(args, settings)
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                tariff = await set_tariff_active(session, args.tariff, args.active, actor=actor)
                clients = await clients_with_tariff(session, tariff.id)
        except DomainError as exc:
            raise _failed(exc, args.tariff) from None
    if args.active:
        print(tr("cli.tariffs.restored", name=tariff.name))
    else:
        print(tr("cli.tariffs.retired", name=tariff.name, clients=clients))
    return 0
