"""Point lookup on the synthetic territory, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from ecozone.clock import today, utc_now
from ecozone.errors import BadInput, NotFound
from ecozone.zoning.inforce import SnapshotCache
from ecozone.zoning.lookup import where

TODAY = dt.date(2025, 1, 1)


def test_point_names_province_city_county_and_unit(loaded_engine):
    answer = where(SnapshotCache(loaded_engine, today).get(TODAY), 112.55, 37.87).to_dict()
    assert {k: v["code"] for k, v in answer["region"].items()} == {
        "province": "140000",
        "city": "140100",
        "county": "140105",
    }
    (unit,) = answer["units"]
    assert unit["code"] == "ZH14010510001" and unit["class"] == 1 and unit["class_name"] == "优先保护单元"
    assert unit["access"]["emissions"] == ["严格执行污染物排放标准。"]
    assert answer["demo"] is True and "示例数据" in answer["notice"]
    assert [r["jurisdiction"] for r in answer["release"]] == ["140100"]


def test_point_on_a_shared_boundary_returns_both_units(loaded_engine):
    answer = where(SnapshotCache(loaded_engine, today).get(TODAY), 112.7, 37.75).to_dict()
    assert [u["code"] for u in answer["units"]] == ["ZH14010510001", "ZH14010520001"]


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (181.0, 37.0, "longitude 181.0 is out of range"),
        (112.5, -91.0, "latitude -91.0 is out of range"),
        (116.4, 39.9, r"point \(116.4, 39.9\) lies outside the territory served \(山西省\)"),
    ],
)
def test_bad_points_name_the_value(loaded_engine, lon, lat, message):
    with pytest.raises(BadInput, match=message):
        where(SnapshotCache(loaded_engine, today).get(TODAY), lon, lat)


def test_snapshot_cache_rebuilds_after_a_publish(loaded_engine, territory):
    from ecozone.zoning import releases as workflow
    from ecozone.zoning.importer import read_units

    cache = SnapshotCache(loaded_engine, today)
    first = cache.get(TODAY)
    assert cache.get(TODAY) is first
    units = [u for u in read_units(territory.demo_units).units if u.city_code == "140700"]
    release, _ = workflow.create_draft(loaded_engine, workflow.DraftRequest("140700", "v2", "晋中 v2"), units, "e", now=utc_now())
    workflow.submit(loaded_engine, release.id, "e", now=utc_now())
    workflow.file_release(loaded_engine, release.id, "f", now=utc_now())
    workflow.publish(loaded_engine, release.id, TODAY, "p", now=utc_now())
    second = cache.get(TODAY)
    assert second is not first and release.id in second.release_ids


def test_unknown_unit_code_is_not_found(loaded_engine):
    with pytest.raises(NotFound, match="ZH14019910001"):
        SnapshotCache(loaded_engine, today).get(TODAY).unit("ZH14019910001")
