"""The desk's «today»: one definition for the board, History's missed calls and the time
in pause. A day is the desk's local day — midnight to midnight in the zone times are shown
in (`console.i18n.set_timezone`; the machine's own zone unless set) — read off the
console's clock, so tests and snapshots fix both the moment and the zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, tzinfo

from console.i18n import fmt_time, to_local, tr


def day_start(now: datetime, zone: tzinfo | None = None) -> datetime:
    """When the desk's day that holds `now` began: local midnight, as an aware moment."""
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    local = aware.astimezone(zone) if zone is not None else to_local(aware)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def period_words(now: datetime) -> str:
    """Which period a «today» figure covers, as the screens say it: «today since 00:00»."""
    return tr("callbacks.period.today", time=fmt_time(day_start(now)))
