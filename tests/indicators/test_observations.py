"""Reading observations from CSV and Excel: validation, provenance and correction history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from ecozone.errors import BadInput
from ecozone.indicators import ObservationKind, ObservationLedger, read_observations
from ecozone.indicators.model import Comparator

from .conftest import SAMPLE

HEADER = "indicator,region,year,value,unit,source,kind,note\n"
TODAY = dt.date(2026, 6, 1)


def write_csv(tmp_path: Path, rows: str, name: str = "obs.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_sample_file_is_labelled_and_valid(registry) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# 示例数据（SAMPLE DATA）")
    observations = read_observations(SAMPLE, registry, TODAY)
    assert len(observations) == 188
    assert {o.source for o in observations} == {"示例数据（sample，非官方统计）"}
    first = observations[0]
    assert (first.metric, first.region, first.year, first.value) == ("eco.redline_share", "140405", 2021, 28.5)
    assert first.origin == "sample_observations.csv:4"


def test_metric_key_rows_need_a_tracked_region(registry, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "air.good_days_ratio,140405,2022,75.1,%,区监测站,,\n")
    [observation] = read_observations(path, registry, TODAY)
    assert (observation.metric, observation.region) == ("air.good_days_ratio", "140405")
    with pytest.raises(BadInput, match="region is required"):
        read_observations(write_csv(tmp_path, "air.good_days_ratio,,2022,75.1,%,区监测站,,\n"), registry, TODAY)
    with pytest.raises(BadInput, match="no plan indicator in region 141122"):
        read_observations(write_csv(tmp_path, "air.good_days_ratio,141122,2022,75.1,%,县站,,\n"), registry, TODAY)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("tunliu-2021-2025.nowhere,,2022,1,%,s,,\n", "neither a plan indicator id nor a metric key"),
        ("tunliu-2021-2025.forest-coverage,,2022,20,万亩,s,,\n", "unit '万亩' does not match"),
        ("tunliu-2021-2025.forest-coverage,,2022,120,%,s,,\n", "outside the plausible range 0–100"),
        ("tunliu-2021-2025.forest-coverage,,2031,20,%,s,,\n", "year 2031 is outside 2000–2026"),
        ("tunliu-2021-2025.forest-coverage,,二〇二二,20,%,s,,\n", "is not a year"),
        ("tunliu-2021-2025.forest-coverage,140300,2022,20,%,s,,\n", "does not match indicator"),
        ("tunliu-2021-2025.forest-coverage,,2022,,%,s,,\n", "value is empty"),
        ("tunliu-2021-2025.forest-coverage,,2022,twenty,%,s,,\n", "value 'twenty'"),
        ("tunliu-2021-2025.forest-coverage,,2022,20,%,,,\n", "source is empty"),
        ("tunliu-2021-2025.forest-coverage,,2022,20,%,s,estimate,\n", "kind 'estimate'"),
        ("tunliu-2021-2025.groundwater-class,,2022,Ⅶ,类,s,,\n", "not a water-quality class"),
    ],
)
def test_invalid_rows_are_rejected_with_row_and_field(registry, tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(BadInput) as error:
        read_observations(write_csv(tmp_path, row), registry, TODAY)
    assert message in error.value.message
    assert "obs.csv:2" in error.value.message


def test_all_errors_are_reported_and_nothing_is_half_imported(registry, tmp_path: Path) -> None:
    rows = ("tunliu-2021-2025.forest-coverage,,2022,20,%,s,,\n"
            "tunliu-2021-2025.forest-coverage,,2023,200,%,s,,\n"
            "tunliu-2021-2025.pm25,,2023,30,%,s,,\n")
    ledger = ObservationLedger()
    with pytest.raises(BadInput) as error:
        ledger.add(read_observations(write_csv(tmp_path, rows), registry, TODAY), dt.datetime(2026, 6, 1))
    assert len(error.value.detail["errors"]) == 2
    assert len(ledger) == 0


def test_duplicate_year_in_one_file_is_rejected(registry, tmp_path: Path) -> None:
    rows = ("tunliu-2021-2025.forest-coverage,,2022,20,%,s,,\n"
            "eco.forest_coverage,140405,2022,20.5,%,s,,\n")
    with pytest.raises(BadInput, match="already given at obs.csv:2"):
        read_observations(write_csv(tmp_path, rows), registry, TODAY)


def test_corrections_keep_history_and_sources(registry, tmp_path: Path) -> None:
    ledger = ObservationLedger()
    first = read_observations(write_csv(tmp_path, "tunliu-2021-2025.forest-coverage,,2022,20.1,%,统计年鉴2023,,\n",
                                        "v1.csv"), registry, TODAY)
    assert ledger.add(first, now=dt.datetime(2024, 3, 1)).added == 1
    correction = "tunliu-2021-2025.forest-coverage,,2022,20.4,%,林草局更正函,,复核\n"
    fixed = read_observations(write_csv(tmp_path, correction, "v2.csv"), registry, TODAY)
    summary = ledger.add(fixed, now=dt.datetime(2024, 9, 1))
    assert (summary.added, summary.corrected, summary.unchanged) == (0, 1, 0)
    assert ledger.series("eco.forest_coverage", "140405")[2022].value == 20.4
    history = ledger.history("eco.forest_coverage", "140405", 2022)
    assert [(h.revision, h.value, h.source, h.origin) for h in history] == [
        (1, 20.1, "统计年鉴2023", "v1.csv:2"), (2, 20.4, "林草局更正函", "v2.csv:2")]
    assert history[0].recorded_at == dt.datetime(2024, 3, 1)
    assert ledger.add(fixed, dt.datetime(2024, 9, 2)).unchanged == 1  # importing the same file again changes nothing
    assert len(ledger.history("eco.forest_coverage", "140405", 2022)) == 2


def test_assigned_targets_carry_their_comparator(registry, tmp_path: Path) -> None:
    rows = ("tunliu-2021-2025.good-days-ratio,,2025,≥78,%,长治市下达文件,assigned_target,\n"
            "tunliu-2021-2025.pm25,,2025,35,μg/m3,长治市下达文件,下达目标,\n")
    ledger = ObservationLedger()
    ledger.add(read_observations(write_csv(tmp_path, rows), registry, TODAY), dt.datetime(2026, 6, 1))
    good = ledger.assigned_target("air.good_days_ratio", "140405", 2025)
    assert good.kind is ObservationKind.ASSIGNED_TARGET and good.threshold.comparator is Comparator.GE
    assert ledger.assigned_target("air.pm25", "140405", 2025).threshold.comparator is Comparator.LE
    assert ledger.series("air.good_days_ratio", "140405") == {}  # targets are not observations


def test_excel_with_chinese_headers(registry, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["# 示例数据"])
    sheet.append(["指标", "地区", "年份", "数值", "单位", "来源", "备注"])
    sheet.append(["tunliu-2021-2025.groundwater-class", None, 2022, "Ⅲ", "类", "区监测站", None])
    sheet.append(["air.pm25", 140405, 2023.0, 33.5, "微克/立方米", "区监测站", "年均值"])
    sheet.append([None, None, None, None, None, None, None])
    path = tmp_path / "obs.xlsx"
    book.save(path)
    observations = read_observations(path, registry, TODAY)
    assert [(o.metric, o.region, o.year, o.value, o.unit) for o in observations] == [
        ("groundwater.class", "140405", 2022, 3.0, "类"), ("air.pm25", "140405", 2023, 33.5, "μg/m³")]
    assert observations[1].note == "年均值" and observations[1].origin == "obs.xlsx:4"


def test_unsupported_file_and_missing_columns(registry, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="unsupported file type"):
        read_observations(tmp_path / "obs.json", registry, TODAY)
    path = tmp_path / "short.csv"
    path.write_text("indicator,year,value\nx,2022,1\n", encoding="utf-8")
    with pytest.raises(BadInput, match="header lacks column"):
        read_observations(path, registry, TODAY)
