"""What the export and import dialogs share besides the progress bar: the files they offer
and accept, the desk's today, and an unforeseen error as one line.

An export offers `~/clients-2026-11-22.xlsx` (the stem says what, the date is the desk's
today), never the name of a file that is already there; what the operator types is taken
as a person means it: `~` is the home folder, a relative path starts in the current
folder, a folder gets the offered file name, and `.xlsx` is added when left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from console.data import database_error_text
from console.i18n import to_local
from console.widgets.board.sources import DeskHost

XLSX: Final = ".xlsx"


def desk_today(app: object) -> date:
    """Today at the desk: the console's clock (fixed in tests) in the zone times are shown."""
    now = app.now() if isinstance(app, DeskHost) else datetime.now(UTC)
    return to_local(now).date()


def default_export_path(stem: str, day: date, folder: Path | None = None) -> Path:
    """`folder/stem-YYYY-MM-DD.xlsx` (home by default), or `…-2.xlsx`, `…-3.xlsx` when that
    name is taken, so the offered path never replaces a file."""
    where = folder if folder is not None else Path.home()
    base = f"{stem}-{day.isoformat()}"
    candidate = where / f"{base}{XLSX}"
    number = 2
    while candidate.exists():
        candidate = where / f"{base}-{number}{XLSX}"
        number += 1
    return candidate


def shown_path(path: Path) -> str:
    """The path as a person would type it: under the home folder as `~/…`."""
    try:
        inside = path.relative_to(Path.home())
    except ValueError:
        return str(path)
    return "~" if inside == Path() else f"~/{inside}"


def export_target(text: str, default_name: str) -> Path | None:
    """The file an export should write for what was typed; None when nothing was."""
    typed = text.strip()
    if not typed:
        return None
    path = Path(typed).expanduser()
    if typed.endswith("/") or path.is_dir():
        path = path / default_name
    if path.suffix.lower() != XLSX:
        path = path.with_name(path.name + XLSX)
    return path.absolute()


def import_source(text: str) -> Path | None:
    """The file an import should read for what was typed; None when nothing was."""
    typed = text.strip()
    return Path(typed).expanduser().absolute() if typed else None


def error_line(error: BaseException | None) -> str:
    """An error nobody foresaw (the database went away, a bug), as one line for a person:
    never a traceback in a dialog."""
    if error is None:
        return "?"
    if (described := database_error_text(error)) is not None:
        return described
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
