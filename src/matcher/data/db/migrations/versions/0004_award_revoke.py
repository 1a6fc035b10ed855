"""award log: an action per line, so a revoked award is logged beside the award it undoes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("award_log") as batch:
        batch.add_column(
            sa.Column("action", sa.String(length=64), nullable=False, server_default="award")
        )


def downgrade() -> None:
    with op.batch_alter_table("award_log") as batch:
        batch.drop_column("action")
