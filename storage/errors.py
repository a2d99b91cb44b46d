"""Domain errors the storage layer raises for things a person can do wrong or collide on.

Each carries what the screen needs to explain itself (the owner of a phone, the values
another operator saved), so the console never has to run a second query to word a
message. Driver and connection failures are a different matter: `storage.db.StorageError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


class DomainError(Exception):
    """Base of every refusal the client base gives for a person's action."""


class NotFound(DomainError):
    """The client, debt or phone asked for does not exist (any more)."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key} not found")
        self.entity = entity
        self.key = key


class InvalidPhone(DomainError, ValueError):
    """Not a number a client can be called back on: an extension, withheld, garbage."""

    def __init__(self, raw: str, kind: str) -> None:
        super().__init__(f"{raw!r} is not a client phone ({kind})")
        self.raw = raw
        self.kind = kind


class DuplicatePhone(DomainError):
    """The number already belongs to another client: a number has at most one owner."""

    def __init__(self, e164: str, owner_id: int, owner_name: str) -> None:
        super().__init__(f"{e164} already belongs to client {owner_id} ({owner_name})")
        self.e164 = e164
        self.owner_id = owner_id
        self.owner_name = owner_name


class LastPhone(DomainError):
    """Removing the only phone would leave a client no call can ever pop."""

    def __init__(self, client_id: int, e164: str) -> None:
        super().__init__(f"{e164} is the only phone of client {client_id}; add another first")
        self.client_id = client_id
        self.e164 = e164


class InvalidChange(DomainError, ValueError):
    """A field that cannot be edited, or a value it cannot take.

    `code` says what is wrong and `params` the details, as data for a screen to word in
    its own language; `message` is the same in English, for logs and the command line."""

    MESSAGES: Mapping[str, str] = {
        "expected_text": "expected text",
        "too_long": "at most {limit} characters",
        "not_email": "not an e-mail address",
        "expected_tariff": "expected a tariff id or nothing",
        "no_tariff": "no tariff {tariff}",
        "tariff_inactive": "tariff {tariff} is not active",
        "negative": "must not be negative",
        "not_positive": "must be greater than zero",
        "above_limit": "at most {limit}",
        "expected_count": "expected a whole number >= 0",
        "not_editable": "not an editable client field",
        "by_operations": "changes only through account operations (top-up, debit, correction)",
        "one_of": "one of {allowed}",
        "expected_date": "expected a date YYYY-MM-DD",
        "expected_amount": "expected an exact amount (Decimal or text)",
        "not_number": "not a number: {value}",
        "two_places": "at most two decimal places",
        "reason_required": "a reason is required to blacklist",
        "close_reason_required": "a reason is required to close a missed number",
        "nothing_to_add": "nothing to add",
        "below_zero": "a counter would go below zero",
        "currency": "a three-letter code such as RUB",
        "zero_correction": "a correction must not be zero",
        "few_bonuses": "only {have} bonuses to spend, not {spend}",
        "name_required": "a tariff needs a name",
        "tariff_exists": "tariff {name!r} already exists",
        "tariff_retired_exists": "tariff {name!r} (retired) already exists",
        "address_empty": "an address needs a city, a street or a house",
        "company_name_required": "a company needs a name",
        "company_exists": "company {name!r} already exists",
        "not_tax_id": "a tax id (INN) is 10 or 12 digits",
        "merge_self": "a client cannot be merged with itself",
        "merge_no_difference": "the two clients do not differ in this field",
        "merge_stale": "one of the clients changed since the preview; preview again",
    }

    def __init__(self, field: str, code: str, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = params
        # A code without a template is taken for the message itself (English).
        template = self.MESSAGES.get(code, code)
        self.message = template.format(**params) if params else template
        super().__init__(f"{field}: {self.message}")


class EditConflict(DomainError):
    """Someone saved the client after this edit was loaded; nothing was written.

    `current` holds the saved values (editable fields, JSON-safe) so the screen can show
    the other change side by side; `changed_by`/`changed_at` say who and when, and
    `their_changes` is that save's field -> [old, new] from the audit trail when known.
    """

    def __init__(
        self,
        client_id: int,
        *,
        expected_version: int,
        current_version: int,
        current: Mapping[str, Any],
        changed_by: str,
        changed_at: datetime | None,
        their_changes: Mapping[str, list[Any]] | None = None,
    ) -> None:
        super().__init__(
            f"client {client_id} was changed by {changed_by or 'someone'} "
            f"(version {current_version}, this edit was based on {expected_version})"
        )
        self.client_id = client_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.current = dict(current)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.their_changes = dict(their_changes or {})


class DebtAlreadyPaid(DomainError):
    """A debt is paid once; a second payment is refused, never recorded over the first."""

    def __init__(self, debt_id: int, paid_at: datetime | None, paid_by: str) -> None:
        when = paid_at.isoformat() if paid_at else "earlier"
        super().__init__(f"debt {debt_id} was already paid {when} by {paid_by or 'someone'}")
        self.debt_id = debt_id
        self.paid_at = paid_at
        self.paid_by = paid_by


class NotWaiting(DomainError):
    """A missed number is closed or reopened only while that makes a difference: closing
    one that waits for no call-back (answered or closed meanwhile, perhaps at another
    console), or reopening one that is not closed, is refused and writes nothing."""

    def __init__(self, number: str, *, closed: bool) -> None:
        what = "is not closed" if closed else "waits for no call-back"
        super().__init__(f"{number} {what}")
        self.number = number
        self.closed = closed  # True: a reopening was refused


class NotAllowed(DomainError):
    """The actor's role may not do this (a dispatcher changing money, managing tariffs).

    Raised by the storage function itself, before anything is written, so every caller
    (the console, the CLI, a script) obeys the same rule.
    """

    def __init__(self, actor: str, role: str, action: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"{actor} ({role}) may not {action}: only {' or '.join(allowed)} may")
        self.actor = actor
        self.role = role
        self.action = action
        self.allowed = allowed
