"""What an export or an import found, as data for whoever shows it.

Storage never prints and spells no sentence a person reads: reasons are codes with a
detail, and the console and the command line word them from their catalog
(`console/xlsx_words.py`), so a test can assert on the code and a dispatcher reads a
sentence in the desk's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, TypeAlias

from storage.db import StorageError

# Why a cell was refused; the caller words each one (tests/test_words.py checks it does).
RowErrorCode: TypeAlias = Literal[
    "invalid_phone",
    "not_client_phone",
    "duplicate_in_file",
    "phone_taken",
    "owners_conflict",
    "same_client",
    "unknown_tariff",
    "bad_date",
    "date_range",
    "bad_email",
    "bad_choice",
    "too_long",
    "empty_client",
    "bad_amount",
    "bad_address",
    "no_phone",
    "no_name",
    "bad_tax_id",
    "no_company_name",
]
# Why a whole file cannot be imported.
FileErrorCode: TypeAlias = Literal[
    "not_found", "not_xlsx", "corrupt", "empty", "no_header", "duplicate_column"
]


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing was written. `code` says why (worded
    by the caller), `detail` what in the file."""

    def __init__(self, code: FileErrorCode, path: Path | str, detail: str = "") -> None:
        self.code = code
        self.path = Path(path)
        self.detail = detail
        super().__init__(f"{self.path.name}: {code}" + (f" ({detail})" if detail else ""))


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell: the sheet row number, the column header as written in the file, and
    why (`code`; for "bad_choice" `detail` is the `labels.CODE_GROUPS` group it must be
    one of)."""

    row: int
    column: str
    value: str
    code: RowErrorCode
    detail: str = ""


MAX_KEPT_ERRORS: Final = 10_000


@dataclass
class ImportReport:
    """Outcome of `import_clients`. `ok` is False when any row was bad: nothing was written."""

    path: Path
    dry_run: bool
    rows: int = 0  # data rows read (blank rows skipped)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # all errors, even past MAX_KEPT_ERRORS
    ignored_columns: list[str] = field(default_factory=list)
    # Tariffs the file names that the database has not, each once as first written, and
    # how many rows name it. Without `create_tariffs` they refuse the file (one line for
    # them all, with the hint); with it they are created in the import's transaction.
    unknown_tariffs: dict[str, int] = field(default_factory=dict)
    create_tariffs: bool = False
    # Rows of existing clients left alone because updating was off: reported, not errors.
    skipped: list[RowError] = field(default_factory=list)
    skipped_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and (self.create_tariffs or not self.unknown_tariffs)

    def skip(self, row: RowError) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_KEPT_ERRORS:
            self.skipped.append(row)

    @property
    def exit_code(self) -> int:
        """What the command line exits with: 1 when the file had bad rows."""
        return 0 if self.ok else 1

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)


class ExportFileError(StorageError):
    """The export's file cannot be written (no such folder, no permission, disk full, a
    folder in the way); nothing was left behind. A `StorageError`, so callers that already
    show storage errors as one line show this one too; the console words it better."""

    def __init__(self, path: Path | str, cause: OSError) -> None:
        self.path = Path(path)
        self.reason = cause.strerror or type(cause).__name__
        super().__init__(f"{self.path}: {self.reason}")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """Outcome of an export. When `cancelled`, no file was left behind."""

    path: Path
    rows: int
    cancelled: bool = False
    seconds: float = 0.0
