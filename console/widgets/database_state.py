"""The database's state in the status bar's words: «БД: нет связи с 00:02 — 5 звонков
ждут записи», then «снова на связи … все звонки записаны» once the journal is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.i18n import fmt_time, language, tr

if TYPE_CHECKING:
    from console.outbox import OutboxStatus


def plural_form(count: int) -> str:
    """`one`, `few` or `many`: the catalog key suffix for `count` in the current language."""
    if language() == "ru":
        if count % 10 == 1 and count % 100 != 11:
            return "one"
        if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
            return "few"
        return "many"
    return "one" if count == 1 else "many"


def waiting_text(count: int) -> str:
    return tr(f"outage.waiting.{plural_form(count)}", count=count)


def describe_database(status: OutboxStatus) -> tuple[str, str]:
    """(text, state class) for the status bar; the class is -up, -connecting or -down."""
    since = fmt_time(status.since)
    if status.state == "unknown":
        text, state = tr("status.db.checking"), "-connecting"
    elif status.state == "down":
        text = tr("outage.db.down", since=since)
        if status.waiting:
            text = f"{text} — {waiting_text(status.waiting)}"
        state = "-down"
    elif status.recovered:
        key = "outage.db.back_writing" if status.waiting else "outage.db.back"
        text, state = tr(key, since=since), "-up"
    else:
        text, state = tr("status.db.ok"), "-up"
    if status.held:
        text = f"{text} — {tr('outage.held', count=status.held)}"
    return text, state
