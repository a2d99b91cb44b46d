"""The client base of a dispatch desk, as typed SQLAlchemy 2 models.

Schema changes go through Alembic (`storage/migrations`); `tests/test_migrations.py`
fails when these models and the migrations disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.list_indexes import (
    BY_LAST_CALL,
    LATE_ORDERS,
    LATE_ORDERS_WHERE,
    LIST_INDEXES,
    late_order_sql,
)
from storage.types import Money, UtcDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), Decimal: Money(), dict[str, Any]: JSON()}


class ClientKind(StrEnum):
    PERSONAL = "personal"
    CORPORATE = "corporate"


class ClientStatus(StrEnum):
    """Set by people; activity (derived from calls and orders) is separate."""

    NEW = "new"
    REGULAR = "regular"
    VIP = "vip"
    INACTIVE = "inactive"


class DebtReason(StrEnum):
    LATE_CANCEL = "late_cancel"
    UNPAID_ORDER = "unpaid_order"
    MANUAL = "manual"


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class Disposition(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    ABANDONED = "abandoned"
    BUSY = "busy"
    FAILED = "failed"


class OperatorRole(StrEnum):
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{m.value}'" for m in enum)


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    extension: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=OperatorRole.DISPATCHER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tariff(Base):
    __tablename__ = "tariffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class _LateOrderSql(FunctionElement[bool]):
    """`clients.late_order`'s expression in the dialect's own words (`late_order_sql`)."""

    type = Boolean()
    inherit_cache = True
    name = "late_order_sql"


@compiles(_LateOrderSql)
def _late_order_sql(element: _LateOrderSql, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({late_order_sql(compiler.dialect.name)})"


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(ClientKind)})", name="kind"),
        CheckConstraint(f"status IN ({_values(ClientStatus)})", name="status"),
        # The client list's covering indexes (migrations 0007 and 0008).
        *(Index(name, *columns) for name, columns in LIST_INDEXES.items()),
        Index(
            LATE_ORDERS,
            *LIST_INDEXES[BY_LAST_CALL],
            sqlite_where=text(LATE_ORDERS_WHERE["sqlite"]),
            postgresql_where=text(LATE_ORDERS_WHERE["postgresql"]),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ClientKind.PERSONAL)
    last_name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # Display name kept with the row (organisation, or "last first middle") and its casefolded
    # form for sorting and prefix search; set by `Client.refresh_name()` on every write.
    name: Mapped[str] = mapped_column(String(400), default="")
    name_key: Mapped[str] = mapped_column(String(400), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    house: Mapped[str] = mapped_column(String(20), default="")
    entrance: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    birthday: Mapped[date | None] = mapped_column(Date, default=None)
    language: Mapped[str] = mapped_column(String(8), default="ru")
    comment: Mapped[str] = mapped_column(Text, default="")
    tariff_id: Mapped[int | None] = mapped_column(ForeignKey("tariffs.id"), default=None)

    blacklisted: Mapped[bool] = mapped_column(Boolean, default=False)
    blacklist_reason: Mapped[str] = mapped_column(Text, default="")
    blacklisted_at: Mapped[datetime | None] = mapped_column(default=None)
    blacklisted_by: Mapped[str] = mapped_column(String(200), default="")

    status: Mapped[str] = mapped_column(String(16), default=ClientStatus.NEW)
    completed_orders: Mapped[int] = mapped_column(Integer, default=0)
    false_orders: Mapped[int] = mapped_column(Integer, default=0)
    bonus_orders: Mapped[int] = mapped_column(Integer, default=0)
    complaints: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[Decimal] = mapped_column(default=Decimal("5.00"))
    balance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    bonus_balance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    credit_limit: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    discount_percent: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))

    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(200), default="")
    last_call_at: Mapped[datetime | None] = mapped_column(default=None)
    last_order_at: Mapped[datetime | None] = mapped_column(default=None)
    # Last seen through an order long after the last call (`storage.list_indexes`): the
    # database computes it (migration 0008), no writer sets it.
    late_order: Mapped[bool] = mapped_column(Boolean, Computed(_LateOrderSql()), deferred=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    # Optimistic locking: a save based on a stale read fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    tariff: Mapped[Tariff | None] = relationship(lazy="raise")
    phones: Mapped[list[ClientPhone]] = relationship(
        back_populates="client",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="ClientPhone.id",
    )
    debts: Mapped[list[Debt]] = relationship(
        back_populates="client", cascade="all, delete-orphan", lazy="raise", order_by="Debt.id"
    )

    # `late_order` is the database's own: never read back after a write (an INSERT
    # RETURNING it would fail on a schema before 0008, where migrations insert clients).
    __mapper_args__ = {"version_id_col": version, "eager_defaults": False}

    def refresh_name(self) -> None:
        self.name = display_name(
            self.kind, self.organisation, self.last_name, self.first_name, self.middle_name
        )
        self.name_key = self.name.casefold()


def display_name(kind: str, organisation: str, last: str, first: str, middle: str) -> str:
    if kind == ClientKind.CORPORATE and organisation:
        return organisation
    person = " ".join(p for p in (last, first, middle) if p)
    return person or organisation


class ClientPhone(Base):
    __tablename__ = "client_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    # A number belongs to at most one client: the unique constraint is what makes
    # get-or-create on an incoming call safe when several consoles pop at once.
    e164: Mapped[str] = mapped_column(String(20), unique=True)
    raw: Mapped[str] = mapped_column(String(64), default="")
    # Digits people may type when searching: international and national forms.
    digits: Mapped[str] = mapped_column(String(64), default="")
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship(back_populates="phones", lazy="raise")


class Debt(Base):
    __tablename__ = "debts"
    __table_args__ = (
        CheckConstraint(f"reason IN ({_values(DebtReason)})", name="reason"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_debts_unpaid", "client_id", "paid_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    reason: Mapped[str] = mapped_column(String(16), default=DebtReason.MANUAL)
    order_ref: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    paid_by: Mapped[str] = mapped_column(String(200), default="")
    payment_comment: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(back_populates="debts", lazy="raise")


class Call(Base):
    """One row per call, keyed by (PBX server, Linkedid): consoles and recorders upsert."""

    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("server", "linkedid", name="uq_calls_server_linkedid"),
        CheckConstraint(f"direction IN ({_values(CallDirection)})", name="direction"),
        CheckConstraint(f"disposition IN ({_values(Disposition)})", name="disposition"),
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_client_started", "client_id", "started_at"),
        Index("ix_calls_number", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    server: Mapped[str] = mapped_column(String(100))
    linkedid: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(20), default=None)
    number_raw: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), default=None
    )
    queue: Mapped[str | None] = mapped_column(String(100), default=None)
    operators_rung: Mapped[list[str]] = mapped_column(JSON, default=list)
    answered_by: Mapped[str | None] = mapped_column(String(100), default=None)
    transferred_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    disposition: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
    started_at: Mapped[datetime]
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime]
    wait_s: Mapped[float] = mapped_column(default=0.0)
    talk_s: Mapped[float] = mapped_column(default=0.0)
    # The owning client's name, not a column: `name` is what the caller ID said, which is
    # often someone else (a relative's phone, a shared office line). Filled only by the
    # queries that ask for it (`storage.calls.list_calls`); None elsewhere.
    client_name: Mapped[str | None] = query_expression()


class AuditEntry(Base):
    """Who changed what on a client or a debt, and when. Written in the same transaction."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OperationKind(StrEnum):
    """What moved a client's money. Credits and debits change the personal account, a
    correction sets it right by a signed amount, bonus credits and spends move bonuses."""

    CREDIT = "credit"
    DEBIT = "debit"
    CORRECTION = "correction"
    BONUS_CREDIT = "bonus_credit"
    BONUS_SPEND = "bonus_spend"


