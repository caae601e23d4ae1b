"""screenings and their overrides

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ecozone.store.geometry

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.String(length=32), nullable=False, comment="request id, time-ordered"),
        sa.Column("result_id", sa.String(length=64), nullable=False, comment="stable hash of question + data"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("project_name", sa.String(length=256), nullable=False),
        sa.Column("industry", sa.String(length=16), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("release_ids", sa.JSON(), nullable=False),
        sa.Column("unit_classes", sa.JSON(), nullable=False, comment="classes of the units hit"),
        sa.Column("input", sa.JSON(), nullable=False, comment="the project Feature as given"),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("geom", ecozone.store.geometry.GeometryColumn(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    op.create_index(op.f("ix_screenings_result_id"), "screenings", ["result_id"])
    op.create_index(op.f("ix_screenings_verdict"), "screenings", ["verdict"])
    op.create_table(
        "screening_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("screening_id", sa.String(length=32), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name=op.f("fk_screening_overrides_screening_id_screenings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_overrides")),
    )
    op.create_index(op.f("ix_screening_overrides_screening_id"), "screening_overrides", ["screening_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_screenings_geom_gist", "screenings", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("screening_overrides")
    op.drop_table("screenings")
