"""opinion map and one-at-a-time voting (issue 14)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "This is important to me", marked beside a vote (the one-at-a-time view); old votes are not marked.
    with op.batch_alter_table("vote") as batch:
        batch.add_column(sa.Column("important", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Per statement and group: agree / disagree / seen counts, importance marks and extremity of a run,
    # so the map ranks consensus and division with a minimum of votes per group (empty for older runs).
    with op.batch_alter_table("opinion_run") as batch:
        batch.add_column(sa.Column("statements", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("opinion_run") as batch:
        batch.drop_column("statements")
    with op.batch_alter_table("vote") as batch:
        batch.drop_column("important")
