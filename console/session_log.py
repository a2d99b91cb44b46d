"""The console's log: a file, because the console's screen is the terminal.

`opconsole record` logs to its stderr; the console (and `demo`) draw on the terminal, and
Textual swallows whatever is written to stderr meanwhile. Without a file, what the desk logs
— a background task that failed and what that cost, an entry the database refused for good
(«see the log» in the status bar), the journal growing during an outage — would reach no
one. So the console logs to `console.log` in the user's log directory (the platform's
convention: ~/.local/state/opconsole/log/ on Linux), bounded: rotated at 1 MB, three old
files kept. The desk's own loggers (`opconsole.*`) log from INFO, everything else (asyncio,
the AMI client) from WARNING. On exit, a session that logged a warning or an error says
where, in one line. Like the recorder's log it is in English and holds no secrets.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Final

LOG_NAME: Final = "console.log"
MAX_BYTES: Final = 1_000_000
BACKUPS: Final = 3
FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _CountingHandler(RotatingFileHandler):
    """A bounded file that also counts the warnings and errors written to it."""

    warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if record.levelno >= logging.WARNING:
            self.warnings += 1


class SessionLog:
    """The console's log while it runs: `start` it, `stop` it on exit."""

    def __init__(self, path: Path) -> None:
        """Raises OSError when the file cannot be opened (the caller says so in one line)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handler = _CountingHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        self._handler.setFormatter(logging.Formatter(FORMAT))
        self._root = logging.getLogger()
        self._ours = logging.getLogger("opconsole")
        self._levels = self._root.level, self._ours.level

    def start(self) -> SessionLog:
        self._root.addHandler(self._handler)
        self._root.setLevel(min(self._root.level or logging.WARNING, logging.WARNING))
        self._ours.setLevel(logging.INFO)
        return self

    def stop(self) -> None:
        self._root.removeHandler(self._handler)
        self._root.setLevel(self._levels[0])
        self._ours.setLevel(self._levels[1])
        self._handler.close()

    @property
    def warnings(self) -> int:
        """Warnings and errors this session wrote to the log."""
        return self._handler.warnings


def log_path(directory: Path) -> Path:
    return directory / LOG_NAME
