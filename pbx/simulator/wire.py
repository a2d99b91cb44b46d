"""The simulator's side of the AMI wire: building messages as Asterisk formats them.

Parsing uses ``pbx.capture.parse_message`` (the capture reader), never the client's
panoramisk-based parser: the simulator plays Asterisk and must not share the code under
test, or a bug in both would cancel out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

EOL = "\r\n"
EOM = "\r\n\r\n"
BANNER = "Asterisk Call Manager/11.0.0\r\n"


def header(headers: Mapping[str, str], name: str, default: str = "") -> str:
    """Case-insensitive lookup (clients may send ``actionid``)."""
    if name in headers:
        return headers[name]
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            return value
    return default


def render(items: Iterable[tuple[str, str]]) -> str:
    return "".join(f"{k}: {v}{EOL}" for k, v in items) + EOL


def response(action_id: str, status: str = "Success", **extra: str) -> str:
    items = [("Response", status)]
    if action_id:
        items.append(("ActionID", action_id))
    items.extend(extra.items())
    return render(items)
