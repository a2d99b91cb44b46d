"""The `opconsole` command: parses arguments, loads the config, runs one command.

This is the only place that knows all three packages: it builds the engine, the AMI
clients and the app from the config and passes them in. Headless commands never import
Textual (`tests/test_layers.py` checks), so `opconsole record` stays lean as a service.
Every user mistake ends as one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from console.cli import calls, clients, companies, db, pbx, tariffs, ui, wallboard
from console.cli.common import CommandError
from console.config import ConfigError, Settings, load_settings
from console.i18n import set_language
from storage.db import StorageError

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line (its usage text goes to --help only)."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="opconsole",
        description="Operator console for telephone dispatch desks on Asterisk. "
        "With no command, starts the console.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $OPCONSOLE_CONFIG, else the user config dir)",
    )
    parser.set_defaults(handler=ui.run_console)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for module in (db, clients, calls, tariffs, companies, pbx, ui, wallboard):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        settings = load_settings(args.config)
        set_language(settings.ui.language)  # the command's own lines in the desk's language
        return asyncio.run(handler(args, settings))
    except (ConfigError, CommandError) as exc:
        print(f"opconsole: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ConfigError) else exc.exit_code
    except StorageError as exc:
        print(f"opconsole: {storage_words(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `opconsole calls list | head`
        return 0


def storage_words(exc: StorageError) -> str:
    """The database's failure in the desk's language: storage words it in English (for
    logs), a Russian desk reads «сервер базы данных недоступен (…): …»."""
    from console.data import database_error
    from console.i18n import language

    if language() == "en" or not exc.detail:
        return str(exc)
    words = database_error(exc)
    if exc.where:
        head, _, tail = words.partition(": ")
        words = f"{head} ({exc.where}): {tail}" if tail else f"{words} ({exc.where})"
    return words


def run() -> None:
    sys.exit(main())
