"""Diffs between releases name added, removed, reshaped and reclassified units."""

from __future__ import annotations

import shapely

from ecozone.clock import today, utc_now
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.inforce import SnapshotCache
from ecozone.zoning.model import AccessEntry, Dimension, ReleaseKind, UnitClass


def _taiyuan(territory):
    return [u for u in read_units(territory.demo_units).units if u.city_code == "140100"]


def _draft(engine, units, version="2030"):
    request = workflow.DraftRequest("140100", version, f"太原市 {version}", ReleaseKind.PERIODIC, reason="五年定期调整")
    return workflow.create_draft(engine, request, units, "editor", now=utc_now())[0]


def _old_id(engine) -> int:
    return next(r.id for r in SnapshotCache(engine, today).get().releases if r.jurisdiction_code == "140100")


def test_diff_names_reshaped_reclassified_and_access_changes(loaded_engine, territory):
    priority, key, general = _taiyuan(territory)
    # The priority unit grows south by 0.05°; the key unit shrinks accordingly and becomes general.
    priority.geometry = shapely.box(112.5, 37.70, 113.0, 38.0)
    key.geometry = shapely.box(112.5, 37.5, 113.0, 37.70)
    key.unit_class = UnitClass.GENERAL
    key.code = "ZH14010530002"
    general.access.append(AccessEntry(Dimension.RISK, "新增：加强尾矿库风险防控。"))
    new = _draft(loaded_engine, [priority, key, general])

    diff = workflow.diff(loaded_engine, _old_id(loaded_engine), new.id).to_dict(with_geometry=True)
    assert (diff["summary"]["reclassified"], diff["summary"]["reshaped"], diff["summary"]["changed"]) == (1, 2, 2)
    by_code = {u["code"]: u for u in diff["units"]}
    assert by_code["ZH14010530002"]["change"] == "reclassified"
    assert by_code["ZH14010530002"]["fields"]["class"] == {"before": 2, "after": 3}
    assert by_code["ZH14010530002"]["fields"]["code"] == {"before": "ZH14010520001", "after": "ZH14010530002"}
    grown = by_code["ZH14010510001"]
    assert grown["area_after_m2"] > grown["area_before_m2"]
    assert abs(shapely.geometry.shape(grown["gained"]).area - 0.5 * 0.05) < 1e-9
    assert grown["lost"] is None
    assert by_code["ZH14010630001"]["fields"]["access.risk"]["after"][-1] == "新增：加强尾矿库风险防控。"


def test_diff_names_added_and_removed_units(loaded_engine, territory):
    priority, key, general = _taiyuan(territory)
    west, east = shapely.box(112.0, 37.5, 112.25, 38.0), shapely.box(112.25, 37.5, 112.5, 38.0)
    general.geometry = west
    extra = type(general)(**{**general.__dict__, "code": "ZH14010630002", "name": "迎泽区一般管控单元（东）", "geometry": east})
    new = _draft(loaded_engine, [priority, key, general, extra], version="split")
    diff = workflow.diff(loaded_engine, _old_id(loaded_engine), new.id)
    assert diff.counts()["added"] == 1 and diff.counts()["changed"] == 1
    assert [c.code for c in diff.units if c.change == "added"] == ["ZH14010630002"]
    assert diff.to_feature_collection()["features"][0]["properties"]["part"] in {"gained", "lost"}


def test_identical_releases_have_an_empty_diff(loaded_engine, territory):
    new = _draft(loaded_engine, _taiyuan(territory), version="same")
    diff = workflow.diff(loaded_engine, _old_id(loaded_engine), new.id)
    assert diff.units == [] and set(diff.counts().values()) == {0}
