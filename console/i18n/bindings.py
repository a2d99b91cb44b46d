"""Keys and Textual's own words in the interface language: the footer, the keys panel, the
command palette.

`BINDINGS` are class attributes, evaluated at import time, before the configured language
is known; so the console's own bindings hold catalog keys as description and tooltip, and
Textual's widgets hold English («Focus Next», «Move cursor left»). Textual has no public
way to reword them: this is the one module that reaches into its private parts (each
class's merged `_merged_bindings`, each node's `_bindings`, the palette's «No matches»
timer), and each reach falls back to leaving Textual's English if the part has moved.
Screens and the app call `localize_bindings(self)` in `__init__`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding, BindingsMap
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets.option_list import Option

from console.i18n import Language, catalog, language, tr
from console.i18n.textual import textual_key

# Each node class as Textual built it (English or catalog keys), and the language its
# bindings are in now: tests switch languages within one process.
_ORIGINAL_BINDINGS: dict[type[DOMNode], BindingsMap] = {}
_ORIGINAL_GROUP_TITLES: dict[type[DOMNode], str] = {}
_LOCALIZED: dict[type[DOMNode], Language] = {}


def words(text: str) -> str:
    """`text` in the interface language when it is a catalog key or one of Textual's
    English texts; anything else as it is."""
    if text in catalog():
        return tr(text)
    key = textual_key(text)
    return tr(key) if key is not None else text


def _translated(bindings: BindingsMap) -> BindingsMap:
    keys: dict[str, list[Binding]] = {
        key: [replace(b, description=words(b.description), tooltip=words(b.tooltip)) for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
    return BindingsMap.from_keys(keys)


def _node_classes() -> Iterator[type[DOMNode]]:
    stack: list[type[DOMNode]] = [DOMNode]
    seen: set[type[DOMNode]] = set()
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                yield sub


def localize_classes() -> None:
    """The keys of every node class imported so far, in the current language: a widget
    copies its class's bindings when it is built, so it is born speaking it."""
    now = language()
    for cls in _node_classes():
        if _LOCALIZED.get(cls) == now:
            continue
        merged = cls.__dict__.get("_merged_bindings")
        if isinstance(merged, BindingsMap):
            original = _ORIGINAL_BINDINGS.setdefault(cls, merged)
            cls._merged_bindings = _translated(original)
        title = cls.__dict__.get("BINDING_GROUP_TITLE")
        if isinstance(title, str):
            cls.BINDING_GROUP_TITLE = words(_ORIGINAL_GROUP_TITLES.setdefault(cls, title))
        _LOCALIZED[cls] = now


def localize_bindings(node: DOMNode) -> None:
    """`node`'s keys in the current language (call in `__init__`, before anything binds)."""
    localize_classes()
    mine = _translated(node._bindings)  # as built: the class's, plus any added since
    merged = type(node).__dict__.get("_merged_bindings")
    if isinstance(merged, BindingsMap):
        # The class's keys come from the class, now in the current language (the node's
        # copy may be in the language of a console built before this one); keys the node
        # got on its own (Textual adds ctrl+p to an app) are kept, translated.
        mine.key_to_bindings.update(merged.copy().key_to_bindings)
    node._bindings = mine


def system_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's palette commands (Theme, Quit, Keys, Screenshot…) in the interface language."""
    for command in commands:
        yield command._replace(title=words(command.title), help=words(command.help))


class ConsolePalette(CommandPalette):
    """The command palette, its placeholder and «No matches found» in the interface language."""

    def __init__(self, providers: Any = None, *, placeholder: str, id: str | None = None) -> None:
        super().__init__(providers, placeholder=placeholder, id=id)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual writes «No matches found» inside this private timer; without the parts it
        # uses, Textual's own (English) countdown runs instead.
        timer = getattr(self, "_no_matches_timer", ...)
        countdown = getattr(self, "_NO_MATCHES_COUNTDOWN", None)
        option_id = getattr(self, "_NO_MATCHES", None)
        if timer is ... or countdown is None or option_id is None:
            super()._start_no_matches_countdown(search_value)
            return
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(tr("textual.palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=option_id,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(countdown, show_no_matches)
