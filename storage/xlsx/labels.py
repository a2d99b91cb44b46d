"""The words of a sheet, handed in by the caller: storage spells no word a person reads.

An export writes `SheetWords` (one language: the title, each column's header, the word for
each stored code); an import reads with `Spellings`, built from `ImportWords` (every
language's headers and words, so a file exported with the interface in Russian reads
back on an English desk) plus the spellings other programs and people use, which are
knowledge about input, not words shown, and stay here (`_EXTRA`, `headers._SYNONYMS`).
The console builds both from its catalog (`console/xlsx_words.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Final

from storage.filters import Activity
from storage.models import CallDirection, ClientKind, ClientStatus, Disposition
from storage.xlsx.headers import field_for, header_index, normalize_header

# Every group of stored codes a sheet shows as words, and its codes in the order an error
# message lists them. The caller's words must cover all of them (tests/test_words.py).
CODE_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "status": tuple(ClientStatus),
    "activity": tuple(Activity),
    "kind": tuple(ClientKind),
    "direction": tuple(CallDirection),
    "disposition": tuple(Disposition),
    "debt_reason": ("late_cancel", "unpaid_order", "manual"),
    "debt_state": ("paid", "unpaid"),
    "bool": ("yes", "no"),
    "address_label": ("home", "work", "other"),
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
    "address_label": {"home": ("дом",), "work": ("работа",), "other": ("другое",)},
    "bool": {
        "yes": ("y", "1", "true", "x", "х", "+", "д", "истина", "v", "✓", "✔"),
        "no": ("n", "0", "false", "-", "н", "ложь"),
    },
}


@dataclass(frozen=True, slots=True)
class SheetWords:
    """What one export writes for people, in the language of whoever asked for it."""

    title: str
    headers: Mapping[str, str]  # column key -> header
    words: Mapping[str, Mapping[str, str]]  # CODE_GROUPS group -> code -> word

    def word(self, group: str, code: str) -> str:
        """The word for a stored code; the code itself when there is none."""
        return self.words.get(group, {}).get(code, code)

    def yes_no(self, value: bool) -> str:
        return self.word("bool", "yes" if value else "no")


@dataclass(frozen=True, slots=True)
class ImportWords:
    """Every spelling, in every language, of the client sheet's headers and of the words
    for codes, as the caller's exports write them."""

    headers: Mapping[str, Collection[str]]  # client column key -> its headers
    words: Mapping[str, Mapping[str, Collection[str]]]  # group -> code -> its words
    # The companies sheet's headers (company column key -> its headers), if any.
    company_headers: Mapping[str, Collection[str]] = field(default_factory=dict)


class Spellings:
    """What the cells of an import mean: header -> client field, word -> stored code."""

    def __init__(self, words: ImportWords) -> None:
        self._headers = header_index(words.headers)
        self._codes: dict[str, dict[str, str]] = {}
        for group, codes in CODE_GROUPS.items():
            spellings = self._codes.setdefault(group, {})
            for code in codes:
                given = words.words.get(group, {}).get(code, ())
                for text in (code, *given, *_EXTRA.get(group, {}).get(code, ())):
                    spellings[text.strip().casefold()] = code
                    if normalize_header(text):
                        spellings[normalize_header(text)] = code

    def field_for(self, header: object) -> str | None:
        """The client field a header names, None if unknown (see `headers.field_for`)."""
        return field_for(header, self._headers)

    def code_for(self, group: str, text: str) -> str | None:
        """The stored code a typed word means, or None when it means nothing known."""
        # "+" and "-" and ticks vanish under normalisation: look them up verbatim first.
        codes = self._codes[group]
        raw = text.strip().casefold()
        if raw in codes:
            return codes[raw]
        norm = normalize_header(raw)
        return codes.get(norm) if norm else None
