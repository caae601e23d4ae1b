"""Screening end to end on the shipped Shanxi data, through the service on both backends."""

from __future__ import annotations

import pytest
import shapely
import shapely.geometry

from ecozone.clock import today, utc_now
from ecozone.zoning.inforce import SnapshotCache
from ecozone.errors import BadInput
from ecozone.geo.gcj02 import wgs84_to_gcj02
from ecozone.screening.service import ScreeningService

# A 2 km square on the 汾河 in 晋源区, 太原 (inside 太原盆地 and the "1+30" zone).
FENHE_SQUARE = shapely.box(112.50, 37.70, 112.52, 37.72)
# Far from rivers and zones: the middle of a general unit in 盂县, 阳泉.
QUIET_POINT = shapely.Point(113.35, 38.20)


def feature(geometry, industry="C2521", nature="new", attributes=None, name="测试项目") -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, "industry": industry, "nature": nature, "attributes": attributes or {}},
        "geometry": shapely.geometry.mapping(geometry),
    }


@pytest.fixture
def service(shanxi_engine) -> ScreeningService:
    return ScreeningService(shanxi_engine, SnapshotCache(shanxi_engine, today), utc_now)


def test_coking_plant_on_the_fenhe_is_prohibited_with_cited_findings(service):
    result, screening_id = service.screen(feature(FENHE_SQUARE))
    data = result.to_dict()
    assert data["verdict"] == "prohibited"
    rules = {f["rule_id"]: f for f in data["findings"]}
    seven_rivers = rules["SX-001-SEVEN-RIVERS-HIGH-RISK"]
    assert seven_rivers["outcome"] == "applies" and "汾河（river:fenhe）" in seven_rivers["reason"]
    assert seven_rivers["citation"]["file"] == "001_47dba2e9a193b9f3.txt" and seven_rivers["citation"]["clause"]
    assert {r["level"] for r in data["regions"]} == {"province", "city", "county"}
    assert abs(sum(u["share"] for u in data["units"]) - 1.0) < 1e-3
    assert all(u["area_m2"] > 0 and set(u["access"]) == {"spatial_layout", "emissions", "risk", "resources"} for u in data["units"])
    assert data["demo"] is True and len(data["release"]) == 12
    assert screening_id is not None


def test_area_is_metric_not_degrees(service):
    result, _ = service.screen(feature(FENHE_SQUARE), store=False)
    # 0.02° × 0.02° at 37.71°N: 1,760 m × 2,220 m ≈ 3.91 km² (geodesic reference).
    from pyproj import Geod

    expected = abs(Geod(ellps="GRS80").geometry_area_perimeter(FENHE_SQUARE)[0])
    assert result.overlay.project_amount == pytest.approx(expected, rel=1e-3)


def test_line_project_is_measured_in_metres_per_unit(service):
    line = shapely.LineString([(112.45, 37.71), (112.60, 37.71)])
    result, _ = service.screen(feature(line, industry="G5410"), store=False)
    data = result.to_dict()
    assert data["project"]["measure"] == "length_m"
    assert sum(u["length_m"] for u in data["units"]) == pytest.approx(data["project"]["amount"], abs=0.5)  # rounded to 0.1 m each
    assert data["project"]["amount"] == pytest.approx(13_200, rel=0.01)


def test_same_question_same_result_id_and_rerun_holds(service):
    first, stored_id = service.screen(feature(FENHE_SQUARE))
    second, _ = service.screen(feature(FENHE_SQUARE), store=False)
    assert first.result_id == second.result_id
    rerun = service.rerun(stored_id)
    assert rerun["same"] is True and rerun["rerun"]["verdict"] == "prohibited"


def test_override_keeps_the_original(service):
    result, screening_id = service.screen(feature(FENHE_SQUARE))
    rule_ids = [f["rule_id"] for f in result.to_dict()["findings"]]
    stored = service.override(screening_id, "SX-001-SEVEN-RIVERS-HIGH-RISK", "经核实项目位于汾河治理范围外（测试）", "reviewer")
    assert stored["overrides"][0]["rule_id"] == "SX-001-SEVEN-RIVERS-HIGH-RISK"
    assert [f["rule_id"] for f in stored["result"]["findings"]] == rule_ids  # the original stays
    assert stored["verdict_after_overrides"] == "prohibited"  # other prohibitions remain
    with pytest.raises(BadInput, match="is not a finding of screening"):
        service.override(screening_id, "SX-NOT-A-RULE", "x", "reviewer")


