"""client name words index (surname + initial), and an index for the client base's filters

Search as you type answers "Петрова С" (a surname and an initial), "С Петрова", "Иван П"
from a word-level index over the client's names, where the trigram index of 0002 had to
walk every client whose name holds "пет", "ова", "а с", … (an order of magnitude slower
at 1,000,000 clients: docs/performance.md). The words indexed are those of 0002's
`names` column: the display name (last, first, middle name, or the organisation) and the
organisation; `ё` is spelt `е`, as 0002 does (people type either).

SQLite: `client_search_words`, a contentless FTS5 table (rowid = client id) with the
`unicode61 remove_diacritics 2` tokenizer and prefix indexes for one, two and three
letters, so an initial is one doclist (`"петрова" + "с"*`). Contentless: the names are not
stored a second time; the triggers `client_search_words_ai/_au/_ad` hand FTS5 the old text
to delete, computed by the same expression over the old row, so exactly what was inserted.
PostgreSQL: `client_search_words(client_id, words tsvector)` with a GIN index. The vector
holds every word ('simple' configuration, lower case, ё as е) and, at the same position,
its first one and two letters: an initial is then one GIN entry (`'петрова' <-> 'с'`)
instead of a prefix scan over every word starting with "с". Kept by the trigger
`client_search_words_client`; a deleted client's row goes by the foreign key's cascade.

Also `clients(status, city)` for the client base's status filter, alone or with a city.

NB for later migrations on SQLite: a batch (table-rebuilding) alter of `clients` drops these
triggers (and 0002's) with the old table; re-create them afterwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# --- SQLite ------------------------------------------------------------------------------

# The text indexed for a client: 0002's `names` expression (storage.search keeps a copy for
# bulk loads; tests/test_search_words.py checks they agree).
_SQLITE_NAMES = (
    "replace(replace(CASE WHEN {r}.organisation = '' OR {r}.organisation = {r}.name"
    " THEN {r}.name ELSE {r}.name || ' ' || {r}.organisation END, 'ё', 'е'), 'Ё', 'Е')"
)

# prefix='1 2 3': an initial or two letters is one doclist, and so are three letters (a
# surname being typed after an initial, "С Пет"); longer starts merge the words' doclists
# (within the search goal even for the broadest, "а"* AND "александ"*). columnsize=0: no
# bm25 ranking here.
_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE client_search_words USING fts5("
    "names, content='', columnsize=0,"
    " tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
)


def _sqlite_triggers() -> list[str]:
    new, old = _SQLITE_NAMES.format(r="new"), _SQLITE_NAMES.format(r="old")
    insert = f"INSERT INTO client_search_words(rowid, names) VALUES (new.id, {new});"
    delete = (
        "INSERT INTO client_search_words(client_search_words, rowid, names)"
        f" VALUES ('delete', old.id, {old});"
    )
    return [
        f"""CREATE TRIGGER client_search_words_ai AFTER INSERT ON clients BEGIN
  {insert}
END""",
        f"""CREATE TRIGGER client_search_words_au
AFTER UPDATE OF id, name, organisation ON clients
WHEN old.id IS NOT new.id OR old.name IS NOT new.name
  OR old.organisation IS NOT new.organisation BEGIN
  {delete}
  {insert}
END""",
        f"""CREATE TRIGGER client_search_words_ad AFTER DELETE ON clients BEGIN
  {delete}
