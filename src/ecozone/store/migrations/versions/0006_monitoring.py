"""monitoring: stations, observations (partitioned by month on PostgreSQL), grids, alerts, complaints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ecozone.store.geometry import GeometryColumn

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _gist(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(f"ix_{table}_geom_gist", table, ["geom"], postgresql_using="gist")


def _event_table(name: str, parent: str, parent_fk: str, action_comment: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(parent_fk, sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False, comment=action_comment),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint([parent_fk], [f"{parent}.id"], name=op.f(f"fk_{name}_{parent_fk}_{parent}"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_{parent_fk}"), name, [parent_fk])


def upgrade() -> None:
    op.create_table(
        "responsible_persons",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_responsible_persons_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsible_persons")),
    )
    op.create_table(
        "supervision_grids",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("method", sa.String(length=256), nullable=False, comment="generated:RxC/rxc or imported:FILE"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["county_code"], ["regions.code"], name=op.f("fk_supervision_grids_county_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_grids")),
    )
    op.create_index(op.f("ix_supervision_grids_county_code"), "supervision_grids", ["county_code"])
    op.create_table(
        "grid_cells",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False, comment="large | small"),
        sa.Column("parent_code", sa.String(length=32), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["supervision_grids.id"], name=op.f("fk_grid_cells_grid_id_supervision_grids"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["responsible_id"], ["responsible_persons.id"], name=op.f("fk_grid_cells_responsible_id_responsible_persons"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_cells")),
        sa.UniqueConstraint("grid_id", "code", name=op.f("uq_grid_cells_grid_id_code")),
    )
    op.create_index(op.f("ix_grid_cells_grid_id"), "grid_cells", ["grid_id"])
    _gist("grid_cells")
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False, comment="air_national | air_provincial | air_micro | water_river | water_lake | source_online"),
        sa.Column("region_code", sa.String(length=6), nullable=True, comment="county it lies in"),
        sa.Column("unit_code", sa.String(length=16), nullable=True, comment="control unit in force when placed"),
        sa.Column("grid_cell_id", sa.Integer(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["grid_cell_id"], ["grid_cells.id"], name=op.f("fk_stations_grid_cell_id_grid_cells"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("code", name=op.f("uq_stations_code")),
    )
    op.create_index(op.f("ix_stations_kind"), "stations", ["kind"])
    _gist("stations")
    op.create_table(
        "observations",
        sa.Column("station_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("parameter", sa.String(length=32), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("flag", sa.String(length=8), nullable=True, comment="data quality flag as sent (e.g. HJ 212 N/F/M)"),
        sa.PrimaryKeyConstraint("station_id", "parameter", "observed_at", name=op.f("pk_observations")),
        postgresql_partition_by="RANGE (observed_at)",
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="threshold | consecutive | rate | gap | zscore"),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter", sa.String(length=32), nullable=False),
        sa.Column("dedup_key", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, comment="open | acknowledged | closed"),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("triggered_at", sa.DateTime(timezone=True), nullable=False, comment="observation time that fired"),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False, comment="latest observation time that fired again"),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("grid_cell_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("notify_after", sa.DateTime(timezone=True), nullable=True, comment="held by quiet hours until then"),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_alerts_station_id_stations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["grid_cell_id"], ["grid_cells.id"], name=op.f("fk_alerts_grid_cell_id_grid_cells"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["assignee_id"], ["responsible_persons.id"], name=op.f("fk_alerts_assignee_id_responsible_persons"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_station_id"), "alerts", ["station_id"])
    op.create_index(op.f("ix_alerts_dedup_key"), "alerts", ["dedup_key"])
    op.create_index(op.f("ix_alerts_status"), "alerts", ["status"])
    _event_table("alert_events", "alerts", "alert_id", "opened | repeated | acknowledged | closed | notified")
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False, comment="intake number shown to the reporter"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False, comment="12369 | wechat | web | letter"),
        sa.Column("category", sa.String(length=16), nullable=False, comment="air | water | noise | soil | solid_waste | ecology | other"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reporter_contact", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("grid_cell_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False, comment="received | assigned | in_progress | closed"),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["grid_cell_id"], ["grid_cells.id"], name=op.f("fk_complaints_grid_cell_id_grid_cells"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["assignee_id"], ["responsible_persons.id"], name=op.f("fk_complaints_assignee_id_responsible_persons"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("number", name=op.f("uq_complaints_number")),
    )
    op.create_index(op.f("ix_complaints_status"), "complaints", ["status"])
    _gist("complaints")
    _event_table("complaint_events", "complaints", "complaint_id", "received | assigned | progress | escalated | closed")
    op.create_table(
        "complaint_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=256), nullable=False, comment="name as uploaded"),
        sa.Column("stored_path", sa.String(length=512), nullable=False, comment="path relative to ECOZONE_MEDIA_DIR"),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"], name=op.f("fk_complaint_photos_complaint_id_complaints"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_photos")),
    )
    op.create_index(op.f("ix_complaint_photos_complaint_id"), "complaint_photos", ["complaint_id"])
    op.create_table(
        "alert_rules",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False, comment="the rule record as in alert_rules.yaml"),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_alert_rules")),
    )


def downgrade() -> None:
    for name in (
        "alert_rules", "complaint_photos", "complaint_events", "complaints", "alert_events", "alerts",
        "observations", "stations", "grid_cells", "supervision_grids", "responsible_persons",
    ):
        op.drop_table(name)
