"""`opconsole companies list | add | show | link | unlink`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from console.cli.actor import add_actor_argument, cli_actor, refusal
from console.cli.common import CommandError, open_database, print_json
from console.config import Settings
from console.i18n import fmt_money, tr
from storage.errors import DomainError, NotFound
from storage.phones import classify_number

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.clients import PhoneOwner


def register(sub: Any) -> None:
    companies = sub.add_parser(
        "companies", help="companies, their employees and who may ride on their account"
    )
    c_sub = companies.add_subparsers(title="companies commands", metavar="COMMAND", required=True)

    show_all = c_sub.add_parser("list", help="every company with its employees and balance")
    show_all.add_argument("--json", action="store_true", help="print one JSON document")
    show_all.set_defaults(handler=list_command)

    add = c_sub.add_parser("add", help="a new company")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--tax-id", default="", help="INN: 10 or 12 digits")
    add.add_argument("--contact", default="", help="the contact person")
    add.add_argument("--contact-phone", default="", help="the contact person's phone")
    add.add_argument("--comment", default="")
    add.set_defaults(handler=add_command)

    show = c_sub.add_parser("show", help="a company and its employees")
    show.add_argument("company", metavar="COMPANY", help="the company's name or id")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=show_command)

    link = c_sub.add_parser("link", help="make a client (by phone) an employee of a company")
    link.add_argument("company", metavar="COMPANY", help="the company's name or id")
    link.add_argument("phone", metavar="PHONE", help="one of the client's numbers, any form")
    link.add_argument(
        "--on-account",
        action="store_true",
        help="the employee may ride on the company's account",
    )
    link.set_defaults(handler=link_command)

    unlink = c_sub.add_parser("unlink", help="a client (by phone) leaves their company")
    unlink.add_argument("phone", metavar="PHONE", help="one of the client's numbers, any form")
    unlink.set_defaults(handler=unlink_command)

    for parser in (add, link, unlink):
        add_actor_argument(parser)


def _failed(exc: DomainError, company: str) -> CommandError:
    if isinstance(exc, NotFound) and exc.entity == "company":
        return CommandError(tr("cli.companies.not_found", name=company))
    return refusal(exc)


async def list_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.companies import list_companies

    async with open_database(settings) as (_engine, sessions), sessions() as session:
        rows = await list_companies(session)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "tax_id": r.tax_id,
                    "contact_name": r.contact_name,
                    "contact_phone": r.contact_phone,
                    "comment": r.comment,
                    "balance": str(r.balance),
                    "employees": r.employees,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print(tr("cli.companies.none"))
        return 0
    table = [tr("cli.companies.columns").split("|")]
    for r in rows:
        table.append([str(r.id), r.name, r.tax_id or "-", str(r.employees), fmt_money(r.balance)])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


async def add_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.companies import create_company

    actor = cli_actor(args, settings)
    values = {
        "name": args.name,
        "tax_id": args.tax_id,
        "contact_name": args.contact,
        "contact_phone": args.contact_phone,
        "comment": args.comment,
    }
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                company = await create_company(session, values, actor=actor)
        except DomainError as exc:
            raise _failed(exc, args.name) from None
    print(tr("cli.companies.added", name=company.name, id=company.id))
    return 0


async def show_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.companies import company_card, find_company

    async with open_database(settings) as (_engine, sessions), sessions() as session:
        try:
            card = await company_card(session, (await find_company(session, args.company)).id)
        except DomainError as exc:
            raise _failed(exc, args.company) from None
    c = card.company
    if args.json:
        print_json(
            {
                "id": c.id,
                "name": c.name,
                "tax_id": c.tax_id,
                "contact_name": c.contact_name,
                "contact_phone": c.contact_phone,
                "comment": c.comment,
                "balance": str(c.balance),
                "employees": [
                    {
                        "client_id": e.client_id,
                        "name": e.name,
                        "phone": e.phone,
                        "may_order_on_account": e.may_order_on_account,
                    }
                    for e in card.employees
                ],
            }
        )
        return 0
    contact = " ".join(p for p in (c.contact_name, c.contact_phone) if p) or "-"
    print(
        tr(
            "cli.companies.show",
            name=c.name,
            id=c.id,
            tax_id=c.tax_id or "-",
            contact=contact,
            balance=fmt_money(c.balance),
        )
    )
    print(tr("cli.companies.employees", count=len(card.employees)))
    for e in card.employees:
        account = "cli.companies.employee." + ("may" if e.may_order_on_account else "not")
        print(f"  {e.client_id}  {e.name}  {e.phone or '-'}  {tr(account)}")
    return 0


def _e164(raw: str, settings: Settings) -> str:
    number = classify_number(raw, settings.phone.region)
    if number.e164 is None:
        raise CommandError(tr("cli.find.not_a_phone", phone=repr(raw), kind=number.kind))
    return number.e164


async def _owner(session: AsyncSession, e164: str) -> PhoneOwner:
    """The client who owns `e164`; a one-line error when nobody does."""
    from storage.clients import phone_owner

    owner = await phone_owner(session, e164)
    if owner is None:
        raise CommandError(tr("cli.companies.no_client", phone=e164))
    return owner


async def link_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.companies import find_company, link_employee

    actor = cli_actor(args, settings)
    e164 = _e164(args.phone, settings)
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                owner = await _owner(session, e164)
                company = await find_company(session, args.company)
                allowed = await link_employee(
                    session,
                    owner.client_id,
                    company.id,
                    actor=actor,
                    may_order_on_account=args.on_account,
                )
                name = company.name
        except DomainError as exc:
            raise _failed(exc, args.company) from None
    account = "company.account.may" if allowed else "company.account.not"
    print(tr("cli.companies.linked", client=owner.name, company=name, account=tr(account)))
    return 0


async def unlink_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.companies import unlink_employee

    actor = cli_actor(args, settings)
    e164 = _e164(args.phone, settings)
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                owner = await _owner(session, e164)
                left = await unlink_employee(session, owner.client_id, actor=actor)
        except DomainError as exc:
            raise refusal(exc) from None
    key = "cli.companies.unlinked" if left else "cli.companies.not_linked"
    print(tr(key, client=owner.name))
    return 0
