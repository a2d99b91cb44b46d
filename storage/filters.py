"""What a person can ask of the client base and the call log: shared by the console's
tables, the exports and the command line, so every one of them selects the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Activity(StrEnum):
    """Derived from the last call or order, never set by hand."""

    NEW = "new"  # registered under 30 days ago
    ACTIVE = "active"  # last call/order within 30 days
    RECENT = "recent"  # within 90 days
    INACTIVE = "inactive"  # beyond 90 days, or never


class ClientSort(StrEnum):
    NAME = "name"
    ORDERS = "orders"
    REGISTERED = "registered"
    LAST_CALL = "last_call"
    CITY = "city"


@dataclass(frozen=True)
class ClientFilter:
    search: str = ""  # search as you type: names, phone digits, email; partial match
    city: str | None = None
    blacklisted: bool | None = None
    status: str | None = None  # ClientStatus value
    activity: Activity | None = None
    tariff_id: int | None = None
    has_unpaid_debts: bool | None = None


@dataclass(frozen=True)
class CallFilter:
    since: datetime | None = None
    until: datetime | None = None
    operator: str | None = None  # extension: rung or answered
    disposition: str | None = None
    client_id: int | None = None
    direction: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    page: int  # 0-based
    page_size: int
    total: int | None = None  # may be None when counting would be too slow
    has_next: bool = False
    extra: dict[str, object] = field(default_factory=dict)
