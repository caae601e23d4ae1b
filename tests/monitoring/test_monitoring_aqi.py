"""AQI and IAQI (HJ 633) against hand-computed cases, both notes, both paths, and aqi-hub."""

from __future__ import annotations

import math
from datetime import date
from importlib import metadata

import numpy as np
import pytest

from ecozone.errors import BadInput
from ecozone.monitoring.aqi import (
    aqi_array,
    aqi_command,
    categories_array,
    evaluate_aqi,
    iaqi,
    iaqi_array,
)
from ecozone.monitoring.standards import aqi_standard

HJ2012 = aqi_standard("HJ 633-2012")
HJ2026 = aqi_standard("HJ 633-2026")
LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)

# HJ 633—2012 表1, typed in again by hand for the tests (independent of the YAML file).
TABLE_2012 = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),
    "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500),
}
EDGES_2012 = [(item, bp, LEVELS[i]) for item, bps in TABLE_2012.items() for i, bp in enumerate(bps)]


@pytest.mark.parametrize(("item", "conc", "level"), EDGES_2012)
def test_iaqi_at_every_breakpoint_edge(item: str, conc: float, level: int) -> None:
    # At the edge the IAQI is the level itself; 0.01 below still rounds up to it; 0.01 above
    # starts the next segment and rounds up to level + 1 (every slope is < 100 per unit).
    assert iaqi(item, conc, HJ2012) == level
    if conc > 0:
        assert iaqi(item, conc - 0.01, HJ2012) == level
    top = conc == TABLE_2012[item][-1]
    if not top:
        assert iaqi(item, conc + 0.01, HJ2012) == level + 1


@pytest.mark.parametrize(
    ("item", "conc", "expected"),
    [
        ("pm25_24h", 80, 107),  # 100 + 50 × (80 − 75) / 40 = 106.25 → 107
        ("pm10_24h", 100, 75),  # 50 + 50 × 50 / 100 = 75
        ("o3_8h", 150, 92),  # 50 + 50 × 50 / 60 = 91.67 → 92
        ("so2_24h", 300, 124),  # 100 + 50 × 150 / 325 = 123.08 → 124
        ("co_24h", 2.2, 55),  # 50 + 50 × 0.2 / 2 = 55 exactly (a float trap: 55.000000000000004)
        ("co_24h", 2.3, 58),  # 57.5 → 58
        ("co_1h", 7.5, 75),
        ("no2_1h", 450, 125),
        ("o3_1h", 250, 125),
        ("so2_1h", 575, 125),
        ("no2_24h", 60, 75),
        ("pm25_24h", 0.1, 1),  # 0.14 → 1
        ("pm25_24h", 0, 0),
        ("pm25_24h", 600, 500),  # above the table: capped at 500 (assumed, see the YAML)
        ("so2_24h", 3000, 500),
    ],
)
def test_iaqi_hand_computed(item: str, conc: float, expected: int) -> None:
    assert iaqi(item, conc, HJ2012) == expected


def test_cli_example_under_hj633_2012() -> None:
    out = aqi_command(["pm25=80", "pm10=100", "o3_8h=150"], date(2025, 6, 1), date(2026, 6, 1))
    assert out["aqi"] == 107
    assert out["iaqi"] == {"pm25_24h": 107, "pm10_24h": 75, "o3_8h": 92}
    assert out["primary"] == ["pm25_24h"]
    assert out["exceeding"] == ["pm25_24h"]
    assert out["category"]["name"] == "轻度污染" and out["category"]["level_name"] == "三级"
    assert out["category"]["colour"] == "橙色" and out["category"]["rgb_hex"] == "#FF7E00"
    assert out["standard"]["code"] == "HJ 633-2012" and out["standard"]["selected_by"] == "date"
    assert out["standard"]["unverified_items"] == []
    assert out["items"]["pm25_24h"]["unit"] == "µg/m³"


def test_same_observation_after_2026_03_01_uses_hj633_2026() -> None:
    out = aqi_command(["pm25=80", "pm10=100", "o3_8h=150"], date(2026, 6, 1), date(2026, 6, 1))
    # PM2.5: 100 + 50 × (80 − 60) / 55 = 118.18 → 119; PM10: 50 + 50 × 50 / 70 = 85.7 → 86
    assert out["iaqi"] == {"pm25_24h": 119, "pm10_24h": 86, "o3_8h": 92}
    assert out["standard"]["code"] == "HJ 633-2026"
    assert "pm25_24h" in out["standard"]["unverified_items"]


