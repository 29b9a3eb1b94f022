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

    # finding 9: claims to sign for an organisation that exists
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(
            sa.Column("email_domain", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
    with op.batch_alter_table("signatory") as batch:
        batch.add_column(sa.Column("approved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("approved_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_signatory_approved_by", "participant", ["approved_by"], ["id"])
    op.execute("UPDATE signatory SET approved_at = created_at")  # the sign-ups made so far stand


def downgrade() -> None:
    with op.batch_alter_table("signatory") as batch:
        batch.drop_constraint("fk_signatory_approved_by", type_="foreignkey")
        batch.drop_column("approved_by")
        batch.drop_column("approved_at")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("email_domain")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("signed_out_sessions")
