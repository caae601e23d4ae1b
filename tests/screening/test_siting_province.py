"""Siting over more than one county (a city, the province) agrees with the counties run one by
one, and sharing one screening among pieces the rules cannot tell apart changes nothing.

Tolerance of the agreement: 0.05 % of the region's area, summed over every (verdict, deciding
rules). A larger region draws its bands in its own metric CRS (a transverse Mercator centred on
it), whose scale differs from a county's by up to ~3e-4 at 100 km off-centre: band edges move by
a fraction of a metre, i.e. ~0.3 m² per metre of edge. And where a feature is drawn only to
±5 km (its stated accuracy), a piece is judged at one interior point, so a piece cut a little
differently can fall on the other side of the band of doubt. Both together stay far below the
tolerance (measured on 长治: ~0.001 %); a wrong rule, band or county cut would not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pytest
import shapely

from ecozone.clock import utc_now
from ecozone.geo.metric import from_metric, metric_crs_for, to_metric
from ecozone.geo.regions import RegionLevel
from ecozone.screening import siting
from ecozone.screening.overlay import point_overlays
from ecozone.screening.service import ScreeningService
from ecozone.screening.siting import disagreement_m2, site
from ecozone.zoning.findings import combine_verdict
from ecozone.zoning.inforce import SnapshotCache

AS_OF = dt.date(2025, 6, 1)
TOLERANCE_SHARE = 5e-4


@pytest.fixture
def screener(shanxi_engine):
    return ScreeningService(shanxi_engine, SnapshotCache(shanxi_engine, lambda: AS_OF), utc_now).screener(AS_OF)


@pytest.mark.parametrize("industry", ["C2521", "C3211"])
def test_a_city_agrees_with_its_counties_run_one_by_one(screener, industry):
    regions = screener.snapshot.regions
    city = regions.by_code["140400"]  # 长治: its counties include 屯留, with rules of its own
    counties = [r for r in regions.regions if r.level == RegionLevel.COUNTY and r.parent_code == city.code]
    whole = site(screener, city, industry)
    parts: dict[tuple[str, tuple[str, ...]], list[shapely.Geometry]] = defaultdict(list)
    for county in counties:
        for key, geometry in site(screener, county, industry).painted_in(city.code).items():
            parts[key].append(geometry)
    by_county = {key: shapely.union_all(g) for key, g in parts.items()}
    crs = metric_crs_for(city.geometry)
    city_m2 = float(shapely.area(to_metric(city.geometry, crs)))
    assert set(by_county) == {(a.verdict, tuple(a.rules)) for a in whole.areas}
    assert disagreement_m2(whole.painted_in(city.code), by_county, crs) <= TOLERANCE_SHARE * city_m2
    # The city's map covers the city, and a 屯留 rule is painted where 屯留's own map lists it.
    assert sum(whole.summary().values()) == pytest.approx(city_m2, rel=1e-3)
    if industry == "C3211":
        assert any("TL-003-JIANGHE-VALLEY-SMELTING" in a.rules for a in whole.areas)


def test_pieces_share_a_screening_only_where_it_changes_nothing(screener, monkeypatch):
    county = screener.snapshot.regions.by_code["140405"]
    screened = []
    screen_many = screener.screen_many
    monkeypatch.setattr(screener, "screen_many", lambda projects, *args: screened.extend(projects) or screen_many(projects, *args))
    grouped = site(screener, county, "C3211")
    shared = len(screened)

    def every_piece_alone(screener, project, points):
        return [("alone", k) for k in range(len(points))], point_overlays(screener.snapshot, points)

    monkeypatch.setattr(siting, "place_keys", every_piece_alone)
    alone = site(screener, county, "C3211")
    assert shared < len(screened) - shared  # pieces did share screenings
    assert [(a.verdict, a.rules) for a in grouped.areas] == [(a.verdict, a.rules) for a in alone.areas]
    assert all(shapely.equals(a.geometry, b.geometry) for a, b in zip(grouped.areas, alone.areas, strict=True))
    assert [f["rule_id"] for f in grouped.everywhere] == [f["rule_id"] for f in alone.everywhere]
    assert np.allclose([a.area_m2 for a in grouped.areas], [a.area_m2 for a in alone.areas])


def test_every_point_of_an_area_gets_the_areas_answer_also_near_an_inaccurately_drawn_river(screener):
    """绛县 lies along the 浍河 and 涑水河, drawn only to ±5 km: their bands of doubt (possibly
    prohibited for a coking plant) must not bleed into an area that says something milder. Points screened
    alone anywhere in an area (away from its edges, where the band outlines approximate exact
    distances) get the area's answer from the rules that depend on the place."""
    from ecozone.screening.project_input import ProjectInput
    from ecozone.zoning.project import make_project

    county = screener.snapshot.regions.by_code["140826"]
    result = site(screener, county, "C2521")
    assert any(a.verdict == "possibly_prohibited" for a in result.areas)
    crs = metric_crs_for(county.geometry)
    rng = np.random.default_rng(7)
    checked = 0
    for area in result.areas:
        inner = shapely.buffer(to_metric(area.geometry, crs), -200.0)
        if inner.is_empty:
            continue
        minx, miny, maxx, maxy = inner.bounds
        candidates = shapely.points(rng.uniform(minx, maxx, 400), rng.uniform(miny, maxy, 400))
        inside = candidates[shapely.contains(inner, candidates)][:25]
        for point in from_metric(inside, crs):
            project = ProjectInput(project=make_project(point, industry="C2521", nature="new"), feature={}, source_crs="EPSG:4490")
            findings = screener.screen(project, questions=False).evaluation.findings
            placed = [f for f in findings if not siting._place_independent(f.rule, f.rule_file.jurisdiction, county.code)]
            assert combine_verdict(placed).value == area.verdict, point.wkt
            checked += 1
    assert checked > 50