@pytest.mark.parametrize(("item", "conc"), [("pm25_24h", 60), ("pm10_24h", 120)])
def test_hj633_2026_iaqi_100_points(item: str, conc: float) -> None:
    assert iaqi(item, conc, HJ2026) == 100
    assert iaqi(item, conc + 0.01, HJ2026) == 101


def test_explicit_edition_overrides_the_date() -> None:
    result = evaluate_aqi({"pm25": 80}, on=date(2026, 6, 1), standard="HJ 633-2012")
    assert result.aqi == 107
    assert result.to_json()["standard"]["selected_by"] == "explicit"


def test_primary_lists_ties() -> None:
    result = evaluate_aqi({"pm25": 75, "pm10": 150, "no2": 40}, on=date(2025, 1, 1))
    assert result.aqi == 100
    assert result.primary == ("pm25_24h", "pm10_24h")
    assert result.exceeding == ()  # IAQI must be above 100


def test_no_primary_pollutant_at_aqi_50_but_one_at_51() -> None:
    assert evaluate_aqi({"pm25": 35, "pm10": 50}, on=date(2025, 1, 1)).primary == ()
    result = evaluate_aqi({"pm25": 35.5, "pm10": 50}, on=date(2025, 1, 1))
    assert result.aqi == 51 and result.primary == ("pm25_24h",)


@pytest.mark.parametrize(
    ("aqi_value", "name"),
    [
        (0, "优"),
        (50, "优"),
        (51, "良"),
        (100, "良"),
        (101, "轻度污染"),
        (150, "轻度污染"),
        (151, "中度污染"),
        (200, "中度污染"),
        (201, "重度污染"),
        (300, "重度污染"),
        (301, "严重污染"),
        (500, "严重污染"),
    ],
)
def test_category_boundaries(aqi_value: int, name: str) -> None:
    assert HJ2012.category(aqi_value).name == name


def test_note_2_so2_1h_above_800_reports_the_24h_sub_index() -> None:
    at_800 = evaluate_aqi({"so2_1h": 800, "so2_24h": 300}, on=date(2025, 1, 1))
    assert at_800.iaqi["so2_1h"] == 200 and at_800.aqi == 200
    above = evaluate_aqi({"so2_1h": 801, "so2_24h": 300}, on=date(2025, 1, 1))
    assert above.iaqi["so2_1h"] is None
    assert above.substituted == {"so2_1h": "so2_24h"}
    assert above.aqi == 124 and above.primary == ("so2_24h",)
    assert above.to_json()["items"]["so2_1h"]["replaced_by"] == "so2_24h"


def test_note_2_without_the_24h_value_is_bad_input_naming_it() -> None:
    with pytest.raises(BadInput, match="so2_24h"):
        evaluate_aqi({"so2_1h": 900, "pm25": 50}, on=date(2025, 1, 1))


def test_note_3_o3_8h_above_800_reports_the_1h_sub_index() -> None:
    result = evaluate_aqi({"o3_8h": 801, "o3_1h": 900}, on=date(2025, 1, 1))
    # O3 1 h 900: 300 + 100 × (900 − 800) / 200 = 350
    assert result.iaqi == {"o3_8h": None, "o3_1h": 350}
    assert result.aqi == 350 and result.category.name == "严重污染"
    assert iaqi("o3_8h", 800, HJ2012) == 300


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"pm25": -1}, "pm25"),
        ({"pm25": float("nan")}, "pm25"),
        ({"o3": 100}, "o3"),
        ({"pm1": 10}, "pm1"),
        ({"pm25": 10, "pm25_24h": 11}, "pm25_24h"),
        ({}, "values"),
    ],
)
def test_bad_values_name_the_field(values: dict[str, float], field: str) -> None:
    with pytest.raises(BadInput) as err:
        evaluate_aqi(values, on=date(2025, 1, 1))
    assert err.value.detail.get("field") == field


@pytest.mark.parametrize("pairs", [["pm25"], ["pm25=abc"], ["pm25=1", "pm25=2"], ["=3"]])
def test_cli_argument_errors(pairs: list[str]) -> None:
    with pytest.raises(BadInput):
        aqi_command(pairs, date(2025, 1, 1), date(2026, 6, 1))


def _random_concentrations(item: str, rng: np.random.Generator, n: int) -> np.ndarray:
    top = HJ2012.items[item].breakpoints[-1]
    values = rng.uniform(0, top * 1.2, n).round(rng.integers(0, 3))
    edges = np.asarray(HJ2012.items[item].breakpoints + HJ2026.items[item].breakpoints)
    return np.concatenate([values, edges, edges + 0.01, [np.nan]])


