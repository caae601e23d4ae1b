"""The worklist takes a clue to closure: assign → 现场检查 (result, notes, photos) → close, in
order, each step in the audit trail; overdue clues are marked; wrong steps are conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from ecozone.errors import BadInput, Conflict
from ecozone.monitoring.complaints import Photo
from ecozone.supervision.clue_input import read_clue_file
from ecozone.supervision.clues import import_clues
from ecozone.supervision.worklist import assign, close, record_inspection, worklist

from .conftest import NOW

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clue_ids(shanxi_engine, service, settings, clue_file) -> list[int]:
    rows = import_clues(shanxi_engine, service, settings, read_clue_file(clue_file, dt.date(2025, 7, 1)), "drone", "importer", NOW)
    return [r["id"] for r in rows]


def test_a_clue_is_taken_to_closure_with_an_audit_trail(shanxi_engine, clue_ids, tmp_path):
    clue_id = clue_ids[1]
    later = NOW + dt.timedelta(days=2)
    assigned = assign(shanxi_engine, clue_id, "王检查", "leader", later)
    assert assigned["status"] == "assigned" and assigned["assignee"] == "王检查"
    inspected = record_inspection(
        shanxi_engine, clue_id, "confirmed", "现场有在建焦炉基础", "王检查", later + dt.timedelta(days=1),
        [Photo("site.png", "image/png", PNG)], tmp_path, 1024,
    )
    assert inspected["inspection_result"] == "confirmed" and inspected["status"] == "inspected"
    assert inspected["photos"][0]["stored_path"] == f"clues/{clue_id}/01.png"
    assert (tmp_path / inspected["photos"][0]["stored_path"]).read_bytes() == PNG
    closed = close(shanxi_engine, clue_id, "leader", "移交执法", later + dt.timedelta(days=3))
    assert closed["status"] == "closed" and closed["closed_at"]
    assert [e["action"] for e in closed["events"]] == ["imported", "assigned", "inspected", "closed"]
    assert [e["actor"] for e in closed["events"]] == ["importer", "leader", "王检查", "leader"]


def test_steps_out_of_order_are_conflicts(shanxi_engine, clue_ids):
    clue_id = clue_ids[0]
    with pytest.raises(Conflict):
        record_inspection(shanxi_engine, clue_id, "confirmed", "x", "a", NOW)
    with pytest.raises(Conflict):
        close(shanxi_engine, clue_id, "a", "", NOW)
    assign(shanxi_engine, clue_id, "李", "a", NOW)
    record_inspection(shanxi_engine, clue_id, "not_a_problem", "已有合法手续", "李", NOW)
    with pytest.raises(Conflict):
        assign(shanxi_engine, clue_id, "张", "a", NOW)
    close(shanxi_engine, clue_id, "a", "", NOW)
    with pytest.raises(Conflict):
        close(shanxi_engine, clue_id, "a", "", NOW)


@pytest.mark.parametrize(("result", "notes", "field"), [("maybe", "x", "result"), ("confirmed", " ", "notes")])
def test_bad_inspection_names_the_field(shanxi_engine, clue_ids, result, notes, field):
    assign(shanxi_engine, clue_ids[2], "李", "a", NOW)
    with pytest.raises(BadInput) as error:
        record_inspection(shanxi_engine, clue_ids[2], result, notes, "李", NOW)
    assert error.value.detail["field"] == field


def test_worklist_orders_by_priority_and_marks_overdue(shanxi_engine, clue_ids, settings):
    rows = [r for r in worklist(shanxi_engine, NOW, county="140110") if r["id"] in clue_ids]
    assert rows and all(r["region_code"] == "140110" for r in rows)
    assert not any(r["overdue"] for r in rows)
    late = NOW + dt.timedelta(days=settings.high_priority_days + 1)
    high = [r for r in worklist(shanxi_engine, late) if r["id"] in clue_ids and r["priority"] == "high"]
    assert high and all(r["overdue"] for r in high)
    everything = [r for r in worklist(shanxi_engine, NOW) if r["id"] in clue_ids]
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[r["priority"]] for r in everything] == sorted(order[r["priority"]] for r in everything)
    with pytest.raises(BadInput):
        worklist(shanxi_engine, NOW, status="lost")
