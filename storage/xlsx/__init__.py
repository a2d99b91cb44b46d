"""Clients, calls and debts to and from Excel (.xlsx) files, streamed both ways.

Public API: `export_clients`, `export_calls`, `export_debts` (→ `ExportSummary`) and
`import_clients` (→ `ImportReport`, or `ImportFileError` for a file that cannot be read).
An export whose file cannot be written raises `ExportFileError` (a `StorageError`).
Nothing here prints: reports have `format_lines(language)`.
"""

from storage.xlsx.export import export_calls, export_clients, export_debts
from storage.xlsx.importer import import_clients
from storage.xlsx.report import (
    ExportFileError,
    ExportSummary,
    ImportFileError,
    ImportReport,
    RowError,
)

__all__ = [
    "ExportFileError",
    "ExportSummary",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "export_calls",
    "export_clients",
    "export_debts",
    "import_clients",
]
