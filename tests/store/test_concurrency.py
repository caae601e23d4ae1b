"""Concurrent writers on both backends: optimistic locking, unique versions, atomic publishes."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecozone.clock import utc_now
from ecozone.errors import Conflict
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.inforce import load_snapshot
from ecozone.zoning.model import ReleaseKind, ReleaseStatus

DAY = dt.date(2031, 1, 1)


def _units(territory):
    return [u for u in read_units(territory.demo_units).units if u.city_code == "140100"]


def _filed(engine, territory, version):
    release, _ = workflow.create_draft(
        engine, workflow.DraftRequest("140100", version, version, ReleaseKind.DYNAMIC, reason="测试"), _units(territory), "e", now=utc_now()
    )
    workflow.submit(engine, release.id, "e", now=utc_now())
    return workflow.file_release(engine, release.id, "f", now=utc_now())


def _outcomes(results):
    ok = [r for r in results if not isinstance(r, Exception)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    return ok, conflicts


def _run_all(calls):
    def guarded(call):
        try:
            return call()
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(guarded, calls))


def test_only_one_of_several_writers_with_the_same_lock_version_wins(loaded_engine, territory):
    release = _filed(loaded_engine, territory, "race")
    calls = [
        (lambda i=i: workflow.publish(loaded_engine, release.id, DAY, f"publisher{i}", expected_lock_version=release.lock_version, now=utc_now()))
        for i in range(4)
    ]
    ok, conflicts = _outcomes(_run_all(calls))
    assert len(ok) == 1 and len(conflicts) == 3
    with loaded_engine.connect() as conn:
        stored = release_store.get_release(conn, release.id)
    assert stored.status == ReleaseStatus.PUBLISHED and stored.lock_version == release.lock_version + 1


def test_two_editors_creating_the_same_version_one_gets_a_conflict(loaded_engine, territory):
    request = workflow.DraftRequest("140100", "same", "same")
    calls = [lambda: workflow.create_draft(loaded_engine, request, _units(territory), "a", now=utc_now()) for _ in range(2)]
    ok, conflicts = _outcomes(_run_all(calls))
    assert len(ok) == 1 and len(conflicts) == 1
    with loaded_engine.connect() as conn:
        (release,) = [r for r in release_store.list_releases(conn, "140100") if r.version == "same"]
        assert release_store.count_units(conn, release.id) == 3


def test_two_publishes_of_different_releases_both_land(loaded_engine, territory):
    first, second = _filed(loaded_engine, territory, "one"), _filed(loaded_engine, territory, "two")
    calls = [
        lambda: workflow.publish(loaded_engine, first.id, DAY, "p1", now=utc_now()),
        lambda: workflow.publish(loaded_engine, second.id, DAY + dt.timedelta(days=1), "p2", now=utc_now()),
    ]
    ok, _ = _outcomes(_run_all(calls))
    assert len(ok) == 2
    assert load_snapshot(loaded_engine, DAY).unit("ZH14010510001").release_id == first.id
    assert load_snapshot(loaded_engine, DAY + dt.timedelta(days=1)).unit("ZH14010510001").release_id == second.id


def test_a_failed_publish_leaves_the_previous_release_in_force(loaded_engine, territory, monkeypatch):
    before = load_snapshot(loaded_engine, DAY)
    release = _filed(loaded_engine, territory, "doomed")

    def audit_fails(*_args, **_kwargs):
        raise RuntimeError("disk full while writing the audit log")

    monkeypatch.setattr(release_store, "record_audit", audit_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        workflow.publish(loaded_engine, release.id, DAY, "p", now=utc_now())
    monkeypatch.undo()
    after = load_snapshot(loaded_engine, DAY)
    assert after.release_ids == before.release_ids
    with loaded_engine.connect() as conn:
        assert release_store.get_release(conn, release.id).status == ReleaseStatus.FILED
        assert {r.status for r in release_store.list_releases(conn, "140100") if r.id != release.id} == {ReleaseStatus.PUBLISHED}
