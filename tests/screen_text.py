"""The text of a screen as the operator reads it, from Textual's SVG export (a snapshot
file or `App.export_screenshot()`): one string per terminal line, spans put back in their
columns."""

from __future__ import annotations

import html
import re

# <text class="terminal-r2" x="12.2" y="20" textLength="427" clip-path="url(#terminal-line-0)">
# (a live export names them terminal-<id>-line-0)
_SPAN = re.compile(
    r'<text [^>]*?x="(?P<x>[\d.]+)"[^>]*?'
    r'clip-path="url\(#terminal-(?:\w+-)?line-(?P<line>\d+)\)"[^>]*>'
    r"(?P<text>[^<]*)</text>"
)
_CELL_WIDTH = 12.2  # Textual's SVG: one terminal cell is 12.2 px wide


def screen_lines(svg: str) -> list[str]:
    rows: dict[int, dict[int, str]] = {}
    for span in _SPAN.finditer(svg):
        column = round(float(span["x"]) / _CELL_WIDTH)
        text = html.unescape(span["text"]).replace("\u00a0", " ")
        row = rows.setdefault(int(span["line"]), {})
        for offset, char in enumerate(text):
            row[column + offset] = char
    return [
        "".join(row.get(c, " ") for c in range(max(row) + 1)).rstrip() if row else ""
        for row in (rows.get(n, {}) for n in range(max(rows, default=-1) + 1))
    ]


def screen_text(svg: str) -> str:
    return "\n".join(screen_lines(svg))
