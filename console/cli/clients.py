"""`opconsole clients find | export | import`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.cli.common import CommandError, Progress, open_database, print_json
from console.config import Settings
from storage.filters import ClientFilter
from storage.phones import classify_number


def register(sub: Any) -> None:
    clients = sub.add_parser("clients", help="look up, export and import clients")
    c_sub = clients.add_subparsers(title="clients commands", metavar="COMMAND", required=True)

    find = c_sub.add_parser(
        "find", help="the client that owns a phone number, as the popup shows it"
    )
    find.add_argument("phone", metavar="PHONE", help="the number in any format")
    find.add_argument("--json", action="store_true", help="print one JSON document")
    find.set_defaults(handler=find_command)

    export = c_sub.add_parser("export", help="write the selected clients to an xlsx file")
    export.add_argument("file", type=Path, metavar="FILE.xlsx")
    export.add_argument("--search", default="", help="search text, as in the client base")
    export.add_argument("--city", default=None)
    export.add_argument("--blacklisted", choices=["yes", "no"], default=None)
    export.add_argument("--status", default=None, choices=["new", "regular", "vip", "inactive"])
    export.add_argument("--has-debts", choices=["yes", "no"], default=None)
    export.set_defaults(handler=export_command)

    imp = c_sub.add_parser("import", help="import clients from an xlsx file (all rows or none)")
    imp.add_argument("file", type=Path, metavar="FILE.xlsx")
    imp.add_argument(
        "--no-update",
        action="store_true",
        help="report rows whose phone belongs to an existing client instead of updating it",
    )
    imp.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    imp.set_defaults(handler=import_command)


def _yes_no(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def actor_of(settings: Settings) -> str:
    """Who a change from this seat is recorded as: the operator's name and extension."""
    me = settings.my_operator
    if me is not None:
        return f"{me.name} ({me.extension})"
    return settings.me.extension or "opconsole"


async def find_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.cards import card_to_json, load_card_by_phone

    number = classify_number(args.phone, settings.phone.region)
    if number.e164 is None:
        raise CommandError(f"no client: {args.phone!r} is not a client phone ({number.kind})")
    async with open_database(settings) as (_engine, sessions), sessions() as session:
        card = await load_card_by_phone(
            session,
            number.e164,
            region=settings.phone.region,
            today=datetime.now(UTC).date(),
            max_unpaid_debts=settings.rules.max_unpaid_debts,
        )
    if card is None:
        raise CommandError(f"no client with phone {number.e164}")
    document = card_to_json(card)
    if args.json:
        print_json(document)
    else:
        _print_card(document)
    return 0


def _print_card(doc: dict[str, Any]) -> None:
    lines = [f"{doc['name']}  (client {doc['id']}, {doc['status']}, {doc['activity']})"]
    if doc.get("blacklisted"):
        lines.append(f"  BLACKLISTED: {doc.get('blacklist_reason') or '-'}")
    lines.append(f"  phones:   {', '.join(doc['phones'])}")
    lines.append(f"  city:     {doc.get('city') or '-'}")
    lines.append(f"  tariff:   {doc.get('tariff') or '-'}")
    if doc.get("comment"):
        lines.append(f"  comment:  {doc['comment']}")
    debts = doc.get("unpaid_debts") or []
    lines.append(
        f"  unpaid:   {doc['unpaid_debt_total']} ({len(debts)} debts)"
        + ("  ORDERS BLOCKED" if doc.get("orders_blocked") else "")
    )
    lines.append(
        f"  orders:   {doc['completed_orders']} completed, {doc['false_orders']} false, "
        f"{doc['complaints']} complaints"
    )
    lines.append(f"  since:    {doc['registered_at']}")
    print("\n".join(lines))


async def export_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.xlsx.export import export_clients

    flt = ClientFilter(
        search=args.search,
        city=args.city,
        blacklisted=_yes_no(args.blacklisted),
        status=args.status,
        has_unpaid_debts=_yes_no(args.has_debts),
    )
    progress = Progress("exporting")
    async with open_database(settings) as (_engine, sessions):
        try:
            summary = await export_clients(
                sessions, args.file, flt, language=settings.ui.language, progress=progress
            )
        finally:
            progress.close()
    for line in summary.format_lines(settings.ui.language):
        print(line)
    return 0


async def import_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.xlsx import ImportFileError
    from storage.xlsx.importer import import_clients

    progress = Progress("importing")
    async with open_database(settings) as (_engine, sessions):
        try:
            report = await import_clients(
                sessions,
                args.file,
                update_existing=not args.no_update,
                dry_run=args.dry_run,
                actor=actor_of(settings),
                region=settings.phone.region,
                progress=progress,
            )
        except ImportFileError as exc:
            raise CommandError(exc.line(settings.ui.language)) from None
        finally:
            progress.close()
    for line in report.format_lines(settings.ui.language):
        print(line, file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1
