"""The schema is created by Alembic and holds geometries the same way on both backends."""

from __future__ import annotations

import shapely
from sqlalchemy import inspect, text

from ecozone.geo.regions import Region, RegionLevel
from ecozone.zoning.repositories import regions as region_store
from alembic.script import ScriptDirectory

from ecozone.store.engine import alembic_config, migrate

TABLES = {
    "regions", "reference_features", "releases", "control_units", "access_entries", "rules", "audit_log",
    "screenings", "screening_overrides", "indicator_observations", "rule_files", "users", "user_sessions",
    "responsible_persons", "supervision_grids", "grid_cells", "stations", "observations", "alerts", "alert_events",
    "complaints", "complaint_events", "complaint_photos", "alert_rules",
    "clues", "clue_events", "clue_photos", "ledger_sources", "ledger_draws",
}


def test_migration_creates_every_table(engine):
    assert TABLES <= set(inspect(engine).get_table_names())


def test_migration_is_idempotent(engine):
    migrate(engine)
    with engine.connect() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current == head


def test_migrations_match_the_table_definitions(engine, backend):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ecozone.store.schema import metadata

    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    if backend == "sqlite":  # GiST indexes exist on PostGIS only, by design
        differences = [d for d in differences if not (d[0] == "add_index" and d[1].name.endswith("_gist"))]
    else:  # PostGIS's own catalogue table is not ours
        differences = [d for d in differences if not (d[0] == "remove_table" and d[1].name == "spatial_ref_sys")]
    assert differences == []


def test_geometry_round_trips_exactly(engine):
    shape = shapely.Polygon([(112.1, 37.1), (112.9, 37.1), (112.5, 37.9), (112.1, 37.1)], holes=[[(112.4, 37.3), (112.6, 37.3), (112.5, 37.5)]])
    with engine.begin() as conn:
        region_store.replace_regions(conn, [Region("140000", "山西省", RegionLevel.PROVINCE, None, shape)])
    with engine.connect() as conn:
        (loaded,) = region_store.load_regions(conn)
    assert shapely.equals_exact(loaded.geometry, shape, tolerance=0)
    assert loaded.level == RegionLevel.PROVINCE


def test_postgis_columns_are_srid_4490_with_gist_index(engine, backend):
    if backend != "postgis":
        return
    with engine.connect() as conn:
        srids = dict(
            conn.execute(
                text(
                    "SELECT f_table_name, srid FROM geometry_columns "
                    "WHERE f_table_schema = current_schema() AND f_geometry_column = 'geom'"
                )
            ).all()
        )
        indexes = set(
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE '%USING gist%'")
            ).scalars()
        )
    geometry_tables = {"regions", "reference_features", "control_units", "screenings", "grid_cells", "stations", "complaints", "clues"}
    assert srids == dict.fromkeys(geometry_tables, 4490)
    assert indexes == {f"ix_{name}_geom_gist" for name in geometry_tables}
