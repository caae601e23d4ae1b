"""supervision clues with their inspection worklist; offset ledgers (sources and draws)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ecozone.store.geometry import GeometryColumn

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _clue_child(name: str, columns: list[sa.Column]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f(f"fk_{name}_clue_id_clues"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_clue_id"), name, ["clue_id"])


def upgrade() -> None:
    op.create_table(
        "clues",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False, comment="the clue's own id in its source file"),
        sa.Column("source", sa.String(length=16), nullable=False, comment="satellite | drone | complaint | permit"),
        sa.Column("observed_on", sa.Date(), nullable=False, comment="date the change was seen; screened on the zoning in force then"),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("change_class", sa.String(length=32), nullable=True, comment="land-use change class of the detection"),
        sa.Column("industry", sa.String(length=8), nullable=True, comment="GB/T 4754-2017 code"),
        sa.Column("region_code", sa.String(length=6), nullable=True, comment="county"),
        sa.Column("grid_cell_id", sa.Integer(), nullable=True),
        sa.Column("unit_codes", sa.JSON(), nullable=False),
        sa.Column("unit_classes", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=24), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False, comment="high | medium | low"),
        sa.Column("findings", sa.JSON(), nullable=False, comment="cited findings of the screening"),
        sa.Column("release_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, comment="open | assigned | inspected | closed"),
        sa.Column("assignee", sa.String(length=128), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inspection_result", sa.String(length=16), nullable=True, comment="confirmed | not_a_problem | rectified"),
        sa.Column("inspection_notes", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["grid_cell_id"], ["grid_cells.id"], name=op.f("fk_clues_grid_cell_id_grid_cells"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clues")),
    )
    for column in ("source", "region_code", "verdict", "status"):
        op.create_index(op.f(f"ix_clues_{column}"), "clues", [column])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_clues_geom_gist", "clues", ["geom"], postgresql_using="gist")
    _clue_child("clue_events", [
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False, comment="imported | assigned | inspected | closed | reopened"),
        sa.Column("note", sa.Text(), nullable=False),
    ])
    _clue_child("clue_photos", [
        sa.Column("file_name", sa.String(length=256), nullable=False, comment="name as uploaded"),
        sa.Column("stored_path", sa.String(length=512), nullable=False, comment="path relative to ECOZONE_MEDIA_DIR"),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
    ])
    op.create_table(
        "ledger_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False, comment="the ledger entry number"),
        sa.Column("region_code", sa.String(length=6), nullable=False, comment="county where the reduction was made"),
        sa.Column("resource", sa.String(length=32), nullable=False, comment="coal | so2 | nox | vocs | particulate | capacity"),
        sa.Column("industry", sa.String(length=8), nullable=True, comment="GB/T 4754-2017 code, for capacity"),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="closure | retrofit"),
        sa.Column("amount", sa.Float(), nullable=False, comment="verified reduction per year, in the resource's unit"),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("document", sa.String(length=256), nullable=False, comment="the document proving the reduction (title, 文号)"),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_sources")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_sources_code")),
    )
    op.create_index(op.f("ix_ledger_sources_region_code"), "ledger_sources", ["region_code"])
    op.create_index(op.f("ix_ledger_sources_resource"), "ledger_sources", ["resource"])
    op.create_table(
        "ledger_draws",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False,
                  comment="a source is drawn once: the unique key is what stops double spending on every backend"),
        sa.Column("screening_id", sa.String(length=32), nullable=False, comment="the stored screening the approval rests on"),
        sa.Column("project_name", sa.String(length=256), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False, comment="the source's whole amount, committed to the project"),
        sa.Column("required", sa.Float(), nullable=False, comment="the project's amount times the required ratio"),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("approval", sa.String(length=256), nullable=False, comment="the approval document the draw is tied to"),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["ledger_sources.id"], name=op.f("fk_ledger_draws_source_id_ledger_sources"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_draws")),
        sa.UniqueConstraint("source_id", name=op.f("uq_ledger_draws_source_id")),
    )
    op.create_index(op.f("ix_ledger_draws_screening_id"), "ledger_draws", ["screening_id"])


def downgrade() -> None:
    op.drop_table("ledger_draws")
    op.drop_table("ledger_sources")
    op.drop_table("clue_photos")
    op.drop_table("clue_events")
    op.drop_table("clues")
