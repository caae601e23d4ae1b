"""rule files travel with their release

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False, comment="file name, e.g. 140000-001-zoning-opinions.yaml"),
        sa.Column("text", sa.Text(), nullable=False, comment="the YAML exactly as filed"),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_rule_files_release_id_releases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_files")),
        sa.UniqueConstraint("release_id", "name", name=op.f("uq_rule_files_release_id_name")),
    )
    op.create_index(op.f("ix_rule_files_release_id"), "rule_files", ["release_id"])


def downgrade() -> None:
    op.drop_table("rule_files")
