"""Column definitions shared by export and import: one key per column, its width and number
format, and the names other programs use for it. The headers the project's own exports
write come from the caller (`labels.SheetWords`, `labels.ImportWords`).

Imports match any known name after `normalize_header`, so a file exported in Russian, one
exported in English, and a hand-made sheet headed «ФИО» or "E-mail" all land in the same
fields.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


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
    width: float = 16
    fmt: Fmt = Fmt.TEXT


def _columns(*cols: Column) -> dict[str, Column]:
    return {c.key: c for c in cols}


# Client columns, in export order. The split name and address columns come last: they make
# the round trip exact, while a person reads the first, combined, "Client" column.
CLIENT_COLUMNS: Final = _columns(
    Column("name", 34),
    Column("phones", 18),
    Column("phones_national", 20),
    Column("birthday", 13, Fmt.DATE),
    Column("email", 26),
    Column("city", 16),
    Column("status", 12),
    Column("activity", 12),
    Column("completed_orders", 11, Fmt.INT),
    Column("false_orders", 11, Fmt.INT),
    Column("unpaid_debt", 12, Fmt.MONEY),
    Column("blacklisted", 10),
    Column("blacklist_reason", 24),
    Column("tariff", 14),
    Column("registered_at", 17, Fmt.DATETIME),
    Column("comment", 30),
    Column("kind", 12),
    Column("last_name", 16),
    Column("first_name", 14),
    Column("middle_name", 16),
    Column("organisation", 24),
    Column("street", 20),
    Column("house", 8),
    Column("entrance", 8),
    # What the card holds besides (item 11 of issue 14): money, the company, whose each
    # phone is, and every address. Columns of the one client sheet rather than sheets of
    # their own: a row stays one client, so an import is still all rows or none with each
    # refused cell named, and a filtered export stays one sheet.
    Column("balance", 12, Fmt.MONEY),
    Column("bonus_balance", 12, Fmt.MONEY),
    Column("credit_limit", 12, Fmt.MONEY),
    Column("discount_percent", 10, Fmt.MONEY),
    Column("rating", 8, Fmt.MONEY),
    Column("company", 24),
    Column("company_account", 12),
    # One line per phone, in the order of the phones column: whose number it is.
    Column("phone_labels", 16),
    # One line per address, most used first: label | city | street | house | building |
    # entrance | floor | apartment | comment (`ADDRESS_PARTS`).
    Column("addresses", 60),
)
ADDRESS_PARTS: Final = (
    "label",
    "city",
    "street",
    "house",
    "building",
    "entrance",
    "floor",
    "apartment",
    "comment",
)
ADDRESS_SEPARATOR: Final = " | "

# The companies sheet of a client export, after the clients: each company the exported
# clients work for (every company, for the whole base) with its account's balance. The
# employees' count is for people; an import reads it as derived, never typed in.
COMPANY_COLUMNS: Final = _columns(
    Column("name", 30),
    Column("tax_id", 14),
    Column("contact_name", 22),
    Column("contact_phone", 18),
    Column("comment", 30),
    Column("balance", 14, Fmt.MONEY),
    Column("employees", 11, Fmt.INT),
)
# Names other programs and people give the company columns (normalised form).
COMPANY_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("название", "наименование", "компания", "организация", "company", "name"),
    "tax_id": ("инн", "inn", "tax id"),
    "contact_name": ("контактное лицо", "контакт", "contact"),
    "contact_phone": ("телефон контакта", "телефон для связи", "contact phone"),
    "comment": ("комментарий", "примечание", "comment"),
    "balance": ("баланс", "счет", "счет компании", "balance"),
    "employees": ("сотрудники", "сотрудников", "employees"),
}

CALL_COLUMNS: Final = _columns(
    Column("started_at", 17, Fmt.DATETIME),
    Column("direction", 12),
    Column("number", 16),
    Column("number_national", 18),
    Column("caller_name", 18),
    Column("client", 28),
    Column("queue", 12),
    Column("operators_rung", 16),
    Column("answered_by", 10),
    Column("disposition", 13),
    Column("wait_s", 10, Fmt.NUMBER),
    Column("talk_s", 10, Fmt.NUMBER),
    Column("answered_at", 17, Fmt.DATETIME),
    Column("ended_at", 17, Fmt.DATETIME),
    Column("server", 10),
)

DEBT_COLUMNS: Final = _columns(
    Column("created_at", 17, Fmt.DATETIME),
    Column("client", 28),
    Column("phone", 16),
    Column("amount", 12, Fmt.MONEY),
    Column("currency", 8),
    Column("reason", 16),
    Column("order_ref", 12),
    Column("comment", 24),
    Column("created_by", 14),
    Column("state", 11),
    Column("paid_at", 17, Fmt.DATETIME),
    Column("paid_by", 14),
    Column("payment_comment", 24),
)

# The audit trail («who did what»): one row per entry, its change already in words.
AUDIT_COLUMNS: Final = _columns(
    Column("at", 17, Fmt.DATETIME),
    Column("actor", 20),
    Column("client", 28),
    Column("client_id", 10, Fmt.INT),
    Column("kind", 16),
    Column("change", 60),
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
    "company": ("работодатель", "employer", "компания работодатель"),
    "balance": ("баланс", "лицевой счет", "balance", "account"),
    "bonus_balance": ("бонусы", "бонусный баланс", "bonus", "bonuses"),
    "credit_limit": ("кредитный лимит", "лимит", "credit limit"),
    "discount_percent": ("скидка", "скидка %", "discount", "discount %"),
    "rating": ("рейтинг", "rating"),
    "addresses": ("адреса", "addresses"),
    "phone_labels": ("подписи телефонов", "метки телефонов", "phone labels"),
    "company_account": ("за счет компании", "on account", "on company account"),
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


def header_index(
    own: Mapping[str, Collection[str]],
    synonyms_of: Mapping[str, Collection[str]] = _SYNONYMS,
) -> dict[str, str]:
    """Normalised header -> client field: the names other programs use, and `own`, the
    headers this project's exports write (client column key -> every spelling), so a file
    it wrote always reads back. (`synonyms_of`: another sheet's, the companies'.)"""
    index: dict[str, str] = {}
    for key, synonyms in synonyms_of.items():
        for name in synonyms:
            index[normalize_header(name)] = key
    for key, names in own.items():
        for name in names:
            index.setdefault(normalize_header(name), key)
    return index


def field_for(header: object, index: Mapping[str, str]) -> str | None:
    """The client field a header names in `index` (a `header_index`), None if unknown.

    "phones" for any phone column, except the export's own national-format copy,
    "phones_national", which an import reads only when the file has no other phone column.
    """
    norm = normalize_header(header)
    if not norm:
        return None
    key = index.get(norm)
    if key is not None:
        return key
    if _PHONE_HEADER.match(norm):
        return "phones"
    return None
