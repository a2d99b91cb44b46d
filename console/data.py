"""The console's one door to the database: sessions, queries and audited writes.

Widgets and screens never open a session or build a statement (import-linter forbids
`console.widgets` and `console.screens` to import `sqlalchemy` or `storage.models`): they
call this service from their workers and get storage's plain data types back. Each write
is one transaction with the desk's operator as the actor and the console's clock as the
moment, so every change a person makes here is audited the same way.

The enums, row types, filters and refusals (`DomainError`s, `StorageError`) screens deal
with are re-exported here, with storage's field rules (`validate_changes`) and the split of
a caller ID name (`first_call_fields`), neither of which needs the database: a second
import-linter contract keeps widgets and screens from importing storage's modules
themselves. Two stay open to them: `storage.phones` (formatting a number, pure) and
`storage.xlsx` (the transfer dialogs' file work, its reports and file errors; it loads
openpyxl, so it is imported when a transfer starts, not with this module).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.accounts import OperationFilter, add_operation, operation_history
from storage.addresses import Address, add_address, mark_used, remove_address, update_address
from storage.audit import (
    CHANGE_KINDS,
    OTHER_KIND,
    AuditFilter,
    AuditRow,
    audit_actors,
    list_audit,
)
from storage.availability import is_unavailable
from storage.call_backs import MissedNumber, missed_numbers
from storage.calls import DeskStats, desk_stats, list_calls
from storage.cards import CardCompany, ClientCard, load_card_by_phone, load_client_card
from storage.client_list import (
    ClientCount,
    ClientRow,
    active_tariffs,
    cities_in_use,
    count_clients,
    list_clients,
)
from storage.clients import (
    add_phone,
    client_name,
    create_client,
    first_call_fields,
    phone_owner,
    remove_phone,
    set_blacklist,
    set_phone_label,
    update_client,
    validate_changes,
)
from storage.companies import ACCOUNT_ACTION as COMPANY_ACCOUNT
from storage.companies import MONEY_ACTION as COMPANY_MONEY
from storage.companies import (
    CompanyCard,
    CompanyRow,
    Employee,
    add_company_operation,
    company_card,
    company_operations,
    create_company,
    link_employee,
    list_companies,
    set_may_order_on_account,
    unlink_employee,
    update_company,
)
from storage.db import StorageError
from storage.debts import add_debt, mark_debt_paid
from storage.errors import (
    DebtAlreadyPaid,
    DomainError,
    DuplicatePhone,
    EditConflict,
    InvalidChange,
    InvalidPhone,
    LastPhone,
    NotAllowed,
    NotFound,
    NotWaiting,
)
from storage.filters import Activity, CallFilter, ClientFilter, ClientSort, Page
from storage.hourly import HourCount, calls_per_hour
from storage.merge import MergePreview, Side, merge_clients, preview_merge
from storage.missed_closings import OFFERED_REASONS, Closing, close_missed, reopen_missed
from storage.models import (
    Call,
    ClientKind,
    ClientStatus,
    CompanyOperationKind,
    DebtReason,
    Disposition,
    OperationKind,
    OperatorRole,
)
from storage.roles import SUPERVISORS, Actor, require_role
from storage.search import SearchHit, search_clients
from storage.tariffs import TariffRow, add_tariff, list_tariffs, rename_tariff, set_tariff_active
from storage.types import utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from storage.xlsx import ExportSummary, ImportReport

__all__ = [
    "CHANGE_KINDS",
    "COMPANY_ACCOUNT",
    "COMPANY_MONEY",
    "OFFERED_REASONS",
    "OTHER_KIND",
    "Activity",
    "Actor",
    "Address",
    "AuditFilter",
    "AuditRow",
    "Call",
    "CallFilter",
    "CardCompany",
    "ClientCard",
    "ClientCount",
    "ClientFilter",
    "ClientKind",
    "ClientRow",
    "ClientSort",
    "ClientStatus",
    "Closing",
    "CompanyCard",
    "CompanyOperationKind",
    "CompanyOperationRow",
    "CompanyRow",
    "ConsoleData",
    "DebtAlreadyPaid",
    "DebtReason",
    "DeskStats",
    "Disposition",
    "DomainError",
    "DuplicatePhone",
    "EditConflict",
    "Employee",
    "HourCount",
    "InvalidChange",
    "InvalidPhone",
    "LastPhone",
    "MergePreview",
    "MissedNumber",
    "NotAllowed",
    "NotFound",
    "NotWaiting",
    "OperationFilter",
    "OperationKind",
    "OperationRow",
    "OperatorRole",
    "Page",
    "SearchHit",
    "Side",
    "StorageError",
    "TariffRow",
    "first_call_fields",
    "is_unavailable",
    "require_role",
    "validate_changes",
]

Export = Callable[..., Awaitable["ExportSummary"]]


@dataclass(frozen=True, slots=True)
class OperationRow:
    """One movement of a client's account or bonuses, as the history dialog lists it."""

    id: int
    kind: OperationKind
    amount: Decimal  # signed: a debit is negative
    comment: str
    operator: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CompanyOperationRow:
    """One movement of a company's account, as its screen lists it."""

    id: int
    kind: CompanyOperationKind
    amount: Decimal  # signed: a debit is negative
    comment: str
    operator: str
    at: datetime


