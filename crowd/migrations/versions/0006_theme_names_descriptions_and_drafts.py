"""theme names, descriptions and drafts (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# (table, column, type, server default for the rows already there)
COLUMNS = [
    ("run_theme", "description", sqlmodel.sql.sqltypes.AutoString(), ""),
    ("run_theme", "name_options", sa.JSON(), "[]"),
    ("theme", "name_options", sa.JSON(), "[]"),
    ("theme", "description_ids", sa.JSON(), "[]"),
    ("candidate_foundation", "looks_like", sqlmodel.sql.sqltypes.AutoString(), ""),
    ("candidate_foundation", "how_to_achieve", sqlmodel.sql.sqltypes.AutoString(), ""),
    ("candidate_foundation", "citations", sa.JSON(), "{}"),
    ("candidate_foundation", "contribution_count", sa.Integer(), "0"),
    ("foundation", "drafted_from", sa.Integer(), "0"),
    ("foundation", "draft_citations", sa.JSON(), "{}"),
]


def upgrade() -> None:
    for table in dict.fromkeys(t for t, *_ in COLUMNS):
        with op.batch_alter_table(table) as batch:
            for name, kind, default in [(c, k, d) for t, c, k, d in COLUMNS if t == table]:
                batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
        with op.batch_alter_table(table) as batch:
            for name, kind in [(c, k) for t, c, k, _ in COLUMNS if t == table]:
                batch.alter_column(name, existing_type=kind, server_default=None)


def downgrade() -> None:
    for table in reversed(list(dict.fromkeys(t for t, *_ in COLUMNS))):
        with op.batch_alter_table(table) as batch:
            for name in [c for t, c, *_ in COLUMNS if t == table]:
                batch.drop_column(name)
