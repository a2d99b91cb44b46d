"""Translate key bindings' descriptions and tooltips for the footer and the palette.

`BINDINGS` are class attributes, evaluated at import time, before the configured language
is known; so their description and tooltip hold catalog keys, and each screen or widget
calls `localize_bindings(self)` in `__init__` to swap in the text of the current language.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from console.i18n import catalog, tr


def _text(value: str) -> str:
    return tr(value) if value in catalog() else value


def localize_bindings(node: DOMNode) -> None:
    keys: dict[str, list[Binding]] = {}
    # Textual keeps a node's bindings in `_bindings` (copied per instance from the class).
    for key, bindings in node._bindings.key_to_bindings.items():
        keys[key] = [
            replace(b, description=_text(b.description), tooltip=_text(b.tooltip)) for b in bindings
        ]
    node._bindings = BindingsMap.from_keys(keys)
