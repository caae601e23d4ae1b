"""screenings.verdict holds "possibly_prohibited" (19 characters): widen it to 32

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite does not enforce VARCHAR lengths; rebuilding its table for this would gain nothing.
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("screenings", "verdict", type_=sa.String(length=32), existing_type=sa.String(length=16), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("screenings", "verdict", type_=sa.String(length=16), existing_type=sa.String(length=32), existing_nullable=False)
