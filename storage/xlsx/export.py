"""Exports of clients, calls and debts to xlsx, streamed from the database.

Rows are fetched in keyset batches on the event loop; each batch is turned into cells and
written by openpyxl (CPU-bound, synchronous) in a worker thread, so a console running the
export stays responsive. The file appears only when complete; a cancel (the `cancel`
event, or cancelling the task) removes what was written.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.audit import AuditFilter, AuditRow, count_audit, iter_audit
from storage.companies import CompanyRow, list_companies
from storage.filters import CallFilter, ClientFilter
from storage.phones_fast import national_fast
from storage.xlsx import sources
from storage.xlsx.headers import (
    ADDRESS_SEPARATOR,
    AUDIT_COLUMNS,
    CALL_COLUMNS,
    CLIENT_COLUMNS,
    COMPANY_COLUMNS,
    DEBT_COLUMNS,
    Column,
)
from storage.xlsx.labels import SheetWords
from storage.xlsx.report import ExportSummary
from storage.xlsx.writer import SheetWriter

Progress = Callable[[int, int | None], None]
R = TypeVar("R")
# A sheet after the first: its title, columns, headers and rows.
MoreSheet = tuple[str, Sequence[Column], Sequence[str], Sequence[Sequence[Any]]]

BATCH_SIZE = 2000


def _local(moment: datetime | None, tz: tzinfo | None) -> datetime | None:
    """Excel has no time zones: write the wall-clock time of the desk (naive)."""
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None)


def _client_cells(row: sources.ClientRow, words: SheetWords, tz: tzinfo | None) -> tuple[Any, ...]:
    return (
        row.name,
        "\n".join(row.phones),
        "\n".join(national_fast(p) for p in row.phones),
        row.birthday,
        row.email,
        row.city,
        words.word("status", row.status),
        words.word("activity", row.activity),
        row.completed_orders,
        row.false_orders,
        row.unpaid_debt,
        words.yes_no(row.blacklisted),
        row.blacklist_reason,
        row.tariff,
        _local(row.registered_at, tz),
        row.comment,
        words.word("kind", row.kind),
        row.last_name,
        row.first_name,
        row.middle_name,
        row.organisation,
        row.street,
        row.house,
        row.entrance,
        row.balance,
        row.bonus_balance,
        row.credit_limit,
        row.discount_percent,
        row.rating,
        row.company,
        None if row.company_account is None else words.yes_no(row.company_account),
        "\n".join(row.phone_labels) if any(row.phone_labels) else "",
        "\n".join(_address_cell(a, words) for a in row.addresses),
    )


def _address_cell(parts: tuple[str, ...], words: SheetWords) -> str:
    """One address as a line of its parts (`headers.ADDRESS_PARTS`), the label in words."""
    label, *rest = parts
    return ADDRESS_SEPARATOR.join((words.word("address_label", label), *rest)).rstrip()


def _call_cells(row: sources.CallRow, words: SheetWords, tz: tzinfo | None) -> tuple[Any, ...]:
    return (
        _local(row.started_at, tz),
        words.word("direction", row.direction),
        row.number or row.number_raw,
        national_fast(row.number) if row.number else "",
        row.caller_name,
        row.client,
        row.queue,
        ", ".join(row.operators_rung or ()),
        row.answered_by,
        words.word("disposition", row.disposition),
        round(row.wait_s, 1),
        round(row.talk_s, 1),
        _local(row.answered_at, tz),
        _local(row.ended_at, tz),
        row.server,
    )


def _debt_cells(row: sources.DebtRow, words: SheetWords, tz: tzinfo | None) -> tuple[Any, ...]:
    return (
        _local(row.created_at, tz),
        row.client,
        row.phone,
        row.amount,
        row.currency,
        words.word("debt_reason", row.reason),
        row.order_ref,
        row.comment,
        row.created_by,
        words.word("debt_state", "paid" if row.paid_at else "unpaid"),
        _local(row.paid_at, tz),
        row.paid_by,
        row.payment_comment,
    )


async def _stream(
    path: Path,
    columns: Sequence[Column],
    words: SheetWords,
    batches: AsyncIterator[list[R]],
    cells: Callable[[R], tuple[Any, ...]],
    total: int | None,
    progress: Progress | None,
    cancel: asyncio.Event | None,
    more: Callable[[], Awaitable[list[MoreSheet]]] | None = None,
) -> ExportSummary:
    """Fetch the next batch while the previous one is being written; then the sheets
    `more` gives (read once the rows are all written) after the first."""
    started = time.perf_counter()
    headers = [words.headers[col.key] for col in columns]
    opening = asyncio.ensure_future(
        asyncio.to_thread(SheetWriter, path, words.title, columns, headers)
    )
    try:
        writer = await asyncio.shield(opening)
    except BaseException:
        # Cancelled (Ctrl-C) while the file is being created: the thread goes on regardless;
        # wait for it and remove what it made, so no temporary file is left behind.
        await asyncio.wait([opening])
        if not opening.cancelled() and opening.exception() is None:
            opening.result().abort()
        raise

    def write(batch: list[R]) -> None:
        writer.write_rows(map(cells, batch))

    pending: asyncio.Future[None] | None = None
    try:
        if progress is not None:
            progress(0, total)
        async for batch in batches:
            if pending is not None:
                await asyncio.shield(pending)
                if progress is not None:
                    progress(writer.rows, total)
            if cancel is not None and cancel.is_set():
                break
            pending = asyncio.ensure_future(asyncio.to_thread(write, batch))
        if pending is not None:
            await asyncio.shield(pending)
            pending = None
        if cancel is not None and cancel.is_set():
            await asyncio.to_thread(writer.abort)
            return ExportSummary(path, writer.rows, True, time.perf_counter() - started)
        for sheet in await more() if more is not None else []:
            writer.add_sheet(*sheet)
        await asyncio.to_thread(writer.finish)
    except BaseException:
        if pending is not None:
            # A worker thread cannot be interrupted (the shields above kept its task alive):
            # let it finish its batch before the files are removed under it.
            await asyncio.wait([pending])
        writer.abort()
        raise
    if progress is not None:
        progress(writer.rows, total)
    return ExportSummary(path, writer.rows, False, time.perf_counter() - started)


async def export_clients(
    session_factory: async_sessionmaker[AsyncSession],
    path: str | Path,
    flt: ClientFilter,
    *,
    words: SheetWords,
    progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
    tz: tzinfo | None = None,
    batch_size: int = BATCH_SIZE,
    company_words: SheetWords | None = None,
) -> ExportSummary:
    """The clients `flt` selects, one row each. `tz`: wall-clock zone for times (local).

    With `company_words`, a second sheet lists the companies those clients work for
    (every company when `flt` selects the whole base, those without employees too) with
    their record, their account's balance and how many employees each has: a company's
    money is not any one client's, so it is not a column of the client sheet."""
    target = Path(path)
    employers: set[str] = set()

    def cells(row: sources.ClientRow) -> tuple[Any, ...]:
        if row.company:
            employers.add(row.company)
        return _client_cells(row, words, tz)

    async with session_factory() as session:
        total = await sources.count_clients(session, flt)

        async def companies() -> list[MoreSheet]:
            assert company_words is not None
            everyone = flt == ClientFilter()
            rows = [c for c in await list_companies(session) if everyone or c.name in employers]
            headers = [company_words.headers[key] for key in COMPANY_COLUMNS]
            return [
                (company_words.title, list(COMPANY_COLUMNS.values()), headers,
                 [_company_cells(c) for c in rows])
            ]  # fmt: skip

        return await _stream(
            target,
            list(CLIENT_COLUMNS.values()),
            words,
            sources.iter_client_rows(session, flt, batch_size),
            cells,
            total,
            progress,
            cancel,
            companies if company_words is not None else None,
        )


