"""Words of the Excel files and of the reports on them: column headers, sheet titles, the
words written for stored codes, and what an import or an export tells the person who ran
it. Storage writes and reads these words as the console hands them over
(`console/xlsx_words.py`); it spells none itself.

The headers are read back by imports and by people: change one only with a migration
plan for the files already out there (an import still reads the old spelling only if it
is kept in `storage/xlsx/headers.py` `_SYNONYMS`).
"""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    # words for stored codes, in cells and on screens (the client base's columns and filters)
    "word.status.new": {"en": "New", "ru": "Новый"},
    "word.status.regular": {"en": "Regular", "ru": "Постоянный"},
    "word.status.vip": {"en": "VIP", "ru": "VIP"},
    "word.status.inactive": {"en": "Inactive", "ru": "Неактивный"},
    "word.activity.new": {"en": "New", "ru": "Новый"},
    "word.activity.active": {"en": "Active", "ru": "Активный"},
    "word.activity.recent": {"en": "Recent", "ru": "Недавний"},
    "word.activity.inactive": {"en": "Inactive", "ru": "Неактивный"},
    "word.kind.personal": {"en": "Personal", "ru": "Частный"},
    "word.kind.corporate": {"en": "Corporate", "ru": "Корпоративный"},
    "word.direction.inbound": {"en": "Inbound", "ru": "Входящий"},
    "word.direction.outbound": {"en": "Outbound", "ru": "Исходящий"},
    "word.direction.internal": {"en": "Internal", "ru": "Внутренний"},
    "word.disposition.answered": {"en": "Answered", "ru": "Отвечен"},
    "word.disposition.missed": {"en": "Missed", "ru": "Пропущен"},
    "word.disposition.abandoned": {"en": "Abandoned", "ru": "Сброшен"},
    "word.disposition.busy": {"en": "Busy", "ru": "Занято"},
    "word.disposition.failed": {"en": "Failed", "ru": "Ошибка"},
    "word.debt_reason.late_cancel": {"en": "Late cancel", "ru": "Поздняя отмена"},
    "word.debt_reason.unpaid_order": {"en": "Unpaid order", "ru": "Неоплаченный заказ"},
    "word.debt_reason.manual": {"en": "Manual", "ru": "Вручную"},
    "word.debt_state.paid": {"en": "Paid", "ru": "Оплачен"},
    "word.debt_state.unpaid": {"en": "Unpaid", "ru": "Не оплачен"},
    "word.bool.yes": {"en": "Yes", "ru": "Да"},
    "word.bool.no": {"en": "No", "ru": "Нет"},
    # sheets
    "xlsx.clients.title": {"en": "Clients", "ru": "Клиенты"},
    # the companies sheet of a client export
    "xlsx.companies.title": {"en": "Companies", "ru": "Компании"},
    "xlsx.companies.col.name": {"en": "Company", "ru": "Компания"},
    "xlsx.companies.col.tax_id": {"en": "Tax id", "ru": "ИНН"},
    "xlsx.companies.col.contact_name": {"en": "Contact person", "ru": "Контактное лицо"},
    "xlsx.companies.col.contact_phone": {"en": "Contact phone", "ru": "Телефон для связи"},
    "xlsx.companies.col.comment": {"en": "Comment", "ru": "Комментарий"},
    "xlsx.companies.col.balance": {"en": "Account balance", "ru": "Баланс счёта"},
    "xlsx.companies.col.employees": {"en": "Employees", "ru": "Сотрудников"},
    "xlsx.clients.col.name": {"en": "Client", "ru": "Клиент"},
    "xlsx.clients.col.phones": {"en": "Phones", "ru": "Телефоны"},
    "xlsx.clients.col.phones_national": {
        "en": "Phones (national)",
        "ru": "Телефоны (местный формат)",
    },
    "xlsx.clients.col.birthday": {"en": "Birthday", "ru": "Дата рождения"},
    "xlsx.clients.col.email": {"en": "Email", "ru": "Email"},
    "xlsx.clients.col.city": {"en": "City", "ru": "Город"},
    "xlsx.clients.col.status": {"en": "Status", "ru": "Статус"},
    "xlsx.clients.col.activity": {"en": "Activity", "ru": "Активность"},
    "xlsx.clients.col.completed_orders": {"en": "Completed orders", "ru": "Выполнено заказов"},
    "xlsx.clients.col.false_orders": {"en": "False orders", "ru": "Ложных заказов"},
    "xlsx.clients.col.unpaid_debt": {"en": "Unpaid debt", "ru": "Долг"},
    "xlsx.clients.col.blacklisted": {"en": "Blacklisted", "ru": "Черный список"},
    "xlsx.clients.col.blacklist_reason": {"en": "Blacklist reason", "ru": "Причина"},
    "xlsx.clients.col.tariff": {"en": "Tariff", "ru": "Тариф"},
    "xlsx.clients.col.registered_at": {"en": "Registered at", "ru": "Дата регистрации"},
    "xlsx.clients.col.comment": {"en": "Comment", "ru": "Комментарий"},
    "xlsx.clients.col.kind": {"en": "Kind", "ru": "Тип клиента"},
    "xlsx.clients.col.last_name": {"en": "Last name", "ru": "Фамилия"},
    "xlsx.clients.col.first_name": {"en": "First name", "ru": "Имя"},
    "xlsx.clients.col.middle_name": {"en": "Middle name", "ru": "Отчество"},
    "xlsx.clients.col.organisation": {"en": "Organisation", "ru": "Организация"},
    "xlsx.clients.col.street": {"en": "Street", "ru": "Улица"},
    "xlsx.clients.col.house": {"en": "House", "ru": "Дом"},
    "xlsx.clients.col.entrance": {"en": "Entrance", "ru": "Подъезд"},
    "xlsx.clients.col.balance": {"en": "Balance", "ru": "Баланс"},
    "xlsx.clients.col.bonus_balance": {"en": "Bonus balance", "ru": "Бонусный баланс"},
    "xlsx.clients.col.credit_limit": {"en": "Credit limit", "ru": "Кредитный лимит"},
    "xlsx.clients.col.discount_percent": {"en": "Discount, %", "ru": "Скидка, %"},
    "xlsx.clients.col.rating": {"en": "Rating", "ru": "Рейтинг"},
    "xlsx.clients.col.company": {"en": "Employer", "ru": "Работодатель"},
    "xlsx.clients.col.company_account": {
        "en": "On the company's account",
        "ru": "За счёт компании",
    },
    "xlsx.clients.col.phone_labels": {"en": "Whose phones", "ru": "Чьи телефоны"},
    "xlsx.clients.col.addresses": {
        "en": "Addresses (label | city | street | house | bldg | entrance | floor | apt | note)",
        "ru": "Адреса (метка | город | улица | дом | корп. | подъезд | этаж | кв. | прим.)",
    },
    "word.address_label.home": {"en": "home", "ru": "домашний"},
    "word.address_label.work": {"en": "work", "ru": "рабочий"},
    "word.address_label.other": {"en": "other", "ru": "другой"},
    "xlsx.calls.title": {"en": "Calls", "ru": "Звонки"},
    "xlsx.calls.col.started_at": {"en": "Started at", "ru": "Начало"},
    "xlsx.calls.col.direction": {"en": "Direction", "ru": "Направление"},
    "xlsx.calls.col.number": {"en": "Number", "ru": "Номер"},
    "xlsx.calls.col.number_national": {"en": "Number (national)", "ru": "Номер (местный формат)"},
    "xlsx.calls.col.caller_name": {"en": "Caller ID name", "ru": "Имя абонента"},
    "xlsx.calls.col.client": {"en": "Client", "ru": "Клиент"},
    "xlsx.calls.col.queue": {"en": "Queue", "ru": "Очередь"},
    "xlsx.calls.col.operators_rung": {"en": "Operators rung", "ru": "Вызывались операторы"},
    "xlsx.calls.col.answered_by": {"en": "Answered by", "ru": "Ответил"},
    "xlsx.calls.col.disposition": {"en": "Result", "ru": "Результат"},
    "xlsx.calls.col.wait_s": {"en": "Wait, s", "ru": "Ожидание, с"},
    "xlsx.calls.col.talk_s": {"en": "Talk, s", "ru": "Разговор, с"},
    "xlsx.calls.col.answered_at": {"en": "Answered at", "ru": "Ответ"},
    "xlsx.calls.col.ended_at": {"en": "Ended at", "ru": "Окончание"},
    "xlsx.calls.col.server": {"en": "PBX", "ru": "АТС"},
    "xlsx.debts.title": {"en": "Debts", "ru": "Долги"},
    "xlsx.debts.col.created_at": {"en": "Created at", "ru": "Создан"},
    "xlsx.debts.col.client": {"en": "Client", "ru": "Клиент"},
    "xlsx.debts.col.phone": {"en": "Phone", "ru": "Телефон"},
    "xlsx.debts.col.amount": {"en": "Amount", "ru": "Сумма"},
    "xlsx.debts.col.currency": {"en": "Currency", "ru": "Валюта"},
    "xlsx.debts.col.reason": {"en": "Reason", "ru": "Причина"},
    "xlsx.debts.col.order_ref": {"en": "Order", "ru": "Заказ"},
    "xlsx.debts.col.comment": {"en": "Comment", "ru": "Комментарий"},
    "xlsx.debts.col.created_by": {"en": "Created by", "ru": "Создал"},
    "xlsx.debts.col.state": {"en": "State", "ru": "Состояние"},
    "xlsx.debts.col.paid_at": {"en": "Paid at", "ru": "Оплачен"},
    "xlsx.debts.col.paid_by": {"en": "Closed by", "ru": "Закрыл"},
    "xlsx.debts.col.payment_comment": {"en": "Payment comment", "ru": "Комментарий к оплате"},
    # why a cell of an import is refused; {detail} comes from the check
    "xlsx.reason.invalid_phone": {"en": "not a phone number", "ru": "не номер телефона"},
    "xlsx.reason.not_client_phone": {
        "en": "an extension or a hidden number, not a client's phone",
        "ru": "внутренний или скрытый номер, не телефон клиента",
    },
    "xlsx.reason.duplicate_in_file": {
        "en": "the same phone is already on row {detail}",
        "ru": "этот телефон уже есть в строке {detail}",
    },
    "xlsx.reason.phone_taken": {
        "en": "the phone belongs to existing client {detail} (updating is off)",
        "ru": "телефон принадлежит клиенту {detail} (обновление выключено)",
    },
    "xlsx.reason.owners_conflict": {
        "en": "the phones belong to different clients: {detail}",
        "ru": "телефоны принадлежат разным клиентам: {detail}",
    },
    "xlsx.reason.same_client": {
        "en": "updates the same client as row {detail}",
        "ru": "обновляет того же клиента, что и строка {detail}",
    },
    "xlsx.reason.unknown_tariff": {
        "en": "no such tariff; known: {detail}",
        "ru": "нет такого тарифа; есть: {detail}",
    },
    "xlsx.reason.bad_date": {
        "en": "not a date (use dd.mm.yyyy or yyyy-mm-dd)",
        "ru": "не дата (нужно дд.мм.гггг или гггг-мм-дд)",
    },
    "xlsx.reason.date_range": {"en": "date out of range", "ru": "дата вне допустимого диапазона"},
    "xlsx.reason.bad_email": {"en": "not an email address", "ru": "не адрес электронной почты"},
    "xlsx.reason.bad_choice": {
        "en": "unknown value; use one of: {detail}",
        "ru": "неизвестное значение; допустимо: {detail}",
    },
    "xlsx.reason.bad_amount": {
        "en": "not an amount with at most two decimals ({detail})",
        "ru": "не сумма с двумя знаками после запятой ({detail})",
    },
    "xlsx.reason.bad_address": {
        "en": "an address line has at most 9 parts separated by « | » ({detail})",
        "ru": "в строке адреса не больше 9 частей через « | » ({detail})",
    },
    "xlsx.reason.too_long": {
        "en": "longer than {detail} characters",
        "ru": "длиннее {detail} символов",
    },
    "xlsx.reason.empty_client": {
        "en": "neither a name nor a phone",
        "ru": "нет ни имени, ни телефона",
    },
    "xlsx.reason.no_phone": {
        "en": "no phone: a client needs a number to be called and to pop",
        "ru": "нет телефона: клиенту нужен номер, чтобы звонить и узнавать его",
    },
    "xlsx.reason.bad_tax_id": {
        "en": "not a tax id (10 or 12 digits)",
        "ru": "не ИНН (10 или 12 цифр)",
    },
    "xlsx.reason.no_company_name": {
        "en": "no name: a company needs one",
        "ru": "нет названия: у компании оно должно быть",
    },
    "xlsx.reason.no_name": {
        "en": "no name: a new client needs one",
        "ru": "нет имени: у нового клиента оно должно быть",
    },
    # why a file cannot be imported at all
    "xlsx.file.not_found": {"en": "file not found", "ru": "файл не найден"},
    "xlsx.file.not_xlsx": {
        "en": "not an Excel .xlsx workbook (save it as .xlsx and try again)",
        "ru": "это не книга Excel .xlsx (сохраните файл как .xlsx и повторите)",
    },
    "xlsx.file.corrupt": {
        "en": "the workbook is damaged and cannot be read",
        "ru": "книга повреждена и не читается",
    },
    "xlsx.file.empty": {"en": "the workbook has no rows", "ru": "в книге нет строк"},
    "xlsx.file.no_header": {
        "en": "no header row with a phone or name column in the first rows",
        "ru": "в первых строках нет заголовка со столбцом телефона или имени",
    },
    "xlsx.file.duplicate_column": {
        "en": "column appears twice: {detail}",
        "ru": "столбец повторяется: {detail}",
    },
    # what an import or an export tells the person who ran it (columns ignored:
    # transfer.import.ignored)
    "xlsx.row": {
        "en": "row {row}, {column}: {value}: {reason}",
        "ru": "строка {row}, {column}: {value}: {reason}",
    },
    "xlsx.import.more": {"en": "… and {count} more", "ru": "… и ещё {count}"},
    "xlsx.import.tariff_rows": {"en": "{name} (rows: {rows})", "ru": "{name} (строк: {rows})"},
    "xlsx.import.unknown_tariffs": {
        "en": "tariffs this database does not have: {tariffs}",
        "ru": "тарифов нет в базе: {tariffs}",
    },
    "xlsx.import.hint.cli": {
        "en": "to create them with the import, pass --create-tariffs",
        "ru": "чтобы создать их при загрузке, добавьте --create-tariffs",
    },
    "xlsx.import.hint.dialog": {
        "en": "to create them with the import, tick «Create missing tariffs»",
        "ru": "чтобы создать их при загрузке, отметьте «Создать недостающие тарифы»",
    },
    "xlsx.import.tariffs_created": {
        "en": "tariffs created: {tariffs}",
        "ru": "созданы тарифы: {tariffs}",
    },
    "xlsx.import.tariffs_to_create": {
        "en": "tariffs to be created: {tariffs}",
        "ru": "будут созданы тарифы: {tariffs}",
    },
    "xlsx.import.skipped_row": {
        "en": "row {row}: the phone {value} belongs to existing client {detail}; left as it is",
        "ru": "строка {row}: телефон {value} принадлежит клиенту {detail}; оставлен как есть",
    },
    "xlsx.import.skipped": {
        "en": "{count} row(s) of existing clients skipped (updating is off)",
        "ru": "строк существующих клиентов пропущено: {count} (обновление выключено)",
    },
    "xlsx.import.rejected_tariffs": {
        "en": "{file}: unknown tariffs; nothing imported",
        "ru": "{file}: неизвестные тарифы; ничего не импортировано",
    },
    "xlsx.import.rejected": {
        "en": "{file}: {errors} error(s) in {rows} rows; nothing imported",
        "ru": "{file}: ошибок {errors} в {rows} строках; ничего не импортировано",
    },
    "xlsx.import.dry_run": {
        "en": "{file}: dry run, nothing written: {rows} rows, would create {create}, "
        "update {update}, leave {unchanged} unchanged",
        "ru": "{file}: пробный запуск, ничего не записано: строк {rows}, будет создано "
        "{create}, обновлено {update}, без изменений {unchanged}",
    },
    "xlsx.import.done": {
        "en": "{file}: imported {rows} rows: created {create}, updated {update}, "
        "unchanged {unchanged}",
        "ru": "{file}: импортировано строк {rows}: создано {create}, обновлено {update}, "
        "без изменений {unchanged}",
    },
    "xlsx.export.done": {
        "en": "{file}: exported {rows} rows in {seconds:.1f} s",
        "ru": "{file}: выгружено строк {rows} за {seconds:.1f} с",
    },
    "xlsx.export.cancelled": {
        "en": "{file}: export cancelled, no file written",
        "ru": "{file}: выгрузка отменена, файл не создан",
    },
    "xlsx.export.cannot_write": {
        "en": "{path}: cannot write the file: {reason}",
        "ru": "{path}: не удаётся записать файл: {reason}",
    },
}
