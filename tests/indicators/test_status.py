"""The status method on hand-computed cases, including its edge cases.

Each expected number below is worked out in the comment next to it.
"""

from __future__ import annotations

import pytest

from ecozone.indicators.model import Comparator, Direction, Metric, TargetKind, Threshold, ValueKind
from ecozone.indicators.settings import IndicatorSettings
from ecozone.indicators.status import (
    COMPOUND,
    LINEAR,
    Inputs,
    Point,
    Status,
    assess_annual,
    assess_maintenance,
    assess_numeric,
    classify_ratio,
)

SETTINGS = IndicatorSettings()
SHARE = Metric("x.share", "比例", "%", Direction.HIGHER, bounds=(0.0, 100.0))
CONCENTRATION = Metric("x.pm25", "浓度", "μg/m³", Direction.LOWER)
CUMULATIVE = Metric("x.built", "累计", "万吨/日", Direction.HIGHER)
WATER_CLASS = Metric("x.class", "类别", "类", Direction.LOWER, ValueKind.CLASS, bounds=(1.0, 6.0))


def numeric(metric: Metric, threshold: Threshold, series: dict[int, float], start: Point | None,
            year: int, target_year: int = 2025):
    points = [Point(y, v) for y, v in sorted(series.items())]
    return assess_numeric(Inputs(metric, threshold, points, start, year, target_year, SETTINGS))


def at_least(value: float) -> Threshold:
    return Threshold(Comparator.GE, value=value)


def at_most(value: float) -> Threshold:
    return Threshold(Comparator.LE, value=value)


@pytest.mark.parametrize(
    ("ratio", "status"),
    [(0.95, Status.ON_TRACK), (0.9499, Status.MODERATE), (0.6, Status.MODERATE), (0.5999, Status.LIMITED),
     (0.0, Status.LIMITED), (-0.0001, Status.DETERIORATING)],
)
def test_ratio_thresholds(ratio: float, status: Status) -> None:
    assert classify_ratio(ratio, SETTINGS) is status


def test_compound_growth_ratio() -> None:
    # required: (60/50)^(1/5) - 1 = 0.037137; observed: (56/50)^(1/3) - 1 = 0.038499; R = 1.03667
    result = numeric(SHARE, at_least(60), {2021: 52, 2022: 54, 2023: 56}, Point(2020, 50), 2023)
    assert result.method == COMPOUND
    assert result.required_rate == pytest.approx(0.037137, abs=1e-6)
    assert result.observed_rate == pytest.approx(0.038499, abs=1e-6)
    assert result.ratio == pytest.approx(1.03667, abs=1e-5)
    assert result.status is Status.ON_TRACK


def test_limited_progress() -> None:
    # required: (30/18.65)^(1/5) - 1 = 0.099736; observed: (21.6/18.65)^(1/4) - 1 = 0.037394; R = 0.37493
    result = numeric(SHARE, at_least(30), {2024: 21.6}, Point(2020, 18.65), 2024)
    assert result.ratio == pytest.approx(0.37493, abs=1e-5)
    assert result.status is Status.LIMITED


def test_zero_baseline_uses_linear_change() -> None:
    # cumulative 新增 capacity from 0 in 2020 to 66 in 2025: required 13.2/yr; observed 30/3 = 10/yr; R = 0.757576
    result = numeric(CUMULATIVE, at_least(66), {2021: 12, 2023: 30}, Point(2020, 0), 2023)
    assert result.method == LINEAR
    assert result.required_rate == pytest.approx(13.2)
    assert result.observed_rate == pytest.approx(10.0)
    assert result.ratio == pytest.approx(0.757576, abs=1e-6)
    assert result.status is Status.MODERATE
    # required path from 0 to 66 in equal steps
    assert [p.value for p in result.required_path] == pytest.approx([0, 13.2, 26.4, 39.6, 52.8, 66])


