"""The client base as a table: filters, sort and pages computed in the database, and a
streaming reader for exports.

A page is one query: the inner select picks `page_size + 1` ids by the filter and sort
(index-ordered, so page 1 reads a few dozen index entries even at 1,000,000 clients), the
outer one computes main phone, phone count and unpaid total for those ids only. The total
is counted up to `count_cap` rows: exact for any narrow filter, "more than N" beyond, so a
broad filter never costs a count over the whole table. With a search the candidates are
few (`SEARCH_CAP`), so their counts come with the page, in the same statement.

Page statements are built once per shape of query (which filters, which sort, what kind
of search) with every value a named parameter, and read through `storage.cards.fetch_rows`:
search as you type runs one every keystroke, and building and compiling a statement this
size would cost more than running it.

Which clients a filter selects is written once (`filter_conditions`): the exports read
their rows through `iter_matching` with the same conditions and the same search, only
taking every match of a search where the table stops at `SEARCH_CAP`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from storage.cards import fetch_rows
from storage.filters import Activity, ClientFilter, ClientSort, Page
from storage.list_plans import (
    SEEN_AFTER_CALL,
    WALK_LIMIT,
    ShortWalks,
    filtered_ids,
    sort_keys,
    walk_kind,
    walked_ids,
)
from storage.models import Client, ClientPhone, Debt, Tariff
from storage.search import matching_ids, matching_plan, matching_window
from storage.types import Money, to_money

ACTIVE_DAYS = 30
RECENT_DAYS = 90
NEW_DAYS = 30
COUNT_CAP = 10_000
# Candidates a search considers (then sorted and paged: 10 pages of 20); a broader query
# says so and the table shows the first matches: "type more to narrow". Sorting them costs
# a visit to each (more once they outgrow the page cache), so this cap is what keeps
# search as you type within its 10 ms goal.
SEARCH_CAP = 200


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One line of the client table."""

    id: int
    name: str
    phone: str | None  # main (first) phone, E.164
    phone_count: int
    city: str
    status: str
    activity: Activity
    tariff: str | None
    blacklisted: bool
    unpaid_debt_total: Decimal
    completed_orders: int
    registered_at: datetime
    last_call_at: datetime | None


def reference_time(today: date | None) -> datetime:
    """'Now' for activity: the start of `today` (UTC) when given, so tests are stable."""
    if today is None:
        return datetime.now(UTC)
    return datetime.combine(today, time.min, UTC)


def activity_of(
    registered_at: datetime,
    last_call_at: datetime | None,
    last_order_at: datetime | None,
    now: datetime,
) -> Activity:
    """New if registered under 30 days ago; else by the last call or order: Active within
    30 days, Recent within 90, Inactive beyond (or never). The SQL filter agrees."""
    if registered_at > now - timedelta(days=NEW_DAYS):
        return Activity.NEW
    last = max((t for t in (last_call_at, last_order_at) if t is not None), default=None)
    if last is not None and last >= now - timedelta(days=ACTIVE_DAYS):
        return Activity.ACTIVE
    if last is not None and last >= now - timedelta(days=RECENT_DAYS):
        return Activity.RECENT
    return Activity.INACTIVE


def _seen_since(moment: BindParameter[Any]) -> ColumnElement[bool]:
    """Last call or order at/after `moment`; never NULL (NULL timestamps count as never)."""
    return func.coalesce(
        or_(Client.last_call_at >= moment, Client.last_order_at >= moment), false()
    ).is_(True)


def _activity_values(activity: Activity, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"f_new_since": now - timedelta(days=NEW_DAYS)}
    if activity in (Activity.ACTIVE, Activity.RECENT):
        values["f_active_since"] = now - timedelta(days=ACTIVE_DAYS)
    if activity in (Activity.RECENT, Activity.INACTIVE):
        values["f_recent_since"] = now - timedelta(days=RECENT_DAYS)
    # Where the last-call index may hold the activity's clients (`list_plans`).
    if activity is Activity.ACTIVE:
        values["f_active_calls_since"] = values["f_active_since"] - SEEN_AFTER_CALL
    if activity is Activity.RECENT:
        values["f_recent_calls_since"] = values["f_recent_since"] - SEEN_AFTER_CALL
    return values


