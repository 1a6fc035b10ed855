"""app audit: runs started from the app, the award log and the override log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_runs",
        sa.Column("run_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("kpis", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_app_runs")),
    )
    op.create_table(
        "award_log",
        sa.Column("log_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("tariff", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("units", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["app_runs.run_id"], name=op.f("fk_award_log_run_id_app_runs")
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_award_log")),
    )
    op.create_index("ix_award_log_request_id", "award_log", ["request_id"], unique=False)
    op.create_table(
        "override_log",
        sa.Column("log_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["app_runs.run_id"], name=op.f("fk_override_log_run_id_app_runs")
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_override_log")),
    )


def downgrade() -> None:
    op.drop_table("override_log")
    op.drop_index("ix_award_log_request_id", table_name="award_log")
    op.drop_table("award_log")
    op.drop_table("app_runs")