def test_zero_goal_uses_linear_change() -> None:
    # V类水比例 10 → 0 by 2025: required -2.5/yr from 2021; observed (5-10)/3 = -1.6667/yr; R = 0.666667
    result = numeric(Metric("x.v", "V类比例", "%", Direction.LOWER, bounds=(0, 100)), at_most(0),
                     {2021: 10, 2024: 5}, None, 2024)
    assert result.method == LINEAR
    assert result.start == Point(2021, 10)
    assert result.ratio == pytest.approx(0.666667, abs=1e-6)
    assert result.status is Status.MODERATE
    assert "无基期值，以最早观测年2021年为起点" in result.notes


def test_target_already_met_at_baseline() -> None:
    result = numeric(SHARE, at_least(100), {2021: 100, 2024: 100}, Point(2020, 100), 2024)
    assert result.status is Status.ACHIEVED
    dropped = numeric(SHARE, at_least(100), {2021: 100, 2024: 98}, Point(2020, 100), 2024)
    assert dropped.status is Status.DETERIORATING
    assert dropped.ratio is None
    assert "起点2020年已达到目标，之后退步" in dropped.notes


def test_wrong_direction_movement_is_deteriorating() -> None:
    # PM2.5 (lower is better) 50 → 55 while the goal is 40:
    # required (40/50)^(1/5) - 1 = -0.0436475; observed (55/50)^(1/2) - 1 = 0.0488088; R = -1.11825
    result = numeric(CONCENTRATION, at_most(40), {2022: 55}, Point(2020, 50), 2022)
    assert result.ratio == pytest.approx(-1.11825, abs=1e-5)
    assert result.status is Status.DETERIORATING


def test_missing_year_uses_latest_earlier_observation() -> None:
    series = {2021: 52, 2023: 56}  # no 2022 and no 2024
    in_gap = numeric(SHARE, at_least(60), series, Point(2020, 50), 2022)
    assert in_gap.current == Point(2021, 52)
    assert "2022年无观测值，采用2021年数据" in in_gap.notes
    # (52/50)^(1/1) - 1 = 0.04 against 0.037137 required: R = 1.07709
    assert in_gap.ratio == pytest.approx(1.07709, abs=1e-5)
    after = numeric(SHARE, at_least(60), series, Point(2020, 50), 2024)
    assert after.current == Point(2023, 56)
    assert after.ratio == pytest.approx(1.03667, abs=1e-5)  # same as the 2023 case: actual years are used
    before_any = numeric(SHARE, at_least(60), series, Point(2020, 50), 2020)
    assert before_any.status is Status.NO_DATA


def test_not_achieved_once_the_target_year_has_data() -> None:
    result = numeric(SHARE, at_least(60), {2025: 58}, Point(2020, 50), 2025)
    assert result.status is Status.NOT_ACHIEVED
    # the ratio is still reported: (58/50)^(1/5)-1 over (60/50)^(1/5)-1 = 0.0301290/0.0371372 = 0.81129
    assert result.ratio == pytest.approx(0.81129, abs=1e-5)


def test_only_start_year_data_is_not_assessable() -> None:
    result = numeric(SHARE, at_least(60), {2021: 52}, None, 2021)
    assert result.status is Status.NOT_ASSESSABLE


def test_range_target_on_each_side() -> None:
    pm = Threshold(Comparator.RANGE, low=45, high=55)
    inside = numeric(CONCENTRATION, pm, {2021: 60, 2024: 50}, None, 2024)
    assert inside.status is Status.ACHIEVED and "优于目标区间" not in inside.notes
    below = numeric(CONCENTRATION, pm, {2021: 60, 2024: 44}, None, 2024)
    assert below.status is Status.ACHIEVED and "优于目标区间" in below.notes
    # above the range: progress towards 55; (55/60)^(1/4)-1 = -0.0215180, (57/60)^(1/3)-1 = -0.0169524; R = 0.78783
    above = numeric(CONCENTRATION, pm, {2021: 60, 2024: 57}, None, 2024)
    assert above.goal == 55
    assert above.ratio == pytest.approx(0.78783, abs=1e-5)
    assert above.status is Status.MODERATE


