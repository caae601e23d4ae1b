"""Clues are screened against the zoning in force on their observed date, placed on units and
counties, stored with cited findings and a priority; a bad file stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from ecozone.errors import BadInput
from ecozone.geo.crs import STORAGE_CRS
from ecozone.geo.io import write_vector
from ecozone.supervision import repository
from ecozone.supervision.clue_input import read_clue_file
from ecozone.supervision.clues import import_clues
from ecozone.zoning.inforce import load_snapshot

from .conftest import NOW, units_under, write_clue_file

OBSERVED = dt.date(2025, 7, 1)


def test_polygons_and_points_get_cited_findings_and_priority(shanxi_engine, service, settings, clue_file):
    items = read_clue_file(clue_file, OBSERVED)
    rows = import_clues(shanxi_engine, service, settings, items, "satellite", "tester", NOW)
    by_ref = {r["ref"]: r for r in rows}
    assert set(by_ref) == {"S-001", "S-002", "S-003"}
    assert by_ref["S-001"]["observed_on"] == "2025-06-01"  # the row's own date wins over --observed
    assert by_ref["S-002"]["observed_on"] == OBSERVED.isoformat()
    coking = by_ref["S-002"]
    assert coking["verdict"] == "prohibited" and coking["priority"] == "high"
    assert coking["units"] == units_under(shanxi_engine, shapely.Point(112.48, 37.80), OBSERVED) and coking["region_code"] == "140110"
    banned = next(f for f in coking["findings"] if f["rule_id"] == "SX-000-NO-NEW-CAPACITY")
    assert banned["outcome"] == "applies"
    assert banned["citation"]["file"] == "000_6f036d9dc4af6d6d.txt" and "焦化" in banned["citation"]["clause"]
    # A construction polygon with no industry: every industry-bound rule stays open, bans among
    # them, so the clue is possibly prohibited (never milder than the worst outcome still open).
    construction = shapely.box(112.575, 37.78, 112.58, 37.785)
    assert by_ref["S-001"]["verdict"] == "possibly_prohibited" and by_ref["S-001"]["units"] == units_under(shanxi_engine, construction, dt.date(2025, 6, 1))
    # In a 优先保护 unit anything short of compliant goes first.
    priority_unit = by_ref["S-003"]
    assert priority_unit["unit_classes"] == [1] and priority_unit["priority"] == "high"
    for row in rows:
        assert row["status"] == "open" and row["findings"]
        assert all(f["citation"]["clause"] for f in row["findings"])
        due = dt.datetime.fromisoformat(row["due_at"])
        assert due - NOW == dt.timedelta(days=settings.days_for(row["priority"]))


def test_screened_on_the_releases_in_force_on_the_observed_date(shanxi_engine, service, settings, clue_file):
    items = read_clue_file(clue_file, OBSERVED)
    rows = import_clues(shanxi_engine, service, settings, items, "drone", "tester", NOW)
    expected = list(load_snapshot(shanxi_engine, OBSERVED).release_ids)
    assert next(r for r in rows if r["ref"] == "S-002")["release_ids"] == expected
    with shanxi_engine.connect() as conn:
        stored = repository.get_clue(conn, rows[0]["id"])
    assert stored["events"][0]["action"] == "imported" and stored["events"][0]["actor"] == "tester"
    assert shapely.equals_exact(stored["geometry"], items[0].geometry, tolerance=1e-9)


def test_a_clue_observed_before_any_zoning_rejects_the_file(shanxi_engine, service, settings, tmp_path):
    path = write_clue_file(tmp_path)
    items = read_clue_file(path, dt.date(2020, 1, 1))
    with shanxi_engine.connect() as conn:
        before = len(repository.list_clues(conn, limit=100000))
    with pytest.raises(BadInput) as error:
        import_clues(shanxi_engine, service, settings, items, "satellite", "tester", NOW)
    assert error.value.detail["field"] == "observed" and "2020-01-01" in error.value.message
    with shanxi_engine.connect() as conn:
        assert len(repository.list_clues(conn, limit=100000)) == before


def test_csv_points_and_wkt_polygons(shanxi_engine, service, settings, tmp_path):
    path = tmp_path / "permits.csv"
    path.write_text(
        "id,name,industry,nature,lon,lat,wkt\n"
        "P-1,某焦化厂,C2521,new,112.48,37.80,\n"
        "P-2,某铸造厂,C3391,expand,,,\"POLYGON((112.47 37.79,112.49 37.79,112.49 37.81,112.47 37.81,112.47 37.79))\"\n",
        encoding="utf-8",
    )
    rows = import_clues(shanxi_engine, service, settings, read_clue_file(path, OBSERVED), "permit", "tester", NOW)
    assert [r["ref"] for r in rows] == ["P-1", "P-2"]
    assert rows[0]["verdict"] == "prohibited" and rows[0]["source_name"] == "排污许可清单"
    assert rows[1]["units"] and rows[1]["industry"] == "C3391"


def test_geopackage_polygons_and_points(shanxi_engine, service, settings, tmp_path):
    path = tmp_path / "drone.gpkg"
    geometries = [shapely.box(112.575, 37.78, 112.58, 37.785), shapely.Point(112.48, 37.80)]
    columns = {"id": ["G-1", "G-2"], "change_class": ["construction", "industrial"], "industry": ["", "C2521"],
               "observed": ["2025-06-01", "2025-06-02"]}
    write_vector(path, geometries, columns, STORAGE_CRS, layer="clues")
    rows = import_clues(shanxi_engine, service, settings, read_clue_file(path), "drone", "tester", NOW)
    assert [r["ref"] for r in rows] == ["G-1", "G-2"]
    assert rows[0]["units"] == units_under(shanxi_engine, geometries[0], dt.date(2025, 6, 1)) and rows[0]["units"]
    assert rows[1]["verdict"] == "prohibited"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"change_class": "spaceship"}, "change_class"),
        ({"observed": "2025-13-40"}, "observed"),
        ({}, "observed"),
    ],
)
def test_bad_rows_name_the_field(tmp_path, row, field):
    feature = {"type": "Feature", "properties": row, "geometry": {"type": "Point", "coordinates": [112.5, 37.8]}}
    with pytest.raises(BadInput) as error:
        read_clue_file(write_clue_file(tmp_path, [feature]), None)
    assert error.value.detail["field"] == field and error.value.detail["row"] == 1


def test_unknown_industry_rejects_the_file(shanxi_engine, service, settings, tmp_path):
    feature = {"type": "Feature", "properties": {"industry": "C9999"}, "geometry": {"type": "Point", "coordinates": [112.5, 37.8]}}
    items = read_clue_file(write_clue_file(tmp_path, [feature]), OBSERVED)
    with pytest.raises(BadInput) as error:
        import_clues(shanxi_engine, service, settings, items, "permit", "tester", NOW)
    assert error.value.detail["field"] == "industry" and error.value.detail["row"] == 1


def test_unknown_source_is_bad_input(shanxi_engine, service, settings, clue_file):
    with pytest.raises(BadInput) as error:
        import_clues(shanxi_engine, service, settings, read_clue_file(clue_file, OBSERVED), "balloon", "t", NOW)
    assert error.value.detail["field"] == "source"
