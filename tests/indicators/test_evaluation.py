"""Plan evaluation on the shipped sample observations, checked against hand-computed values."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ecozone.indicators import (
    ObservationLedger,
    Status,
    build_registry,
    evaluate_indicator,
    evaluate_plan,
    parse_rows,
)


@pytest.fixture(scope="module")
def tunliu_2024(registry, sample_ledger):
    return evaluate_plan(registry.plan("tunliu-2021-2025"), sample_ledger, 2024, registry=registry)


def item(evaluation, key: str):
    return next(i for i in evaluation.items if i.indicator.key == key)


def test_every_tunliu_indicator_is_evaluated_constrained_first(tunliu_2024) -> None:
    assert len(tunliu_2024.items) == 33
    bindings = [i.indicator.binding.value for i in tunliu_2024.items]
    assert bindings[:19] == ["约束性"] * 19
    assert bindings[19:25] == ["预期性"] * 6
    numbers = [i.indicator.number for i in tunliu_2024.items[:19]]
    assert numbers == sorted(numbers)  # within 约束性: table order


def test_forest_coverage_limited(tunliu_2024) -> None:
    # 18.65 (2020) → 30 (2025): required 9.9736%/yr; 21.6 in 2024: observed 3.7394%/yr; R = 0.37493
    forest = item(tunliu_2024, "forest-coverage").as_dict()
    assert forest["status"] == "limited" and forest["status_label"] == "进展有限"
    assert forest["ratio"] == pytest.approx(0.37493, abs=1e-5)
    assert forest["start"] == {"year": 2020, "value": 18.65}
    # recent trend 2021→2024: (21.6/19.4)^(1/3) - 1 = 0.0364555; 2025: 21.6 × 1.0364555 = 22.38744
    assert forest["projection"]["value"] == pytest.approx(22.38744, abs=1e-4)
    assert forest["projected_gap"] == pytest.approx(30 - 22.38744, abs=1e-4)
    assert [p["year"] for p in forest["required_path"]] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert forest["required_path"][-1]["value"] == pytest.approx(30)
    assert [p["year"] for p in forest["observed_path"]] == [2021, 2022, 2023, 2024]


def test_assigned_target_from_observations(tunliu_2024) -> None:
    # 化学需氧量减少: 0 (2020) → ≥10 assigned for 2025: required 2/yr; 7.9 in 2024: 1.975/yr; R = 0.9875
    cod = item(tunliu_2024, "cod-reduction").as_dict()
    assert cod["target"]["threshold"] == "≥10"
    assert cod["method"] == "linear" and cod["ratio"] == pytest.approx(0.9875)
    assert cod["status"] == "on_track"
    # 优良天数: 79.8 in 2020 already met the assigned ≥78, 76.2 in 2024 does not
    assert item(tunliu_2024, "good-days-ratio").status is Status.DETERIORATING
    # 二氧化硫: no assigned value recorded → not assessable, but the observed path is kept
    so2 = item(tunliu_2024, "so2-reduction").as_dict()
    assert so2["status"] == "not_assessable" and "尚未录入" in so2["notes"][0]
    assert so2["current"]["value"] == -1.0 and len(so2["observed_path"]) == 4


def test_missing_year_and_wrong_direction(tunliu_2024) -> None:
    # VOCs reduction went negative (emissions rose) and 2024 is missing: uses 2023;
    # linear from 0 (2020): observed -1.5/3 = -0.5/yr, required 10/5 = 2/yr; R = -0.25
    voc = item(tunliu_2024, "voc-reduction").as_dict()
    assert voc["current"]["year"] == 2023
    assert "2024年无观测值，采用2023年数据" in voc["notes"]
    assert voc["ratio"] == pytest.approx(-0.25) and voc["status"] == "deteriorating"


def test_qualitative_targets(tunliu_2024) -> None:
    assert item(tunliu_2024, "redline-share").status is Status.ACHIEVED  # 28.5 → 28.6, 不减少
    assert item(tunliu_2024, "eco-quality-index").status is Status.ACHIEVED  # 56.2 → 55.8 within 1%
    ensured = item(tunliu_2024, "construction-land-safe-use").as_dict()
    assert ensured["status"] == "achieved" and ensured["target"]["threshold"] == "≥90"
    assert ensured["target"]["assumed"] is True
    assert item(tunliu_2024, "groundwater-class").status is Status.ACHIEVED  # back to Ⅱ in 2024


def test_zero_baseline_cumulative_indicator(tunliu_2024) -> None:
    # 西部荒山绿化 0 (2020) → 10万亩 (2025): required 2/yr; 6.6 in 2024: 1.65/yr; R = 0.825
    greening = item(tunliu_2024, "west-barren-greening")
    assert greening.progress.ratio == pytest.approx(0.825)
    assert greening.status is Status.MODERATE


def test_as_dict_is_json_ready(tunliu_2024) -> None:
    document = tunliu_2024.as_dict()
    text = json.dumps(document, ensure_ascii=False)
    assert "tunliu-2021-2025.forest-coverage" in text
    assert document["summary"]["achieved"] + document["summary"]["no_data"] > 0
    assert sum(document["summary"].values()) == 33
    assert sum(document["binding_summary"].values()) == 19


def test_sample_status_counts_per_plan(registry, sample_ledger) -> None:
    expected = {
        "tunliu-2021-2025": {"achieved": 11, "on_track": 6, "moderate": 7, "limited": 1, "deteriorating": 2,
                             "not_assessable": 2, "no_data": 4},
        "jiaocheng-14th": {"achieved": 4, "on_track": 1, "moderate": 1, "no_data": 14},
    }
    for plan_id, counts in expected.items():
        summary = evaluate_plan(registry.plan(plan_id), sample_ledger, 2024, registry=registry).summary()
        assert {k: v for k, v in summary.items() if v} == counts, plan_id


def test_relative_and_growth_targets(registry, sample_ledger) -> None:
    evaluation = evaluate_plan(registry.plan("shanxi-2021-2025"), sample_ledger, 2024, registry=registry)
    # 京津冀4市 PM2.5 下降20%: 48 (2020) × 0.8 = 38.4; (38.4/48)^(1/5)-1 = -0.0436475, (41/48)^(1/4)-1 = -0.0386409 → R = 0.88529
    jjj = item(evaluation, "jjj4-pm25-change").as_dict()
    assert jjj["target"]["threshold"] == "≤38.4"
    assert jjj["ratio"] == pytest.approx(0.88529, abs=1e-5) and jjj["status"] == "moderate"
    # 两品一标 年均增长6%: threshold 1100 × 1.06^5 = 1472.05; observed (1350/1100)^(1/4)-1 = 0.052532 → R = 0.87553
    growth = item(evaluation, "green-food-growth").as_dict()
    assert growth["goal"] == pytest.approx(1472.0481, abs=1e-3)
    assert growth["ratio"] == pytest.approx(0.87553, abs=1e-5)
    # 农药使用量不高于“十三五”均值 2.7: 2.3 in 2024 → achieved
    assert item(evaluation, "pesticide-use").as_dict()["target"]["threshold"] == "≤2.7"
    assert item(evaluation, "pesticide-use").status is Status.ACHIEVED
    # 示范基地 每年10～20个: 8 in 2024 → not achieved that year
    assert item(evaluation, "pesticide-demo-bases").status is Status.NOT_ACHIEVED
    # 湿地面积不减少: 52.6 → 52.1
    assert item(evaluation, "wetland-area").status is Status.DETERIORATING


def test_relative_target_without_reference_year_is_not_assessable(registry, sample_ledger) -> None:
    evaluation = evaluate_plan(registry.plan("shanxi-2021-2025"), sample_ledger, 2024, registry=registry)
    assert item(evaluation, "fenwei4-pm25-change").status is Status.NO_DATA
    ledger = ObservationLedger()
    rows = [(1, ["indicator", "year", "value", "unit", "source"]),
            (2, ["shanxi-2021-2025.fenwei4-pm25-change", 2023, 50, "μg/m³", "示例"])]
    ledger.add(parse_rows(rows, registry, "t", dt.date(2026, 1, 1)), RECORDED)
    alone = evaluate_plan(registry.plan("shanxi-2021-2025"), ledger, 2024, registry=registry)
    fenwei = item(alone, "fenwei4-pm25-change").as_dict()
    assert fenwei["status"] == "not_assessable" and "2020" in fenwei["notes"][0]


def test_reference_region_target(registry, sample_ledger) -> None:
    # 阳泉 地表水优良比例 达到全省平均水平: province 81.0 in 2024; Yangquan 72.0 (2022) → 76.5 (2024)
    # required (81/72)^(1/5)-1 = 0.023836, observed (76.5/72)^(1/2)-1 = 0.030776 → R = 1.29116
    evaluation = evaluate_plan(registry.plan("yangquan-2027"), sample_ledger, 2024, registry=registry)
    water = item(evaluation, "surface-water-good-ratio").as_dict()
    assert water["target"]["threshold"] == "≥81"
    assert water["ratio"] == pytest.approx(1.29116, abs=1e-5)
    assert water["status"] == "on_track"


def test_jiaocheng_range_class_and_annual(registry, sample_ledger) -> None:
    evaluation = evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2024, registry=registry)
    pm25 = item(evaluation, "pm25").as_dict()
    assert pm25["status"] == "achieved" and "优于目标区间" in pm25["notes"]
    assert item(evaluation, "control-unit-water-class").status is Status.ACHIEVED  # 劣Ⅴ → Ⅳ
    # 森林覆盖率年均提高0.5个百分点: 31.2 (2020) + 2.5 = 33.7 by 2025;
    # (33.7/31.2)^(1/5)-1 = 0.0155354, (32.9/31.2)^(1/4)-1 = 0.0133520 → R = 0.85946
    forest = item(evaluation, "forest-coverage").as_dict()
    assert forest["goal"] == pytest.approx(33.7)
    assert forest["ratio"] == pytest.approx(0.85946, abs=1e-5)
    assert item(evaluation, "annual-afforestation").status is Status.ACHIEVED  # 1.35 ≥ 1.3 in 2024
    earlier = evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2023, registry=registry)
    assert item(earlier, "annual-afforestation").status is Status.NOT_ACHIEVED  # 1.2 < 1.3 in 2023


# ---- 完成上级下达目标 through a parent plan in the registry ----

RECORDED = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)
REGIONS = [{"code": "140000", "name": "山西省", "level": "province"},
           {"code": "140400", "name": "长治市", "level": "city", "parent": "140000"}]
INDICATOR = {"key": "good-days", "category": "环境质量", "name": "优良天数比例", "metric": "air.good_days_ratio",
             "unit": "%", "direction": "higher", "binding": "约束性", "section": "二", "clause": "示例条款"}


def plan(plan_id: str, region: str, target: dict, parent: str | None = None) -> dict:
    indicator = dict(INDICATOR, targets=[target])
    return {"id": plan_id, "name": plan_id, "name_en": plan_id, "region": region, "parent": parent,
            "seed": "000_6f036d9dc4af6d6d.txt", "document": "示例", "period": [2021, 2025], "base_year": 2020,
            "categories": ["环境质量"], "indicators": [indicator]}


def test_assigned_target_through_parent_plan_link() -> None:
    parent = plan("parent", "140000", {"year": 2025, "value": "≥75"})
    child = plan("child", "140400", {"year": 2025, "qualitative": "完成上级下达目标",
                                     "parent": "parent.good-days"}, parent="parent")
    registry = build_registry([parent, child], REGIONS)
    rows = [(1, ["indicator", "year", "value", "unit", "source"]),
            (2, ["child.good-days", 2020, 70, "%", "示例"]), (3, ["child.good-days", 2023, 73, "%", "示例"])]
    observed = parse_rows(rows, registry, "t", dt.date(2026, 1, 1))
    ledger = ObservationLedger()
    ledger.add(observed, RECORDED)
    result = evaluate_plan(registry.plan("child"), ledger, 2023, registry=registry).items[0].as_dict()
    assert result["target"]["threshold"] == "≥75"
    assert any("parent.good-days" in note for note in result["notes"])
    # (75/70)^(1/5)-1 = 0.0138942, (73/70)^(1/3)-1 = 0.0140864 → R = 1.01383
    assert result["ratio"] == pytest.approx(1.01383, abs=1e-4)
    # without the registry the parent link cannot be followed
    unlinked = evaluate_plan(registry.plan("child"), ledger, 2023).items[0]
    assert unlinked.status is Status.NOT_ASSESSABLE
    # an explicitly recorded assigned value wins over the parent plan's target
    ledger.add(parse_rows([(1, ["indicator", "year", "value", "unit", "source", "kind"]),
                           (2, ["child.good-days", 2025, "≥80", "%", "市下达文件", "assigned_target"])],
                          registry, "t2", dt.date(2026, 1, 1)), RECORDED)
    override = evaluate_plan(registry.plan("child"), ledger, 2023, registry=registry).items[0].as_dict()
    assert override["target"]["threshold"] == "≥80"


def test_single_indicator_evaluation(registry, sample_ledger) -> None:
    result = evaluate_indicator(registry.indicator("tunliu-2021-2025.west-barren-greening"), sample_ledger, 2024,
                                registry=registry)
    assert result.status is Status.MODERATE and result.progress.start.value == 0
