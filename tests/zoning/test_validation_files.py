"""Each validation finding, triggered by a real bad file written to disk and imported."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Transformer

from ecozone.clock import utc_now
from ecozone.errors import BadInput
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.exchange import export_units
from ecozone.zoning.importer import read_units

REQUEST = workflow.DraftRequest("140100", "candidate", "太原市候选")


def _taiyuan(territory):
    return [u for u in read_units(territory.demo_units).units if u.city_code == "140100"]


def _import(engine, tmp_path, units, suffix=".gpkg", **read_args):
    path = tmp_path / f"candidate{suffix}"
    export_units(path, units)
    return workflow.create_draft(engine, REQUEST, read_units(path, **read_args).units, "editor", now=utc_now())


def _refused(engine, tmp_path, units, message, **read_args):
    with engine.connect() as conn:
        before = len(release_store.list_releases(conn))
    with pytest.raises(BadInput, match=message):
        _import(engine, tmp_path, units, **read_args)
    with engine.connect() as conn:
        assert len(release_store.list_releases(conn)) == before, "a refused import stored something"


def test_clean_file_imports_with_no_findings(loaded_engine, tmp_path, territory):
    release, report = _import(loaded_engine, tmp_path, _taiyuan(territory))
    assert report.findings == [] and release.status.value == "draft"


def test_self_intersecting_outline_is_repaired_with_a_warning(loaded_engine, tmp_path, territory):
    units = _taiyuan(territory)
    # A bow-tie ring: the 迎泽区 unit drawn with two corners swapped.
    units[2].geometry = shapely.Polygon([(112.0, 37.5), (112.5, 38.0), (112.5, 37.5), (112.0, 38.0)])
    release, report = _import(loaded_engine, tmp_path, units)
    (finding,) = [f for f in report.findings if f.check == "invalid_geometry"]
    assert finding.severity == "warning" and finding.unit == "ZH14010630001" and "repaired" in finding.message
    assert any(w["check"] == "invalid_geometry" for w in release.warnings)


def test_overlap_is_refused(loaded_engine, tmp_path, territory):
    units = _taiyuan(territory)
    units[1].geometry = shapely.box(112.5, 37.5, 113.0, 37.8)
    _refused(loaded_engine, tmp_path, units, r"ZH14010510001: overlaps ZH14010520001 by [\d,]+ m²")


def test_gap_is_a_warning_kept_with_the_release(loaded_engine, tmp_path, territory):
    units = _taiyuan(territory)
    units[1].geometry = shapely.box(112.5, 37.5, 113.0, 37.7)
    release, report = _import(loaded_engine, tmp_path, units)
    (gap,) = report.warnings
    assert gap.check == "gap" and "小店区 (140105)" in gap.message
    assert release.warnings[0]["check"] == "gap"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZH1401052001", "does not match ZH \\+ 6-digit admin code"),
        ("ZH14010530001", "class digit 3 of the code does not match class 2"),
        ("ZH14010620002", "admin code 140106 of the code does not match county 140105"),
    ],
)
def test_bad_codes_are_refused(loaded_engine, tmp_path, territory, code, message):
    units = _taiyuan(territory)
    units[1].code = code
    _refused(loaded_engine, tmp_path, units, message)


def test_duplicate_codes_are_refused(loaded_engine, tmp_path, territory):
    units = _taiyuan(territory)
    units[2].code = units[1].code
    units[2].unit_class, units[2].county_code = units[1].unit_class, units[1].county_code
    _refused(loaded_engine, tmp_path, units, "ZH14010520001: code appears 2 times")


def test_unit_outside_its_county_is_refused(loaded_engine, tmp_path, territory):
    units = _taiyuan(territory)
    units[2].geometry = shapely.box(112.0, 37.3, 112.5, 38.0)  # reaches into 晋中
    _refused(loaded_engine, tmp_path, units, r"ZH14010630001: 28.\d% of the unit lies outside 迎泽区")


def test_swapped_coordinates_are_refused(loaded_engine, tmp_path, territory):
    units = _taiyuan(territory)
    units[0].geometry = shapely.transform(units[0].geometry, lambda xy: xy[:, ::-1])
    _refused(loaded_engine, tmp_path, units, "look like lat/lon instead of lon/lat")


def test_projected_coordinates_without_a_crs_are_refused(tmp_path, territory):
    to_gk = Transformer.from_crs("EPSG:4490", "EPSG:4547", always_xy=True)
    units = _taiyuan(territory)
    for unit in units:
        unit.geometry = shapely.transform(unit.geometry, lambda xy: __import__("numpy").column_stack(to_gk.transform(xy[:, 0], xy[:, 1])))
    path = tmp_path / "projected.geojson"
    export_units(path, units)
    # GeoJSON files carry no CRS other than lon/lat, so metres are caught by their size…
    with pytest.raises(BadInput, match="coordinates look projected"):
        read_units(path)
    # …and read correctly once the user declares the CRS.
    back = read_units(path, crs="EPSG:4547").units
    assert shapely.equals_exact(back[0].geometry, _taiyuan(territory)[0].geometry, tolerance=1e-7)


def test_a_file_that_is_not_what_it_claims_is_refused(tmp_path):
    path = tmp_path / "units.gpkg"
    path.write_text("not a geopackage")
    with pytest.raises(BadInput, match="units.gpkg is not a readable .gpkg dataset"):
        read_units(path)


def test_missing_required_field_names_it(tmp_path, territory):
    from ecozone.geo.io import write_vector

    units = _taiyuan(territory)
    path = tmp_path / "nocode.geojson"
    write_vector(path, [u.geometry for u in units], {"name": [u.name for u in units], "class": [1, 2, 3]}, "EPSG:4490")
    with pytest.raises(BadInput, match="the file has no 'code' field"):
        read_units(path)


def test_provincial_field_names_are_mapped(loaded_engine, tmp_path, territory):
    path = tmp_path / "provincial.zip"
    export_units(path, _taiyuan(territory))  # Shapefile export uses HJZHGKDYBM, ZHGKDYFL, KJBJYS …
    units = read_units(path).units
    assert [u.code for u in units] == ["ZH14010510001", "ZH14010520001", "ZH14010630001"]
    assert units[0].access[0].text == "禁止新建化工项目。"
