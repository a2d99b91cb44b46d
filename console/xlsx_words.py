"""The words of Excel files, from the console's catalog (`console/i18n/xlsx.py`): what an
export writes, what an import recognises, and the lines that tell the person who ran
either how it went. Used by the command line and the screens alike.

Storage takes its words from here rather than spelling them (it may not import
`console/`, and a second catalog there would drift from this one): exports get
`SheetWords` in the desk's language, imports `ImportWords` in every language, and
reports come back as codes that are worded below.
"""

from __future__ import annotations

from typing import Final, Literal

from console.i18n import LANGUAGES, Language, catalog, language, tr
from storage.xlsx import (
    CODE_GROUPS,
    ExportFileError,
    ExportSummary,
    ImportFileError,
    ImportReport,
    ImportWords,
    RowError,
    SheetWords,
)
from storage.xlsx.headers import (
    AUDIT_COLUMNS,
    CALL_COLUMNS,
    CLIENT_COLUMNS,
    COMPANY_COLUMNS,
    DEBT_COLUMNS,
    Column,
)

Sheet = Literal["clients", "companies", "calls", "debts", "audit"]
SHEET_COLUMNS: Final[dict[Sheet, dict[str, Column]]] = {
    "clients": CLIENT_COLUMNS,
    "companies": COMPANY_COLUMNS,
    "calls": CALL_COLUMNS,
    "debts": DEBT_COLUMNS,
    "audit": AUDIT_COLUMNS,
}
SHOWN_VALUE: Final = 60  # characters of a refused cell quoted in its error line


def sheet_words(sheet: Sheet, in_language: Language | None = None) -> SheetWords:
    """What an export of `sheet` writes, in `in_language` (default: the current one)."""
    chosen = in_language or language()
    texts = catalog()

    def text(key: str) -> str:
        return texts[key][chosen]

    return SheetWords(
        title=text(f"xlsx.{sheet}.title"),
        headers={key: text(f"xlsx.{sheet}.col.{key}") for key in SHEET_COLUMNS[sheet]},
        words={
            group: {code: text(f"word.{group}.{code}") for code in codes}
            for group, codes in CODE_GROUPS.items()
        },
    )


def _every(key: str) -> tuple[str, ...]:
    texts = catalog()[key]
    return tuple(texts[language] for language in LANGUAGES)


def import_words() -> ImportWords:
    """Every language's client headers and words: a file exported on a Russian desk
    reads back on an English one."""
    return ImportWords(
        headers={key: _every(f"xlsx.clients.col.{key}") for key in CLIENT_COLUMNS},
        words={
            group: {code: _every(f"word.{group}.{code}") for code in codes}
            for group, codes in CODE_GROUPS.items()
        },
        company_headers={key: _every(f"xlsx.companies.col.{key}") for key in COMPANY_COLUMNS},
    )


def reason(error: RowError) -> str:
    """Why a cell was refused, in words."""
    detail = error.detail
    if error.code == "bad_choice":  # the detail is the group: suggest its words
        detail = " / ".join(
            ", ".join(catalog()[f"word.{detail}.{code}"][language] for code in CODE_GROUPS[detail])
            for language in LANGUAGES
        )
    return tr(f"xlsx.reason.{error.code}", detail=detail)


def row_line(error: RowError) -> str:
    value = error.value
    if len(value) > SHOWN_VALUE:
        value = value[: SHOWN_VALUE - 3] + "..."
    return tr(
        "xlsx.row", row=error.row, column=error.column, value=repr(value), reason=reason(error)
    )


def file_error_line(error: ImportFileError) -> str:
    """One line: which file, and why it cannot be imported at all."""
    key = f"xlsx.file.{error.code}"
    text = tr(key, detail=error.detail)
    if error.detail and "{detail}" not in catalog()[key]["en"]:
        text = f"{text} ({error.detail})"
    return f"{error.path.name}: {text}"


def export_error_line(error: ExportFileError) -> str:
    return tr("xlsx.export.cannot_write", path=error.path, reason=error.reason)


def _tariff_list(report: ImportReport) -> str:
    return ", ".join(
        tr("xlsx.import.tariff_rows", name=name, rows=rows)
        for name, rows in report.unknown_tariffs.items()
    )


def import_lines(report: ImportReport, *, hint: Literal["cli", "dialog"] = "cli") -> list[str]:
    """The import's outcome: ignored columns, then every refused cell, the unknown
    tariffs once (with how to create them: the command's flag or the dialog's checkbox)
    and the verdict, or the skipped rows and the counts."""
    lines: list[str] = []
    if report.ignored_columns:
        lines.append(tr("transfer.import.ignored", columns=", ".join(report.ignored_columns)))
    file = report.path.name
    if not report.ok:
        lines.extend(row_line(e) for e in report.errors)
        hidden = report.error_count - len(report.errors)
        if hidden:
            lines.append(tr("xlsx.import.more", count=hidden))
        if report.unknown_tariffs and not report.create_tariffs:
            lines.append(tr("xlsx.import.unknown_tariffs", tariffs=_tariff_list(report)))
            lines.append(tr(f"xlsx.import.hint.{hint}"))
        if report.error_count:
            lines.append(
                tr("xlsx.import.rejected", file=file, errors=report.error_count, rows=report.rows)
            )
        else:
            lines.append(tr("xlsx.import.rejected_tariffs", file=file))
        return lines
    if report.unknown_tariffs:
        key = "xlsx.import.tariffs_to_create" if report.dry_run else "xlsx.import.tariffs_created"
        lines.append(tr(key, tariffs=", ".join(report.unknown_tariffs)))
    for skipped in report.skipped:
        lines.append(
            tr(
                "xlsx.import.skipped_row",
                row=skipped.row,
                value=skipped.value,
                detail=skipped.detail,
            )
        )
    if report.skipped_count:
        lines.append(tr("xlsx.import.skipped", count=report.skipped_count))
    key = "xlsx.import.dry_run" if report.dry_run else "xlsx.import.done"
    counts = {
        "rows": report.rows,
        "create": report.created,
        "update": report.updated,
        "unchanged": report.unchanged,
    }
    lines.append(tr(key, file=file, **counts))
    return lines


def export_line(summary: ExportSummary) -> str:
    if summary.cancelled:
        return tr("xlsx.export.cancelled", file=summary.path.name)
    return tr(
        "xlsx.export.done", file=summary.path.name, rows=summary.rows, seconds=summary.seconds
    )
