"""Alembic environment: runs on the connection topup hands it, or on `sqlalchemy.url` from the alembic CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from tracker.storage.db import make_engine
from tracker.storage.models import Base
from tracker.storage.search import is_search_index


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        include_name=lambda name, kind, _parent: not is_search_index(name),  # the trigram index is not a model
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("topup migrations run online only: use `topup db upgrade`")
run_migrations_online()
