"""Column definitions shared by export and import: one key per column, its header in both
interface languages, its width and number format, and the names other programs use for it.

Exports write `label(language)`; imports match any known name after `normalize_header`, so a
file exported in Russian, one exported in English, and a hand-made sheet headed «ФИО» or
"E-mail" all land in the same fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

Language = Literal["en", "ru"]


class Fmt(StrEnum):
    """How a column's cells are written, so Excel shows dates and money as such."""

    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"


NUMBER_FORMATS: Final[dict[Fmt, str]] = {
    Fmt.INT: "0",
    Fmt.NUMBER: "0.0",
    Fmt.MONEY: "#,##0.00",
    Fmt.DATE: "DD.MM.YYYY",
    Fmt.DATETIME: "DD.MM.YYYY HH:MM",
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    en: str
    ru: str
    width: float = 16
    fmt: Fmt = Fmt.TEXT

    def label(self, language: Language) -> str:
        return self.ru if language == "ru" else self.en


def _columns(*cols: Column) -> dict[str, Column]:
    return {c.key: c for c in cols}


# Client columns, in export order. The split name and address columns come last: they make
# the round trip exact, while a person reads the first, combined, "Client" column.
CLIENT_COLUMNS: Final = _columns(
    Column("name", "Client", "Клиент", 34),
    Column("phones", "Phones", "Телефоны", 18),
    Column("phones_national", "Phones (national)", "Телефоны (местный формат)", 20),
    Column("birthday", "Birthday", "Дата рождения", 13, Fmt.DATE),
    Column("email", "Email", "Email", 26),
    Column("city", "City", "Город", 16),
    Column("status", "Status", "Статус", 12),
    Column("activity", "Activity", "Активность", 12),
    Column("completed_orders", "Completed orders", "Выполнено заказов", 11, Fmt.INT),
    Column("false_orders", "False orders", "Ложных заказов", 11, Fmt.INT),
    Column("unpaid_debt", "Unpaid debt", "Долг", 12, Fmt.MONEY),
    Column("blacklisted", "Blacklisted", "Черный список", 10),
    Column("blacklist_reason", "Blacklist reason", "Причина", 24),
    Column("tariff", "Tariff", "Тариф", 14),
    Column("registered_at", "Registered at", "Дата регистрации", 17, Fmt.DATETIME),
    Column("comment", "Comment", "Комментарий", 30),
    Column("kind", "Kind", "Тип клиента", 12),
    Column("last_name", "Last name", "Фамилия", 16),
    Column("first_name", "First name", "Имя", 14),
    Column("middle_name", "Middle name", "Отчество", 16),
    Column("organisation", "Organisation", "Организация", 24),
    Column("street", "Street", "Улица", 20),
    Column("house", "House", "Дом", 8),
    Column("entrance", "Entrance", "Подъезд", 8),
)

CALL_COLUMNS: Final = _columns(
    Column("started_at", "Started at", "Начало", 17, Fmt.DATETIME),
    Column("direction", "Direction", "Направление", 12),
    Column("number", "Number", "Номер", 16),
    Column("number_national", "Number (national)", "Номер (местный формат)", 18),
    Column("caller_name", "Caller ID name", "Имя абонента", 18),
    Column("client", "Client", "Клиент", 28),
    Column("queue", "Queue", "Очередь", 12),
    Column("operators_rung", "Operators rung", "Вызывались операторы", 16),
    Column("answered_by", "Answered by", "Ответил", 10),
    Column("disposition", "Result", "Результат", 13),
    Column("wait_s", "Wait, s", "Ожидание, с", 10, Fmt.NUMBER),
    Column("talk_s", "Talk, s", "Разговор, с", 10, Fmt.NUMBER),
    Column("answered_at", "Answered at", "Ответ", 17, Fmt.DATETIME),
    Column("ended_at", "Ended at", "Окончание", 17, Fmt.DATETIME),
    Column("server", "PBX", "АТС", 10),
)

DEBT_COLUMNS: Final = _columns(
    Column("created_at", "Created at", "Создан", 17, Fmt.DATETIME),
    Column("client", "Client", "Клиент", 28),
    Column("phone", "Phone", "Телефон", 16),
    Column("amount", "Amount", "Сумма", 12, Fmt.MONEY),
    Column("currency", "Currency", "Валюта", 8),
    Column("reason", "Reason", "Причина", 16),
    Column("order_ref", "Order", "Заказ", 12),
    Column("comment", "Comment", "Комментарий", 24),
    Column("created_by", "Created by", "Создал", 14),
    Column("state", "State", "Состояние", 11),
    Column("paid_at", "Paid at", "Оплачен", 17, Fmt.DATETIME),
    Column("paid_by", "Closed by", "Закрыл", 14),
    Column("payment_comment", "Payment comment", "Комментарий к оплате", 24),
)

# Names other programs and people give the client columns (normalised form). Every export
# label is added automatically, so a file this project wrote always reads back.
_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "name": (
        "фио",
        "ф и о",
        "имя клиента",
        "клиент фио",
        "full name",
        "name",
        "client name",
        "customer",
        "наименование",
    ),
    "last_name": ("фамилия", "surname", "family name"),
    "first_name": ("имя", "given name"),
    "middle_name": ("отчество", "patronymic"),
    "organisation": (
        "организация",
        "компания",
        "наименование организации",
        "organization",
        "company",
    ),
    "email": ("email", "e mail", "почта", "эл почта", "электронная почта", "mail"),
    "city": ("город", "филиал", "city", "town", "branch"),
    "street": ("улица", "street"),
    "house": ("дом", "house"),
    "entrance": ("подъезд", "entrance"),
    "address": ("адрес", "address"),
    "birthday": ("дата рождения", "день рождения", "др", "birthday", "birth date", "date of birth"),
    "comment": ("комментарий", "примечание", "заметка", "comment", "comments", "note", "notes"),
    "tariff": ("тариф", "tariff", "default tariff", "тариф по умолчанию"),
    "blacklisted": (
        "черный список",
        "в черном списке",
        "чс",
        "blacklist",
        "blacklisted",
        "black list",
    ),
    "blacklist_reason": (
        "причина",
        "причина черного списка",
        "причина чс",
        "blacklist reason",
        "reason",
    ),
    "status": ("статус", "status"),
    "kind": ("тип", "тип клиента", "вид клиента", "kind", "type", "client type"),
    "registered_at": ("дата регистрации", "зарегистрирован", "registered", "registered at"),
}

