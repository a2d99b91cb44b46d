"""Strings of the Excel export and import dialogs (screens/export_dialog.py,
screens/import_dialog.py) and of the keys that open them."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    # keys (footer) and their tooltips (footer hover, command palette help)
    "transfer.key.export": {"en": "Export", "ru": "Экспорт"},
    "transfer.tip.export_clients": {
        "en": "Write the clients the search and filters select to an Excel (.xlsx) file",
        "ru": "Выгрузить в файл Excel (.xlsx) клиентов, выбранных поиском и фильтрами",
    },
    "transfer.tip.export_calls": {
        "en": "Write the calls the history filters select to an Excel (.xlsx) file",
        "ru": "Выгрузить в файл Excel (.xlsx) звонки, выбранные фильтрами истории",
    },
    "transfer.key.import": {"en": "Import", "ru": "Импорт"},
    "transfer.tip.import": {
        "en": "Add or update clients from an Excel (.xlsx) file: checked first, all rows or none",
        "ru": "Добавить или обновить клиентов из файла Excel (.xlsx): сначала проверка, "
        "затем все строки или ни одной",
    },
    "transfer.key.export_debts": {"en": "Export debts", "ru": "Экспорт долгов"},
    "transfer.tip.export_debts": {
        "en": "Write unpaid, paid or all debts to an Excel (.xlsx) file",
        "ru": "Выгрузить неоплаченные, оплаченные или все долги в файл Excel (.xlsx)",
    },
    # the dialogs' common parts
    "transfer.path": {"en": "File", "ru": "Файл"},
    "transfer.path.placeholder": {"en": "~/file.xlsx", "ru": "~/файл.xlsx"},
    "transfer.path.empty": {"en": "Type the file's path.", "ru": "Укажите путь к файлу."},
    "transfer.close": {"en": "Close", "ru": "Закрыть"},
    "transfer.failed": {"en": "Failed: {error}", "ru": "Не удалось: {error}"},
    # export
    "transfer.export.title.clients": {"en": "Export clients", "ru": "Экспорт клиентов"},
    "transfer.export.about.clients": {
        "en": "The clients the current search and filters select.",
        "ru": "Клиенты, выбранные текущим поиском и фильтрами.",
    },
    "transfer.export.title.calls": {"en": "Export calls", "ru": "Экспорт звонков"},
    "transfer.export.about.calls": {
        "en": "The calls the history filters select: dates, operator, result, client.",
        "ru": "Звонки, выбранные фильтрами истории: даты, оператор, результат, клиент.",
    },
    "transfer.export.title.debts": {"en": "Export debts", "ru": "Экспорт долгов"},
    "transfer.export.about.debts": {
        "en": "Which debts to write:",
        "ru": "Какие долги выгрузить:",
    },
    "transfer.debts.unpaid": {"en": "Unpaid", "ru": "Неоплаченные"},
    "transfer.debts.paid": {
        "en": "Paid, with who closed them",
        "ru": "Оплаченные, с тем, кто их закрыл",
    },
    "transfer.debts.all": {"en": "All", "ru": "Все"},
    "transfer.export.start": {"en": "Export", "ru": "Выгрузить"},
    "transfer.export.exists": {
        "en": "{name} already exists: press Export again to replace it.",
        "ru": "{name} уже есть: нажмите «Выгрузить» ещё раз, чтобы заменить его.",
    },
    "transfer.export.counting": {"en": "Counting rows…", "ru": "Подсчёт строк…"},
    "transfer.export.progress": {
        "en": "{done} of {total} rows written",
        "ru": "Записано строк: {done} из {total}",
    },
    "transfer.export.progress_open": {
        "en": "{done} rows written",
        "ru": "Записано строк: {done}",
    },
    "transfer.export.cancelling": {
        "en": "Cancelling after the current batch…",
        "ru": "Отмена после текущей порции строк…",
    },
    "transfer.export.done": {
        "en": "Exported {rows} rows in {seconds} s.",
        "ru": "Выгружено строк: {rows} за {seconds} с.",
    },
    "transfer.export.saved_to": {"en": "File: {path}", "ru": "Файл: {path}"},
    "transfer.export.cancelled": {
        "en": "Export cancelled: no file was written.",
        "ru": "Выгрузка отменена: файл не создан.",
    },
    # import
    "transfer.import.title": {
        "en": "Import clients from Excel",
        "ru": "Импорт клиентов из Excel",
    },
    "transfer.import.about": {
        "en": "Every row is checked first; nothing is written until you confirm. Headers in "
        "English or Russian: ФИО, Телефон, Email, Город, Дата рождения, Тариф, …",
        "ru": "Сначала проверяется каждая строка; ничего не записывается до подтверждения. "
        "Заголовки по-русски или по-английски: ФИО, Телефон, Email, Город, Дата рождения, "
        "Тариф, …",
    },
    "transfer.import.no_update": {
        "en": "Report clients that already exist instead of updating them",
        "ru": "Не обновлять существующих клиентов, а сообщать о них",
    },
    "transfer.import.check": {"en": "Check file", "ru": "Проверить файл"},
    "transfer.import.start": {"en": "Import", "ru": "Импортировать"},
    "transfer.import.checking": {
        "en": "Checking rows: {done}",
        "ru": "Проверено строк: {done}",
    },
    "transfer.import.check_cancelled": {
        "en": "Check cancelled: nothing was written.",
        "ru": "Проверка отменена: ничего не записано.",
    },
    "transfer.import.writing": {
        "en": "Importing: all rows in one transaction, or none…",
        "ru": "Импорт: все строки одной транзакцией или ни одной…",
    },
    "transfer.import.busy": {
        "en": "The import cannot be interrupted: it writes all rows or none.",
        "ru": "Импорт нельзя прервать: он записывает все строки или ни одной.",
    },
    "transfer.import.rejected": {
        "en": "{errors} error(s) in {rows} rows: nothing was imported. "
        "Correct the file and import it again.",
        "ru": "Ошибок: {errors} в {rows} строках; ничего не импортировано. "
        "Исправьте файл и повторите импорт.",
    },
    "transfer.import.plan": {
        "en": "{rows} rows checked: {create} to create, {update} to update, "
        "{unchanged} unchanged. Import them?",
        "ru": "Проверено строк: {rows}. Будет создано: {create}, обновлено: {update}, "
        "без изменений: {unchanged}. Импортировать?",
    },
    "transfer.import.nothing": {
        "en": "{rows} rows checked: every client is already as in the file; nothing to import.",
        "ru": "Проверено строк: {rows}. Все клиенты уже такие, как в файле; импортировать нечего.",
    },
    "transfer.import.ignored": {
        "en": "Columns ignored: {columns}",
        "ru": "Пропущены столбцы: {columns}",
    },
    "transfer.import.done": {
        "en": "Imported {rows} rows: {create} created, {update} updated, {unchanged} unchanged.",
        "ru": "Импортировано строк: {rows}. Создано: {create}, обновлено: {update}, "
        "без изменений: {unchanged}.",
    },
}
