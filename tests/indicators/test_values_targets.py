"""Parsing of values, classes, units and target expressions; the met / not-met tests."""

from __future__ import annotations

import pytest

from ecozone.indicators.model import Comparator, Direction, Threshold, ValueKind
from ecozone.indicators.targets import apply_change, describe, goal_value, is_met, parse_change, parse_threshold
from ecozone.indicators.values import normalize_unit, parse_class, parse_number

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER


def test_numbers_as_chinese_documents_write_them() -> None:
    assert parse_number("１２．５") == 12.5
    assert parse_number("1,234") == 1234.0
    assert parse_number("75%") == 75.0
    with pytest.raises(ValueError):
        parse_number("")
    with pytest.raises(ValueError):
        parse_number("nan")


def test_water_classes_are_ordinals_with_inferior_v_as_six() -> None:
    assert parse_class("Ⅱ") == 2
    assert parse_class("Ⅳ类") == 4
    assert parse_class("IV") == 4
    assert parse_class("劣Ⅴ") == 6
    assert parse_class("劣V") == 6
    assert parse_class(3) == 3
    with pytest.raises(ValueError):
        parse_class("Ⅶ")


def test_unit_spellings() -> None:
    assert normalize_unit("μg/m3") == normalize_unit("微克/立方米") == "μg/m³"
    assert normalize_unit("/") == normalize_unit("-") == normalize_unit(None) == ""
    assert normalize_unit("平方千米") == "km²"


def test_bare_value_takes_the_direction_comparator() -> None:
    assert parse_threshold(30, ValueKind.NUMBER, HIGHER) == (Threshold(Comparator.GE, value=30.0), True)
    assert parse_threshold(0, ValueKind.NUMBER, LOWER) == (Threshold(Comparator.LE, value=0.0), True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥25", Threshold(Comparator.GE, value=25.0)),
        (">=0.58", Threshold(Comparator.GE, value=0.58)),
        ("<40", Threshold(Comparator.LT, value=40.0)),
        ("＞50", Threshold(Comparator.GT, value=50.0)),
        ("45～55", Threshold(Comparator.RANGE, low=45.0, high=55.0)),
        ("10~20", Threshold(Comparator.RANGE, low=10.0, high=20.0)),
        ("≈40", Threshold(Comparator.APPROX, value=40.0, tolerance_pct=5.0)),
    ],
)
def test_target_expressions(text: str, expected: Threshold) -> None:
    threshold, inferred = parse_threshold(text, ValueKind.NUMBER, HIGHER, approx_tolerance_pct=5.0)
    assert threshold == expected
    assert inferred is False


def test_class_target_expression() -> None:
    threshold, _ = parse_threshold("≤Ⅳ", ValueKind.CLASS, LOWER)
    assert threshold == Threshold(Comparator.LE, value=4.0)
    assert describe(threshold, ValueKind.CLASS) == "≤Ⅳ"


def test_changes_relative_and_in_points() -> None:
    assert parse_change("≤-20%").amount == -20.0
    assert parse_change("≥+5pt").unit == "pt"
    assert apply_change(48.0, parse_change("≤-20%")) == pytest.approx(38.4)
    assert apply_change(31.2, parse_change("≥+0.5pt"), years=5) == pytest.approx(33.7)
    # 年均增长6% from 1100 over 5 years, compounded: 1100 × 1.06^5 = 1472.0481
    assert apply_change(1100.0, parse_change("≥+6%"), years=5, compound=True) == pytest.approx(1472.0481, abs=1e-4)
    with pytest.raises(ValueError):
        parse_change("45～55")


def test_is_met_for_each_comparator() -> None:
    assert is_met(Threshold(Comparator.LT, value=40), 39.9, LOWER)
    assert not is_met(Threshold(Comparator.LT, value=40), 40, LOWER)
    assert not is_met(Threshold(Comparator.GT, value=50), 50, HIGHER)
    assert is_met(Threshold(Comparator.EQ, value=0), 0.0, LOWER)
    # 40%左右 with a 5% relative tolerance: at least 38 when higher is better
    approx = Threshold(Comparator.APPROX, value=40, tolerance_pct=5)
    assert is_met(approx, 38.0, HIGHER) and not is_met(approx, 37.9, HIGHER)


def test_range_is_met_inside_and_beyond_its_better_end() -> None:
    pm25 = Threshold(Comparator.RANGE, low=45, high=55)
    assert is_met(pm25, 50, LOWER) and is_met(pm25, 44, LOWER) and not is_met(pm25, 56, LOWER)
    assert goal_value(pm25, LOWER) == 55
    reduction = Threshold(Comparator.RANGE, low=25, high=30)
    assert is_met(reduction, 31, HIGHER) and not is_met(reduction, 24, HIGHER)
    assert goal_value(reduction, HIGHER) == 25
