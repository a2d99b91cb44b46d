"""Alembic environment: runs on the connection `storage.migrate` hands over.

`render_as_batch` lets ALTERs work on SQLite (which rebuilds the table); the same scripts
then run on PostgreSQL unchanged.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from storage.models import Base
from storage.search import include_object

config = context.config
connection: Connection | None = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through storage.migrate
    raise RuntimeError("run migrations through storage.migrate (opconsole db upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    # The search index (FTS5/pg_trgm, migration 0002) is raw DDL, not part of the models.
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
