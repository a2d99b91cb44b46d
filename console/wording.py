"""The console's words for what pbx/ and storage/ report as data: a PBX link's state and
its problem, a caller the PBX could not name, a value storage refused.

pbx/ and storage/ speak no language the operator reads: they hand over codes and values
(`LinkProblem`, an errno name, Asterisk's `<unknown>`), and this module puts them in the
interface language, so every screen says the same thing the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from console.i18n import catalog, fmt_money, fmt_number, fmt_time, tr
from storage.errors import InvalidChange, NotAllowed
from storage.missed_closings import OFFERED_REASONS
from storage.phones import NumberKind, classify_number, format_display

if TYPE_CHECKING:
    from console.desk import ConnectionStatus
    from storage.addresses import Address
    from storage.cards import CardCompany

# --- a PBX link ---------------------------------------------------------------------------


def link_cause(cause: str) -> str:
    """The error under a link problem: a known code in words, anything else as it came."""
    key = f"link.cause.{cause}"
    return tr(key) if key in catalog() else cause


def link_problem(status: ConnectionStatus) -> str:
    """Why the link is not up, in words («нет ответа» rather than «Connect call failed»)."""
    if not status.problem:
        return status.detail or "—"
    return tr(f"link.problem.{status.problem}", cause=link_cause(status.cause) or "—")


def link_state(status: ConnectionStatus) -> str:
    """The state as the status bar says it: a PBX never reached is not «down» but
    «unreachable» — nothing was lost, it has not answered yet."""
    if status.state == "down" and not status.been_up:
        return tr("status.pbx.unreachable")
    return tr(f"status.pbx.{status.state}")


def describe_connection(status: ConnectionStatus) -> str:
    """«PBX main: up since 09:00» in the interface language."""
    since = fmt_time(status.since)
    return tr("status.pbx", server=status.server, state=link_state(status), since=since)


def connection_news(status: ConnectionStatus) -> str | None:
    """What to tell the operator about a link's new state (None: nothing worth a toast):
    a first connection, a reconnection, a lost link and a PBX never reached are each
    said differently."""
    server, since = status.server, fmt_time(status.since)
    if status.state == "up":
        key = "status.pbx.back" if status.been_up else "status.pbx.connected"
        return tr(key, server=server, since=since)
    if status.state == "down" and status.been_up:
        return tr("status.pbx.lost", server=server, since=since, detail=link_problem(status))
    if status.state == "down":  # never reached: «cannot connect» is said already
        plain = status.problem == "cannot_connect" and status.cause
        detail = link_cause(status.cause) if plain else link_problem(status)
        return tr("status.pbx.cannot_reach", server=server, detail=detail)
    if status.state == "login_refused":
        return tr("status.pbx.refused", server=server)
    return None


# --- a caller ------------------------------------------------------------------------------

# Caller IDs that say the caller chose to hide the number; the PBX's other placeholders
# (`<unknown>`, `unknown`, `unavailable`, nothing at all) say it does not know it.
_HIDDEN: Final = frozenset(
    {"anonymous", "restricted", "private", "withheld", "anonymous@anonymous.invalid"}
)
# Caller ID names that are no name (`clean_name` in pbx drops most; the call log may hold
# older rows).
_NO_NAME: Final = frozenset({"", "<unknown>", "unknown", "<none>", "anonymous", "unavailable"})


def caller_number(number: str | None, raw: str | None) -> str:
    """The caller's number as people read it: «+7 916 123-45-67», «номер скрыт» (the caller
    hid it), «номер неизвестен» (the PBX does not know it), or an extension as dialled."""
    if number:
        return format_display(number)
    text = (raw or "").strip()
    if text.lower() in _HIDDEN:
        return tr("caller.hidden")
    if classify_number(text).kind is NumberKind.WITHHELD:
        return tr("caller.unknown")
    return text


def caller_name(name: str | None) -> str | None:
    """The caller ID name, or None when the PBX sent a placeholder instead of a name."""
    if name is None or name.strip().lower() in _NO_NAME:
        return None
    return name.strip()


def caller_text(number: str | None, raw: str | None, name: str | None) -> str:
    """«+7 916 123-45-67 «Иванова Мария»», or the number alone, or «номер скрыт»."""
    shown = caller_number(number, raw)
    named = caller_name(name)
    return f"{shown} «{named}»" if named else shown


# --- a failed background job ---------------------------------------------------------------


def worker_words(description: str) -> str:
    """What a worker was doing, in the interface language: a worker's description is
    English for logs, and the catalog has each one's words («worker.*» entries whose
    English is that description)."""
    for key, texts in catalog().items():
        if key.startswith("worker.") and texts["en"] == description:
            return tr(key)
    return description


# --- a refused value -----------------------------------------------------------------------


def invalid_change(exc: InvalidChange) -> str:
    """Why storage refused a value («не больше 100»), without the field's name; a code
    this console has no words for falls back to storage's English."""
    key = f"invalid.{exc.code}"
    if key not in catalog():
        return exc.message
    params = {k: _shown(v) for k, v in exc.params.items()}
    return tr(key, **params)


def _shown(value: object) -> object:
    """A number as the interface writes numbers (1 000, 120,50); anything else as it is."""
    if isinstance(value, Decimal):
        return fmt_number(value, places=2)
    return fmt_number(value) if isinstance(value, int) and not isinstance(value, bool) else value


# --- a supervisor's action refused -----------------------------------------------------------

