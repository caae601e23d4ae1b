"""The standards data: editions, dates of validity, provenance flags and limit lookups."""

from __future__ import annotations

from datetime import date

import pytest

from ecozone.errors import BadInput, NotFound
from ecozone.monitoring.standards import (
    air_limits,
    air_limits_for,
    aqi_standard,
    aqi_standard_for,
    edition_summaries,
    normalize_code,
    plan_indicator_figures,
    water_assessment_method,
    water_standard,
)

SEED_FILES = {
    "000_6f036d9dc4af6d6d.txt",
    "001_47dba2e9a193b9f3.txt",
    "002_5a5c62ce385f65a3.txt",
    "003_1235a785acafef24.txt",
    "004_3c940348ac7d55d7.txt",
}


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2016, 1, 1), "HJ 633-2012"),
        (date(2025, 6, 1), "HJ 633-2012"),
        (date(2026, 2, 28), "HJ 633-2012"),
        (date(2026, 3, 1), "HJ 633-2026"),
        (date(2031, 1, 1), "HJ 633-2026"),
    ],
)
def test_aqi_edition_is_chosen_by_observation_date(day: date, code: str) -> None:
    assert aqi_standard_for(day).code == code


def test_date_before_hj633_2012_is_refused_naming_the_date() -> None:
    with pytest.raises(BadInput, match="2015-12-31"):
        aqi_standard_for(date(2015, 12, 31))


@pytest.mark.parametrize("text", ["HJ 633-2012", "hj633_2012", "HJ633—2012", " HJ 633 - 2012 "])
def test_edition_codes_are_normalised(text: str) -> None:
    assert normalize_code(text) == "HJ 633-2012"
    assert aqi_standard(text).code == "HJ 633-2012"


def test_unknown_edition_is_bad_input() -> None:
    with pytest.raises(BadInput, match="HJ 633-1999"):
        aqi_standard("HJ 633-1999")


def test_hj633_2026_moves_the_pm_breakpoints_at_iaqi_100() -> None:
    new = aqi_standard("HJ 633-2026")
    old = aqi_standard("HJ 633-2012")
    assert new.items["pm25_24h"].breakpoints[2] == 60
    assert new.items["pm10_24h"].breakpoints[2] == 120
    assert old.items["pm25_24h"].breakpoints[2] == 75
    assert old.items["pm10_24h"].breakpoints[2] == 150


def test_every_hj633_2026_value_is_marked_unverified_with_a_source() -> None:
    new = aqi_standard("HJ 633-2026")
    pm25 = new.items["pm25_24h"]
    assert not pm25.verified
    assert all(source for source in pm25.point_sources)
    assert "issue 9" in pm25.point_sources[2]
    so2 = new.items["so2_24h"]
    assert so2.inherited_from == "HJ 633-2012" and not so2.verified
    assert all(not s.verified for s in new.substitutions)
    assert not new.edition.effective_verified


def test_every_aqi_row_carries_a_citation() -> None:
    for code in ("HJ 633-2012", "HJ 633-2026"):
        for item in aqi_standard(code).items.values():
            assert item.citation.document and item.citation.section and item.citation.clause
            assert item.unit == ("mg/m³" if item.pollutant == "co" else "µg/m³")


def test_hj633_2012_has_the_six_categories_with_their_colours() -> None:
    cats = aqi_standard("HJ 633-2012").categories
    assert [c.name for c in cats] == ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"]
    assert [c.level_name for c in cats] == ["一级", "二级", "三级", "四级", "五级", "六级"]
    assert [c.colour for c in cats] == ["绿色", "黄色", "橙色", "红色", "紫色", "褐红色"]
    assert cats[0].rgb == (0, 228, 0) and cats[5].rgb == (126, 0, 35)


