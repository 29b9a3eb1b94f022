"""security audit fixes (issue 19)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # finding 3: sessions signed out one by one
    with op.batch_alter_table("participant") as batch:
        batch.add_column(
            sa.Column(
                "signed_out_sessions",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("signed_out_sessions")
