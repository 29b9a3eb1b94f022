"""Alembic environment: SQLModel's metadata, the connection handed over by crowd.db.migrate."""

from alembic import context
from sqlmodel import SQLModel

from crowd import models  # noqa: F401 - registers every table

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from crowd.db import make_engine
        from crowd.settings import Settings

        engine = make_engine(Settings.from_env().database_url)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    render_batch = connection.dialect.name == "sqlite"
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=render_batch)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
