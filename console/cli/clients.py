"""`opconsole clients find | export | import`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli import money
from console.cli.actor import add_actor_argument, cli_actor, refusal
from console.cli.common import CommandError, Progress, open_database, print_json
from console.config import Settings
from console.i18n import fmt_address, tr
from storage.filters import ClientFilter
from storage.phones import classify_number

if TYPE_CHECKING:
    from storage.cards import ClientCard


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
    add_actor_argument(imp)
    imp.set_defaults(handler=import_command)

    money.register(c_sub)


def _yes_no(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


async def find_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.cards import card_to_json, load_card_by_phone

    number = classify_number(args.phone, settings.phone.region)
    if number.e164 is None:
        raise CommandError(tr("cli.find.not_a_phone", phone=repr(args.phone), kind=number.kind))
    async with open_database(settings) as (_engine, sessions), sessions() as session:
        card = await load_card_by_phone(
            session,
            number.e164,
            region=settings.phone.region,
            today=datetime.now(UTC).date(),
            max_unpaid_debts=settings.rules.max_unpaid_debts,
        )
    if card is None:
        raise CommandError(tr("cli.find.none", phone=number.e164))
    document = card_to_json(card, fmt_address(card.street, card.house, card.entrance))
    if args.json:
        print_json(document)
    else:
        _print_card(document)
        for line in _places(card):
            print(line)
    return 0


def _places(card: ClientCard) -> list[str]:
    """The company and every address, as the card shows them."""
    from console.wording import address_line, company_line

    lines = [company_line(card.company)] if card.company is not None else []
    lines.extend(tr("cli.card.address_of", address=address_line(a)) for a in card.addresses)
    return lines


def _print_card(doc: dict[str, Any]) -> None:
    status, activity = tr(f"word.status.{doc['status']}"), tr(f"word.activity.{doc['activity']}")
    lines = [tr("cli.card.head", name=doc["name"], id=doc["id"], status=status, activity=activity)]
    if doc.get("blacklisted"):
        lines.append(tr("cli.card.blacklisted", reason=doc.get("blacklist_reason") or "-"))
    labels = doc.get("phone_labels") or {}
    phones = [p + (f" ({labels[p]})" if labels.get(p) else "") for p in doc["phones"]]
    lines.append(tr("cli.card.phones", phones=", ".join(phones)))
    lines.append(tr("cli.card.city", city=doc.get("city") or "-"))
    if doc.get("address"):
        lines.append(tr("cli.card.address", address=doc["address"]))
    lines.append(tr("cli.card.tariff", tariff=doc.get("tariff") or "-"))
    if doc.get("comment"):
        lines.append(tr("cli.card.comment", comment=doc["comment"]))
    debts = doc.get("unpaid_debts") or []
    lines.append(
        tr("cli.card.unpaid", total=doc["unpaid_debt_total"], count=len(debts))
        + (tr("cli.card.blocked") if doc.get("orders_blocked") else "")
    )
    lines.append(
        tr(
            "cli.card.money",
            balance=doc["balance"],
            bonus=doc["bonus_balance"],
            limit=doc["credit_limit"],
            paid=doc["paid_debt_count"],
        )
        + (tr("cli.card.over_limit") if doc.get("over_credit_limit") else "")
    )
    lines.append(
        tr(
            "cli.card.orders",
            completed=doc["completed_orders"],
            false=doc["false_orders"],
            complaints=doc["complaints"],
        )
    )
    lines.append(tr("cli.card.since", registered=doc["registered_at"]))
    print("\n".join(lines))


async def export_command(args: argparse.Namespace, settings: Settings) -> int:
    from console.xlsx_words import export_error_line, export_line, sheet_words
    from storage.xlsx import ExportFileError, export_clients

    flt = ClientFilter(
        search=args.search,
        city=args.city,
        blacklisted=_yes_no(args.blacklisted),
        status=args.status,
        has_unpaid_debts=_yes_no(args.has_debts),
    )
    progress = Progress(tr("cli.progress.exporting"))
    async with open_database(settings) as (_engine, sessions):
        try:
            summary = await export_clients(
                sessions, args.file, flt, words=sheet_words("clients"), progress=progress
            )
        except ExportFileError as exc:
            raise CommandError(export_error_line(exc)) from None
        finally:
            progress.close()
    print(export_line(summary))
    return 0


async def import_command(args: argparse.Namespace, settings: Settings) -> int:
    from console.xlsx_words import file_error_line, import_lines, import_words
    from storage.errors import DomainError
    from storage.xlsx import ImportFileError, import_clients

    actor = cli_actor(args, settings)  # importing needs a supervisor or an admin
    progress = Progress(tr("cli.progress.importing"))
    async with open_database(settings) as (_engine, sessions):
        try:
            report = await import_clients(
                sessions,
                args.file,
                words=import_words(),
                update_existing=not args.no_update,
                dry_run=args.dry_run,
                actor=actor,
                region=settings.phone.region,
                progress=progress,
            )
        except ImportFileError as exc:
            raise CommandError(file_error_line(exc)) from None
        except DomainError as exc:
            raise refusal(exc) from None
        finally:
            progress.close()
    for line in import_lines(report):
        print(line, file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1