# Any header that starts with one of these words is a phone column ("Телефон 2",
# "Phone (mobile)", "Телефоны (местный формат)", "Моб. телефон").
_PHONE_HEADER: Final = re.compile(
    r"^(телефон\w*|тел|моб\w*( телефон\w*)?|сотовый|номер( телефона)?|"
    r"phone\w*|tel|telephone\w*|mobile|cell( phone)?|msisdn)( .*)?$"
)

# Columns the export writes for people that an import recognises and deliberately skips:
# they are derived from orders, calls and debts, never typed in.
DERIVED_CLIENT_KEYS: Final = frozenset(
    {"activity", "completed_orders", "false_orders", "unpaid_debt"}
)

_NON_WORD: Final = re.compile(r"[^\w]+")


def normalize_header(text: object) -> str:
    """Case-, space-, punctuation- and ё-insensitive form of a header cell."""
    if text is None:
        return ""
    folded = str(text).casefold().replace("ё", "е").replace("_", " ")
    return _NON_WORD.sub(" ", folded).strip()


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, names in _SYNONYMS.items():
        for name in names:
            index[normalize_header(name)] = key
    for col in CLIENT_COLUMNS.values():
        for name in (col.en, col.ru):
            index.setdefault(normalize_header(name), col.key)
    return index


_INDEX: Final = _build_index()


def client_field_for(header: object) -> str | None:
    """The client field a header names, None if unknown.

    "phones" for any phone column, except the export's own national-format copy,
    "phones_national", which an import reads only when the file has no other phone column.
    """
    norm = normalize_header(header)
    if not norm:
        return None
    key = _INDEX.get(norm)
    if key is not None:
        return key
    if _PHONE_HEADER.match(norm):
        return "phones"
    return None
