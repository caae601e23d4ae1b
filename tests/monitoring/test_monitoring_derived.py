"""Derived figures: daily values and validity, 优良天数比例, annual means, water shares."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from ecozone.monitoring.derived import (
    annual_mean,
    annual_mean_by_region,
    daily_means_array,
    day_aqi,
    good_days_ratio,
    o3_daily_max_8h_array,
    o3_limit_for,
    region_daily_means,
    round_gbt8170,
    section_classes_by_period,
    section_shares,
)

NAN = float("nan")
FULL_DAY = {"so2": 10, "no2": 30, "co": 0.8, "pm10": 60, "pm25": 30, "o3_8h": 90}


def test_daily_mean_needs_20_valid_hours() -> None:
    day = np.full(24, 40.0)
    day[:4] = NAN  # 20 hours left
    fewer = day.copy()
    fewer[4] = NAN  # 19 hours
    means = daily_means_array(np.vstack([day, fewer]))
    assert means[0] == 40.0 and math.isnan(means[1])


def test_o3_daily_max_8h_windows_end_8_to_24() -> None:
    hours = np.arange(24, dtype=float)
    # The window ending 24:00 averages hours 16–23: 19.5; ending 8:00 averages 0–7: 3.5.
    assert o3_daily_max_8h_array(hours, limit=160)[0] == 19.5
    early_peak = np.zeros(24)
    early_peak[0:8] = 100.0
    assert o3_daily_max_8h_array(early_peak, limit=160)[0] == 100.0


def _with_gap(level: float, first_missing_hour: int) -> np.ndarray:
    day = np.full(24, level)
    day[first_missing_hour:] = NAN
    return day


def test_o3_needs_14_valid_windows() -> None:
    # Hours 19–23 missing: windows ending 8…21 keep ≥ 6 hours → 14 valid windows.
    assert o3_daily_max_8h_array(_with_gap(100.0, 19), limit=160)[0] == 100.0
    # Hours 18–23 missing: only 13 valid windows → not valid.
    assert math.isnan(o3_daily_max_8h_array(_with_gap(100.0, 18), limit=160)[0])


def test_o3_with_too_few_windows_stands_when_it_exceeds_the_limit() -> None:
    assert o3_daily_max_8h_array(_with_gap(200.0, 18), limit=160)[0] == 200.0
    assert o3_limit_for(date(2025, 7, 1)) == 160


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (2.5, 0, 2.0),
        (3.5, 0, 4.0),
        (2.51, 0, 3.0),
        (0.125, 2, 0.12),
        (0.135, 2, 0.14),
        (35.45, 1, 35.4),
        (79.78, 1, 79.8),
    ],
)
def test_gbt8170_rounds_half_to_even(value: float, digits: int, expected: float) -> None:
    assert round_gbt8170(value, digits) == expected


def test_day_with_a_missing_item_is_not_valid() -> None:
    partial = {k: v for k, v in FULL_DAY.items() if k != "o3_8h"}
    result = day_aqi(date(2025, 5, 1), partial)
    assert not result.valid and result.missing == ("o3_8h",)
    assert result.aqi == 55  # still reported: PM10 60 → 50 + 50 × 10 / 100 = 55
    assert day_aqi(date(2025, 5, 1), {**FULL_DAY, "o3_8h": None}).missing == ("o3_8h",)


def test_daily_aqi_uses_the_edition_in_force_that_day() -> None:
    before = day_aqi(date(2026, 2, 28), {**FULL_DAY, "pm25": 70})
    after = day_aqi(date(2026, 3, 1), {**FULL_DAY, "pm25": 70})
    assert (before.aqi, before.standard) == (94, "HJ 633-2012")  # 50 + 50 × 35 / 40 = 93.75
    assert (after.aqi, after.standard) == (110, "HJ 633-2026")  # 100 + 50 × 10 / 55 = 109.1


def test_good_days_ratio_hand_computed() -> None:
    start = date(2025, 1, 1)
    days = [day_aqi(start + timedelta(days=i), {**FULL_DAY, "pm25": 30}) for i in range(7)]  # AQI 55: 良
    days += [day_aqi(start + timedelta(days=7 + i), {**FULL_DAY, "pm25": 120}) for i in range(2)]  # 轻度污染
    days.append(day_aqi(start + timedelta(days=9), {"pm25": 20}))  # not a valid day
    ratio = good_days_ratio(days)
    assert (ratio.good_days, ratio.valid_days, ratio.total_days) == (7, 9, 10)
    assert ratio.ratio_rounded == 77.8  # 7 / 9 = 77.78 %
    seeds = {link["seed"] for link in ratio.to_json()["indicators"]}
    assert "003_1235a785acafef24.txt" in seeds


def test_good_days_ratio_reproduces_the_tunliu_2020_baseline() -> None:
    # 003_1235a785acafef24.txt: 空气质量优良天数比例 2020 baseline 79.8 %; 2020 has 366 days.
    good = [day_aqi(date(2020, 1, 1), FULL_DAY)] * 292
    bad = [day_aqi(date(2020, 1, 1), {**FULL_DAY, "pm25": 120})] * 74
    assert good_days_ratio(good + bad).ratio_rounded == 79.8


def _year(year: int, value: float, drop: dict[int, int] | None = None) -> dict[date, float | None]:
    days: dict[date, float | None] = {}
    day = date(year, 1, 1)
    while day.year == year:
        days[day] = value
        day += timedelta(days=1)
    for month, count in (drop or {}).items():
        for d in [d for d in days if d.month == month][:count]:
            days[d] = None
    return days


def test_annual_mean_of_a_full_year() -> None:
    result = annual_mean(_year(2025, 34.5), 2025)
    assert result.valid and result.valid_days == 365
    assert result.mean == 34.5 and result.rounded == 34.0  # GB/T 8170: 34.5 → 34


def test_annual_mean_validity_at_324_days() -> None:
    # 31-day months may lose 4 days (27 left), 30-day months 3, February 3 (25 left).
    drop = dict.fromkeys((1, 3, 5, 7, 8, 10), 4) | {12: 2} | dict.fromkeys((4, 6, 9, 11), 3) | {2: 3}
    assert sum(drop.values()) == 41
    assert annual_mean(_year(2025, 30.0, drop), 2025).valid_days == 324
    assert annual_mean(_year(2025, 30.0, drop), 2025).valid
    one_more = annual_mean(_year(2025, 30.0, drop | {12: 3}), 2025)
    assert not one_more.valid and one_more.problems == ("2025: 323 valid days < 324",)


def test_annual_mean_needs_25_days_in_february() -> None:
    result = annual_mean(_year(2025, 30.0, {2: 4}), 2025)
    assert not result.valid and result.problems == ("2025-02: 24 valid days < 25",)


def test_city_value_is_the_mean_of_its_stations() -> None:
    d1, d2 = date(2025, 1, 1), date(2025, 1, 2)
    stations = {"s1": {d1: 40.0, d2: None}, "s2": {d1: 50.0, d2: 60.0}}
    assert region_daily_means(stations) == {d1: 45.0, d2: 60.0}
    regions = {"140105": {"s1": _year(2025, 30.0), "s2": _year(2025, 40.0)}}
    result = annual_mean_by_region(regions, 2025)["140105"]
    assert result.mean == 35.0 and result.valid
    assert result.to_json()["indicators"][0]["seed"] == "003_1235a785acafef24.txt"


def test_section_class_per_month_and_year() -> None:
    samples = [
        (date(2025, 6, 3), {"nh3n": 0.9, "do": 7}),
        (date(2025, 6, 17), {"nh3n": 1.2, "do": 6}),
        (date(2025, 7, 2), {"nh3n": 0.4, "do": 8}),
    ]
    monthly = section_classes_by_period(samples, "river", "month")
    assert {k: v.label for k, v in monthly.items()} == {"2025-06": "IV", "2025-07": "II"}  # June NH3-N 1.05
    yearly = section_classes_by_period(samples, "river", "year")
    assert yearly["2025"].label == "III"  # NH3-N (0.9 + 1.2 + 0.4) / 3 = 0.833


def test_shares_reproduce_the_provincial_2020_figure() -> None:
    # 000_6f036d9dc4af6d6d.txt: 58 national sections, no 劣V, 优良 (≤ Ⅲ) share 70.7 %.
    classes = {f"s{i}": ("III" if i < 41 else "IV") for i in range(58)}
    out = section_shares(classes).to_json()
    assert out["share_i_iii"]["rounded"] == 70.7
    assert out["share_worse_than_v"]["value"] == 0.0
    assert out["counts"]["III"] == 41 and out["sections"] == 58
    assert out["share_worse_than_v"]["indicators"][0]["clause"].startswith("地表水劣V类水体比例")