def _moment(values: dict[str, Any], name: str) -> BindParameter[Any]:
    return bindparam(name, values[name], type_=Client.registered_at.type)


def activity_condition(activity: Activity, now: datetime) -> ColumnElement[bool]:
    values = _activity_values(activity, now)
    is_new = Client.registered_at > _moment(values, "f_new_since")
    if activity is Activity.NEW:
        return is_new
    # "Not new" is most clients: `(registered_at > ?) IS false`, not `registered_at <= ?`,
    # which SQLite would read through ix_clients_registered_at, row by row in date order
    # (slower than scanning: docs/performance.md, "Filtered lists").
    not_new = is_new.is_(False)
    if activity is Activity.ACTIVE:
        return and_(not_new, _seen_since(_moment(values, "f_active_since")))
    recent = _seen_since(_moment(values, "f_recent_since"))
    if activity is Activity.RECENT:
        active = _seen_since(_moment(values, "f_active_since"))
        return and_(not_new, not_(active), recent)
    return and_(not_new, not_(recent))


def _unpaid_exists() -> ColumnElement[bool]:
    return exists().where(Debt.client_id == Client.id, Debt.paid_at.is_(None))


def _unpaid_in() -> ColumnElement[bool]:
    """The same as `_unpaid_exists()`, written so the database may read it as a list of
    clients (the unpaid debts' index, then each client by id) instead of probing every
    client. Only for counting: a sorted page is better served by walking its sort index
    and probing (it stops after a page), a count to 10,000 by the list (measured:
    docs/performance.md, "Filtered lists")."""
    return Client.id.in_(select(Debt.client_id).where(Debt.paid_at.is_(None)))


# Filter values go into named parameters (`f_…`), so that page statements can be built once
# per shape of filter and reused with other values (see `_page_statement`).
_FILTER_COLUMNS = {
    "f_city": Client.city,
    "f_blacklisted": Client.blacklisted,
    "f_status": Client.status,
    "f_tariff_id": Client.tariff_id,
}


