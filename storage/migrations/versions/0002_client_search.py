"""client search index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL, kept by triggers

Search as you type must stay fast at 1,000,000 clients and must never miss a write, whoever
makes it (the console, the importer, the seeder, a person with `sqlite3`/`psql`). So the
index lives in the database and is maintained by triggers on `clients` and `client_phones`.

SQLite: `client_search` is an FTS5 table (trigram tokenizer, rowid = client id) with three
columns: names (display name + organisation), email, and every phone's `digits`.
PostgreSQL: `client_search(client_id, doc)` holds one lower-cased document per client with a
GIN `gin_trgm_ops` index; `LIKE '%…%'` uses it.

Both spell `ё` as `е` in the index (people type either); `storage.search` does the same to
the query.

NB for later migrations on SQLite: a batch (table-rebuilding) alter of `clients` or
`client_phones` drops these triggers with the old table; re-run `_sqlite_triggers()`'s
statements (copied into the new migration) afterwards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# --- SQLite ------------------------------------------------------------------------------

_SQLITE_NAMES = (
    "replace(replace(CASE WHEN {r}.organisation = '' OR {r}.organisation = {r}.name"
    " THEN {r}.name ELSE {r}.name || ' ' || {r}.organisation END, 'ё', 'е'), 'Ё', 'Е')"
)
_SQLITE_PHONES = (
    "coalesce((SELECT group_concat(p.digits, ' ') FROM client_phones p"
    " WHERE p.client_id = {cid}), '')"
)


def _sqlite_phones_refresh(cid: str) -> str:
    return (
        f"UPDATE client_search SET phones = {_SQLITE_PHONES.format(cid=cid)} WHERE rowid = {cid};"
    )


def _sqlite_triggers() -> list[str]:
    names_new = _SQLITE_NAMES.format(r="new")
    return [
        f"""CREATE TRIGGER client_search_client_ai AFTER INSERT ON clients BEGIN
  INSERT INTO client_search(rowid, names, email, phones)
  VALUES (new.id, {names_new}, new.email, {_SQLITE_PHONES.format(cid="new.id")});
END""",
        f"""CREATE TRIGGER client_search_client_au
AFTER UPDATE OF name, organisation, email ON clients BEGIN
  UPDATE client_search SET names = {names_new}, email = new.email WHERE rowid = new.id;
END""",
        """CREATE TRIGGER client_search_client_ad AFTER DELETE ON clients BEGIN
  DELETE FROM client_search WHERE rowid = old.id;
END""",
        f"""CREATE TRIGGER client_search_phone_ai AFTER INSERT ON client_phones BEGIN
  {_sqlite_phones_refresh("new.client_id")}
END""",
        f"""CREATE TRIGGER client_search_phone_ad AFTER DELETE ON client_phones BEGIN
  {_sqlite_phones_refresh("old.client_id")}
END""",
        f"""CREATE TRIGGER client_search_phone_au
AFTER UPDATE OF digits, client_id ON client_phones BEGIN
  {_sqlite_phones_refresh("old.client_id")}
  {_sqlite_phones_refresh("new.client_id")}
END""",
    ]


_SQLITE_TRIGGER_NAMES = (
    "client_search_client_ai",
    "client_search_client_au",
    "client_search_client_ad",
    "client_search_phone_ai",
    "client_search_phone_ad",
    "client_search_phone_au",
)


def _sqlite_upgrade() -> None:
    # columnsize=0: no per-row token counts; they only serve bm25, which trigrams make moot.
    op.execute(
        "CREATE VIRTUAL TABLE client_search USING fts5("
        "names, email, phones, tokenize='trigram', columnsize=0)"
    )
    op.execute(
        "INSERT INTO client_search(rowid, names, email, phones) "
        f"SELECT c.id, {_SQLITE_NAMES.format(r='c')}, c.email, {_SQLITE_PHONES.format(cid='c.id')}"
        " FROM clients c"
    )
    for statement in _sqlite_triggers():
        op.execute(statement)


def _sqlite_downgrade() -> None:
    for name in _SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS client_search")


# --- PostgreSQL --------------------------------------------------------------------------

_PG_STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE client_search (
  client_id integer NOT NULL,
  doc text NOT NULL,
  CONSTRAINT pk_client_search PRIMARY KEY (client_id),
  CONSTRAINT fk_client_search_client_id_clients FOREIGN KEY (client_id)
    REFERENCES clients (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_client_search_doc ON client_search USING gin (doc gin_trgm_ops)",
    # One place computes the document; every trigger calls it. A deleted client (phones
    # cascading after it) selects nothing, so nothing is re-inserted.
    """CREATE FUNCTION client_search_refresh(cid integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO client_search (client_id, doc)
  SELECT c.id, translate(lower(
           c.name || ' ' || c.organisation || ' ' || c.email || ' ' ||
           coalesce((SELECT string_agg(p.digits, ' ') FROM client_phones p
                     WHERE p.client_id = c.id), '')), 'ё', 'е')
  FROM clients c WHERE c.id = cid
  ON CONFLICT (client_id) DO UPDATE SET doc = excluded.doc
$$""",
    """CREATE FUNCTION client_search_client_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM client_search_refresh(NEW.id);
  RETURN NULL;
END
$$""",
    """CREATE FUNCTION client_search_phone_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM client_search_refresh(OLD.client_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.client_id <> OLD.client_id) THEN
    PERFORM client_search_refresh(NEW.client_id);
  END IF;
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER client_search_client
AFTER INSERT OR UPDATE OF name, organisation, email ON clients
FOR EACH ROW EXECUTE FUNCTION client_search_client_trg()""",
    """CREATE TRIGGER client_search_phone
AFTER INSERT OR DELETE OR UPDATE OF digits, client_id ON client_phones
FOR EACH ROW EXECUTE FUNCTION client_search_phone_trg()""",
    "SELECT client_search_refresh(id) FROM clients",
]


def _pg_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS client_search_phone ON client_phones")
    op.execute("DROP TRIGGER IF EXISTS client_search_client ON clients")
    op.execute("DROP FUNCTION IF EXISTS client_search_phone_trg()")
    op.execute("DROP FUNCTION IF EXISTS client_search_client_trg()")
    op.execute("DROP TABLE IF EXISTS client_search")
    op.execute("DROP FUNCTION IF EXISTS client_search_refresh(integer)")
    # pg_trgm stays: other objects may use it, and dropping an extension needs more rights.


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        for statement in _PG_STATEMENTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        _pg_downgrade()