def test_projection_and_gap_from_recent_trend() -> None:
    # trend over the last 3 years: (16/10)^(1/3) - 1 = 0.169607; 2025: 16 × 1.169607 = 18.7137
    result = numeric(CUMULATIVE, at_least(20), {2021: 10, 2022: 12, 2023: 14, 2024: 16}, Point(2020, 8), 2024)
    assert result.projection is not None and result.projection.year == 2025
    assert result.projection.value == pytest.approx(18.7137, abs=1e-4)
    assert result.projected_gap == pytest.approx(20 - 18.7137, abs=1e-4)
    assert result.projected_met is False


def test_projection_of_a_bounded_share_stops_at_100() -> None:
    result = numeric(SHARE, at_least(100), {2020: 90, 2022: 96, 2023: 99}, None, 2023, target_year=2030)
    assert result.projection is not None
    assert result.projection.value == 100.0
    assert result.projected_met is True


def test_class_indicator_moves_in_class_steps() -> None:
    # 劣Ⅴ (6) → Ⅴ (5) by 2025; at 2022 still 劣Ⅴ: R = 0 → limited
    stuck = numeric(WATER_CLASS, at_most(5), {2020: 6, 2022: 6}, Point(2020, 6), 2022)
    assert stuck.method == LINEAR and stuck.ratio == 0 and stuck.status is Status.LIMITED
    done = numeric(WATER_CLASS, at_most(5), {2020: 6, 2023: 4}, Point(2020, 6), 2023)
    assert done.status is Status.ACHIEVED


def annual(series: dict[int, float], year: int):
    points = [Point(y, v) for y, v in series.items()]
    threshold = Threshold(Comparator.RANGE, low=10, high=20)
    return assess_annual(Inputs(CUMULATIVE, threshold, points, None, year, 2025, SETTINGS))


def test_annual_target_is_judged_on_each_year() -> None:
    assert annual({2023: 12, 2024: 8}, 2023).status is Status.ACHIEVED
    assert annual({2023: 12, 2024: 8}, 2024).status is Status.NOT_ACHIEVED
    assert annual({2023: 12}, 2024).status is Status.NO_DATA


def maintenance(kind: TargetKind, series: dict[int, float], start: Point | None, tolerance: float = 0.0):
    points = [Point(y, v) for y, v in series.items()]
    inputs = Inputs(SHARE, at_least(0), points, start, 2024, 2025, SETTINGS)
    return assess_maintenance(kind, inputs, tolerance)


def test_not_decrease_against_first_observation_when_no_baseline() -> None:
    assert maintenance(TargetKind.NO_WORSE, {2021: 28.5, 2024: 28.6}, None).status is Status.ACHIEVED
    worse = maintenance(TargetKind.NO_WORSE, {2021: 28.5, 2024: 28.4}, None)
    assert worse.status is Status.DETERIORATING
    assert worse.start == Point(2021, 28.5)


def test_stable_within_tolerance() -> None:
    # 1% of 56.2 is 0.562, so anything from 55.638 up is stable
    assert maintenance(TargetKind.STABLE, {2021: 56.2, 2024: 55.7}, None, 1.0).status is Status.ACHIEVED
    assert maintenance(TargetKind.STABLE, {2021: 56.2, 2024: 55.6}, None, 1.0).status is Status.DETERIORATING


def test_improve_needs_a_strictly_better_value() -> None:
    assert maintenance(TargetKind.IMPROVE, {2024: 81.0}, Point(2020, 70.7)).status is Status.ACHIEVED
    assert maintenance(TargetKind.IMPROVE, {2024: 70.7}, Point(2020, 70.7)).status is Status.LIMITED
    assert maintenance(TargetKind.IMPROVE, {2024: 69.0}, Point(2020, 70.7)).status is Status.DETERIORATING
    assert maintenance(TargetKind.IMPROVE, {2024: 69.0}, Point(2024, 69.0)).status is Status.NOT_ASSESSABLE
