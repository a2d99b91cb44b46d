"""The Russian screens speak Russian: no English word in any Russian snapshot, apart from a
short list of terms a Russian desk uses as they are (e-mail, xlsx, SIP, key names) and the
names the test data gives its PBX and queue.

It reads the snapshots as they are on disk (`tests/__snapshots__/**/*ru*.svg`), that is,
the current rendering of every screen and dialog the snapshot tests shoot: when a screen
changes and its snapshots are regenerated, this test reads the new text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.screen_text import screen_text

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
RUSSIAN = sorted(p for p in SNAPSHOTS.rglob("*.svg") if re.search(r"[\[-]ru[-\]]", p.name))

# Terms a Russian desk reads in Latin letters.
TERMS = frozenset({"e-mail", "email", "excel", "xlsx", "sip", "iax2", "ami", "vip", "id", "svg"})
# Key names in the footer, the keys panel and hints («^p Команды», «ctrl+n другие звонки»).
KEYS = frozenset(
    {"ctrl", "shift", "alt", "esc", "escape", "enter", "tab", "space", "del", "delete"}
    | {"home", "end", "pageup", "pagedown", "pgup", "pgdn", "up", "down", "left", "right"}
    | {"backspace"}
    | {f"f{n}" for n in range(1, 13)}
)
# Names in the test data: the PBX «main», its queues «dispatch» and «night» (dynamic
# members), the app's title.
DATA = frozenset({"main", "dispatch", "night", "opconsole"})
ALLOWED = TERMS | KEYS | DATA

# A run of Latin letters (with inner hyphens: «e-mail»); a single letter is a key («x»).
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


# A value quoted back from a file or a form («строка 4, Email: 'not-an-email': …») is data.
QUOTED = re.compile(r"'[^'\n]*'")


def english_words(text: str) -> list[str]:
    text = QUOTED.sub("", text)
    return [
        m[0]
        for m in WORD.finditer(text)
        if len(m[0]) > 1
        and m[0].lower() not in ALLOWED
        and not _in_file_name(m[0], text)
        and not _cut_by_a_dialog(m[0], text[m.end() : m.end() + 1])
    ]


# A dialog's edge drawn over the screen beneath it cuts that screen's words («dispatc█»).
EDGES = frozenset("█▌▐▎▊▏")


def _cut_by_a_dialog(word: str, after: str) -> bool:
    return after in EDGES and any(a.startswith(word.lower()) for a in ALLOWED)


FILE_NAME = re.compile(r"[\w~/.-]+\.(?:xlsx|conf)\b")


def _in_file_name(word: str, text: str) -> bool:
    """«bad.xlsx», «~/clients-2026-11-22.xlsx»: a path is what the operator typed;
    «queues.conf»: Asterisk's file, named as the PBX's administrator knows it."""
    return any(word in name for name in FILE_NAME.findall(text))


def test_the_russian_snapshots_are_there() -> None:
    """Every snapshot module shoots Russian screens (else the test below reads nothing)."""
    modules = {p.parent.name for p in RUSSIAN}
    assert {"test_snapshots_console", "test_snapshots_board", "test_snapshots_i18n"} <= modules


@pytest.mark.parametrize("snapshot", RUSSIAN, ids=[p.stem for p in RUSSIAN])
def test_a_russian_screen_has_no_english_words(snapshot: Path) -> None:
    text = screen_text(snapshot.read_text("utf-8"))
    assert english_words(text) == [], text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("^p Команды  f1 Диспетчер  ctrl+n другие звонки", []),
        ("Эл. почта: not an e-mail address", ["not", "an", "address"]),
        ("АТС main: на связи · очередь dispatch · VIP", []),
        ("Путь: ~/clients-2026-11-22.xlsx", []),
        ("строка 4, Email: 'not-an-email': не адрес", []),
        ("Search for commands…", ["Search", "for", "commands"]),
    ],
)
def test_what_counts_as_an_english_word(text: str, found: list[str]) -> None:
    assert english_words(text) == found