class ConsoleData:
    """Reads and writes for the console. `actor` and `now` are asked at each write (the
    operator is settled by then; tests fix the clock). The actor's role is what storage
    checks: a dispatcher's money operation is refused there (NotAllowed), whatever the
    screens offer."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        region: str,
        max_unpaid_debts: int,
        actor: Callable[[], Actor] = lambda: Actor("console"),
        now: Callable[[], datetime] | None = None,
        today: Callable[[], date] | None = None,
        seat: Callable[[], Actor] | None = None,
    ) -> None:
        self._sessions = sessions
        # Who sits here with their role, for the writes storage checks roles on; without
        # it the operator is a dispatcher.
        self._seat = seat or actor
        self.region = region
        self._max_unpaid_debts = max_unpaid_debts
        self._actor = actor
        self._now = now or utcnow
        self._today = today or (lambda: self._now().date())

    def seat(self) -> Actor:
        """The person at this console with their role (`[[operators]] role`)."""
        return self._seat()

    @property
    def actor(self) -> Actor:
        """Who acts from this console, with the role `[[operators]] role` gives them."""
        return self._actor()

    def may(self, *allowed: OperatorRole) -> bool:
        """Whether this seat's role is one of `allowed` (default: supervisor or admin), for
        a screen deciding which keys to offer; storage refuses on its own either way."""
        return self._actor().role in (allowed or SUPERVISORS)

    # --- cards ----------------------------------------------------------------------------

    async def card(self, client_id: int) -> ClientCard | None:
        """The card of a client by id; None if there is no such client (any more)."""
        async with self._sessions() as session:
            try:
                return await load_client_card(
                    session,
                    client_id,
                    today=self._today(),
                    max_unpaid_debts=self._max_unpaid_debts,
                )
            except NotFound:
                return None

    async def card_by_phone(self, e164: str) -> ClientCard | None:
        """The card of whoever owns the number; None if nobody."""
        async with self._sessions() as session:
            return await load_card_by_phone(
                session,
                e164,
                self.region,
                today=self._today(),
                max_unpaid_debts=self._max_unpaid_debts,
            )

    async def client_name(self, client_id: int) -> str:
        """The client's name ("" if there is no such client): one lookup, not the card."""
        async with self._sessions() as session:
            return await client_name(session, client_id) or ""

    async def tariffs(self) -> list[tuple[int, str]]:
        """Active tariffs by name: what a form and a filter offer."""
        async with self._sessions() as session:
            return await active_tariffs(session)

    async def filter_choices(self) -> tuple[list[str], list[tuple[int, str]]]:
        """Cities in use and active tariffs, for the client base's filters."""
        async with self._sessions() as session:
            return await cities_in_use(session), await active_tariffs(session)

    # --- writes (one transaction each, audited) -------------------------------------------

    def _name(self) -> str:
        return self._actor().name

    async def update_client(self, client_id: int, version: int, changes: dict[str, Any]) -> None:
        async with self._sessions.begin() as session:
            await update_client(session, client_id, version, changes, self._actor(), at=self._now())

    async def create_client(self, values: dict[str, Any], phone: str) -> int:
        async with self._sessions.begin() as session:
            client = await create_client(
                session, values, [phone], actor=self._name(), region=self.region, at=self._now()
            )
            return client.id

    async def add_phone(self, client_id: int, raw: str) -> None:
        async with self._sessions.begin() as session:
            await add_phone(
                session, client_id, raw, actor=self._name(), region=self.region, at=self._now()
            )

    async def remove_phone(self, client_id: int, e164: str) -> None:
        async with self._sessions.begin() as session:
            await remove_phone(
                session, client_id, e164, actor=self._name(), region=self.region, at=self._now()
            )

    async def set_blacklist(self, client_id: int, on: bool, reason: str) -> None:
        async with self._sessions.begin() as session:
            await set_blacklist(session, client_id, on, reason, self._actor(), at=self._now())

    async def add_debt(
        self, client_id: int, amount: Decimal, *, reason: str, order_ref: str, comment: str
    ) -> None:
        async with self._sessions.begin() as session:
            await add_debt(
                session,
                client_id,
                amount,
                reason=reason,
                actor=self._name(),
                order_ref=order_ref,
                comment=comment,
                at=self._now(),
            )

    async def mark_debt_paid(self, debt_id: int, *, at: datetime, comment: str) -> None:
        async with self._sessions.begin() as session:
            await mark_debt_paid(session, debt_id, actor=self._actor(), at=at, comment=comment)

    # --- addresses, companies, phone labels ----------------------------------------------

    async def add_address(self, client_id: int, values: dict[str, str]) -> Address:
        async with self._sessions.begin() as session:
            return await add_address(session, client_id, values, actor=self._seat(), at=self._now())

    async def update_address(self, address_id: int, values: dict[str, str]) -> Address:
        async with self._sessions.begin() as session:
            return await update_address(
                session, address_id, values, actor=self._seat(), at=self._now()
            )

    async def use_address(self, address_id: int) -> None:
        """An order goes to or from the address: one more use (bookkeeping, not audited)."""
        async with self._sessions.begin() as session:
            await mark_used(session, address_id, at=self._now())

    async def remove_address(self, address_id: int) -> None:
        async with self._sessions.begin() as session:
            await remove_address(session, address_id, actor=self._seat(), at=self._now())

    async def companies(self) -> list[CompanyRow]:
        async with self._sessions() as session:
            return await list_companies(session)

    async def link_company(
        self,
        client_id: int,
        company_id: int | None,
        new: dict[str, str] | None = None,
        *,
        may_order_on_account: bool,
    ) -> None:
        """The client works for the company (`company_id`, or a new one made of `new`),
        in one transaction: a refused allowance creates no company either."""
        async with self._sessions.begin() as session:
            actor = self._seat()
            if company_id is None:
                company = await create_company(session, new or {}, actor=actor, at=self._now())
                company_id = company.id
            await link_employee(
                session,
                client_id,
                company_id,
                actor=actor,
                may_order_on_account=may_order_on_account,
                at=self._now(),
            )

    async def unlink_company(self, client_id: int) -> None:
        async with self._sessions.begin() as session:
            await unlink_employee(session, client_id, actor=self._seat(), at=self._now())

    async def create_company(self, values: dict[str, str]) -> int:
        """A new company without employees (any operator's, audited); its id."""
        async with self._sessions.begin() as session:
            company = await create_company(session, values, actor=self._seat(), at=self._now())
            return company.id

    async def company(self, company_id: int) -> CompanyCard:
        """A company with its employees, their phones and labels; NotFound if it is gone."""
        async with self._sessions() as session:
            return await company_card(session, company_id)

    async def company_operations(
        self, company_id: int, *, limit: int = 50
    ) -> list[CompanyOperationRow]:
        """The company's account operations, newest first."""
        async with self._sessions() as session:
            found = await company_operations(session, company_id, limit=limit)
            return [
                CompanyOperationRow(
                    o.id, CompanyOperationKind(o.kind), o.amount, o.comment, o.operator, o.at
                )
                for o in found
            ]

    async def update_company(self, company_id: int, values: dict[str, str]) -> None:
        """Edit the company's record (any operator's, audited; see storage.companies)."""
        async with self._sessions.begin() as session:
            await update_company(session, company_id, values, actor=self._seat(), at=self._now())

    async def add_company_operation(
        self, company_id: int, kind: CompanyOperationKind, amount: Decimal, comment: str
    ) -> Decimal:
        """Move the company's money; its balance after. Storage refuses a dispatcher."""
        async with self._sessions.begin() as session:
            return await add_company_operation(
                session,
                company_id,
                kind.value,
                amount,
                actor=self._seat(),
                comment=comment,
                at=self._now(),
            )

    async def set_company_account(self, client_id: int, allowed: bool) -> None:
        """Whether the employee may order on the company's account (a supervisor's)."""
        async with self._sessions.begin() as session:
            await set_may_order_on_account(
                session, client_id, allowed, actor=self._seat(), at=self._now()
            )

    async def set_phone_label(self, client_id: int, e164: str, label: str) -> None:
        async with self._sessions.begin() as session:
            await set_phone_label(
                session,
                client_id,
                e164,
                label,
                actor=self._name(),
                region=self.region,
                at=self._now(),
            )

    # --- money ------------------------------------------------------------------------------

    async def operations(
        self, client_id: int, flt: OperationFilter, *, limit: int = 200
    ) -> list[OperationRow]:
        """A client's account and bonus operations, newest first."""
        async with self._sessions() as session:
            found = await operation_history(session, client_id, flt, limit=limit)
            return [
                OperationRow(o.id, OperationKind(o.kind), o.amount, o.comment, o.operator, o.at)
                for o in found
            ]

    async def add_operation(
        self, client_id: int, kind: OperationKind, amount: Decimal, comment: str
    ) -> tuple[Decimal, Decimal]:
        """Move the client's money; (balance, bonus) after it. Storage refuses a dispatcher
        (NotAllowed) and a bad amount (InvalidChange)."""
        async with self._sessions.begin() as session:
            _operation, totals = await add_operation(
                session,
                client_id,
                kind.value,
                amount,
                actor=self._actor(),
                comment=comment,
                at=self._now(),
            )
            return totals.balance, totals.bonus_balance

    # --- lists for the screens --------------------------------------------------------------

    async def clients_page(
        self,
        flt: ClientFilter,
        sort: ClientSort,
        descending: bool,
        page: int,
        page_size: int,
        *,
        today: date | None,
    ) -> Page[ClientRow]:
        """A page without the filter's total, which costs up to several pages to count:
        ask `clients_count` for it once per filter (a search's counts come with its page)."""
        async with self._sessions() as session:
            return await list_clients(
                session, flt, sort, descending, page, page_size, today=today, with_total=False
            )

    async def clients_count(self, flt: ClientFilter, *, today: date | None) -> ClientCount:
        async with self._sessions() as session:
            return await count_clients(session, flt, today)

    async def calls_page(self, flt: CallFilter, page: int, page_size: int) -> Page[Call]:
        async with self._sessions() as session:
            return await list_calls(session, flt, page, page_size)

    async def missed_numbers(self, since: datetime) -> list[MissedNumber]:
        """Numbers missed since `since` (the desk's day), one line each, the unreturned
        first: the board's and History's missed list (`storage.call_backs`)."""
        async with self._sessions() as session:
            return await missed_numbers(session, since)

    async def close_missed(self, number: str, reason: str) -> Closing:
        """Close a missed number without calling back (a code of OFFERED_REASONS or typed
        words), as the person at this seat, now: one transaction with its audit entry.
        Storage refuses a dispatcher (NotAllowed) and a number that waits for no call-back
        any more (NotWaiting)."""
        async with self._sessions.begin() as session:
            return await close_missed(session, number, reason, actor=self._seat(), at=self._now())

    async def reopen_missed(self, number: str) -> Closing:
        """Undo the closing of a missed number: it waits for a call-back again."""
        async with self._sessions.begin() as session:
            return await reopen_missed(session, number, actor=self._seat(), at=self._now())

    async def desk_stats(self, since: datetime, until: datetime, service_level: int) -> DeskStats:
        async with self._sessions() as session:
            return await desk_stats(session, since, until, service_level)

    async def calls_per_hour(self, bounds: list[datetime]) -> list[HourCount]:
        """Inbound calls per hour between consecutive `bounds` (the board's chart)."""
        async with self._sessions() as session:
            return await calls_per_hour(session, bounds)

    async def client_names(self, numbers: list[str]) -> dict[str, str]:
        """The owners' names of those numbers that have one."""
        found: dict[str, str] = {}
        async with self._sessions() as session:
            for number in numbers:
                owner = await phone_owner(session, number)
                if owner is not None:
                    found[number] = owner.name
        return found

    # --- merging two cards, the audit trail, tariffs ------------------------------------------

    async def find_clients(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Clients matching what was typed (names, phones), best first."""
        async with self._sessions() as session:
            return await search_clients(session, text, limit=limit, region=self.region)

    async def merge_preview(self, survivor_id: int, other_id: int) -> MergePreview:
        async with self._sessions() as session:
            return await preview_merge(session, survivor_id, other_id)

    async def merge_clients(
        self,
        survivor_id: int,
        other_id: int,
        picks: dict[str, Side],
        versions: tuple[int, int] | None = None,
    ) -> None:
        async with self._sessions.begin() as session:
            await merge_clients(
                session,
                survivor_id,
                other_id,
                actor=self.seat(),
                picks=picks,
                expected_versions=versions,
                at=self._now(),
            )

    async def audit_page(self, flt: AuditFilter, limit: int, offset: int = 0) -> list[AuditRow]:
        async with self._sessions() as session:
            return await list_audit(session, flt, limit=limit, offset=offset)

    async def audit_actors(self) -> list[str]:
        async with self._sessions() as session:
            return await audit_actors(session)

    async def all_tariffs(self) -> list[TariffRow]:
        """Every tariff, offered and retired, with how many clients have it."""
        async with self._sessions() as session:
            return await list_tariffs(session)

    async def tariff_names(self) -> dict[int, str]:
        return {t.id: t.name for t in await self.all_tariffs()}

    async def add_tariff(self, name: str) -> None:
        async with self._sessions.begin() as session:
            await add_tariff(session, name, actor=self.seat(), at=self._now())

    async def rename_tariff(self, tariff_id: int, new_name: str) -> None:
        async with self._sessions.begin() as session:
            await rename_tariff(
                session, str(tariff_id), new_name, actor=self.seat(), at=self._now()
            )

    async def set_tariff_active(self, tariff_id: int, active: bool) -> None:
        async with self._sessions.begin() as session:
            await set_tariff_active(
                session, str(tariff_id), active, actor=self.seat(), at=self._now()
            )

    # --- Excel --------------------------------------------------------------------------------

    # (storage.xlsx loads openpyxl: imported when a transfer starts, not with the console)

    def clients_export(self, flt: ClientFilter) -> Export:
        from storage.xlsx import export_clients

        return partial(export_clients, self._sessions, flt=flt)

    def calls_export(self, flt: CallFilter) -> Export:
        from storage.xlsx import export_calls

        return partial(export_calls, self._sessions, flt=flt)

    def debts_export(self, paid: bool | None) -> Export:
        from storage.xlsx import export_debts

        return partial(export_debts, self._sessions, paid=paid)

    def audit_export(
        self,
        flt: AuditFilter,
        describe: Callable[[AuditRow], tuple[str, str]],
        client: Callable[[AuditRow], str] | None = None,
    ) -> Export:
        from storage.xlsx import export_audit

        return partial(export_audit, self._sessions, flt=flt, describe=describe, client=client)

    async def import_clients(self, source: Path, **kwargs: Any) -> ImportReport:
        from storage.xlsx import import_clients

        return await import_clients(
            self._sessions, source, actor=self.seat(), region=self.region, **kwargs
        )


def database_error_text(error: BaseException) -> str | None:
    """A failure of the database in words (it went away, a constraint); None for others."""
    from sqlalchemy.exc import SQLAlchemyError

    return database_error(error) if isinstance(error, SQLAlchemyError) else None


def database_error(exc: BaseException) -> str:
    """A database problem in words («сервер базы данных недоступен: …»); the driver's own
    line stays as it came."""
    from console.i18n import catalog, tr
    from storage.db import error_kind

    kind, detail = (exc.kind, exc.detail) if isinstance(exc, StorageError) else error_kind(exc)
    key = f"db.error.{kind}"
    return tr(key, detail=detail) if key in catalog() and detail else str(exc)