def test_gb3095_2012_limits() -> None:
    std = air_limits("GB 3095-2012")
    day = date(2020, 1, 1)
    assert std.limit("pm25", "annual", 2, day) == 35
    assert std.limit("pm25", "24h", 2, day) == 75
    assert std.limit("pm10", "annual", 2, day) == 70
    assert std.limit("o3", "max_8h", 2, day) == 160
    assert std.limit("co", "24h", 2, day) == 4
    assert std.limit("so2", "annual", 1, day) == 20


def test_gb3095_2026_transition_then_phase_two() -> None:
    std = air_limits_for(date(2026, 3, 1))
    assert std.code == "GB 3095-2026"
    assert std.limit("pm25", "24h", 2, date(2030, 12, 31)) == 60
    assert std.limit("pm25", "annual", 2, date(2026, 3, 1)) == 30
    assert std.limit("pm25", "annual", 2, date(2031, 1, 1)) == 25
    assert std.limit("pm25", "24h", 1, date(2031, 1, 1)) == 25
    # Phase 1 keeps the 2012 PM10 limit (assumed, unverified).
    assert std.limit("pm10", "24h", 2, date(2027, 1, 1)) == 150
    inherited = [lim for lim in std.phases[0].limits if lim.pollutant == "pm10"]
    assert inherited and all(not lim.verified and lim.inherited_from == "GB 3095-2012" for lim in inherited)


@pytest.mark.parametrize(
    ("pollutant", "averaging", "grade", "day"),
    [
        ("pm10", "24h", 2, date(2031, 1, 1)),
        ("so2", "annual", 2, date(2031, 6, 1)),
        ("no2", "1h", 1, date(2032, 1, 1)),
        ("pm25", "24h", 1, date(2027, 1, 1)),
    ],
)
def test_unknown_2026_limits_fail_loudly(pollutant: str, averaging: str, grade: int, day: date) -> None:
    with pytest.raises(NotFound, match="not known yet"):
        air_limits("GB 3095-2026").limit(pollutant, averaging, grade, day)


def test_validity_rules_of_table_4() -> None:
    rules = air_limits("GB 3095-2012").validity
    assert (rules.min_days_per_year, rules.min_days_per_month, rules.min_days_february) == (324, 27, 25)
    assert rules.min_hours_per_day == 20 and rules.min_hours_per_8h == 6
    assert rules.o3_window_end_hours == (8, 24) and rules.o3_min_valid_windows == 14


def test_gb3838_lake_and_river_phosphorus() -> None:
    tp = water_standard().parameters["tp"]
    assert tp.limits_for("river") == (0.02, 0.1, 0.2, 0.3, 0.4)
    assert tp.limits_for("lake") == (0.01, 0.025, 0.05, 0.1, 0.2)
    assert water_standard().parameters["tn"].waterbody == "lake"


def test_assessment_method_uses_21_parameters_without_tn_and_coliforms() -> None:
    method = water_assessment_method()
    assert len(method.class_parameters) == 21
    assert "tn" not in method.class_parameters and "fecal_coliform" not in method.class_parameters
    assert set(method.class_parameters) <= set(water_standard().parameters)
    assert method.reference_parameters["lake"] == ("tn", "fecal_coliform")


def test_plan_indicator_links_cite_seed_files() -> None:
    figures = plan_indicator_figures()
    assert set(figures) == {"good_days_ratio", "annual_mean_pm25", "share_i_to_iii", "share_worse_than_v"}
    for figure in figures.values():
        for link in figure["indicators"]:
            assert link["seed"] in SEED_FILES
            assert link["section"] and link["clause"]
    assert figures["good_days_ratio"]["valid_day"]["assumed"] is True


def test_edition_summaries_list_every_shipped_edition() -> None:
    codes = [row["code"] for row in edition_summaries()]
    assert codes == [
        "HJ 633-2012",
        "HJ 633-2026",
        "GB 3095-2012",
        "GB 3095-2026",
        "GB 3838-2002",
        "环办〔2011〕22号",
    ]