class AccountOperation(Base):
    """One movement of a client's personal account or bonuses, never edited afterwards.

    `amount` is the signed change (a debit is negative), so a balance is a plain SUM of its
    kinds' amounts; `Client.balance` and `Client.bonus_balance` are those sums maintained in
    the same transaction (the card pops from the client row without summing).
    """

    __tablename__ = "account_operations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(OperationKind)})", name="kind"),
        CheckConstraint(
            "(kind IN ('credit', 'bonus_credit') AND amount > 0)"
            " OR (kind IN ('debit', 'bonus_spend') AND amount < 0)"
            " OR (kind = 'correction' AND amount <> 0)",
            name="amount_sign",
        ),
        Index("ix_account_operations_client_at", "client_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]
    comment: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AddressLabel(StrEnum):
    """Labels the console words; any other text is a label of its own, shown as typed."""

    HOME = "home"
    WORK = "work"
    OTHER = "other"


class ClientAddress(Base):
    """One of a client's addresses (migration 0005): any number per client, labelled.

    `city_key` and `street_key` are the casefolded city and street (ё as е), kept by
    `storage.addresses` on every write: the client search finds «самара» by an index
    range on them. `use_count` and `last_used_at` order the card (most used first).
    Deleted with the client (ON DELETE CASCADE); a merge moves them by `client_id`.
    """

    __tablename__ = "client_addresses"
    __table_args__ = (
        Index("ix_client_addresses_client_id", "client_id"),
        Index("ix_client_addresses_city_key", "city_key"),
        Index("ix_client_addresses_street_key", "street_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    house: Mapped[str] = mapped_column(String(20), default="")
    building: Mapped[str] = mapped_column(String(20), default="")
    entrance: Mapped[str] = mapped_column(String(20), default="")
    floor: Mapped[str] = mapped_column(String(10), default="")
    apartment: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    city_key: Mapped[str] = mapped_column(String(100), default="")
    street_key: Mapped[str] = mapped_column(String(200), default="")
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class Company(Base):
    """An organisation whose employees may ride on its account (migration 0005).

    `balance` is the sum of its `company_operations`, maintained like a client's balance.
    """

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tax_id: Mapped[str] = mapped_column(String(12), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    balance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class CompanyEmployee(Base):
    """A client working for a company: at most one company per client (the primary key).

    Removed with the client or the company (ON DELETE CASCADE). A merge keeps the
    survivor's link and moves the merged-away client's only when the survivor has none.
    """

    __tablename__ = "company_employees"
    __table_args__ = (Index("ix_company_employees_company_id", "company_id"),)

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    may_order_on_account: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by: Mapped[str] = mapped_column(String(200), default="")


class CompanyOperationKind(StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"
    CORRECTION = "correction"


class CompanyOperation(Base):
    """One movement of a company's account (a sibling of `account_operations`, which
    belongs to clients: see docs/architecture.md)."""

    __tablename__ = "company_operations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(CompanyOperationKind)})", name="kind"),
        CheckConstraint(
            "(kind = 'credit' AND amount > 0) OR (kind = 'debit' AND amount < 0)"
            " OR (kind = 'correction' AND amount <> 0)",
            name="amount_sign",
        ),
        Index("ix_company_operations_company_at", "company_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]
    comment: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CallBackOutcome(StrEnum):
    """How a call-back attempt ended; none yet while it is being dialled (or never told)."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"


class CallBack(Base):
    """One attempt to call back a number that called and was missed: who dialled it, when,
    from which click-to-call (server + ActionID, so a replayed journal entry writes it
    once), which missed call it answered, and how it ended. Whether the number counts as
    returned is not stored here: a later answered call with it decides
    (`storage.call_backs`)."""

    __tablename__ = "call_backs"
    __table_args__ = (
        UniqueConstraint("server", "action_id", name="uq_call_backs_server_action_id"),
        CheckConstraint(f"outcome IN ({_values(CallBackOutcome)})", name="outcome"),
        Index("ix_call_backs_number_started", "number", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    server: Mapped[str] = mapped_column(String(100))
    action_id: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), default=None
    )
    missed_call_id: Mapped[int | None] = mapped_column(
        ForeignKey("calls.id", ondelete="SET NULL"), default=None
    )
    extension: Mapped[str] = mapped_column(String(100))
    operator: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    linkedid: Mapped[str | None] = mapped_column(String(100), default=None)
    reason: Mapped[str | None] = mapped_column(String(200), default=None)


class MissedClosing(Base):
    """A missed number closed without a call-back (spam, a wrong number, a caller already
    helped another way): who closed it, when and why. It returns the calls missed before
    `closed_at` as an answered call would; a later miss opens the number again. Undone
    (`reopened_at`), it returns nothing, and stays for the record (`storage.missed_closings`)."""

    __tablename__ = "missed_closings"
    __table_args__ = (Index("ix_missed_closings_number_closed", "number", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime]
    closed_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(200))
    reopened_at: Mapped[datetime | None] = mapped_column(default=None)
    reopened_by: Mapped[str | None] = mapped_column(String(200), default=None)
