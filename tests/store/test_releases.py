"""Releases, units and what is in force, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.errors import BadInput, Conflict
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.inforce import load_snapshot
from ecozone.zoning.model import ReleaseKind, ReleaseStatus

LATER = dt.date(2030, 1, 1)


def _taiyuan_units(territory):
    return [u for u in read_units(territory.demo_units).units if u.city_code == "140100"]


def test_demo_release_is_in_force_per_city(loaded_engine):
    snapshot = load_snapshot(loaded_engine, dt.date(2025, 1, 1))
    assert sorted(r.jurisdiction_code for r in snapshot.releases) == ["140100", "140700"]
    assert all(r.demo and r.status == ReleaseStatus.PUBLISHED for r in snapshot.releases)
    assert len(snapshot.units) == 4
    unit = snapshot.unit("ZH14010510001")
    assert unit.access_by_dimension()["spatial_layout"] == ["禁止新建化工项目。", "严格控制开发强度。"]
    assert unit.area_m2 == pytest.approx(0.5 * 0.25 * 111_000**2 * 0.79, rel=0.02)


def test_nothing_is_in_force_before_the_effective_date(loaded_engine):
    snapshot = load_snapshot(loaded_engine, bootstrap.DEMO_EFFECTIVE - dt.timedelta(days=1))
    assert snapshot.releases == [] and snapshot.units == []


def test_dynamic_update_of_one_city_leaves_the_other_untouched(loaded_engine, territory):
    units = _taiyuan_units(territory)
    units[0].name = "小店区优先保护单元（汾河，调整后）"
    release, _ = workflow.create_draft(
        loaded_engine,
        workflow.DraftRequest("140100", "2030-update", "太原市动态更新", ReleaseKind.DYNAMIC, reason="生态保护红线调整"),
        units,
        actor="editor", now=utc_now()
    )
    for step in (workflow.submit, workflow.file_release):
        step(loaded_engine, release.id, "editor", now=utc_now())
    workflow.publish(loaded_engine, release.id, LATER, "publisher", now=utc_now())

    before = load_snapshot(loaded_engine, LATER - dt.timedelta(days=1))
    after = load_snapshot(loaded_engine, LATER)
    assert before.unit("ZH14010510001").name == "小店区优先保护单元（汾河）"
    assert after.unit("ZH14010510001").name == "小店区优先保护单元（汾河，调整后）"
    jinzhong = {r.jurisdiction_code: r.id for r in after.releases}["140700"]
    assert jinzhong == {r.jurisdiction_code: r.id for r in before.releases}["140700"]


def test_stale_lock_version_is_a_conflict(loaded_engine, territory):
    release, _ = workflow.create_draft(
        loaded_engine, workflow.DraftRequest("140100", "v2", "太原市 v2"), _taiyuan_units(territory), actor="a", now=utc_now()
    )
    workflow.submit(loaded_engine, release.id, "a", expected_lock_version=release.lock_version, now=utc_now())
    with pytest.raises(Conflict, match="changed by someone else"):
        workflow.file_release(loaded_engine, release.id, "b", expected_lock_version=release.lock_version, now=utc_now())


def test_publishing_a_draft_directly_is_refused(loaded_engine, territory):
    release, _ = workflow.create_draft(
        loaded_engine, workflow.DraftRequest("140100", "v3", "太原市 v3"), _taiyuan_units(territory), actor="a", now=utc_now()
    )
    with pytest.raises(Conflict, match="is draft; it cannot become published"):
        workflow.publish(loaded_engine, release.id, LATER, "a", now=utc_now())


def test_invalid_draft_stores_nothing(loaded_engine, territory):
    units = _taiyuan_units(territory)
    units[1].geometry = shapely.box(112.5, 37.6, 113.0, 37.9)  # overlaps the priority unit
    with loaded_engine.connect() as conn:
        before = len(release_store.list_releases(conn))
    with pytest.raises(BadInput, match="overlaps ZH14010520001") as caught:
        workflow.create_draft(loaded_engine, workflow.DraftRequest("140100", "bad", "bad"), units, actor="a", now=utc_now())
    assert caught.value.detail["report"]["errors"] == 1
    with loaded_engine.connect() as conn:
        assert len(release_store.list_releases(conn)) == before


def test_units_outside_the_jurisdiction_are_refused(loaded_engine, territory):
    units = read_units(territory.demo_units).units  # includes 晋中 units
    with pytest.raises(BadInput, match="outside jurisdiction 140100"):
        workflow.create_draft(loaded_engine, workflow.DraftRequest("140100", "mixed", "mixed"), units, actor="a", now=utc_now())


def test_audit_log_records_each_step(loaded_engine):
    from sqlalchemy import select

    from ecozone.store.schema import audit_log

    with loaded_engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
    assert actions[:4] == ["create_draft", "submitted", "filed", "published"]
