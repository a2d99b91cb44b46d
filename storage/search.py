"""Search as you type over the client base: names, email and phone digits, partial match.

The indexes live in the database and are kept by triggers (migrations 0002 and 0003), so
every writer keeps them right. SQLite: FTS5 trigram table `client_search` (rowid = client
id). PostgreSQL: `client_search(client_id, doc)` with a pg_trgm GIN index. Both answer a
substring query from the index, never by scanning the clients; `LIKE '%…%'` over 1,000,000
rows takes 100+ ms.

Trigrams need three characters. Shorter queries use a prefix range on the indexed
`clients.name_key` (and on `client_phones.e164` for digits) instead. In a longer query a
short word goes with the word before it, as typed: "Леонов Б" looks for "леонов б" (the
surname and an initial) — one selective phrase, not every Леонов filtered for a "б".

A surname and an initial is what trigrams do worst: "петрова с" walks every client whose
name holds "ова" or "а с". So a query of words of letters only, one of them of one or two
letters beside a longer one ("Петрова С", "С Петрова", "Иван П", "иванова м п"), goes to
the word index of migration 0003 instead (`client_search_words`: FTS5 words with prefix
indexes on SQLite, a tsvector GIN index on PostgreSQL): each longer word with the short
ones after it is a phrase — the word itself, then words starting with each short one
("петрова" + "с"*); a short word before any longer one is a word start anywhere ("с"*);
a longer word on its own is a word start ("петро"*). These match words from their start,
where trigrams matched anywhere in a word.

Addresses (migration 0005): a query of three or more characters that is not a number is
also a start of a city or a street of the clients' addresses («Самара», «самар»,
«Ленина»), found by an index range on `client_addresses.city_key`/`street_key` (casefolded,
ё as е) — the same kind of range as the name prefix, so it stays an index lookup at a
million clients. Such matches rank with the substring ones.

Relevance is three tiers, cheap to compute: the exact phone, then names starting with the
query, then any substring match (names, email, digits). Within a tier, by name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import phonenumbers
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import BindParameter

from storage.addresses import search_key, street_key
from storage.cards import fetch_rows
from storage.list_indexes import PER_DIALECT
from storage.models import Client, ClientAddress, ClientPhone
from storage.phones import normalize_phone

SEARCH_TABLE = "client_search"
WORDS_TABLE = "client_search_words"
MIN_TRIGRAM = 3
SHORT_WORD = 2  # letters: an initial, or the start of a first name or patronymic
# Above the last valid code point: `key < prefix + _TOP` bounds every string starting with it.
_TOP = "\U0010ffff"
_PHONE_LIKE = re.compile(r"[\d\s()+\-.]+")
_NON_DIGIT = re.compile(r"\D+")
# A word of letters (a double surname or an apostrophe may join two), and its letter runs:
# the words both indexes' tokenizers see.
_LETTER_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_LETTERS = re.compile(r"[^\W\d_]+")

_fts = table(SEARCH_TABLE, column("rowid"))
_pg_search = table(SEARCH_TABLE, column("client_id"), column("doc"))
_words_fts = table(WORDS_TABLE, column("rowid"))
_words_pg = table(WORDS_TABLE, column("client_id"), column("words", TSVECTOR))

# One word of a word-index query: the folded word, and whether it is a word start.
WordToken = tuple[str, bool]


class MatchKind(IntEnum):
    """Why a client matched; lower is better."""

    PHONE = 0
    PREFIX = 1
    SUBSTRING = 2


@dataclass(frozen=True, slots=True)
class SearchHit:
    client_id: int
    name: str
    phone: str | None  # main phone, E.164
    city: str
    match: MatchKind


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a person typed, taken apart once for every dialect."""

    prefix: str  # casefolded, spaces collapsed: compared with clients.name_key
    digits: str  # the digits when the query looks like a phone number, else ""
    terms: tuple[str, ...]  # lower-cased, ё→е, 3+ chars: substring terms for the index
    # Short words no longer word could take (leading ones, a second initial): filtered on
    # name_key, casefolded.
    short_terms: tuple[str, ...]
    # For the word index instead of terms (see the module's doc): phrases, all required.
    words: tuple[tuple[WordToken, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.prefix or self.digits)


def parse_query(text: str) -> SearchQuery:
    words = text.split()
    joined = " ".join(words)
    if joined and _PHONE_LIKE.fullmatch(joined) and any(ch.isdigit() for ch in joined):
        digits = _NON_DIGIT.sub("", joined)
        long_digits = (digits,) if len(digits) >= MIN_TRIGRAM else ()
        return SearchQuery(prefix="", digits=digits, terms=long_digits, short_terms=())
    terms: list[str] = []
    short_terms: list[str] = []
    glued = True  # whether the last term has taken its short word already
    for word in words:
        if len(word) >= MIN_TRIGRAM:
            terms.append(_fold(word))
            glued = False
        elif terms and not glued:
            terms[-1] = f"{terms[-1]} {_fold(word)}"
            glued = True
        else:
            short_terms.append(word.casefold())
    if not terms:
        short_terms = [w.casefold() for w in words if len(w) < MIN_TRIGRAM]
    return SearchQuery(
        prefix=joined.casefold(),
        digits="",
        terms=tuple(terms),
        short_terms=tuple(short_terms),
        words=_word_phrases(words),
    )


def _word_phrases(words: Sequence[str]) -> tuple[tuple[WordToken, ...], ...]:
    """The word-index query for words of letters with a short one beside a longer one;
    () for any other query (the trigram index answers those)."""
    if not all(_LETTER_WORD.fullmatch(w) for w in words):
        return ()
    tokens = [_LETTERS.findall(_fold(w)) for w in words]
    short = [len(t) == 1 and len(t[0]) <= SHORT_WORD for t in tokens]
    if all(short) or not any(short):
        return ()
    phrases: list[tuple[WordToken, ...]] = []
    i = 0
    while i < len(tokens):
        if short[i]:  # before any longer word: a word starting so, anywhere in the name
            phrases.append(((tokens[i][0], True),))
            i += 1
            continue
        end = i + 1
        while end < len(tokens) and short[end]:
            end += 1
        if end == i + 1:  # a longer word on its own: a word start, as typed so far
            last = len(tokens[i]) - 1
            phrases.append(tuple((t, k == last) for k, t in enumerate(tokens[i])))
        else:  # the whole word, then words starting with each short one after it
            head = [(t, False) for t in tokens[i]]
            phrases.append((*head, *((tokens[k][0], True) for k in range(i + 1, end))))
        i = end
    return tuple(phrases)


def _fold(word: str) -> str:
    """As the index spells it: lower case, ё as е (the triggers do the same)."""
    return word.lower().replace("ё", "е")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts5_words(phrases: tuple[tuple[WordToken, ...], ...]) -> str:
    """FTS5 query: `"петрова" + "с"* AND "анна"*` (every word quoted: no operator, column
    filter or `*` typed by a person is read as syntax)."""
    return " AND ".join(
        " + ".join(_fts_phrase(word) + ("*" if start else "") for word, start in phrase)
        for phrase in phrases
    )


def _tsquery_words(phrases: tuple[tuple[WordToken, ...], ...]) -> str:
    """tsquery text: `('петрова' <-> 'с') & ('анна':*)`. Words of one or two letters are
    whole lexemes: the index holds every word's first one and two letters too."""
    return " & ".join(
        "("
        + " <-> ".join(
            _tsquery_lexeme(word) + (":*" if start and len(word) > SHORT_WORD else "")
            for word, start in phrase
        )
        + ")"
        for phrase in phrases
    )


def _tsquery_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


# Every value a query brings goes into a named parameter (`search_…`), so statements built
# for one shape of query (which branches, how many words) serve all queries of that shape:
# they are cached (`_RANKED`, and the client list's page statements) and only the values
# change. The names in a plan's values are its shape.


def _substring_values(dialect: str, query: SearchQuery) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not query.terms:
        return values
    if query.words:
        render = _fts5_words if dialect == "sqlite" else _tsquery_words
        return {"search_words": render(query.words)}
    if dialect == "sqlite":
        values["search_match"] = " AND ".join(_fts_phrase(t) for t in query.terms)
    else:
        for i, term in enumerate(query.terms):
            values[f"search_term_{i}"] = f"%{_like_escape(term)}%"
    for i, term in enumerate(query.short_terms):
        values[f"search_short_{i}"] = f"%{_like_escape(term)}%"
    return values


def _prefix_values(query: SearchQuery) -> dict[str, Any]:
    if not query.prefix:
        return {}
    return {
        "search_prefix": query.prefix,
        "search_prefix_end": query.prefix + _TOP,
        "search_prefix_len": len(query.prefix),
    }


def _address_values(query: SearchQuery) -> dict[str, Any]:
    if query.digits or len(query.prefix) < MIN_TRIGRAM:
        return {}
    city = search_key(query.prefix)
    street = street_key(query.prefix)
    return {
        "search_place": city,
        "search_place_end": city + _TOP,
        "search_place_len": len(city),
        "search_street": street,
        "search_street_end": street + _TOP,
        "search_street_len": len(street),
    }


def _phone_prefix_values(query: SearchQuery, region: str) -> dict[str, Any]:
    if not query.digits or len(query.digits) >= MIN_TRIGRAM:
        return {}
    values: dict[str, Any] = {}
    for i, start in enumerate(_e164_starts(query.digits, region)):
        values[f"search_start_{i}"] = start
        values[f"search_start_end_{i}"] = start + _TOP
        values[f"search_start_len_{i}"] = len(start)
    return values


def _exact_values(query: SearchQuery, region: str) -> dict[str, Any]:
    if len(query.digits) < 6:
        return {}
    e164 = normalize_phone(query.digits, region)
    return {} if e164 is None else {"search_e164": e164}


def _param(values: dict[str, Any], name: str) -> Any:
    return bindparam(name, values[name])


def _limited(
    stmt: Select[Any], limit: int | None, id_col: Any = None, after: Any = None
) -> Select[Any]:
    """At most `limit` of the branch's ids (None: all of them). With `after` (a bound
    parameter), only ids above it and in id order: a keyset window (`matching_window`)."""
    if after is not None:
        stmt = stmt.where(id_col > after).order_by(None).order_by(id_col)
    return stmt.limit(bindparam("search_limit", limit)) if limit is not None else stmt


def substring_ids(
    dialect: str, query: SearchQuery, limit: int | None, *, after: Any = None
) -> Select[Any] | None:
    """Client ids whose names, email or phone digits contain every 3+-character term (or,
    for a query of words with an initial, whose names have those words)."""
    values = _substring_values(dialect, query)
    if not values:
        return None
    if query.words:
        words, words_id = _word_ids(dialect, _param(values, "search_words"))
        return _limited(words, limit, words_id, after)
    if dialect == "sqlite":
        stmt: Select[Any] = select(_fts.c.rowid.label("id")).where(
            literal_column(SEARCH_TABLE).match(_param(values, "search_match"))
        )
        id_col: ColumnElement[Any] = _fts.c.rowid
    else:
        stmt = select(_pg_search.c.client_id.label("id")).where(
            *(
                _pg_search.c.doc.like(_param(values, f"search_term_{i}"), escape="\\")
                for i in range(len(query.terms))
            )
        )
        id_col = _pg_search.c.client_id
    if query.short_terms:
        names = select(Client.name_key).where(Client.id == id_col).scalar_subquery()
        stmt = stmt.where(
            *(
                names.like(_param(values, f"search_short_{i}"), escape="\\")
                for i in range(len(query.short_terms))
            )
        )
    return _limited(stmt, limit, id_col, after)


def _word_ids(dialect: str, words: Any) -> tuple[Select[Any], ColumnElement[Any]]:
    if dialect == "sqlite":
        match = literal_column(WORDS_TABLE).match(words)
        return select(_words_fts.c.rowid.label("id")).where(match), _words_fts.c.rowid
    match = _words_pg.c.words.bool_op("@@")(cast(words, TSQUERY))
    return select(_words_pg.c.client_id.label("id")).where(match), _words_pg.c.client_id


def prefix_ids(query: SearchQuery, limit: int | None, *, after: Any = None) -> Select[Any] | None:
    """Client ids whose display name starts with the query (index range on name_key)."""
    values = _prefix_values(query)
    if not values:
        return None
    key = Client.name_key
    prefix = _param(values, "search_prefix")
    stmt = (
        select(Client.id.label("id"))
        .where(key >= prefix, key < _param(values, "search_prefix_end"))
        # The range is exact on byte order (SQLite, C collations); the recheck keeps other
        # PostgreSQL collations from ever returning a non-match.
        .where(func.substr(key, 1, _param(values, "search_prefix_len")) == prefix)
        .order_by(key, Client.id)
    )
    return _limited(stmt, limit, Client.id, after)


def address_ids(query: SearchQuery, limit: int | None, *, after: Any = None) -> Select[Any] | None:
    """Client ids with an address whose city or street starts with the query (index
    ranges on the casefolded keys; a client may come once per matching address)."""
    values = _address_values(query)
    if not values:
        return None
    parts = []
    for key, name in (
        (ClientAddress.city_key, "search_place"),
        (ClientAddress.street_key, "search_street"),
    ):
        start = _param(values, name)
        end = _param(values, f"{name}_end")
        length = _param(values, f"{name}_len")
        stmt = select(ClientAddress.client_id.label("id")).where(
            key >= start, key < end, func.substr(key, 1, length) == start
        )
        parts.append(_limited(stmt, limit, ClientAddress.client_id, after).subquery())
    both = union_all(select(parts[0].c.id), select(parts[1].c.id)).subquery()
    stmt = select(both.c.id.label("id"))
    if after is not None:  # a keyset window: the first `limit` of both, in id order
        stmt = stmt.order_by(both.c.id).limit(bindparam("search_limit", limit))
    return stmt


def phone_prefix_ids(
    query: SearchQuery, limit: int | None, region: str, *, after: Any = None
) -> Select[Any] | None:
    """For one or two typed digits: phones whose E.164 starts with them (index range)."""
    values = _phone_prefix_values(query, region)
    if not values:
        return None
    e164 = ClientPhone.e164
    ranges = []
    for i in range(len(values) // 3):
        start = _param(values, f"search_start_{i}")
        ranges.append(
            and_(
                e164 >= start,
                e164 < _param(values, f"search_start_end_{i}"),
                func.substr(e164, 1, _param(values, f"search_start_len_{i}")) == start,
            )
        )
    stmt = select(ClientPhone.client_id.label("id")).where(_any(ranges)).order_by(e164)
    return _limited(stmt, limit, ClientPhone.client_id, after)


def _any(conditions: Sequence[ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*conditions)


def _e164_starts(digits: str, region: str) -> list[str]:
    """'8' or '9' typed in Russia means +7…, '7' means +7…: the E.164 prefixes to try."""
    starts = {"+" + digits}
    code = phonenumbers.country_code_for_region(region)
    if code:
        starts.add(f"+{code}{digits}")
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        national = metadata.national_prefix if metadata is not None else None
        if national and digits.startswith(national):
            rest = digits[len(national) :]
            starts.add(f"+{code}{rest}")
    return sorted(starts)


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """A parsed query with the parameter values of the branches it uses. `shape` (the
    dialect and the parameter names) identifies statements that only differ in values."""

    query: SearchQuery
    values: dict[str, Any]
    shape: tuple[Any, ...]


def matching_plan(
    dialect: str, text: str, *, limit: int | None, region: str = "RU"
) -> SearchPlan | None:
    """What `matching_ids` would build for this text: None when it matches nothing."""
    query = parse_query(text)
    if query.empty:
        return None
    values = _substring_values(dialect, query)
    if not query.terms:
        values.update(_prefix_values(query))
    values.update(_phone_prefix_values(query, region))
    values.update(_address_values(query))
    if not values:
        return None
    if limit is not None:
        values["search_limit"] = limit
    return SearchPlan(query, values, (dialect, tuple(sorted(values))))


def matching_ids(dialect: str, text: str, *, limit: int | None, region: str = "RU") -> Any:
    """Every client id the query matches, unranked: the `search` filter of the client list.

    Returns a selectable of one column `id`, or None when the query is empty. `limit` caps
    each branch so a very broad query ('ова') stays cheap. Its parameters are named as in
    `matching_plan(...).values`.
    """
    branches = _branches(dialect, text, limit, region)
    if not branches:
        return None
    if len(branches) == 1:
        return branches[0].subquery()
    return union_all(*(select(b.subquery().c.id) for b in branches)).subquery()


def matching_window(dialect: str, text: str, *, size: int, region: str = "RU") -> Any:
    """The first `size` client ids above `:search_after` that the query matches, in id
    order (a client may come twice): keyset windows over every match of `matching_ids`,
    for an export, which takes them all where the client list stops at its cap.

    The same branches, indexes and parameter values as `matching_ids`; each branch walks
    its matches in id order from the bound (FTS5 and the primary keys serve that without
    sorting), so a window costs about its size however broad the query. The window ends at
    its last id: every match up to it is in it (each branch's first `size` are), and fewer
    than `size` ids means no match lies beyond. None when the query matches nothing.
    """
    after: BindParameter[int] = bindparam("search_after", 0)
    branches = _branches(dialect, text, size, region, after=after)
    if not branches:
        return None
    if len(branches) == 1:
        return branches[0]
    both = union_all(*(select(b.subquery().c.id) for b in branches)).subquery()
    return select(both.c.id).order_by(both.c.id).limit(bindparam("search_limit", size))


def _branches(
    dialect: str, text: str, limit: int | None, region: str, *, after: Any = None
) -> list[Select[Any]]:
    query = parse_query(text)
    if query.empty:
        return []
    return [
        b
        for b in (
            substring_ids(dialect, query, limit, after=after),
            prefix_ids(query, limit, after=after) if not query.terms else None,
            phone_prefix_ids(query, limit, region, after=after),
            address_ids(query, limit, after=after),
        )
        if b is not None
    ]


_RANKED: dict[tuple[Any, ...], Select[Any]] = {}


def _ranked_statement(dialect: str, query: SearchQuery, limit: int, region: str) -> Select[Any]:
    branches: list[tuple[Select[Any] | None, MatchKind]] = [
        (_exact_phone(query, region), MatchKind.PHONE),
        (prefix_ids(query, limit), MatchKind.PREFIX),
        (phone_prefix_ids(query, limit, region), MatchKind.PREFIX),
        (substring_ids(dialect, query, limit), MatchKind.SUBSTRING),
        (address_ids(query, limit), MatchKind.SUBSTRING),
    ]
    parts = []
    for stmt, kind in branches:
        if stmt is None:
            continue
        sub = stmt.subquery()
        parts.append(select(sub.c.id, literal(int(kind)).label("tier")))
    hits = union_all(*parts).subquery()
    best = select(hits.c.id, func.min(hits.c.tier).label("tier")).group_by(hits.c.id).subquery()
    main_phone = (
        select(ClientPhone.e164)
        .where(ClientPhone.client_id == Client.id)
        .order_by(ClientPhone.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(Client.id, Client.name, main_phone, Client.city, best.c.tier)
        .join(best, best.c.id == Client.id)
        .order_by(best.c.tier, Client.name_key, Client.id)
        .limit(bindparam("search_limit", limit))
    )


async def search_clients(
    session: AsyncSession, text: str, *, limit: int = 20, region: str = "RU"
) -> list[SearchHit]:
    """The best `limit` clients for what was typed so far, in one round trip."""
    query = parse_query(text)
    if query.empty or limit <= 0:
        return []
    dialect = session.get_bind().dialect.name
    values = {
        **_exact_values(query, region),
        **_prefix_values(query),
        **_phone_prefix_values(query, region),
        **_substring_values(dialect, query),
        **_address_values(query),
    }
    if not values:
        return []
    values["search_limit"] = limit
    shape = (dialect, tuple(sorted(values)))
    stmt = _RANKED.get(shape)
    if stmt is None:
        if len(_RANKED) >= _CACHE_MAX:
            _RANKED.clear()
        stmt = _RANKED[shape] = _ranked_statement(dialect, query, limit, region)
    _, rows = await fetch_rows(session, stmt, values)
    return [
        SearchHit(client_id=r[0], name=r[1], phone=r[2], city=r[3], match=MatchKind(r[4]))
        for r in rows
    ]


_CACHE_MAX = 256


def _exact_phone(query: SearchQuery, region: str) -> Select[Any] | None:
    values = _exact_values(query, region)
    if not values:
        return None
    return select(ClientPhone.client_id.label("id")).where(
        ClientPhone.e164 == _param(values, "search_e164")
    )


# The document the SQLite triggers of migration 0002 index for a client; kept identical to
# them (tests/test_seed.py checks it) for bulk builds, where per-row triggers are too slow.
_SQLITE_DOC_SELECT = """
SELECT c.id,
  replace(replace(CASE WHEN c.organisation = '' OR c.organisation = c.name THEN c.name
                  ELSE c.name || ' ' || c.organisation END, 'ё', 'е'), 'Ё', 'Е'),
  c.email,
  coalesce((SELECT group_concat(p.digits, ' ') FROM client_phones p
            WHERE p.client_id = c.id), '')
FROM clients c WHERE c.id >= :first
"""
# The same for migration 0003's word index (tests/test_search_words.py checks it).
_SQLITE_WORDS_SELECT = """
SELECT c.id,
  replace(replace(CASE WHEN c.organisation = '' OR c.organisation = c.name THEN c.name
                  ELSE c.name || ' ' || c.organisation END, 'ё', 'е'), 'Ё', 'Е')
FROM clients c WHERE c.id >= :first
"""


async def bulk_index(conn: AsyncConnection, write: Callable[[], Awaitable[None]]) -> None:
    """Run a bulk load of clients and phones with the per-row index triggers off, then
    index every client with id >= the first new one in one statement.

    Per-row triggers cost several times one INSERT…SELECT on SQLite (FTS5 flushes its
    buffer at every trigger statement; figures in docs/performance.md); on PostgreSQL the plpgsql
    triggers would index each client twice (once per client, once per phone). The load
    must only *add* clients (ids above the current maximum) and their phones; everything
    happens in the caller's transaction, so other writers never see the triggers missing.
    """
    first = int((await conn.execute(select(func.max(Client.id)))).scalar() or 0) + 1
    if conn.dialect.name == "sqlite":
        rows = await conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        )
        triggers = [(str(r[0]), str(r[1])) for r in rows.all() if _is_search_table(str(r[0]))]
        for name, _ in triggers:
            await conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        await write()
        await conn.execute(
            text(f"INSERT INTO {SEARCH_TABLE}(rowid, names, email, phones) {_SQLITE_DOC_SELECT}"),
            {"first": first},
        )
        await conn.execute(
            text(f"INSERT INTO {WORDS_TABLE}(rowid, names) {_SQLITE_WORDS_SELECT}"),
            {"first": first},
        )
        for _, sql in triggers:
            await conn.exec_driver_sql(sql)
        return
    for table_name, trigger in _PG_TRIGGERS:
        await conn.exec_driver_sql(f"ALTER TABLE {table_name} DISABLE TRIGGER {trigger}")
    await write()
    await conn.execute(
        text(
            "SELECT count(client_search_refresh(id)), count(client_search_words_refresh(id))"
            " FROM clients WHERE id >= :first"
        ),
        {"first": first},
    )
    for table_name, trigger in _PG_TRIGGERS:
        await conn.exec_driver_sql(f"ALTER TABLE {table_name} ENABLE TRIGGER {trigger}")
    # The load went into the GIN indexes' pending lists (fastupdate), which every search
    # then reads in full until a vacuum merges them (ten times slower searches after a
    # bulk load: docs/performance.md). Merge them now.
    for index in _PG_GIN_INDEXES:
        await conn.execute(
            text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index}
        )


_PG_TRIGGERS = (
    ("clients", "client_search_client"),
    ("client_phones", "client_search_phone"),
    ("clients", "client_search_words_client"),
)
_PG_GIN_INDEXES = ("ix_client_search_doc", "ix_client_search_words_words")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic filter: the search indexes are raw DDL in migrations 0002 and 0003, not
    models.

    Also the client list's indexes that migration 0007 writes per dialect
    (`storage.list_indexes.PER_DIALECT`).

    Without it autogenerate would propose dropping `client_search`, `client_search_words`
    and the FTS5 shadow tables (`client_search_data`, …). Used by
    `storage/migrations/env.py` and by the models-vs-migrations test.
    """
    if type_ == "table" and name is not None:
        return not _is_search_table(name)
    if type_ == "index" and name in PER_DIALECT:
        return False
    table_obj = getattr(obj, "table", None)
    table_name = getattr(table_obj, "name", None)
    return not (isinstance(table_name, str) and _is_search_table(table_name))


def _is_search_table(name: str) -> bool:
    return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")
