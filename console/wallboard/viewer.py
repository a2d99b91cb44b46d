"""One browser's board: `python -m console.wallboard [--config PATH]`, started by
textual-serve for each browser session (`console.wallboard.server`).

It reads the same config as the console, follows every [[pbx]] through a `WatchDesk`, and
opens the database through an engine that refuses writes and runs no migration (the
console and the recorder own the schema).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from console.config import ConfigError, Settings, load_settings
from console.i18n import set_language
from storage.db import StorageError, create_engine, make_sessionmaker
from storage.read_only import make_read_only


async def run_viewer(settings: Settings) -> int:
    from console.wallboard.app import WallboardApp
    from console.wallboard.desk import WatchDesk

    engine = make_read_only(create_engine(settings.database.url))
    try:
        sessions = make_sessionmaker(engine)
        app = WallboardApp(settings, sessions, WatchDesk(settings, sessions))
        await app.run_async()
        return app.return_code or 0
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m console.wallboard",
        description="The read-only board of one wallboard viewer (opconsole wallboard runs it).",
    )
    parser.add_argument("--config", metavar="PATH", help="config file, as for opconsole")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        set_language(settings.ui.language)
        return asyncio.run(run_viewer(settings))
    except (ConfigError, StorageError) as exc:
        print(f"opconsole wallboard: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
