"""The one schema of ecozone, shared by SQLite and PostGIS (migrations live in store/migrations)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ecozone.store.geometry import GeometryColumn

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


def gist_index(table: Table, column: str = "geom") -> Index:
    """A GiST index on a geometry column, created on PostGIS only."""
    index = Index(f"ix_{table.name}_{column}_gist", table.c[column], postgresql_using="gist")
    index.ddl_if(dialect="postgresql")
    return index


regions = Table(
    "regions",
    metadata,
    Column("code", String(6), primary_key=True, comment="GB/T 2260 administrative code"),
    Column("name", String(64), nullable=False),
    Column("name_en", String(128), nullable=False, default=""),
    Column("level", String(16), nullable=False, comment="province | city | county"),
    Column("parent_code", String(6), ForeignKey("regions.code"), nullable=True),
    Column("geom", GeometryColumn(), nullable=False),
)
gist_index(regions)

reference_features = Table(
    "reference_features",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(128), nullable=False, unique=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("name_en", String(128), nullable=False, default=""),
    Column("attributes", JSON, nullable=False, default=dict),
    Column("geom", GeometryColumn(), nullable=False),
)
gist_index(reference_features)

releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("jurisdiction_code", String(6), ForeignKey("regions.code"), nullable=False, index=True),
    Column("version", String(64), nullable=False),
    Column("title", String(256), nullable=False),
    Column("kind", String(16), nullable=False, comment="initial | periodic | dynamic"),
    Column("reason", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, index=True),
    Column("effective_date", Date, nullable=True),
    Column("issuer", String(128), nullable=False, default=""),
    Column("notice", Text, nullable=False, default=""),
    Column("demo", Boolean, nullable=False, default=False),
    Column("lock_version", Integer, nullable=False, default=1),
    Column("warnings", JSON, nullable=False, default=list),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("jurisdiction_code", "version"),
)

control_units = Table(
    "control_units",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(16), nullable=False, index=True),
    Column("name", String(256), nullable=False),
    Column("unit_class", Integer, nullable=False, comment="1 优先保护 | 2 重点管控 | 3 一般管控"),
    Column("elements", JSON, nullable=False, default=list),
    Column("county_code", String(6), nullable=False),
    Column("city_code", String(6), nullable=False),
    Column("remark", Text, nullable=False, default=""),
    Column("area_m2", Float, nullable=True),
    Column("geom", GeometryColumn(), nullable=False),
    UniqueConstraint("release_id", "code"),
)
gist_index(control_units)

access_entries = Table(
    "access_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, ForeignKey("control_units.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dimension", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

rules = Table(
    "rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rule_id", String(64), nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("effect", String(16), nullable=False),
    Column("body", JSON, nullable=False, comment="the full declarative rule record"),
    UniqueConstraint("release_id", "rule_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("detail", JSON, nullable=False, default=dict),
)

screenings = Table(
    "screenings",
    metadata,
    Column("id", String(32), primary_key=True, comment="request id, time-ordered"),
    Column("result_id", String(64), nullable=False, index=True, comment="stable hash of question + data"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("project_name", String(256), nullable=False, default=""),
    Column("industry", String(16), nullable=True),
    Column("verdict", String(32), nullable=False, index=True),
    Column("release_ids", JSON, nullable=False),
    Column("unit_classes", JSON, nullable=False, default=list, comment="classes of the units hit"),
    Column("input", JSON, nullable=False, comment="the project Feature as given"),
    Column("result", JSON, nullable=False),
    Column("geom", GeometryColumn(), nullable=False),
)
gist_index(screenings)

screening_overrides = Table(
    "screening_overrides",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("screening_id", String(32), ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rule_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

indicator_observations = Table(
    "indicator_observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False, comment="observed | assigned_target"),
    Column("metric", String(64), nullable=False, index=True, comment="metric key, e.g. air.pm25"),
    Column("region", String(6), nullable=False, comment="GB/T 2260 code"),
    Column("year", Integer, nullable=False),
    Column("revision", Integer, nullable=False, comment="1 for the first value, +1 per correction"),
    Column("value", Float, nullable=False),
    Column("comparator", String(2), nullable=True, comment="assigned targets: ≥ ≤ > < = ≈ ～"),
    Column("range_low", Float, nullable=True, comment="assigned targets given as a range"),
    Column("range_high", Float, nullable=True),
    Column("unit", String(32), nullable=False, default=""),
    Column("source", Text, nullable=False),
    Column("note", Text, nullable=True),
    Column("origin", String(256), nullable=False, comment="file:row it was read from, or user:NAME"),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(128), nullable=False),
    UniqueConstraint("kind", "metric", "region", "year", "revision"),
)

rule_files = Table(
    "rule_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(128), nullable=False, comment="file name, e.g. 140000-001-zoning-opinions.yaml"),
    Column("text", Text, nullable=False, comment="the YAML exactly as filed"),
    Column("sha256", String(64), nullable=False),
    UniqueConstraint("release_id", "name"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False, default=""),
    Column("password_hash", String(256), nullable=False),
    Column("roles", JSON, nullable=False, default=list, comment="editor | filer | publisher | reviewer | planner | monitor | admin"),
    Column("jurisdiction_code", String(6), ForeignKey("regions.code"), nullable=True, comment="region the user works for"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True, comment="sha256 of the bearer token / cookie value"),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# --- Monitoring and early warning: stations, observations, grids, alerts, complaints -----------

responsible_persons = Table(
    "responsible_persons",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("organisation", String(128), nullable=False, default=""),
    Column("phone", String(32), nullable=False, default=""),
    Column("email", String(128), nullable=False, default=""),
    Column("region_code", String(6), ForeignKey("regions.code"), nullable=True),
)

supervision_grids = Table(
    "supervision_grids",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), ForeignKey("regions.code"), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("method", String(256), nullable=False, comment="generated:RxC/rxc or imported:FILE"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

grid_cells = Table(
    "grid_cells",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("grid_id", Integer, ForeignKey("supervision_grids.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", String(32), nullable=False),
    Column("level", String(8), nullable=False, comment="large | small"),
    Column("parent_code", String(32), nullable=True),
    Column("responsible_id", Integer, ForeignKey("responsible_persons.id", ondelete="SET NULL"), nullable=True),
    Column("area_m2", Float, nullable=False),
    Column("geom", GeometryColumn(), nullable=False),
    UniqueConstraint("grid_id", "code"),
)
gist_index(grid_cells)

stations = Table(
    "stations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("kind", String(24), nullable=False, index=True, comment="air_national | air_provincial | air_micro | water_river | water_lake | source_online"),
    Column("region_code", String(6), nullable=True, comment="county it lies in"),
    Column("unit_code", String(16), nullable=True, comment="control unit in force when placed"),
    Column("grid_cell_id", Integer, ForeignKey("grid_cells.id", ondelete="SET NULL"), nullable=True),
    Column("attributes", JSON, nullable=False, default=dict),
    Column("geom", GeometryColumn(), nullable=False),
)
gist_index(stations)

# Partitioned by month on PostgreSQL (RANGE on observed_at; partitions made by the ingest path).
# No foreign key to stations: the ingest path resolves station codes itself and FK checks would
# halve COPY throughput; the primary key is the idempotency key.
observations = Table(
    "observations",
    metadata,
    Column("station_id", Integer, primary_key=True, autoincrement=False),
    Column("parameter", String(32), primary_key=True),
    Column("observed_at", DateTime(timezone=True), primary_key=True),
    Column("value", Float, nullable=False),
    Column("flag", String(8), nullable=True, comment="data quality flag as sent (e.g. HJ 212 N/F/M)"),
    postgresql_partition_by="RANGE (observed_at)",
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_key", String(64), nullable=False),
    Column("kind", String(16), nullable=False, comment="threshold | consecutive | rate | gap | zscore"),
    Column("station_id", Integer, ForeignKey("stations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("parameter", String(32), nullable=False),
    Column("dedup_key", String(160), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True, comment="open | acknowledged | closed"),
    Column("severity", String(16), nullable=False),
    Column("triggered_at", DateTime(timezone=True), nullable=False, comment="observation time that fired"),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, comment="latest observation time that fired again"),
    Column("occurrences", Integer, nullable=False, default=1),
    Column("value", Float, nullable=True),
    Column("message", Text, nullable=False),
    Column("grid_cell_id", Integer, ForeignKey("grid_cells.id", ondelete="SET NULL"), nullable=True),
    Column("unit_code", String(16), nullable=True),
    Column("assignee_id", Integer, ForeignKey("responsible_persons.id", ondelete="SET NULL"), nullable=True),
    Column("notify_after", DateTime(timezone=True), nullable=True, comment="held by quiet hours until then"),
    Column("notified_at", DateTime(timezone=True), nullable=True),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(16), nullable=False, comment="opened | repeated | acknowledged | closed | notified"),
    Column("note", Text, nullable=False, default=""),
)

complaints = Table(
    "complaints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True, comment="intake number shown to the reporter"),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(16), nullable=False, comment="12369 | wechat | web | letter"),
    Column("category", String(16), nullable=False, comment="air | water | noise | soil | solid_waste | ecology | other"),
    Column("text", Text, nullable=False),
    Column("reporter_contact", String(128), nullable=False, default=""),
    Column("region_code", String(6), nullable=True),
    Column("unit_code", String(16), nullable=True),
    Column("grid_cell_id", Integer, ForeignKey("grid_cells.id", ondelete="SET NULL"), nullable=True),
    Column("assignee_id", Integer, ForeignKey("responsible_persons.id", ondelete="SET NULL"), nullable=True),
    Column("status", String(16), nullable=False, index=True, comment="received | assigned | in_progress | closed"),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("escalation_level", Integer, nullable=False, default=0),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("geom", GeometryColumn(), nullable=False),
)
gist_index(complaints)

complaint_events = Table(
    "complaint_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("complaint_id", Integer, ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(16), nullable=False, comment="received | assigned | progress | escalated | closed"),
    Column("note", Text, nullable=False, default=""),
)

complaint_photos = Table(
    "complaint_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("complaint_id", Integer, ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("file_name", String(256), nullable=False, comment="name as uploaded"),
    Column("stored_path", String(512), nullable=False, comment="path relative to ECOZONE_MEDIA_DIR"),
    Column("content_type", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
)

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("body", JSON, nullable=False, comment="the rule record as in alert_rules.yaml"),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# --- supervision: clues (遥感、无人机、举报、许可线索) and their inspection worklist -------------------

clues = Table(
    "clues",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", String(64), nullable=False, default="", comment="the clue's own id in its source file"),
    Column("source", String(16), nullable=False, index=True, comment="satellite | drone | complaint | permit"),
    Column("observed_on", Date, nullable=False, comment="date the change was seen; screened on the zoning in force then"),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(128), nullable=False),
    Column("name", String(256), nullable=False, default=""),
    Column("change_class", String(32), nullable=True, comment="land-use change class of the detection"),
    Column("industry", String(8), nullable=True, comment="GB/T 4754-2017 code"),
    Column("region_code", String(6), nullable=True, index=True, comment="county"),
    Column("grid_cell_id", Integer, ForeignKey("grid_cells.id", ondelete="SET NULL"), nullable=True),
    Column("unit_codes", JSON, nullable=False, default=list),
    Column("unit_classes", JSON, nullable=False, default=list),
    Column("verdict", String(24), nullable=False, index=True),
    Column("priority", String(8), nullable=False, comment="high | medium | low"),
    Column("findings", JSON, nullable=False, default=list, comment="cited findings of the screening"),
    Column("release_ids", JSON, nullable=False, default=list),
    Column("status", String(16), nullable=False, index=True, comment="open | assigned | inspected | closed"),
    Column("assignee", String(128), nullable=True),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("inspection_result", String(16), nullable=True, comment="confirmed | not_a_problem | rectified"),
    Column("inspection_notes", Text, nullable=True),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("demo", Boolean, nullable=False, default=False),
    Column("geom", GeometryColumn(), nullable=False),
)
gist_index(clues)

clue_events = Table(
    "clue_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clue_id", Integer, ForeignKey("clues.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(16), nullable=False, comment="imported | assigned | inspected | closed | reopened"),
    Column("note", Text, nullable=False, default=""),
)

clue_photos = Table(
    "clue_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clue_id", Integer, ForeignKey("clues.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("file_name", String(256), nullable=False, comment="name as uploaded"),
    Column("stored_path", String(512), nullable=False, comment="path relative to ECOZONE_MEDIA_DIR"),
    Column("content_type", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
)

# --- ledgers: sources of offsets (closures, retrofits) and the projects that draw them -------------

ledger_sources = Table(
    "ledger_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, unique=True, comment="the ledger entry number"),
    Column("region_code", String(6), nullable=False, index=True, comment="county where the reduction was made"),
    Column("resource", String(32), nullable=False, index=True, comment="coal | so2 | nox | vocs | particulate | capacity"),
    Column("industry", String(8), nullable=True, comment="GB/T 4754-2017 code, for capacity"),
    Column("kind", String(16), nullable=False, comment="closure | retrofit"),
    Column("amount", Float, nullable=False, comment="verified reduction per year, in the resource's unit"),
    Column("effective_on", Date, nullable=False),
    Column("document", String(256), nullable=False, comment="the document proving the reduction (title, 文号)"),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("demo", Boolean, nullable=False, default=False),
)

ledger_draws = Table(
    "ledger_draws",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", Integer, ForeignKey("ledger_sources.id", ondelete="RESTRICT"), nullable=False, unique=True,
           comment="a source is drawn once: the unique key is what stops double spending on every backend"),
    Column("screening_id", String(32), nullable=False, index=True, comment="the stored screening the approval rests on"),
    Column("project_name", String(256), nullable=False),
    Column("amount", Float, nullable=False, comment="the source's whole amount, committed to the project"),
    Column("required", Float, nullable=False, comment="the project's amount times the required ratio"),
    Column("ratio", Float, nullable=False),
    Column("approval", String(256), nullable=False, comment="the approval document the draw is tied to"),
    Column("drawn_at", DateTime(timezone=True), nullable=False),
    Column("drawn_by", String(128), nullable=False),
)
