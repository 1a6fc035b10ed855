"""initial schema: the round tables and bookkeeping

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "segment", name=op.f("pk_budgets")),
    )
    op.create_table(
        "imports",
        sa.Column("import_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_imports")),
    )
    op.create_table(
        "interventions",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("law", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("product_group", sa.String(length=200), nullable=False),
        sa.Column("funding", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("tariff_min", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("tariff_max", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("intervention_id", name=op.f("pk_interventions")),
    )
    op.create_table(
        "providers",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agb_code", sa.String(length=64), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_providers")),
    )
    op.create_table(
        "teams",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_teams")),
    )
    op.create_table(
        "awards",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("tariff", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("units", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.intervention_id"],
            name=op.f("fk_awards_intervention_id_interventions"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.provider_id"], name=op.f("fk_awards_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_awards")),
    )
    op.create_table(
        "capacity",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("capacity_units", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
            name=op.f("fk_capacity_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("provider_id", "intervention_id", name=op.f("pk_capacity")),
    )
    op.create_table(
        "certifications",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.intervention_id"],
            name=op.f("fk_certifications_intervention_id_interventions"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
            name=op.f("fk_certifications_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint(
            "provider_id", "intervention_id", "valid_from", name=op.f("pk_certifications")
        ),
    )
    op.create_table(
        "history",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("units", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.intervention_id"],
            name=op.f("fk_history_intervention_id_interventions"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
            name=op.f("fk_history_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_history")),
    )
    op.create_table(
        "offers",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("tariff", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.intervention_id"],
            name=op.f("fk_offers_intervention_id_interventions"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.provider_id"], name=op.f("fk_offers_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("provider_id", "intervention_id", name=op.f("pk_offers")),
    )
    op.create_table(
        "providers_specialisms",
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("specialism", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
            name=op.f("fk_providers_specialisms_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("provider_id", "rank", name=op.f("pk_providers_specialisms")),
    )
    op.create_table(
        "requests",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("client_ref", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.String(length=64), nullable=False),
        sa.Column("units", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("urgency", sa.String(length=64), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("current_provider", sa.String(length=64), nullable=True),
        sa.Column("waiting_since", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["current_provider"],
            ["providers.provider_id"],
            name=op.f("fk_requests_current_provider_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.intervention_id"],
            name=op.f("fk_requests_intervention_id_interventions"),
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_requests")),
    )
    op.create_table(
        "round_state",
        sa.Column("singleton", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("optional_files", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.import_id"], name=op.f("fk_round_state_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("singleton", name=op.f("pk_round_state")),
    )
    op.create_table(
        "bids",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("tariff", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("units", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.provider_id"], name=op.f("fk_bids_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.request_id"], name=op.f("fk_bids_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", "provider_id", name=op.f("pk_bids")),
    )
    op.create_table(
        "requests_excluded_providers",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
            name=op.f("fk_requests_excluded_providers_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.request_id"],
            name=op.f("fk_requests_excluded_providers_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "rank", name=op.f("pk_requests_excluded_providers")),
    )
    op.create_table(
        "requests_preferred_providers",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
            name=op.f("fk_requests_preferred_providers_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.request_id"],
            name=op.f("fk_requests_preferred_providers_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "rank", name=op.f("pk_requests_preferred_providers")),
    )
    op.create_table(
        "requests_required_specialisms",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("specialism", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.request_id"],
            name=op.f("fk_requests_required_specialisms_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "rank", name=op.f("pk_requests_required_specialisms")
        ),
    )


def downgrade() -> None:
    op.drop_table("requests_required_specialisms")
    op.drop_table("requests_preferred_providers")
    op.drop_table("requests_excluded_providers")
    op.drop_table("bids")
    op.drop_table("round_state")
    op.drop_table("requests")
    op.drop_table("providers_specialisms")
    op.drop_table("offers")
    op.drop_table("history")
    op.drop_table("certifications")
    op.drop_table("capacity")
    op.drop_table("awards")
    op.drop_table("teams")
    op.drop_table("providers")
    op.drop_table("interventions")
    op.drop_table("imports")
    op.drop_table("budgets")
