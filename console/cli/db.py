"""`opconsole db upgrade | seed`: create or migrate the database, fill it with demo data."""

from __future__ import annotations

import argparse
from typing import Any

from console.cli.common import CommandError, Progress, open_database
from console.config import Settings
from console.i18n import tr
from storage.db import safe_url


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="create, migrate or seed the database")
    db_sub = db.add_subparsers(title="db commands", metavar="COMMAND", required=True)

    upgrade = db_sub.add_parser(
        "upgrade", help="create the database or migrate it to the latest schema"
    )
    upgrade.set_defaults(handler=upgrade_command)

    seed = db_sub.add_parser("seed", help="fill the database with realistic demo data")
    seed.add_argument(
        "--clients",
        type=_count,
        required=True,
        metavar="N",
        help="exactly N clients (1,000,000 takes minutes)",
    )
    seed.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    seed.add_argument(
        "--desk-extras",
        action="store_true",
        help="also give 30%% of the clients more addresses and 2%% a company, as a real desk's "
        "base has (the benchmarks' bases)",
    )
    seed.add_argument(
        "--append", action="store_true", help="add to a database that already has clients"
    )
    seed.set_defaults(handler=seed_command)


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("expected a number >= 0")
    return value


async def upgrade_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import current_revision

    async with open_database(settings) as (engine, _sessions):
        revision = await current_revision(engine)
    print(tr("cli.db.revision", url=safe_url(settings.database.url), revision=revision))
    return 0


async def seed_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.seed import SeedError, seed_database

    progress = Progress(tr("cli.progress.seeding"))
    async with open_database(settings) as (engine, _sessions):
        try:
            summary = await seed_database(
                engine,
                clients=args.clients,
                seed=args.seed,
                append=args.append,
                progress=progress,
                desk_extras=args.desk_extras,
            )
        except SeedError as exc:
            raise CommandError(tr(f"cli.seed.{exc.code}", **exc.params)) from None
        finally:
            progress.close()
    print(
        tr(
            "cli.seed.done",
            clients=summary.clients,
            phones=summary.phones,
            debts=summary.debts,
            calls=summary.calls,
            seconds=f"{summary.seconds:.1f}",
        )
    )
    return 0
