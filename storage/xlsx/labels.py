"""Words for stored codes (status, activity, call results, yes/no) in both languages, and
the reverse: every spelling an import accepts for a code.

Exports write words a dispatcher reads; imports accept those words in either language and
the raw codes, so a file exported with the interface in Russian reads back on an English
desk.
"""

from __future__ import annotations

from typing import Final

from storage.xlsx.headers import Language, normalize_header

# code -> (en, ru)
_WORDS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "status": {
        "new": ("New", "Новый"),
        "regular": ("Regular", "Постоянный"),
        "vip": ("VIP", "VIP"),
        "inactive": ("Inactive", "Неактивный"),
    },
    "activity": {
        "new": ("New", "Новый"),
        "active": ("Active", "Активный"),
        "recent": ("Recent", "Недавний"),
        "inactive": ("Inactive", "Неактивный"),
    },
    "kind": {
        "personal": ("Personal", "Частный"),
        "corporate": ("Corporate", "Корпоративный"),
    },
    "direction": {
        "inbound": ("Inbound", "Входящий"),
        "outbound": ("Outbound", "Исходящий"),
        "internal": ("Internal", "Внутренний"),
    },
    "disposition": {
        "answered": ("Answered", "Отвечен"),
        "missed": ("Missed", "Пропущен"),
        "abandoned": ("Abandoned", "Сброшен"),
        "busy": ("Busy", "Занято"),
        "failed": ("Failed", "Ошибка"),
    },
    "debt_reason": {
        "late_cancel": ("Late cancel", "Поздняя отмена"),
        "unpaid_order": ("Unpaid order", "Неоплаченный заказ"),
        "manual": ("Manual", "Вручную"),
    },
    "debt_state": {
        "paid": ("Paid", "Оплачен"),
        "unpaid": ("Unpaid", "Не оплачен"),
    },
    "bool": {
        "yes": ("Yes", "Да"),
        "no": ("No", "Нет"),
    },
}

# Extra spellings people type, normalised with `normalize_header`.
_EXTRA: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "status": {
        "new": ("новая", "новые"),
        "regular": ("постоянная", "постоянные", "обычный"),
        "inactive": ("неактивная", "неактивен"),
    },
    "kind": {
        "personal": ("частное лицо", "физлицо", "физ лицо", "физическое лицо", "person"),
        "corporate": (
            "организация",
            "юрлицо",
            "юр лицо",
            "юридическое лицо",
            "корпоративная",
            "company",
            "organisation",
            "organization",
        ),
    },
    "bool": {
        "yes": ("y", "1", "true", "x", "х", "+", "д", "истина", "v", "✓", "✔"),
        "no": ("n", "0", "false", "-", "н", "ложь"),
    },
}


def word(group: str, code: str, language: Language) -> str:
    """The word for a stored code; the code itself when there is none."""
    pair = _WORDS[group].get(code)
    if pair is None:
        return code
    return pair[1] if language == "ru" else pair[0]


def yes_no(value: bool, language: Language) -> str:
    return word("bool", "yes" if value else "no", language)


def _reverse() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for group, codes in _WORDS.items():
        spellings = out.setdefault(group, {})
        for code, (en, ru) in codes.items():
            for text in (code, en, ru, *_EXTRA.get(group, {}).get(code, ())):
                spellings[text.strip().casefold()] = code
                if normalize_header(text):
                    spellings[normalize_header(text)] = code
    return out


_REVERSE: Final = _reverse()


def code_for(group: str, text: str) -> str | None:
    """The stored code a typed word means, or None when it means nothing known."""
    # "+" and "-" and ticks vanish under normalisation: look them up verbatim first.
    codes = _REVERSE[group]
    raw = text.strip().casefold()
    if raw in codes:
        return codes[raw]
    norm = normalize_header(raw)
    return codes.get(norm) if norm else None


def accepted(group: str, language: Language) -> str:
    """The words an error message suggests for a column."""
    return ", ".join(word(group, code, language) for code in _WORDS[group])
