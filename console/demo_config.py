"""Writes the demo's config: an embedded SQLite file and the built-in simulator on loopback.

Used by `make demo`; the operators' devices match the simulator's (and the captures').
"""

from __future__ import annotations

import argparse
from pathlib import Path

TEMPLATE = """\
# Demo configuration written by `make demo`: SQLite file + built-in PBX simulator.
[database]
url = "{url}"

[[pbx]]
name = "{server}"
host = "127.0.0.1"
port = {port}
username = "console"
secret = "{secret}"
tls = false

[me]
extension = "101"

[[operators]]
extension = "101"
name = "Анна"
device = "IAX2/op101"

[[operators]]
extension = "102"
name = "Борис"
device = "IAX2/op102"

[[operators]]
extension = "103"
name = "Вера"
device = "IAX2/op103"

[phone]
region = "RU"
dial_format = "national"
outbound_context = "outbound"

[ui]
language = "{language}"
page_size = "auto"

[rules]
max_unpaid_debts = 1
confirm_call_blacklisted = true
service_level_seconds = 20
service_level_goal = 80
long_wait_seconds = 60

# Reasons offered when pausing an operator on the board (one may also be typed).
[[pause_reasons]]
name = "Обед"

[[pause_reasons]]
name = "Перерыв"

[[pause_reasons]]
name = "Обучение"
"""


def render(database: Path, port: int = 15038, language: str = "ru") -> str:
    return render_url(f"sqlite+aiosqlite:///{database.resolve()}", port=port, language=language)


def render_url(
    url: str,
    *,
    port: int = 15038,
    language: str = "ru",
    server: str = "demo",
    secret: str = "demo-secret",
) -> str:
    """The demo desk (three operators on the simulator's devices) over any database."""
    return TEMPLATE.format(url=url, port=port, language=language, server=server, secret=secret)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--port", type=int, default=15038)
    parser.add_argument("--language", choices=["en", "ru"], default="ru")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(args.database, args.port, args.language), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
