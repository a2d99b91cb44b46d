"""What an export or an import tells the person who ran it.

Storage never prints: the command line and the console call `format_lines(language)` and
show the lines their own way (a terminal, a confirmation screen). Reasons are codes with a
detail, worded here in both interface languages, so a test can assert on the code and a
dispatcher reads a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from storage.db import StorageError
from storage.xlsx.headers import Language

# Error code -> (English, Russian); "{detail}" is filled in from the error.
_REASONS: Final[dict[str, tuple[str, str]]] = {
    "invalid_phone": ("not a phone number", "не номер телефона"),
    "not_client_phone": (
        "an extension or a hidden number, not a client's phone",
        "внутренний или скрытый номер, не телефон клиента",
    ),
    "duplicate_in_file": (
        "the same phone is already on row {detail}",
        "этот телефон уже есть в строке {detail}",
    ),
    "phone_taken": (
        "the phone belongs to existing client {detail} (updating is off)",
        "телефон принадлежит клиенту {detail} (обновление выключено)",
    ),
    "owners_conflict": (
        "the phones belong to different clients: {detail}",
        "телефоны принадлежат разным клиентам: {detail}",
    ),
    "same_client": (
        "updates the same client as row {detail}",
        "обновляет того же клиента, что и строка {detail}",
    ),
    "unknown_tariff": ("no such tariff; known: {detail}", "нет такого тарифа; есть: {detail}"),
    "bad_date": (
        "not a date (use dd.mm.yyyy or yyyy-mm-dd)",
        "не дата (нужно дд.мм.гггг или гггг-мм-дд)",
    ),
    "date_range": ("date out of range", "дата вне допустимого диапазона"),
    "bad_email": ("not an email address", "не адрес электронной почты"),
    "bad_choice": (
        "unknown value; use one of: {detail}",
        "неизвестное значение; допустимо: {detail}",
    ),
    "too_long": ("longer than {detail} characters", "длиннее {detail} символов"),
    "empty_client": ("neither a name nor a phone", "нет ни имени, ни телефона"),
}

_FILE_ERRORS: Final[dict[str, tuple[str, str]]] = {
    "not_found": ("file not found", "файл не найден"),
    "not_xlsx": (
        "not an Excel .xlsx workbook (save it as .xlsx and try again)",
        "это не книга Excel .xlsx (сохраните файл как .xlsx и повторите)",
    ),
    "corrupt": ("the workbook is damaged and cannot be read", "книга повреждена и не читается"),
    "empty": ("the workbook has no rows", "в книге нет строк"),
    "no_header": (
        "no header row with a phone or name column in the first rows",
        "в первых строках нет заголовка со столбцом телефона или имени",
    ),
    "duplicate_column": ("column appears twice: {detail}", "столбец повторяется: {detail}"),
}


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[1] if language == "ru" else pair[0]


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing was written. One line for a person."""

    def __init__(self, code: str, path: Path | str, detail: str = "") -> None:
        self.code = code
        self.path = Path(path)
        self.detail = detail
        super().__init__(self.line("en"))

    def line(self, language: Language = "en") -> str:
        text = _pick(_FILE_ERRORS[self.code], language).format(detail=self.detail)
        if self.detail and "{detail}" not in _FILE_ERRORS[self.code][0]:
            text = f"{text} ({self.detail})"
        return f"{self.path.name}: {text}"


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell: the sheet row number, the column header as written in the file."""

    row: int
    column: str
    value: str
    code: str
    detail: str = ""

    def reason(self, language: Language = "en") -> str:
        return _pick(_REASONS[self.code], language).format(detail=self.detail)

    def line(self, language: Language = "en") -> str:
        label = "строка" if language == "ru" else "row"
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{label} {self.row}, {self.column}: {value!r}: {self.reason(language)}"


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

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def exit_code(self) -> int:
        """What the command line exits with: 1 when the file had bad rows."""
        return 0 if self.ok else 1

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    def format_lines(self, language: Language = "en") -> list[str]:
        ru = language == "ru"
        lines: list[str] = []
        if self.ignored_columns:
            head = "Пропущены столбцы" if ru else "Columns ignored"
            lines.append(f"{head}: {', '.join(self.ignored_columns)}")
        if not self.ok:
            lines.extend(e.line(language) for e in self.errors)
            hidden = self.error_count - len(self.errors)
            if hidden:
                lines.append(f"… и ещё {hidden}" if ru else f"… and {hidden} more")
            lines.append(
                f"{self.path.name}: ошибок {self.error_count} в {self.rows} строках; "
                "ничего не импортировано"
                if ru
                else f"{self.path.name}: {self.error_count} error(s) in {self.rows} rows; "
                "nothing imported"
            )
            return lines
        counts = (self.rows, self.created, self.updated, self.unchanged)
        if ru and self.dry_run:
            text = (
                "пробный запуск, ничего не записано: строк {}, будет создано {}, "
                "обновлено {}, без изменений {}"
            )
        elif ru:
            text = "импортировано строк {}: создано {}, обновлено {}, без изменений {}"
        elif self.dry_run:
            text = (
                "dry run, nothing written: {} rows, would create {}, update {}, leave {} unchanged"
            )
        else:
            text = "imported {} rows: created {}, updated {}, unchanged {}"
        lines.append(f"{self.path.name}: " + text.format(*counts))
        return lines


class ExportFileError(StorageError):
    """The export's file cannot be written (no such folder, no permission, disk full, a
    folder in the way); nothing was left behind. A `StorageError`, so callers that already
    show storage errors as one line show this one too."""

    def __init__(self, path: Path | str, cause: OSError) -> None:
        self.path = Path(path)
        self.reason = cause.strerror or type(cause).__name__
        super().__init__(self.line("en"))

    def line(self, language: Language = "en") -> str:
        if language == "ru":
            return f"{self.path}: не удаётся записать файл: {self.reason}"
        return f"{self.path}: cannot write the file: {self.reason}"


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """Outcome of an export. When `cancelled`, no file was left behind."""

    path: Path
    rows: int
    cancelled: bool = False
    seconds: float = 0.0

    def format_lines(self, language: Language = "en") -> list[str]:
        if language == "ru":
            if self.cancelled:
                return [f"{self.path.name}: выгрузка отменена, файл не создан"]
            return [f"{self.path.name}: выгружено строк {self.rows} за {self.seconds:.1f} с"]
        if self.cancelled:
            return [f"{self.path.name}: export cancelled, no file written"]
        return [f"{self.path.name}: exported {self.rows} rows in {self.seconds:.1f} s"]

    def __str__(self) -> str:
        return self.format_lines("en")[0]