END""",
    ]


_SQLITE_TRIGGER_NAMES = (
    "client_search_words_ai",
    "client_search_words_au",
    "client_search_words_ad",
)


def _sqlite_upgrade() -> None:
    op.execute(_SQLITE_TABLE)
    op.execute(
        "INSERT INTO client_search_words(rowid, names) "
        f"SELECT c.id, {_SQLITE_NAMES.format(r='c')} FROM clients c"
    )
    # One segment instead of the fill's several: ~1 s at 1,000,000 clients, and every
    # query then reads each doclist from one place.
    op.execute("INSERT INTO client_search_words(client_search_words) VALUES ('optimize')")
    for statement in _sqlite_triggers():
        op.execute(statement)


def _sqlite_downgrade() -> None:
    for name in _SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS client_search_words")


# --- PostgreSQL --------------------------------------------------------------------------

_PG_STATEMENTS = [
    """CREATE TABLE client_search_words (
  client_id integer NOT NULL,
  words tsvector NOT NULL,
  CONSTRAINT pk_client_search_words PRIMARY KEY (client_id),
  CONSTRAINT fk_client_search_words_client_id_clients FOREIGN KEY (client_id)
    REFERENCES clients (id) ON DELETE CASCADE
)""",
    # Every word at its position, and its first one and two letters at the same position.
    # Lexemes go back in as tsvector text: quoted, with quotes and backslashes doubled.
    r"""CREATE FUNCTION client_search_words_vector(names text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
           '''' || replace(replace(p.lexeme, '\', '\\'), '''', '''''') || ''':' || w.pos,
           ' '), '')::tsvector
  FROM (SELECT t.lexeme, unnest(t.positions) AS pos
        FROM unnest(to_tsvector('simple', translate(lower(names), 'ё', 'е'))) AS t) AS w
  CROSS JOIN LATERAL (VALUES (w.lexeme), (left(w.lexeme, 1)), (left(w.lexeme, 2))) AS p(lexeme)
$$""",
    """CREATE FUNCTION client_search_words_refresh(cid integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO client_search_words (client_id, words)
  SELECT c.id, client_search_words_vector(
           CASE WHEN c.organisation = '' OR c.organisation = c.name THEN c.name
                ELSE c.name || ' ' || c.organisation END)
  FROM clients c WHERE c.id = cid
  ON CONFLICT (client_id) DO UPDATE SET words = excluded.words
$$""",
    """CREATE FUNCTION client_search_words_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM client_search_words_refresh(NEW.id);
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER client_search_words_client
AFTER INSERT OR UPDATE OF name, organisation ON clients
FOR EACH ROW EXECUTE FUNCTION client_search_words_trg()""",
    """INSERT INTO client_search_words (client_id, words)
SELECT c.id, client_search_words_vector(
         CASE WHEN c.organisation = '' OR c.organisation = c.name THEN c.name
              ELSE c.name || ' ' || c.organisation END)
FROM clients c""",
    # After the fill: one index build is cheaper than keeping it row by row.
    "CREATE INDEX ix_client_search_words_words ON client_search_words USING gin (words)",
]


def _pg_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS client_search_words_client ON clients")
    op.execute("DROP FUNCTION IF EXISTS client_search_words_trg()")
    op.execute("DROP TABLE IF EXISTS client_search_words")
    op.execute("DROP FUNCTION IF EXISTS client_search_words_refresh(integer)")
    op.execute("DROP FUNCTION IF EXISTS client_search_words_vector(text)")


# --- the client base's filters (models.py declares the index too) -----------------------

# Plain CREATE/DROP INDEX, never a batch (table-rebuilding) alter: that would drop the
# search triggers of `clients`.


def _create_indexes() -> None:
    # A status, alone or with a city ("VIP in Казань"): counted from the index alone, and
    # a page sorts the few it selects, instead of scanning the city's clients for their
    # status (docs/performance.md, "Filtered lists").
    op.create_index("ix_clients_status_city", "clients", ["status", "city"], unique=False)


def _drop_indexes() -> None:
    op.drop_index("ix_clients_status_city", table_name="clients")


def _sqlite_statistics() -> None:
    """Fresh planner statistics for the tables whose indexes changed, on a database that
    keeps them (a seeded one: `storage.seed` runs ANALYZE). Without them the planner never
    learns the new index's worth. ~1 s at 1,000,000 clients; a database without statistics
    is left without (its planner's defaults are not ours to change here)."""
    bind = op.get_bind()
    has_stats = bind.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    ).first()
    if has_stats is not None:
        op.execute("ANALYZE clients")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
        _create_indexes()
        _sqlite_statistics()
    else:
        for statement in _PG_STATEMENTS:
            op.execute(statement)
        _create_indexes()


def downgrade() -> None:
    _drop_indexes()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        _pg_downgrade()
