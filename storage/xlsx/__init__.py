"""Clients, calls and debts to and from Excel (.xlsx) files, streamed both ways.

Public API: `export_clients`, `export_calls`, `export_debts`, `export_audit` (→ `ExportSummary`) and
`import_clients` (→ `ImportReport`, or `ImportFileError` for a file that cannot be read).
An export whose file cannot be written raises `ExportFileError` (a `StorageError`).
Nothing here prints or spells a word a person reads: exports write the caller's
`SheetWords`, imports read with its `ImportWords`, reports carry codes for it to word.
"""

from storage.xlsx.export import export_audit, export_calls, export_clients, export_debts
from storage.xlsx.importer import import_clients
from storage.xlsx.labels import CODE_GROUPS, ImportWords, SheetWords
from storage.xlsx.report import (
    ExportFileError,
    ExportSummary,
    ImportFileError,
    ImportReport,
    RowError,
)

__all__ = [
    "CODE_GROUPS",
    "ExportFileError",
    "ExportSummary",
    "ImportFileError",
    "ImportReport",
    "ImportWords",
    "RowError",
    "SheetWords",
    "export_audit",
    "export_calls",
    "export_clients",
    "export_debts",
    "import_clients",
]