# The AMI write class each refused action needs (docs/asterisk.md).
_WRITE_CLASS: Final = {
    "queuepause": "agent",
    "queueadd": "agent",
    "queueremove": "agent",
    "originate": "originate",
}


def supervisor_refusal(exc: BaseException) -> str:
    """Why a pause, a log in/out, a listen-in or a pickup did not happen, in words: the
    desk's own reasons (`console.queue_control.SupervisorError`) and Asterisk's refusals
    («Member not dynamic» → the operator can only be paused; «Permission denied» → which
    write class the AMI user lacks)."""
    from console.queue_control import SupervisorError
    from pbx.errors import (
        ActionFailedError,
        AlreadyMemberError,
        AmiError,
        MemberNotDynamicError,
        NoSuchQueueError,
        NotAMemberError,
        PermissionDeniedError,
    )

    if isinstance(exc, SupervisorError):
        params = dict(exc.params)
        if "role" in params:
            role_key = f"cli.role.{params['role']}"
            params["role"] = tr(role_key) if role_key in catalog() else params["role"]
        return tr(f"supervise.error.{exc.code}", **params)
    if isinstance(exc, MemberNotDynamicError):
        return tr("supervise.refused.not_dynamic")
    if isinstance(exc, PermissionDeniedError):
        klass = _WRITE_CLASS.get(exc.action.lower(), "originate")
        return tr("supervise.refused.permission", klass=klass)
    if isinstance(exc, AlreadyMemberError):
        return tr("supervise.refused.already")
    if isinstance(exc, NotAMemberError):
        return tr("supervise.refused.not_member")
    if isinstance(exc, NoSuchQueueError):
        return tr("supervise.refused.no_queue")
    if isinstance(exc, ActionFailedError):
        return tr("supervise.refused.other", message=exc.message or "—")
    if isinstance(exc, AmiError):
        return tr("supervise.refused.link", detail=str(exc) or type(exc).__name__)
    return str(exc) or type(exc).__name__


# --- addresses and companies ---------------------------------------------------------------

_ADDRESS_LABELS: Final = ("home", "work", "other")
# What people also type for them.
_LABEL_NOUNS: Final = {"home": ("дом",), "work": ("работа",), "other": ("другое",)}


def label_word(label: str) -> str:
    """An address label as people read it: home/work/other in words, any other as typed."""
    return tr(f"address.label.{label}") if label in _ADDRESS_LABELS else label


def address_label_code(text: str) -> str:
    """What a typed label is stored as: «дом», «Home» … are the codes; others as typed."""
    folded = text.strip().casefold()
    for code in _ADDRESS_LABELS:
        words = {code, *_LABEL_NOUNS[code]}
        words.update(w.casefold() for w in catalog()[f"address.label.{code}"].values())
        if folded in words:
            return code
    return text.strip()


def address_place(address: Address) -> str:
    """City, street, house, building, entrance, floor, apartment: «Самара, Ленина, 7,
    корп. 2, под. 3, эт. 5, кв. 14»; the parts that are empty are left out."""
    a = address
    parts = [a.city, a.street, a.house]
    for field, value in (
        ("building", a.building),
        ("entrance", a.entrance),
        ("floor", a.floor),
        ("apartment", a.apartment),
    ):
        if value:
            parts.append(tr(f"address.part.{field}", value=value))
    return ", ".join(p for p in parts if p)


def address_line(address: Address) -> str:
    """«дом: Самара, Ленина, 7, под. 3, эт. 5, кв. 14 — домофон 14К»: label, place, comment."""
    line = address_place(address) or "—"
    if address.label:
        line = f"{label_word(address.label)}: {line}"
    if address.comment:
        line = f"{line} — {address.comment}"
    return line


def company_line(company: CardCompany) -> str:
    """«ООО Ромашка · может ездить за счёт компании (счёт 1 200,00 ₽)»; an account below
    zero says so (the dispatcher decides on the line whether to send the car)."""
    account = "company.account.may" if company.may_order_on_account else "company.account.not"
    return tr(
        "card.company.negative" if company.balance < 0 else "card.company",
        company=company.name,
        account=tr(account),
        balance=fmt_money(company.balance),
    )


def not_allowed(exc: NotAllowed) -> str:
    """A role's refusal in words: «Анна (101) (диспетчер): нет права — …; можно только: …»."""

    def word(key: str, default: str) -> str:
        return tr(key) if key in catalog() else default

    return tr(
        "cli.refused",
        actor=exc.actor,
        role=word(f"cli.role.{exc.role}", exc.role),
        action=word(f"cli.action.{exc.action}", exc.action),
        allowed=", ".join(word(f"cli.role.{r}", r) for r in exc.allowed),
    )


# --- a missed number closed without a call-back ---------------------------------------------


def close_reason(reason: str) -> str:
    """Why a number was closed, in this console's language: an offered reason is stored as
    its code («spam» reads «спам» on a Russian console), a typed one as typed."""
    key = f"callbacks.reason.{reason}"
    return tr(key) if key in catalog() else reason


def close_reason_code(typed: str) -> str:
    """What a typed reason is stored as: the words of an offered reason, in either language
    («Спам», "wrong number"), are its code, so every console words it in its own; any
    other as typed, spaces collapsed."""
    cleaned = " ".join(typed.split())
    folded = cleaned.casefold()
    for code in OFFERED_REASONS:
        words = {code, *(w.casefold() for w in catalog()[f"callbacks.reason.{code}"].values())}
        if folded in words:
            return code
    return cleaned
