"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from crowd.db import Database


def test_migrations_match_the_models(database_url):
    database = Database(database_url)
    database.migrate()
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    database.dispose()
    assert diffs == [], f"regenerate the migration: {diffs[:5]}"
