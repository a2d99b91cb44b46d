"""`opconsole calls list | export` and `opconsole debts export`."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.common import CommandError, Progress, open_database, print_json
from console.config import Settings
from console.i18n import tr
from storage.filters import CallFilter

if TYPE_CHECKING:  # the xlsx code loads only for the commands that use it
    from console.xlsx_words import Sheet
    from storage.xlsx import ExportSummary

    # One of storage's exports with what it exports bound already.
    Export = Callable[..., Awaitable[ExportSummary]]


def register(sub: Any) -> None:
    calls = sub.add_parser("calls", help="the desk's call log")
    c_sub = calls.add_subparsers(title="calls commands", metavar="COMMAND", required=True)

    lst = c_sub.add_parser("list", help="print the call log, oldest first")
    _add_range(lst)
    lst.add_argument("--json", action="store_true", help="print one JSON document (a list)")
    lst.set_defaults(handler=list_command)

    export = c_sub.add_parser("export", help="write the call log to an xlsx file")
    export.add_argument("file", type=Path, metavar="FILE.xlsx")
    _add_range(export)
    export.set_defaults(handler=export_command)

    debts = sub.add_parser("debts", help="clients' debts")
    d_sub = debts.add_subparsers(title="debts commands", metavar="COMMAND", required=True)
    dexp = d_sub.add_parser("export", help="write debts to an xlsx file")
    dexp.add_argument("file", type=Path, metavar="FILE.xlsx")
    paid = dexp.add_mutually_exclusive_group()
    paid.add_argument(
        "--paid",
        dest="paid",
        action="store_const",
        const=True,
        default=None,
        help="only paid debts",
    )
    paid.add_argument(
        "--unpaid", dest="paid", action="store_const", const=False, help="only unpaid debts"
    )
    dexp.set_defaults(handler=export_debts_command)


def parse_when(text: str) -> datetime:
    """ISO 8601 date or date-time; without an offset it means this machine's local time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO 8601 date or time such as 2026-11-22 or 2026-11-22T09:00+03:00, "
            f"got {text!r}"
        ) from None
    return value if value.tzinfo else value.astimezone()


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=parse_when, metavar="ISO", help="calls started at or after")
    parser.add_argument("--until", type=parse_when, metavar="ISO", help="calls started before")
    parser.add_argument("--operator", metavar="EXT", help="rung or answered by this extension")
    parser.add_argument(
        "--disposition", choices=["answered", "missed", "abandoned", "busy", "failed"]
    )


def _filter(args: argparse.Namespace) -> CallFilter:
    return CallFilter(
        since=args.since, until=args.until, operator=args.operator, disposition=args.disposition
    )


async def list_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.calls import call_to_json, iter_calls

    documents: list[dict[str, Any]] = []
    async with open_database(settings) as (_engine, sessions), sessions() as session:
        async for batch in iter_calls(session, _filter(args)):
            documents.extend(call_to_json(row) for row in batch)
    if args.json:
        print_json(documents)
        return 0
    for doc in documents:
        print(
            tr(
                "cli.call.line",
                started=doc["started_at"][:19],
                direction=tr(f"word.direction.{doc['direction']}"),
                disposition=tr(f"word.disposition.{doc['disposition']}"),
                number=doc["number"] or doc["number_raw"] or "-",
                who=doc["answered_by"] or ",".join(doc["operators_rung"]) or "-",
                wait=doc["wait_s"],
                talk=doc["talk_s"],
                name=doc["name"] or "",
            )
        )
    return 0


async def export_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.xlsx import export_calls

    return await _export(settings, partial(export_calls, flt=_filter(args)), "calls", args.file)


async def export_debts_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.xlsx import export_debts

    return await _export(settings, partial(export_debts, paid=args.paid), "debts", args.file)


async def _export(settings: Settings, export: Export, sheet: Sheet, file: Path) -> int:
    """Run `export(sessions, file, words=…, progress=…)` with a progress bar; one line."""
    from console.xlsx_words import export_error_line, export_line, sheet_words
    from storage.xlsx import ExportFileError

    progress = Progress(tr("cli.progress.exporting"))
    async with open_database(settings) as (_engine, sessions):
        try:
            summary = await export(sessions, file, words=sheet_words(sheet), progress=progress)
        except ExportFileError as exc:
            raise CommandError(export_error_line(exc)) from None
        finally:
            progress.close()
    print(export_line(summary))
    return 0
