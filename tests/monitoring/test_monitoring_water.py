"""GB 3838—2002 single-factor class at every boundary, and section/basin status."""

from __future__ import annotations

import pytest

from ecozone.errors import BadInput
from ecozone.monitoring.water import (
    assess_basin,
    basin_status_from_classes,
    class_rank,
    classify_section,
    water_class_command,
)

# GB 3838—2002 表1 by hand: each limit belongs to its class, a hair above it to the next one.
BOUNDARY_CASES = [
    (
        "codmn",
        "river",
        [
            (2, "I"),
            (2.01, "II"),
            (4, "II"),
            (4.01, "III"),
            (6, "III"),
            (6.01, "IV"),
            (10, "IV"),
            (10.01, "V"),
            (15, "V"),
            (15.01, "劣V"),
        ],
    ),
    (
        "cod",
        "river",
        [
            (15, "I"),
            (15.01, "III"),
            (20, "III"),
            (20.01, "IV"),
            (30, "IV"),
            (30.01, "V"),
            (40, "V"),
            (40.01, "劣V"),
        ],
    ),
    (
        "bod5",
        "river",
        [
            (3, "I"),
            (3.01, "III"),
            (4, "III"),
            (4.01, "IV"),
            (6, "IV"),
            (6.01, "V"),
            (10, "V"),
            (10.01, "劣V"),
        ],
    ),
    (
        "nh3n",
        "river",
        [
            (0.15, "I"),
            (0.151, "II"),
            (0.5, "II"),
            (0.501, "III"),
            (1.0, "III"),
            (1.001, "IV"),
            (1.5, "IV"),
            (1.501, "V"),
            (2.0, "V"),
            (2.001, "劣V"),
        ],
    ),
    (
        "tp",
        "river",
        [
            (0.02, "I"),
            (0.021, "II"),
            (0.1, "II"),
            (0.101, "III"),
            (0.2, "III"),
            (0.201, "IV"),
            (0.3, "IV"),
            (0.301, "V"),
            (0.4, "V"),
            (0.401, "劣V"),
        ],
    ),
    (
        "tp",
        "lake",
        [
            (0.01, "I"),
            (0.011, "II"),
            (0.025, "II"),
            (0.026, "III"),
            (0.05, "III"),
            (0.051, "IV"),
            (0.1, "IV"),
            (0.101, "V"),
            (0.2, "V"),
            (0.201, "劣V"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("param", "body", "value", "label"),
    [(param, body, value, label) for param, body, cases in BOUNDARY_CASES for value, label in cases],
)
def test_every_class_boundary_of_le_parameters(param: str, body: str, value: float, label: str) -> None:
    assert classify_section({param: value}, body).label == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (10, "I"),
        (7.5, "I"),
        (7.49, "II"),
        (6, "II"),
        (5.99, "III"),
        (5, "III"),
        (4.99, "IV"),
        (3, "IV"),
        (2.99, "V"),
        (2, "V"),
        (1.99, "劣V"),
        (0, "劣V"),
    ],
)
def test_dissolved_oxygen_boundaries(value: float, label: str) -> None:
    assert classify_section({"do": value}, "river").label == label


@pytest.mark.parametrize(("value", "label"), [(6, "I"), (7.4, "I"), (9, "I"), (5.99, "劣V"), (9.01, "劣V")])
def test_ph_6_to_9(value: float, label: str) -> None:
    assert classify_section({"ph": value}, "river").label == label


@pytest.mark.parametrize(
    ("value", "label"),
    [(0.2, "I"), (0.21, "II"), (0.5, "II"), (1.0, "III"), (1.5, "IV"), (2.0, "V"), (2.01, "劣V")],
)
def test_total_nitrogen_boundaries_for_lakes(value: float, label: str) -> None:
    result = classify_section({"tn": value, "do": 8}, "lake", count_reference=True)
    assert result.parameters["tn"].rank == class_rank(label)


def test_cli_example_single_factor() -> None:
    out = water_class_command(["do=6.5", "codmn=5", "nh3n=0.8", "tp=0.15"], "river")
    assert out["class"] == "III"
    assert out["deciding"] == ["codmn", "nh3n", "tp"]
    assert out["parameters"]["do"]["class"] == "II"
    assert out["status"]["status"] == "良好"
    assert out["standard"]["code"] == "GB 3838-2002"


def test_worst_parameter_decides_and_worse_than_v_is_lie_v() -> None:
    result = classify_section({"do": 8, "codmn": 1.5, "nh3n": 2.5}, "river")
    assert result.label == "劣V" and result.deciding == ("nh3n",)
    assert result.status.status == "重度污染"


def test_same_phosphorus_is_class_iii_in_a_river_and_v_in_a_lake() -> None:
    assert classify_section({"tp": 0.15}, "river").label == "III"
    assert classify_section({"tp": 0.15}, "lake").label == "V"


def test_lake_total_nitrogen_is_reported_but_does_not_decide() -> None:
    result = classify_section({"do": 8, "tp": 0.02, "tn": 1.8}, "lake")
    assert result.label == "II"
    assert result.parameters["tn"].rank == 5 and not result.parameters["tn"].counted
    assert classify_section({"do": 8, "tp": 0.02, "tn": 1.8}, "lake", count_reference=True).label == "V"


def test_total_nitrogen_is_not_assessed_for_rivers() -> None:
    with pytest.raises(BadInput, match="tn"):
        classify_section({"tn": 1.0}, "river")


def test_exceedance_multiple_against_a_target_class() -> None:
    out = classify_section({"nh3n": 1.5, "codmn": 5}, "river", target="III").to_json()
    assert out["parameters"]["nh3n"]["exceedance_multiple"] == 0.5
    assert "exceedance_multiple" not in out["parameters"]["codmn"]
    assert out["meets_target"] is False


@pytest.mark.parametrize(
    ("values", "body", "field"),
    [
        ({"xyz": 1}, "river", "xyz"),
        ({"do": -1}, "river", "do"),
        ({"fecal_coliform": 100}, "river", "values"),
        ({"do": 5}, "sea", "waterbody"),
    ],
)
def test_bad_input_names_the_field(values: dict[str, float], body: str, field: str) -> None:
    with pytest.raises(BadInput) as err:
        classify_section(values, body)
    assert err.value.detail.get("field") == field


@pytest.mark.parametrize(
    ("label", "rank"), [("I", 1), ("Ⅲ", 3), ("Ⅲ类", 3), ("3", 3), ("劣V", 6), ("劣Ⅴ类", 6)]
)
def test_class_labels(label: str, rank: int) -> None:
    assert class_rank(label) == rank


def _classes(good: int, iv_v: int, worse: int) -> list[str]:
    return ["II"] * good + ["IV"] * iv_v + ["劣V"] * worse


@pytest.mark.parametrize(
    ("classes", "status"),
    [
        (_classes(9, 1, 0), "优"),  # 90 %
        (_classes(8, 2, 0), "良好"),  # 80 %
        (_classes(15, 5, 0), "良好"),  # 75 %
        (_classes(14, 3, 3), "轻度污染"),  # 70 %, 劣V 15 %
        (_classes(14, 2, 4), "中度污染"),  # 劣V 20 %
        (_classes(12, 1, 7), "中度污染"),  # 劣V 35 %
        (_classes(12, 0, 8), "重度污染"),  # I–III 60 %, 劣V 40 %: the gap the assumed reading closes
        (_classes(2, 0, 18), "重度污染"),
    ],
)
def test_basin_status_by_class_shares(classes: list[str], status: str) -> None:
    assert basin_status_from_classes(classes).status.status == status


def test_share_method_needs_five_sections() -> None:
    with pytest.raises(BadInput, match="at least 5"):
        basin_status_from_classes(["I", "II", "III", "IV"])


def test_fewer_than_five_sections_use_mean_concentrations() -> None:
    sections = [{"nh3n": 0.4, "do": 7}, {"nh3n": 1.4, "do": 6}]
    status = assess_basin(sections, "river")
    # mean NH3-N 0.9 → III, mean DO 6.5 → II: class III, 良好
    assert status.method == "mean" and status.mean_class == "III" and status.status.status == "良好"
    five = assess_basin([{"nh3n": 0.4}] * 4 + [{"nh3n": 2.5}], "river")
    assert five.method == "share" and five.share_i_iii == 80.0 and five.share_worse_than_v == 20.0