def _filter_values(flt: ClientFilter, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in (
        ("f_city", flt.city),
        ("f_blacklisted", flt.blacklisted),
        ("f_status", flt.status),
        ("f_tariff_id", flt.tariff_id),
    ):
        if value is not None:
            values[name] = value
    if flt.activity is not None:
        values.update(_activity_values(Activity(flt.activity), now))
    return values


def filter_conditions(
    flt: ClientFilter,
    now: datetime,
    dialect: str,
    *,
    search_cap: int | None,
    search_ids: Any = None,
    unpaid_as_list: bool = False,
) -> list[ColumnElement[bool]]:
    """The WHERE of the filter: the one definition of which clients a filter selects, for
    the table's pages and counts and for exports. A search matches through the search
    indexes (`storage.search.matching_ids`), at most `search_cap` candidates per index
    branch (None: all).

    `search_ids` (a selectable with an `id` column, or the ids themselves) stands in for
    the search's own candidates when the caller has them already; `unpaid_as_list` writes
    "has unpaid debts" for counting (`_unpaid_in`)."""
    conditions: list[ColumnElement[bool]] = []
    values = _filter_values(flt, now)
    for name, column in _FILTER_COLUMNS.items():
        if name in values:
            conditions.append(column == bindparam(name, values[name], type_=column.type))
    if flt.activity is not None:
        conditions.append(activity_condition(Activity(flt.activity), now))
    if flt.has_unpaid_debts:
        conditions.append(_unpaid_in() if unpaid_as_list else _unpaid_exists())
    elif flt.has_unpaid_debts is not None:
        conditions.append(not_(_unpaid_exists()))
    if flt.search.strip():
        ids = search_ids
        if ids is None:
            ids = matching_ids(dialect, flt.search, limit=search_cap)
        conditions.append(_among(ids))
    return conditions


def _among(ids: Any) -> ColumnElement[bool]:
    """The client is one of the search's candidates (None: a search matching nobody)."""
    if ids is None:
        return false()
    if isinstance(ids, Sequence):
        return Client.id.in_(ids)
    return Client.id.in_(select(ids.c.id))


def _page_columns() -> list[Any]:
    """The columns of a table row; built once (`_PAGE_COLUMNS`), as they never change."""
    phones = (
        select(ClientPhone.e164)
        .where(ClientPhone.client_id == Client.id)
        .order_by(ClientPhone.id)
        .limit(1)
        .scalar_subquery()
    )
    phone_count = select(func.count()).where(ClientPhone.client_id == Client.id).scalar_subquery()
    return [
        Client.id, Client.name, phones, phone_count, Client.city, Client.status,
        Tariff.name, Client.blacklisted, _unpaid_total(), Client.completed_orders,
        Client.registered_at, Client.last_call_at, Client.last_order_at,
    ]  # fmt: skip


def _unpaid_total() -> Any:
    # Money is stored in kopecks: SUM is exact; the Money type turns it back into Decimal.
    return (
        select(type_coerce(func.coalesce(func.sum(Debt.amount), 0), Money()))
        .where(Debt.client_id == Client.id, Debt.paid_at.is_(None))
        .scalar_subquery()
    )


_PAGE_COLUMNS = _page_columns()
_PAGE_WIDTH = len(_PAGE_COLUMNS)


_PAGES: dict[tuple[Any, ...], tuple[Select[Any], bool, bool]] = {}
_PAGES_MAX = 256
_SHORT_WALKS = ShortWalks()


def _page_statement(
    flt: ClientFilter,
    now: datetime,
    dialect: str,
    sort: ClientSort,
    descending: bool,
    page: int,
    page_size: int,
    search_cap: int,
    plan: str = "plain",
) -> tuple[Select[Any], bool, bool]:
    """(statement, whether it counts a search, whether it counts other filters too).

    Built once per shape of query and reused: every value is a named parameter (`f_…`,
    `search_…`, `page_limit`, `page_offset`), and building a statement this size costs more
    than running it. `plan` is how a filter without a search finds the page's ids
    (`storage.list_plans`): "walk" or "filter"; "plain" leaves it to the database (no
    filter, or a search's few candidates).
    """
    search = flt.search.strip()
    # The search's candidates, once: a CTE both the page and its counts read.
    found = matching_ids(dialect, search, limit=search_cap + 1) if search else None
    candidates = select(found.c.id).cte("candidates") if found is not None else None
    conditions = filter_conditions(
        flt, now, dialect, search_cap=search_cap + 1, search_ids=candidates
    )
    keys = sort_keys(sort, descending)
    if plan == "walk":
        ordered = walked_ids(flt, conditions, sort, descending, dialect)
    elif plan == "filter":
        ordered = filtered_ids(flt, conditions, sort, descending)
    else:
        ordered = select(Client.id).where(*conditions).order_by(*keys)
    page_ids = ordered.limit(bindparam("page_limit", page_size + 1)).offset(
        bindparam("page_offset", page * page_size)
    )
    # With a search, its counts ride along: how many candidates it found and, with other
    # filters too, how many of them pass those (a window count over the candidates).
    counts: list[Any] = []
    filtered = candidates is not None and len(conditions) > 1
    if filtered:
        page_ids = page_ids.add_columns(func.count().over().label("matched"))
    ids = page_ids.subquery("page_ids")
    if candidates is not None:
        counts.append(select(func.count(func.distinct(candidates.c.id))).scalar_subquery())
    if filtered:
        counts.append(ids.c.matched)
    stmt = (
        select(*_PAGE_COLUMNS, *counts)
        .join(ids, ids.c.id == Client.id)
        .outerjoin(Tariff, Tariff.id == Client.tariff_id)
        .order_by(*keys)
    )
    return stmt, candidates is not None, filtered


async def list_clients(
    session: AsyncSession,
    flt: ClientFilter,
    sort: ClientSort = ClientSort.NAME,
    descending: bool = False,
    page: int = 0,
    page_size: int = 20,
    today: date | None = None,
    *,
    count_cap: int = COUNT_CAP,
    search_cap: int = SEARCH_CAP,
    with_total: bool = True,
    walk_limit: int = WALK_LIMIT,
) -> Page[ClientRow]:
    """One page of the client table. `Page.total` is exact up to `count_cap`; above it,
    None with `extra["total_at_least"]`. A search broader than `search_cap` candidates
    sets `extra["search_capped"]` (the table then shows the first matches only).

    With a search, the page and its counts come in one statement: the candidates are few
    (at most `search_cap` + 1), so counting them beside the page is cheap, and a search
    with no other filter is counted by the search index alone.

    Without a search the count is a statement of its own, which can cost several pages
    (up to `count_cap` clients visited): with `with_total=False` it is left out (`total`
    None, no `total_at_least`), for a caller that asks `count_clients` once per filter
    rather than once per page.

    A filter without a search is found by a walk of the sort's index (at most
    `walk_limit` entries), or, where that does not fill the page, from the filter's own
    index (`storage.list_plans`); both give the same rows.
    """
    if page < 0 or page_size <= 0:
        raise ValueError("page must be >= 0 and page_size > 0")
    now = reference_time(today)
    dialect = session.get_bind().dialect.name
    search = flt.search.strip()
    plan = matching_plan(dialect, search, limit=search_cap + 1) if search else None
    values = {
        **_filter_values(flt, now),
        **(plan.values if plan is not None else {}),
        "page_limit": page_size + 1,
        "page_offset": page * page_size,
    }
    shape = (
        dialect, ClientSort(sort), descending, tuple(sorted(values)),
        None if flt.activity is None else Activity(flt.activity), flt.has_unpaid_debts,
        None if plan is None else plan.shape, bool(search),
    )  # fmt: skip
    filtered_only = not search and (len(values) > 2 or flt.has_unpaid_debts is not None)
    ways = ("walk", "filter") if filtered_only else ("plain",)
    walk = (dialect, flt, walk_kind(flt, sort, descending), walk_limit)
    needed = page * page_size + page_size + 1
    if filtered_only and (_SHORT_WALKS.found(walk) or needed) < needed:
        ways = ("filter",)  # a walk of this filter came back short of this page before
    for way in ways:
        cached = _PAGES.get((*shape, way))
        if cached is None:
            if len(_PAGES) >= _PAGES_MAX:
                _PAGES.clear()
            cached = _PAGES[(*shape, way)] = _page_statement(
                flt, now, dialect, sort, descending, page, page_size, search_cap, way
            )
        stmt, counted, filtered = cached
        _, rows = await fetch_rows(session, stmt, {**values, "walk_limit": walk_limit})
        if len(rows) > page_size:
            break  # a full page (and one more): the walk found it, no need to read further
        if way == "walk":
            _SHORT_WALKS.note(walk, page * page_size + len(rows))
    # A search shows its first `search_cap` clients, as its total says; the candidates go
    # one further only to tell whether it was capped.
    shown = page * page_size
    room = max(0, min(page_size, search_cap - shown)) if counted else page_size
    has_next = len(rows) > room and (not counted or shown + room < search_cap)
    result = [_row(r, now) for r in rows[:room]]
    extra: dict[str, object] = {}
    capped: bool | None
    if counted and rows:
        searched = int(rows[0][_PAGE_WIDTH])
        matched = int(rows[0][_PAGE_WIDTH + 1]) if filtered else searched
        total, capped = min(matched, search_cap), searched > search_cap
    elif counted and page == 0 and not filtered:
        total, capped = 0, False  # the search found nobody
    elif search and plan is None:
        total, capped = 0, False  # nothing a search could match (punctuation, …)
    elif not with_total:
        return Page(rows=result, page=page, page_size=page_size, has_next=has_next)
    else:
        total, capped = await _run_count(session, flt, now, shape, values, count_cap, search_cap)
    if total > count_cap:
        extra["total_at_least"] = count_cap
    if capped is not None:
        extra["search_capped"] = capped
    return Page(
        rows=result,
        page=page,
        page_size=page_size,
        total=total if total <= count_cap else None,
        has_next=has_next,
        extra=extra,
    )


async def _run_count(
    session: AsyncSession,
    flt: ClientFilter,
    now: datetime,
    shape: tuple[Any, ...],
    values: dict[str, Any],
    count_cap: int,
    search_cap: int,
) -> tuple[int, bool | None]:
    """(matching clients counted up to `count_cap` + 1, whether a search was capped)."""
    dialect = session.get_bind().dialect.name
    searched = bool(flt.search.strip())
    values = {**values, "count_limit": count_cap + 1}
    stmt = _PAGES.get((*shape, "count"))
    if stmt is None:
        stmt = _PAGES[(*shape, "count")] = (
            _count_statement(flt, now, dialect, search_cap, count_cap),
            searched,
            False,
        )
    _, counts = await fetch_rows(session, stmt[0], values)
    total = int(counts[0][0])
    if searched:
        return min(total, search_cap), int(counts[0][-1]) > search_cap
    return total, None


@dataclass(frozen=True, slots=True)
class ClientCount:
    """How many clients a filter selects: `total` exact up to the cap, else None and
    `at_least` the cap; `search_capped` as on a page (None without a search)."""

    total: int | None
    at_least: int | None = None
    search_capped: bool | None = None


async def count_clients(
    session: AsyncSession,
    flt: ClientFilter,
    today: date | None = None,
    *,
    count_cap: int = COUNT_CAP,
    search_cap: int = SEARCH_CAP,
) -> ClientCount:
    """What `list_clients` counts for the filter, without a page: the table asks it once
    per filter (a worker of its own) while its pages come `with_total=False`."""
    if flt.search.strip():  # counted beside the page, from the few candidates
        page = await list_clients(
            session, flt, page_size=1, today=today, count_cap=count_cap, search_cap=search_cap
        )
        capped = page.extra.get("search_capped")
        return ClientCount(page.total, search_capped=capped if isinstance(capped, bool) else None)
    now = reference_time(today)
    values = _filter_values(flt, now)
    dialect = session.get_bind().dialect.name
    shape = (
        "count", dialect, tuple(sorted(values)),
        None if flt.activity is None else Activity(flt.activity), flt.has_unpaid_debts,
    )  # fmt: skip
    total, _ = await _run_count(session, flt, now, shape, values, count_cap, search_cap)
    if total > count_cap:
        return ClientCount(None, at_least=count_cap)
    return ClientCount(total)


def _count_statement(
    flt: ClientFilter, now: datetime, dialect: str, search_cap: int, count_cap: int
) -> Select[Any]:
    """(matching rows counted no further than `count_limit`, and with a search its
    candidates) in one row; parameters as the page statement's, plus `count_limit`.

    A search with no other filter is counted on the search index alone: its candidates
    are the clients it matches, so there is no need to visit them.
    """
    search = flt.search.strip()
    found = matching_ids(dialect, search, limit=search_cap + 1) if search else None
    if found is not None:
        candidates = select(func.count(func.distinct(found.c.id))).scalar_subquery()
        if not _filter_values(flt, now) and flt.has_unpaid_debts is None:
            return select(candidates)
    conditions = filter_conditions(
        flt, now, dialect, search_cap=search_cap + 1, unpaid_as_list=True
    )
    limited = (
        select(Client.id)
        .where(*conditions)
        .limit(bindparam("count_limit", count_cap + 1))
        .subquery()
    )
    total = select(func.count()).select_from(limited).scalar_subquery()
    return select(total, candidates) if found is not None else select(total)


def _row(r: Any, now: datetime) -> ClientRow:
    return ClientRow(
        id=r[0],
        name=r[1],
        phone=r[2],
        phone_count=int(r[3]),
        city=r[4],
        status=r[5],
        tariff=r[6],
        blacklisted=bool(r[7]),
        unpaid_debt_total=_money(r[8]),
        completed_orders=r[9],
        registered_at=r[10],
        last_call_at=r[11],
        activity=activity_of(r[10], r[11], r[12], now),
    )


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else to_money(0)


# --------------------------------------------------------------------------- export


async def count_matching(session: AsyncSession, flt: ClientFilter, now: datetime) -> int:
    """How many clients the filter selects, a search's matches all counted (not capped at
    `SEARCH_CAP`): what `iter_matching` reads, for an export's progress bar."""
    dialect = session.get_bind().dialect.name
    conditions = filter_conditions(flt, now, dialect, search_cap=None, unpaid_as_list=True)
    stmt = select(func.count()).select_from(Client).where(*conditions)
    return int((await session.execute(stmt)).scalar_one())


async def iter_matching(
    session: AsyncSession,
    flt: ClientFilter,
    columns: Sequence[Any],
    now: datetime,
    batch_size: int = 1000,
) -> AsyncIterator[Sequence[Row[Any]]]:
    """(client id, *`columns`) for every client the filter selects, in id order, at most
    `batch_size` at a time: the rows of the client table (the same `filter_conditions`),
    except that a search is taken whole where the table stops at `SEARCH_CAP`.

    Keyset batches, so batch 1,000 costs what batch 1 does. Without a search: `id > last`.
    With one, the keyset runs over its matches (`storage.search.matching_window`): each
    batch is the next window of matches in id order, passed through the other filters (so
    it may come smaller), never a walk of every match again per batch.
    """
    if batch_size <= 0:
        raise ValueError("batch_size must be > 0")
    dialect = session.get_bind().dialect.name
    rows_of = select(Client.id, *columns).order_by(Client.id)
    if not flt.search.strip():
        conditions = filter_conditions(flt, now, dialect, search_cap=None)
        after: BindParameter[int] = bindparam("after", 0)
        stmt = rows_of.where(Client.id > after, *conditions).limit(batch_size)
        last = 0
        while True:
            rows = (await session.execute(stmt, {"after": last})).all()
            if rows:
                yield rows
            if len(rows) < batch_size:
                return
            last = rows[-1][0]
    window = matching_window(dialect, flt.search, size=batch_size)
    if window is None:
        return  # nothing a search could match (punctuation, …)
    last = 0
    while True:
        found = (await session.execute(window, {"search_after": last})).scalars().all()
        ids = sorted(set(found))
        if ids:
            conditions = filter_conditions(flt, now, dialect, search_cap=None, search_ids=ids)
            rows = (await session.execute(rows_of.where(*conditions))).all()
            if rows:
                yield rows
        if len(found) < batch_size:
            return
        last = ids[-1]


MAX_CITIES = 500


async def cities_in_use(session: AsyncSession) -> list[str]:
    """Cities clients live in, alphabetical (read from the city index; at most MAX_CITIES)."""
    cities = await session.scalars(
        select(Client.city)
        .where(Client.city != "")
        .distinct()
        .order_by(Client.city)
        .limit(MAX_CITIES)
    )
    return list(cities)


async def active_tariffs(session: AsyncSession) -> list[tuple[int, str]]:
    """Tariffs a client can be given now, by name: what forms and filters offer."""
    rows = await session.execute(
        select(Tariff.id, Tariff.name).where(Tariff.active).order_by(Tariff.name)
    )
    return [(int(tid), str(name)) for tid, name in rows]
