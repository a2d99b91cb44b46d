"""`opconsole clients money ID add | debit | correct | bonus-add | bonus-spend AMOUNT` and
`opconsole clients money ID history [--json]`: a client's account and bonuses.

Moving money acts as the admin named by `--as` or `[cli] actor` (recorded with every
operation); a bad amount or a refusal is one line.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from console.cli.actor import add_actor_argument, cli_actor, refusal
from console.cli.common import CommandError, open_database, print_json
from console.config import Settings
from console.i18n import fmt_datetime, fmt_money, parse_money, tr
from storage.errors import DomainError
from storage.models import OperationKind
from storage.types import CENT

# The command's words for the operation kinds (fixed: scripts use them).
KINDS: Final[dict[str, OperationKind]] = {
    "add": OperationKind.CREDIT,
    "debit": OperationKind.DEBIT,
    "correct": OperationKind.CORRECTION,
    "bonus-add": OperationKind.BONUS_CREDIT,
    "bonus-spend": OperationKind.BONUS_SPEND,
}
_HELP: Final = {
    "add": "top up the personal account by AMOUNT",
    "debit": "take AMOUNT off the personal account",
    "correct": "correct the personal account by a signed AMOUNT (-50 takes 50 off)",
    "bonus-add": "credit AMOUNT of bonuses",
    "bonus-spend": "spend AMOUNT of bonuses",
}


def register(c_sub: Any) -> None:
    money = c_sub.add_parser(
        "money", help="a client's account and bonuses: move money, list the operations"
    )
    money.add_argument("client_id", type=int, metavar="ID", help="the client's id")
    m_sub = money.add_subparsers(title="money commands", metavar="COMMAND", required=True)
    for word, kind in KINDS.items():
        move = m_sub.add_parser(word, help=_HELP[word])
        move.add_argument("amount", metavar="AMOUNT", help="e.g. 500 or 1250.50")
        move.add_argument("--comment", default="", help="why, for whoever reads the history")
        add_actor_argument(move)
        move.set_defaults(handler=move_command, kind=kind)
    history = m_sub.add_parser("history", help="the client's operations, newest first")
    history.add_argument("--json", action="store_true", help="print one JSON document")
    history.add_argument("--limit", type=int, default=200, help="at most this many (200)")
    history.set_defaults(handler=history_command)


def _amount(text: str) -> Decimal:
    amount = parse_money(text)
    if amount is None:
        raise CommandError(tr("cli.money.bad_amount", amount=text), exit_code=2)
    return amount


async def move_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.accounts import add_operation
    from storage.clients import client_name

    actor = cli_actor(args, settings)
    amount = _amount(args.amount)
    kind: OperationKind = args.kind
    async with open_database(settings) as (_engine, sessions):
        try:
            async with sessions.begin() as session:
                name = await client_name(session, args.client_id)
                if name is None:
                    raise CommandError(tr("cli.money.no_client", id=args.client_id))
                _op, totals = await add_operation(
                    session, args.client_id, kind.value, amount, actor=actor, comment=args.comment
                )
        except DomainError as exc:
            raise refusal(exc) from None
    print(
        tr(
            "cli.money.done",
            name=name or "—",
            id=args.client_id,
            kind=tr(f"money.kind.{kind.value}"),
            amount=fmt_money(amount),
            balance=fmt_money(totals.balance),
            bonus=fmt_money(totals.bonus_balance),
        )
    )
    return 0


def _iso(value: datetime) -> str:
    return value.isoformat()


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


async def history_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.accounts import operation_history
    from storage.models import Client

    async with open_database(settings) as (_engine, sessions), sessions() as session:
        client = await session.get(Client, args.client_id)
        if client is None:
            raise CommandError(tr("cli.money.no_client", id=args.client_id))
        operations = await operation_history(session, args.client_id, limit=max(args.limit, 1))
    if args.json:
        print_json(
            {
                "client_id": client.id,
                "name": client.name,
                "balance": _money(client.balance),
                "bonus_balance": _money(client.bonus_balance),
                "credit_limit": _money(client.credit_limit),
                "operations": [
                    {
                        "id": o.id,
                        "kind": o.kind,
                        "amount": _money(o.amount),
                        "comment": o.comment,
                        "operator": o.operator,
                        "at": _iso(o.at),
                    }
                    for o in operations
                ],
            }
        )
        return 0
    print(
        tr(
            "cli.money.head",
            name=client.name or "—",
            id=client.id,
            balance=fmt_money(client.balance),
            bonus=fmt_money(client.bonus_balance),
            limit=fmt_money(client.credit_limit),
        )
    )
    if not operations:
        print(tr("cli.money.none"))
        return 0
    table = [tr("cli.money.columns").split("|")]
    for o in operations:
        table.append(
            [
                fmt_datetime(o.at),
                tr(f"money.kind.{o.kind}"),
                fmt_money(o.amount),
                o.operator,
                o.comment or "-",
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0
