"""The shipped demonstration release in the store: lookup, export and re-import, on both backends."""

from __future__ import annotations

import pytest

from ecozone.clock import today, utc_now
from ecozone.errors import BadInput
from ecozone.zoning import releases as workflow
from ecozone.zoning.exchange import export_units
from ecozone.zoning.importer import read_units
from ecozone.zoning.inforce import SnapshotCache
from ecozone.zoning.lookup import where


def test_where_names_a_taiyuan_unit_with_its_access_list(shanxi_engine):
    answer = where(SnapshotCache(shanxi_engine, today).get(), 112.55, 37.87).to_dict()
    assert answer["region"]["city"] == {"code": "140100", "name": "太原市", "level": "city"}
    (unit,) = answer["units"]
    assert unit["code"].startswith("ZH140107") and unit["city_code"] == "140100"
    assert all(unit["access"][d] for d in ("spatial_layout", "emissions", "risk", "resources"))
    assert answer["demo"] is True


@pytest.mark.parametrize(("lon", "lat"), [(116.40, 39.90), (110.0, 37.5), (114.8, 36.0)])
def test_points_outside_shanxi_are_refused(shanxi_engine, lon, lat):
    with pytest.raises(BadInput, match="outside the territory"):
        where(SnapshotCache(shanxi_engine, today).get(), lon, lat)


def test_every_county_is_covered_by_units_in_force(shanxi_engine):
    snapshot = SnapshotCache(shanxi_engine, today).get()
    counties = [r for r in snapshot.regions.regions if r.level.value == "county"]
    assert len(counties) == 117
    for county in counties:
        point = county.geometry.representative_point()
        assert snapshot.units_at(point.x, point.y), county.name


@pytest.mark.parametrize("suffix", [".gpkg", ".zip"])
def test_demo_release_export_reimports_identically(shanxi_engine, tmp_path, suffix):
    snapshot = SnapshotCache(shanxi_engine, today).get()
    release = next(r for r in snapshot.releases if r.jurisdiction_code == "140300")  # 阳泉
    _, units, _ = workflow.release_units(shanxi_engine, release.id)
    path = tmp_path / f"yangquan{suffix}"
    export_units(path, units)
    copy, report = workflow.create_draft(
        shanxi_engine, workflow.DraftRequest("140300", f"reimport{suffix}", "阳泉市（再导入）"), read_units(path).units, "test", now=utc_now()
    )
    assert report.errors == []
    assert workflow.diff(shanxi_engine, release.id, copy.id).units == []