@pytest.mark.parametrize("edition", ["HJ 633-2012", "HJ 633-2026"])
@pytest.mark.parametrize("item", sorted(TABLE_2012))
def test_vectorized_and_scalar_paths_agree(edition: str, item: str) -> None:
    std = aqi_standard(edition)
    conc = _random_concentrations(item, np.random.default_rng(633), 2000)
    vector = iaqi_array(item, conc, std)
    for value, got in zip(conc, vector, strict=True):
        if math.isnan(value):
            assert math.isnan(got)
            continue
        expected = iaqi(item, float(value), std)
        assert math.isnan(got) if expected is None else got == expected, (item, value, got, expected)


def test_aqi_array_matches_evaluate_aqi_row_by_row() -> None:
    rng = np.random.default_rng(3095)
    n = 500
    rows = {
        "so2_24h": rng.uniform(0, 900, n),
        "so2_1h": rng.uniform(0, 1000, n),
        "no2_1h": rng.uniform(0, 500, n),
        "co_1h": rng.uniform(0, 20, n),
        "o3_1h": rng.uniform(0, 400, n),
        "pm10_24h": rng.uniform(0, 400, n),
        "pm25_24h": rng.uniform(0, 300, n),
    }
    result = aqi_array(rows, HJ2012)
    for i in range(n):
        scalar = evaluate_aqi({k: float(v[i]) for k, v in rows.items()}, standard="HJ 633-2012")
        assert result.aqi[i] == scalar.aqi
    levels = categories_array(result.aqi, HJ2012)
    assert all(levels[i] == HJ2012.category(int(result.aqi[i])).level for i in range(n))


def test_aqi_array_requires_the_substitute_when_note_2_applies() -> None:
    with pytest.raises(BadInput, match="so2_24h"):
        aqi_array({"so2_1h": np.array([100.0, 900.0]), "pm25": np.array([10.0, 20.0])}, HJ2012)


def test_aqi_array_rows_without_any_value_stay_nan() -> None:
    result = aqi_array({"pm25": np.array([np.nan, 80.0]), "pm10": np.array([np.nan, np.nan])}, HJ2012)
    assert math.isnan(result.aqi[0]) and result.aqi[1] == 107
    assert list(categories_array(result.aqi, HJ2012)) == [0, 3]


def test_iaqi_array_rejects_negative_values_naming_the_row() -> None:
    with pytest.raises(BadInput, match="row 1"):
        iaqi_array("pm25_24h", [1.0, -2.0], HJ2012)


# aqi-hub (PyPI) as an independent peer.  Its SO2 24 h table is wrong (it repeats the 1 h
# breakpoints 150/500/650/800 instead of 50/150/475/800), so SO2 24 h is excluded here.
# aqi-hub 0.2.x carries the HJ 633—2012 PM tables; 0.3.x switched to HJ 633—2026.
AQI_HUB_ITEMS = {
    "pm25_24h": "PM25_24H",
    "pm10_24h": "PM10_24H",
    "o3_1h": "O3_1H",
    "o3_8h": "O3_8H",
    "no2_24h": "NO2_24H",
    "no2_1h": "NO2_1H",
    "co_24h": "CO_24H",
    "co_1h": "CO_1H",
}


@pytest.mark.parametrize("item", sorted(AQI_HUB_ITEMS))
def test_cross_check_against_aqi_hub(item: str) -> None:
    aqi_cn = pytest.importorskip("aqi_hub.aqi_cn", reason="aqi-hub is a test dependency")
    version = tuple(int(p) for p in metadata.version("aqi-hub").split(".")[:2])
    pm_edition = "HJ 633-2012" if version < (0, 3) else "HJ 633-2026"
    std = aqi_standard(pm_edition if item.startswith("pm") else "HJ 633-2012")
    top = std.items[item].breakpoints[-1]
    rng = np.random.default_rng(2012)
    values = np.concatenate([rng.uniform(0, top, 3000), np.asarray(std.items[item].breakpoints)])
    for value in values:
        theirs = aqi_cn.cal_iaqi_cn(AQI_HUB_ITEMS[item], float(value))
        assert iaqi(item, float(value), std) == theirs, (item, value)


@pytest.mark.parametrize(
    "values",
    [{}, {"pm25": np.zeros(2), "pm25_24h": np.zeros(2)}, {"pm25": np.zeros(2), "pm10": np.zeros(3)}],
)
def test_aqi_array_bad_input(values: dict[str, np.ndarray]) -> None:
    with pytest.raises(BadInput):
        aqi_array(values, HJ2012)
