"""plan indicator observations with their revisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_observations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="observed | assigned_target"),
        sa.Column("metric", sa.String(length=64), nullable=False, comment="metric key, e.g. air.pm25"),
        sa.Column("region", sa.String(length=6), nullable=False, comment="GB/T 2260 code"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, comment="1 for the first value, +1 per correction"),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("comparator", sa.String(length=2), nullable=True, comment="assigned targets: ≥ ≤ > < = ≈ ～"),
        sa.Column("range_low", sa.Float(), nullable=True, comment="assigned targets given as a range"),
        sa.Column("range_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=256), nullable=False, comment="file:row it was read from, or user:NAME"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_observations")),
        sa.UniqueConstraint(
            "kind", "metric", "region", "year", "revision",
            name=op.f("uq_indicator_observations_kind_metric_region_year_revision"),
        ),
    )
    op.create_index(op.f("ix_indicator_observations_metric"), "indicator_observations", ["metric"])


def downgrade() -> None:
    op.drop_table("indicator_observations")