def test_gcj02_input_is_converted(service):
    lon, lat = wgs84_to_gcj02(QUIET_POINT.x, QUIET_POINT.y)
    gcj = feature(shapely.Point(float(lon), float(lat)), industry="I6510")
    converted, _ = service.screen(gcj, crs="GCJ-02", store=False)
    plain, _ = service.screen(feature(QUIET_POINT, industry="I6510"), store=False)
    assert [u["code"] for u in converted.to_dict()["units"]] == [u["code"] for u in plain.to_dict()["units"]]
    assert shapely.equals_exact(converted.project.project.geometry, QUIET_POINT, tolerance=1e-6)


def test_self_intersecting_outline_is_repaired_with_a_note(service):
    bowtie = shapely.Polygon([(112.50, 37.70), (112.52, 37.72), (112.52, 37.70), (112.50, 37.72)])
    result, _ = service.screen(feature(bowtie), store=False)
    assert result.to_dict()["notes"] and "已自动修复" in result.to_dict()["notes"][0]


@pytest.mark.parametrize(
    ("geometry", "props", "message"),
    [
        (QUIET_POINT, {"industry": "C9999"}, "industry code 'C9999'"),
        (shapely.Point(116.4, 39.9), {}, "lies outside the territory served"),
        (QUIET_POINT, {"nature": "demolish"}, "nature 'demolish' is not one of"),
        (QUIET_POINT, {"attributes": {"capacity_mw": "big"}}, "capacity_mw"),
        (QUIET_POINT, {"attributes": {"capacty_mw": 300}}, "did you mean capacity_mw"),
    ],
)
def test_bad_input_names_the_field(service, geometry, props, message):
    f = feature(geometry, industry=props.get("industry", "C2521"), nature=props.get("nature", "new"), attributes=props.get("attributes"))
    with pytest.raises(BadInput, match=message):
        service.screen(f, store=False)


def test_empty_outline_is_refused(service):
    f = {"type": "Feature", "properties": {"industry": "C2521"}, "geometry": {"type": "Polygon", "coordinates": []}}
    with pytest.raises(BadInput, match="empty"):
        service.screen(f, store=False)


def test_a_geopackage_outline_in_a_projected_crs_is_read_and_converted(service, tmp_path):
    import numpy as np
    from pyproj import Transformer

    from ecozone.geo.io import write_vector
    from ecozone.screening.project_input import read_project_file

    to_gk = Transformer.from_crs("EPSG:4490", "EPSG:4547", always_xy=True)  # CGCS2000 3° GK, CM 114°E
    projected = shapely.transform(FENHE_SQUARE, lambda xy: np.column_stack(to_gk.transform(xy[:, 0], xy[:, 1])))
    path = tmp_path / "outline.gpkg"
    write_vector(path, [projected], {"name": ["园区地块"], "industry": ["C2521"], "nature": ["new"]}, "EPSG:4547")
    project = read_project_file(path)
    assert project.source_crs == "EPSG:4547"
    assert shapely.equals_exact(project.project.geometry, FENHE_SQUARE, tolerance=1e-7)
    result = service.screener().screen(project)
    assert result.verdict == "prohibited" and result.to_dict()["project"]["name"] == "园区地块"


def test_stored_findings_of_before_the_possibly_prohibited_tier_still_give_their_verdict():
    from ecozone.screening.service import verdict_of

    old = [  # as stored before findings carried their own verdict
        {"rule_id": "A", "effect": "restrict", "outcome": "applies"},
        {"rule_id": "B", "effect": "prohibit", "outcome": "review"},
    ]
    assert verdict_of(old) == "possibly_prohibited"
    assert verdict_of(old[:1]) == "restricted"
    assert verdict_of([{"rule_id": "C", "effect": "require", "outcome": "review"}]) == "review"
    assert verdict_of([]) == "compliant"
