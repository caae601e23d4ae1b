"""Observations in the database (SQLite and PostGIS): imports are all-or-nothing, corrections
add revisions and keep history, and a plan evaluated from the store equals the file evaluation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecozone.clock import utc_now
from ecozone.errors import BadInput
from ecozone.indicators import ObservationKind, evaluate_plan
from ecozone.indicators.model import Comparator
from ecozone.indicators.stored import Correction, correct, evaluate_stored, import_file, import_upload
from ecozone.indicators import repository as observation_store

from .conftest import SAMPLE

HEADER = "indicator,region,year,value,unit,source,kind,note\n"


def write_csv(tmp_path: Path, rows: str, name: str = "obs.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def stored_count(engine) -> int:
    with engine.connect() as conn:
        return observation_store.count_observations(conn)


def test_sample_file_is_stored_once(engine, registry) -> None:
    first = import_file(engine, SAMPLE, registry, "张三", utc_now())
    assert (first.rows, first.summary.added, first.summary.corrected) == (188, 188, 0)
    again = import_file(engine, SAMPLE, registry, "张三", utc_now())
    assert (again.summary.added, again.summary.unchanged) == (0, 188)
    assert stored_count(engine) == 188


def test_stored_rows_keep_provenance_and_assigned_comparators(engine, registry, tmp_path) -> None:
    rows = ("tunliu-2021-2025.good-days-ratio,,2025,≥78,%,长治市下达文件,assigned_target,市下达\n"
            "tunliu-2021-2025.pm25,,2025,30～35,μg/m3,长治市下达文件,assigned_target,\n"
            "tunliu-2021-2025.forest-coverage,,2022,20.1,%,统计年鉴2023,,\n")
    import_file(engine, write_csv(tmp_path, rows), registry, "李四", utc_now())
    with engine.connect() as conn:
        ledger = observation_store.load_ledger(conn)
    good = ledger.assigned_target("air.good_days_ratio", "140405", 2025)
    assert (good.threshold.comparator, good.value, good.note, good.origin) == (Comparator.GE, 78.0, "市下达", "obs.csv:2")
    pm25 = ledger.assigned_target("air.pm25", "140405", 2025)
    assert (pm25.threshold.comparator, pm25.threshold.low, pm25.threshold.high) == (Comparator.RANGE, 30.0, 35.0)
    forest = ledger.series("eco.forest_coverage", "140405")[2022]
    assert (forest.value, forest.source, forest.recorded_by, forest.revision) == (20.1, "统计年鉴2023", "李四", 1)
    assert forest.recorded_at.tzinfo is not None


def test_a_file_with_one_bad_row_stores_nothing(engine, registry, tmp_path) -> None:
    import_file(engine, write_csv(tmp_path, "tunliu-2021-2025.forest-coverage,,2022,20.1,%,年鉴,,\n", "v1.csv"),
                registry, "张三", utc_now())
    rows = ("tunliu-2021-2025.forest-coverage,,2022,20.4,%,更正函,,\n"   # a correction …
            "tunliu-2021-2025.forest-coverage,,2023,21.0,%,年鉴,,\n"      # … a new value …
            "tunliu-2021-2025.pm25,,2023,33,%,年鉴,,\n")                   # … and a wrong unit
    with pytest.raises(BadInput, match="v2.csv:4: unit '%' does not match air.pm25"):
        import_file(engine, write_csv(tmp_path, rows, "v2.csv"), registry, "张三", utc_now())
    assert stored_count(engine) == 1
    with engine.connect() as conn:
        (only,) = observation_store.observation_history(conn, "eco.forest_coverage", "140405", 2022)
    assert only.value == 20.1


def test_corrections_add_revisions_and_keep_history(engine, registry, tmp_path) -> None:
    import_file(engine, write_csv(tmp_path, "tunliu-2021-2025.forest-coverage,,2022,20.1,%,统计年鉴2023,,\n", "v1.csv"),
                registry, "张三", utc_now())
    summary = import_file(engine, write_csv(tmp_path, "eco.forest_coverage,140405,2022,20.4,%,林草局更正函,,复核\n",
                                            "v2.csv"), registry, "李四", utc_now()).summary
    assert (summary.added, summary.corrected, summary.unchanged) == (0, 1, 0)
    fixed = correct(engine, registry, Correction("tunliu-2021-2025.forest-coverage", 2022, "20.5", "现场核查"), "王五", now=utc_now())
    assert (fixed.revision, fixed.value, fixed.origin, fixed.recorded_by) == (3, 20.5, "user:王五", "王五")
    with engine.connect() as conn:
        history = observation_store.observation_history(conn, "eco.forest_coverage", "140405", 2022)
        ledger = observation_store.load_ledger(conn, ["eco.forest_coverage"])
    assert [(h.revision, h.value, h.source, h.origin, h.recorded_by) for h in history] == [
        (1, 20.1, "统计年鉴2023", "v1.csv:2", "张三"),
        (2, 20.4, "林草局更正函", "v2.csv:2", "李四"),
        (3, 20.5, "现场核查", "user:王五", "王五"),
    ]
    assert ledger.series("eco.forest_coverage", "140405")[2022].value == 20.5
    assert [h.revision for h in ledger.history("eco.forest_coverage", "140405", 2022)] == [1, 2, 3]


def test_a_bad_correction_names_the_field_and_stores_nothing(engine, registry) -> None:
    bad = Correction("tunliu-2021-2025.forest-coverage", 2022, "120", "现场核查")
    with pytest.raises(BadInput, match="outside the plausible range") as error:
        correct(engine, registry, bad, "王五", now=utc_now())
    assert error.value.detail["errors"]
    assert stored_count(engine) == 0


def test_upload_bytes_and_empty_recorder(engine, registry) -> None:
    data = (HEADER + "tunliu-2021-2025.pm25,,2023,33,μg/m³,区监测站,,\n").encode("utf-8")
    result = import_upload(engine, data, "上传.csv", registry, "planner", utc_now())
    assert result.as_dict() == {"file": "上传.csv", "rows": 1, "added": 1, "corrected": 0, "unchanged": 0,
                                "recorded_by": "planner"}
    with pytest.raises(BadInput, match="recorded_by is empty"):
        import_upload(engine, data, "上传.csv", registry, " ", utc_now())
    with pytest.raises(BadInput, match="not a readable .xlsx"):
        import_upload(engine, b"not a zip", "obs.xlsx", registry, "planner", utc_now())


def test_evaluation_from_the_store_equals_the_file_evaluation(engine, registry, sample_ledger) -> None:
    import_file(engine, SAMPLE, registry, "张三", utc_now())
    stored, ledger = evaluate_stored(engine, registry, "tunliu-2021-2025", 2024)
    from_file = evaluate_plan(registry.plan("tunliu-2021-2025"), sample_ledger, 2024, registry=registry)

    def without_times(evaluation) -> list[dict]:
        items = evaluation.as_dict()["indicators"]
        for item in items:
            if item["current"]:
                item["current"].pop("revision")
        return items

    assert without_times(stored) == without_times(from_file)
    assert stored.summary() == from_file.summary()
    assert ledger.assigned_target("air.good_days_ratio", "140405", 2025).kind is ObservationKind.ASSIGNED_TARGET
    assert all(o.is_sample for o in ledger)


def test_assigned_target_correction_changes_the_evaluation(engine, registry, tmp_path) -> None:
    rows = ("tunliu-2021-2025.good-days-ratio,,2023,74.5,%,区监测站,,\n"
            "tunliu-2021-2025.good-days-ratio,,2025,≥78,%,长治市下达文件,assigned_target,\n")
    import_file(engine, write_csv(tmp_path, rows), registry, "张三", utc_now())
    before, _ = evaluate_stored(engine, registry, "tunliu-2021-2025", 2023)
    correct(engine, registry, Correction("tunliu-2021-2025.good-days-ratio", 2025, "≥74", "长治市调整文件",
                                         kind=ObservationKind.ASSIGNED_TARGET), "王五", now=dt.datetime(2026, 1, 1, 4, 0, tzinfo=dt.UTC))
    after, _ = evaluate_stored(engine, registry, "tunliu-2021-2025", 2023)

    def good_days(evaluation):
        return next(i for i in evaluation.items if i.indicator.key == "good-days-ratio")

    assert good_days(before).status.value != "achieved"
    assert good_days(after).status.value == "achieved"
    assert good_days(after).as_dict()["target"]["threshold"] == "≥74"
