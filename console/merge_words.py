"""Merges and the audit trail in words: field names, values as the card writes them, what
a merge moves, and each audit entry as «who changed what: old → new». Shared by the
command line and the screens (no Textual here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from console.i18n import catalog, fmt_date, fmt_datetime, fmt_money, fmt_number, tr
from storage.audit import CHANGE_KINDS, OTHER_KIND, AuditRow
from storage.phones import format_display

# What a merge moves, in the order a preview names it (other tables follow by name).
MOVE_ORDER: Final = ("client_phones", "calls", "debts", "account_operations", "audit_log")
MONEY_FIELDS: Final = frozenset(
    {"balance", "bonus_balance", "credit_limit", "discount_percent", "rating"}
)
KINDS: Final = (*CHANGE_KINDS, OTHER_KIND)
PHONE_FIELDS: Final = frozenset({"phone", "phones"})  # E.164 in the trail, shown as the card does
SHOWN_TEXT: Final = 60


def field_name(field: str) -> str:
    """«Город», «Тариф по умолчанию»: the trail's own word for a client field where the
    card uses the label for something else (a company's name), else the card's label,
    else the column's own name."""
    for key in (f"audit.field.{field}", f"card.field.{field}"):
        if key in catalog():
            return tr(key)
    return field


def _word(group: str, value: str) -> str | None:
    key = f"word.{group}.{value}"
    return tr(key) if key in catalog() else None


def merge_value(field: str, value: Any, tariffs: Mapping[int, str] | None = None) -> str:
    """A value as the card shows it: «—» for none, a tariff by name, money with places,
    numbers as «+7 916 123-45-67»."""
    if field == "queue" and value is None:  # a pause in every queue the operator is in
        return tr("audit.queue.all")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return tr("word.bool.yes" if value else "word.bool.no")
    if field in PHONE_FIELDS and isinstance(value, str):
        return format_display(value)
    if field == "phone_labels" and isinstance(value, dict):
        return ", ".join(
            f"{format_display(k)}: {merge_value('label', v)}" for k, v in value.items()
        )
    if field == "tariff_id" and isinstance(value, int):
        return (tariffs or {}).get(value, f"#{value}")
    if field in ("kind", "status") and isinstance(value, str):
        return _word(field, value) or value
    if field == "reason" and isinstance(value, str):  # a debt's, or a missed number's closing
        for key in (f"card.debt.reason.{value}", f"callbacks.reason.{value}"):
            if key in catalog():
                return tr(key)
        return value
    if field == "amount" and not isinstance(value, bool | list | dict):
        try:
            return fmt_money(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if field in MONEY_FIELDS:
        try:
            return fmt_number(Decimal(str(value)), places=2)
        except InvalidOperation:
            return str(value)
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, str) and field == "birthday":
        try:
            return fmt_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and field.endswith("_at"):  # a time, as the trail keeps it
        try:
            return fmt_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(merge_value(field, v, tariffs) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{field_name(k)}: {merge_value(k, v, tariffs)}" for k, v in value.items())
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1] + "…"


def moves_line(moves: Mapping[str, int], phones: Sequence[str]) -> str:
    """«Переходят: телефоны 1 (8 903 111-22-33), звонки 2, …»; nothing: «Переходит: ничего»."""
    order = [k for k in MOVE_ORDER if k in moves] + sorted(set(moves) - set(MOVE_ORDER))
    parts = []
    for kind in order:
        count = moves[kind]
        if not count:
            continue
        label = tr(f"merge.moves.{kind}") if f"merge.moves.{kind}" in catalog() else kind
        text = f"{label} {count}"
        if kind == "client_phones" and phones:
            text += f" ({', '.join(phones)})"
        parts.append(text)
    return tr("merge.moves", moves=", ".join(parts) or tr("merge.moves.nothing"))


# ------------------------------------------------------------------------- the trail


def kind_word(kind: str) -> str:
    return tr(f"audit.kind.{kind}")


def action_word(action: str) -> str:
    key = f"audit.action.{action}"
    return tr(key) if key in catalog() else action


def client_words(row: AuditRow) -> str:
    """The client an entry concerns as the console names one: the name; a client without
    a name by their number, as a call shows them (else as the card says, «(имя не
    указано)»); a card gone since by its number; "" for an entry of no client."""
    if row.client_id is None:
        return ""
    if row.client_name:
        return row.client_name
    if row.client_name is None:
        return tr("audit.client.gone", id=row.client_id)
    if row.client_phone:
        return format_display(row.client_phone)
    return tr("card.name.unnamed")


def change_parts(row: AuditRow, tariffs: Mapping[int, str] | None = None) -> list[str]:
    """Each field of an entry as «Город: Самара → Тольятти» («+ …» / «− …» for added or
    removed values)."""
    parts: list[str] = []
    for field, pair in row.changes.items():
        if field in ("source", "currency"):  # (the amount says its currency)
            continue
        old, new = (pair[0], pair[1]) if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        name = field_name(field)
        if old is None or old == "":
            parts.append(f"{name}: {merge_value(field, new, tariffs)}")
        elif new is None or new == "":
            parts.append(f"{name}: {merge_value(field, old, tariffs)} → —")
        else:
            parts.append(
                f"{name}: {merge_value(field, old, tariffs)} → {merge_value(field, new, tariffs)}"
            )
    return parts


def describe_entry(row: AuditRow, tariffs: Mapping[int, str] | None = None) -> tuple[str, str]:
    """(the kind of change, what changed) in words: «Карточка», «Изменена карточка:
    Город: Самара → Тольятти; Улица: — → Ленина»."""
    what = action_word(row.action)
    if row.changes.get("source") == [None, "xlsx import"]:
        what = f"{what} ({tr('audit.from_import')})"
    parts = change_parts(row, tariffs)
    return kind_word(row.kind), what + (": " + "; ".join(parts) if parts else "")


# ------------------------------------------------------------------------ refusals


def refusal_line(exc: BaseException | None) -> str:
    """Why storage refused a change from these screens, in one line of words: who may do
    it (a role refusal), what is wrong with a value, or the database's own problem."""
    from console.data import database_error_text
    from console.wording import invalid_change, not_allowed
    from storage.errors import DomainError, InvalidChange, NotAllowed, NotFound

    if isinstance(exc, NotAllowed):
        return not_allowed(exc)
    if isinstance(exc, InvalidChange):
        return f"{field_name(exc.field)}: {invalid_change(exc)}"
    if isinstance(exc, NotFound):
        return tr("card.error.not_found")
    if isinstance(exc, DomainError):
        return str(exc)
    if exc is None:
        return ""
    return database_error_text(exc) or str(exc) or type(exc).__name__
