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
from storage.errors import DomainError, InvalidChange, NotFound
from storage.filters import ClientFilter
from storage.phones import classify_number, format_national

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
    imp.add_argument(
        "--create-tariffs",
        action="store_true",
        help="create the tariffs the file names that the database has not (in the same "
        "transaction); without it they refuse the file",
    )
    add_actor_argument(imp)
    imp.set_defaults(handler=import_command)

    merge = c_sub.add_parser(
        "merge",
        help="merge two cards of one client: the other's phones, calls, debts, money and "
        "history move to the survivor, the other card goes",
    )
    merge.add_argument("survivor", type=int, metavar="SURVIVOR", help="the id of the card kept")
    merge.add_argument("other", type=int, metavar="OTHER", help="the id of the card merged away")
    merge.add_argument(
        "--take-other",
        action="append",
        default=[],
        metavar="FIELD",
        help="keep the other card's value of FIELD where the two differ (repeatable; "
        "by default the survivor's wins, or the other's where the survivor has none)",
    )
    merge.add_argument("--dry-run", action="store_true", help="show what would move, write nothing")
    merge.add_argument("--json", action="store_true", help="print one JSON document")
    add_actor_argument(merge)
    merge.set_defaults(handler=merge_command)

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
                sessions,
                args.file,
                flt,
                words=sheet_words("clients"),
                progress=progress,
                company_words=sheet_words("companies"),
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

    actor = cli_actor(args, settings)  # an admin named by --as or [cli] actor, as every change
    progress = Progress(tr("cli.progress.importing"))
    async with open_database(settings) as (_engine, sessions):
        try:
            report = await import_clients(
                sessions,
                args.file,
                words=import_words(),
                update_existing=not args.no_update,
                dry_run=args.dry_run,
                create_tariffs=args.create_tariffs,
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


def _shown_value(field: str, value: Any, tariffs: dict[int, str]) -> str:
    from console.merge_words import merge_value

    return merge_value(field, value, tariffs)


async def merge_command(args: argparse.Namespace, settings: Settings) -> int:
    from console.merge_words import field_name, moves_line, refusal_line
    from storage.audit import json_safe
    from storage.merge import MergePreview, merge_clients, merged_values, preview_merge

    actor = None if args.dry_run else cli_actor(args, settings)
    picks: dict[str, Any] = dict.fromkeys(args.take_other, "other")
    preview: MergePreview
    async with open_database(settings) as (_engine, sessions):
        try:
            if actor is None:
                async with sessions() as session:
                    preview = await preview_merge(session, args.survivor, args.other)
                    merged_values(preview, picks)  # an unknown field is refused here too
            else:
                async with sessions.begin() as session:
                    preview = await merge_clients(
                        session, args.survivor, args.other, actor=actor, picks=picks
                    )
        except NotFound as exc:
            raise CommandError(tr("cli.merge.not_found", id=exc.key)) from None
        except InvalidChange as exc:  # in the desk's words: «город: в этом поле …»
            raise CommandError(refusal_line(exc)) from None
        except DomainError as exc:
            raise refusal(exc) from None
    kept = merged_values(preview, picks)
    if args.json:
        print_json(
            {
                "survivor": {"id": preview.survivor_id, "name": preview.survivor_name},
                "other": {"id": preview.other_id, "name": preview.other_name},
                "phones": list(preview.phones),
                "moves": preview.moves,
                "differences": [
                    {
                        "field": d.field,
                        "survivor": json_safe(d.survivor),
                        "other": json_safe(d.other),
                        "kept": "other" if kept[d.field] == d.other else "survivor",
                    }
                    for d in preview.differences
                ],
                "merged": not args.dry_run,
            }
        )
        return 0
    head = "cli.merge.would" if args.dry_run else "cli.merge.done"
    lines = [
        tr(
            head,
            other=preview.other_name,
            other_id=preview.other_id,
            survivor=preview.survivor_name,
            survivor_id=preview.survivor_id,
        ),
        moves_line(preview.moves, [format_national(p) for p in preview.phones]),
    ]
    for diff in preview.differences:
        chosen = diff.other if kept[diff.field] == diff.other else diff.survivor
        lines.append(
            tr(
                "cli.merge.field",
                field=field_name(diff.field),
                value=_shown_value(diff.field, chosen, preview.tariffs),
                dropped=_shown_value(
                    diff.field,
                    diff.survivor if chosen is diff.other else diff.other,
                    preview.tariffs,
                ),
            )
        )
    print("\n".join(lines))
    return 0