def _company_cells(row: CompanyRow) -> tuple[Any, ...]:
    return (
        row.name,
        row.tax_id,
        row.contact_name,
        row.contact_phone,
        row.comment,
        row.balance,
        row.employees,
    )


async def export_calls(
    session_factory: async_sessionmaker[AsyncSession],
    path: str | Path,
    flt: CallFilter,
    *,
    words: SheetWords,
    progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
    tz: tzinfo | None = None,
    batch_size: int = BATCH_SIZE,
) -> ExportSummary:
    """The call log for `flt` (since/until and the other filters), oldest first."""
    target = Path(path)
    async with session_factory() as session:
        total = await sources.count_calls(session, flt)
        return await _stream(
            target,
            list(CALL_COLUMNS.values()),
            words,
            sources.iter_call_rows(session, flt, batch_size),
            lambda row: _call_cells(row, words, tz),
            total,
            progress,
            cancel,
        )


async def export_debts(
    session_factory: async_sessionmaker[AsyncSession],
    path: str | Path,
    *,
    paid: bool | None = None,
    words: SheetWords,
    progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
    tz: tzinfo | None = None,
    batch_size: int = BATCH_SIZE,
) -> ExportSummary:
    """Debts: unpaid (`paid=False`), paid with who closed them (`True`), or all (`None`)."""
    target = Path(path)
    async with session_factory() as session:
        total = await sources.count_debts(session, paid)
        return await _stream(
            target,
            list(DEBT_COLUMNS.values()),
            words,
            sources.iter_debt_rows(session, paid, batch_size),
            lambda row: _debt_cells(row, words, tz),
            total,
            progress,
            cancel,
        )


async def export_audit(
    session_factory: async_sessionmaker[AsyncSession],
    path: str | Path,
    flt: AuditFilter,
    *,
    words: SheetWords,
    describe: Callable[[AuditRow], tuple[str, str]],
    client: Callable[[AuditRow], str] | None = None,
    progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
    tz: tzinfo | None = None,
    batch_size: int = BATCH_SIZE,
) -> ExportSummary:
    """The audit entries `flt` selects, oldest first. `describe(row)` gives the kind of
    change and the change itself in the caller's words (storage spells none); `client(row)`
    the client's column (default: the client's name as stored)."""
    target = Path(path)

    def cells(row: AuditRow) -> tuple[Any, ...]:
        kind, change = describe(row)
        who = client(row) if client is not None else row.client_name or ""
        return (_local(row.at, tz), row.actor, who, row.client_id, kind, change)

    async with session_factory() as session:
        total = await count_audit(session, flt)
        return await _stream(
            target,
            list(AUDIT_COLUMNS.values()),
            words,
            iter_audit(session, flt, batch_size),
            cells,
            total,
            progress,
            cancel,
        )


__all__ = ["export_audit", "export_calls", "export_clients", "export_debts"]
