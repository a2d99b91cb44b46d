"""Keys typed on the Russian keyboard layout act as the keys they sit on.

A dispatcher types names in Russian all shift and then presses a one-letter key — `a` for
an address, `w` for who did what, `]` for the next call — without switching the layout
back. The terminal then sends «ф», «ц», «ъ»: no binding has them, and the key did
nothing. Here such a key is read as the Latin key in the same place of the ЙЦУКЕН/QWERTY
keyboard, but only when it would otherwise be lost: the focus is not in a field that takes
text (there «ф» is a letter of a name), the screen does not take typed letters as a
search (`LettersSearch`: the client base, where «Сидоров» typed over the list must find
Сидоров, not call the selected client on «с» = `c`), and the Latin key is bound right now
on the screen while the Cyrillic one is not. And only a key pressed on its own, at least
`TWIN_PAUSE_SECONDS` after the one before: Russian prose typed where the dispatcher thinks a
field has the focus (it has not) stays ignored, as before, instead of becoming a string of
commands («с» = `c` calls, «ч» = `x` dismisses). A command key is pressed deliberately.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Final

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

# The Russian ЙЦУКЕН layout over US QWERTY: the character each key gives in each layout.
_RUSSIAN: Final = "йцукенгшщзхъфывапролджэячсмитьбюё"
_LATIN: Final = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_RUSSIAN_SHIFTED: Final = "ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ"
_LATIN_SHIFTED: Final = 'QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>~'
TWINS: Final[dict[str, str]] = dict(
    zip(_RUSSIAN + _RUSSIAN_SHIFTED, _LATIN + _LATIN_SHIFTED, strict=True)
)

# A typist's keys come 0.1–0.3 s apart; a key pressed after a look at the screen, later.
TWIN_PAUSE_SECONDS: Final = 0.5

# Widgets where a typed character is text, whatever a binding elsewhere says.
TEXT_FIELDS: Final = (Input, TextArea)


class LettersSearch:
    """A screen where Cyrillic letters typed outside a field start a search."""


def is_russian_letter(character: str | None) -> bool:
    return character is not None and character in TWINS and character.isalpha()


def key_name(character: str) -> str:
    """Textual's name of the key that types `character` («w», «left_square_bracket»)."""
    if character.isalnum():
        return character
    return unicodedata.name(character).lower().replace(" ", "_").replace("-", "_")


def latin_twin(key: events.Key, focused: Widget | None, screen: Screen[Any]) -> events.Key | None:
    """The Latin key to deliver instead of `key`, or None to deliver `key` as it is."""
    latin = TWINS.get(key.character or "")
    if latin is None or isinstance(focused, TEXT_FIELDS) or isinstance(screen, LettersSearch):
        return None
    bound = screen.active_bindings
    name = key_name(latin)
    if key.key in bound or name not in bound:
        return None
    return events.Key(name, latin)
