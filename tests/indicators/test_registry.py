"""The shipped plan registry: completeness against the seeds, citations, validation of bad data."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ecozone.errors import BadInput, NotFound
from ecozone.indicators import IndicatorSettings, build_registry, list_indicators, list_plans, load_registry
from ecozone.indicators.model import Binding, Comparator, Direction, TargetKind, ValueKind

from .conftest import PLANS_DIR, REPO

# 屯留 table (seed 003 二、（三）): number -> (name, unit, baseline, target label, 属性)
TUNLIU_TABLE = {
    1: ("生态保护红线占国土面积比例", "%", None, "不减少", "约束性"),
    2: ("森林覆盖率", "%", 18.65, "≥30", "约束性"),
    3: ("生态质量指数", "", None, "保持稳定", "预期性"),
    4: ("空气质量优良天数比例", "%", 79.8, "完成市下达目标", "约束性"),
    5: ("城区细颗粒物（PM2.5）浓度", "μg/m³", 34, "完成市下达目标", "约束性"),
    6: ("地表水达到或优于Ⅲ类水体比例", "%", 100, "≥100", "约束性"),
    7: ("地表水劣V类水体比例", "%", 0, "≤0", "约束性"),
    8: ("建成区黑臭水体比例", "%", None, "≤0", "预期性"),
    9: ("地下水监测点位水质", "类", 2, "≤Ⅱ", "预期性"),
    10: ("受污染耕地安全利用率", "%", None, "≥98", "约束性"),
    11: ("重点建设用地安全利用", "%", None, "有效保障", "约束性"),
    12: ("地下水国控区域点位V类水比例", "%", None, "≤0", "预期性"),
    13: ("农村生活污水治理率", "%", None, "≥25", "预期性"),
    14: ("化学需氧量排放总量减少", "%", None, "完成市下达目标", "约束性"),
    15: ("氨氮排放总量减少", "%", None, "完成市下达目标", "约束性"),
    16: ("氮氧化物排放总量减少", "%", None, "完成市下达目标", "约束性"),
    17: ("二氧化硫排放总量减少", "%", None, "完成市下达目标", "约束性"),
    18: ("挥发性有机物排放总量减少", "%", None, "完成市下达目标", "约束性"),
    19: ("工业危险废弃物利用处置率", "%", 100, "≥100", "约束性"),
    20: ("县级以上医疗废物无害化处置率", "%", None, "≥100", "约束性"),
    21: ("单位地区生产总值二氧化碳排放降低", "%", None, "完成市下达指标", "约束性"),
    22: ("单位地区生产总值能源消耗降低", "%", 3, "≥16", "约束性"),
    23: ("非化石能源占能源消费总量比例", "%", None, "完成市下达指标", "预期性"),
    24: ("万元地区生产总值用水量下降率", "%", None, "≥15", "约束性"),
    25: ("灌溉水有效利用系数", "", None, "≥0.58", "约束性"),
}


def test_four_plans_with_their_regions(registry) -> None:
    regions = {plan.id: plan.region for plan in registry.plans.values()}
    assert regions == {"shanxi-2021-2025": "140000", "jiaocheng-14th": "141122",
                       "tunliu-2021-2025": "140405", "yangquan-2027": "140300"}
    assert registry.region("140405").parent == "140400"  # 屯留区 belongs to 长治市 since 2018


def test_tunliu_table_is_complete(registry) -> None:
    plan = registry.plan("tunliu-2021-2025")
    table = {i.number: i for i in plan.indicators if i.number is not None}
    assert sorted(table) == list(range(1, 26))
    for number, (name, unit, baseline, target, binding) in TUNLIU_TABLE.items():
        indicator = table[number]
        assert (indicator.name, indicator.unit, indicator.binding.value) == (name, unit, binding), number
        assert (indicator.baseline.value if indicator.baseline else None) == baseline, number
        assert indicator.targets[0].year == 2025 and indicator.targets[0].label == target, number
        assert indicator.citation.seed == "003_1235a785acafef24.txt"
        assert indicator.citation.section == "二、（三）总体目标 规划指标体系"
    categories = {i.number: i.category for i in table.values()}
    assert {categories[n] for n in (1, 2, 3)} == {"生态保护"}
    assert {categories[n] for n in range(4, 21)} == {"环境质量"}
    assert {categories[n] for n in range(21, 26)} == {"生态经济"}


def test_tunliu_binding_counts(registry) -> None:
    table = [i for i in registry.plan("tunliu-2021-2025").indicators if i.number is not None]
    assert sum(i.binding is Binding.CONSTRAINT for i in table) == 19
    assert sum(i.binding is Binding.EXPECTED for i in table) == 6


def test_province_targets_sampled_from_the_seed(registry) -> None:
    good_days = registry.indicator("shanxi-2021-2025.good-days-ratio")
    assert good_days.targets[0].threshold.comparator is Comparator.GE and good_days.targets[0].threshold.value == 75
    pm25 = registry.indicator("shanxi-2021-2025.pm25")
    assert pm25.baseline.value == 44 and pm25.targets[0].label == "<40"
    assert pm25.direction is Direction.LOWER
    jjj = registry.indicator("shanxi-2021-2025.jjj4-pm25-change")
    assert jjj.targets[0].kind is TargetKind.RELATIVE and jjj.targets[0].change.amount == -20
    fen = registry.indicator("shanxi-2021-2025.fenhe-good-sections")
    assert fen.targets[0].threshold.value == 10 and "47.6%" in fen.citation.clause
    assert registry.indicator("shanxi-2021-2025.wetland-area").targets[0].kind is TargetKind.NO_WORSE
    assert len(registry.plan("shanxi-2021-2025").outlook) == 4


def test_yangquan_has_2027_and_2035_targets(registry) -> None:
    plan = registry.plan("yangquan-2027")
    years = {t.year for i in plan.indicators for t in i.targets}
    assert {2027, 2035} <= years
    pm25 = registry.indicator("yangquan-2027.pm25")
    assert [(t.year, t.label) for t in pm25.targets][0] == (2027, "力争达到国家环境空气质量二级标准")
    assert pm25.targets[0].basis.startswith("GB 3095-2012")
    water = registry.indicator("yangquan-2027.surface-water-good-ratio").targets[0]
    assert water.kind is TargetKind.REFERENCE and water.reference_region == "140000"


def test_jiaocheng_range_and_class_targets(registry) -> None:
    pm25 = registry.indicator("jiaocheng-14th.pm25").targets[0].threshold
    assert (pm25.comparator, pm25.low, pm25.high) == (Comparator.RANGE, 45, 55)
    water = registry.indicator("jiaocheng-14th.control-unit-water-class")
    assert water.metric.kind is ValueKind.CLASS and water.baseline.value == 6  # 劣Ⅴ


def test_every_indicator_is_cited_and_every_assumption_explained(registry) -> None:
    for indicator in registry.indicators.values():
        plan = registry.plan(indicator.plan_id)
        assert indicator.citation.seed == plan.seed and indicator.citation.clause.strip(), indicator.id
        for target in indicator.targets:
            assert not target.assumed or target.assumed_reason, indicator.id
            if target.kind in (TargetKind.STABLE, TargetKind.ENSURED):
                assert target.assumed, indicator.id


def test_coverage_doc_lists_every_indicator(registry) -> None:
    text = (REPO / "docs" / "indicator-coverage.md").read_text(encoding="utf-8")
    missing = [i for i in registry.indicators if f"`{i}`" not in text]
    assert missing == []


def test_listing_puts_constrained_first(registry) -> None:
    rows = list_indicators(registry, "tunliu-2021-2025")
    codes = [row["binding_code"] for row in rows]
    assert codes == sorted(codes, key=["binding", "expected", "unspecified"].index)
    assert rows[0]["id"] == "tunliu-2021-2025.redline-share"
    plans = {row["id"]: row for row in list_plans(registry)}
    assert plans["tunliu-2021-2025"]["binding"] == 19 and plans["tunliu-2021-2025"]["region_name"] == "长治市屯留区"
    with pytest.raises(NotFound):
        list_indicators(registry, "no-such-plan")


def test_settings_change_assumed_values(tmp_path: Path) -> None:
    settings = IndicatorSettings(approx_tolerance_pct=10.0, basically_share_pct=90.0)
    custom = load_registry(PLANS_DIR, settings)
    assert custom.indicator("yangquan-2027.beautiful-rivers-lakes").targets[0].threshold.tolerance_pct == 10.0
    assert custom.indicator("yangquan-2027.black-odorous").targets[0].threshold.value == pytest.approx(10.0)


# ---- validation of bad plan data ----

REGIONS = [{"code": "140000", "name": "山西省", "level": "province"}]
PLAN = {
    "id": "demo", "name": "示例规划", "name_en": "Demo", "region": "140000",
    "seed": "000_6f036d9dc4af6d6d.txt", "document": "示例", "period": [2021, 2025], "base_year": 2020,
    "categories": ["环境质量"],
    "indicators": [{
        "key": "good-days", "category": "环境质量", "name": "优良天数比例", "metric": "air.good_days_ratio",
        "unit": "%", "direction": "higher", "binding": "约束性",
        "section": "二", "clause": "优良天数比例达到75%以上",
        "targets": [{"year": 2025, "value": "≥75"}],
    }],
}


def plan_with(**changes) -> dict:
    document = copy.deepcopy(PLAN)
    document["indicators"][0].update(changes)
    return document


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"targets": [{"year": 2025, "qualitative": "大幅提升"}]}, "unknown qualitative target"),
        ({"targets": [{"year": 2025, "qualitative": "保持稳定"}]}, "needs a chosen value"),
        ({"targets": [{"year": 2025, "from_setting": "basically_share_pct"}]}, "assumed: true"),
        ({"targets": [{"year": 2025, "value": "≈40"}]}, "needs a chosen value"),
        ({"targets": [{"year": 2025, "change": "≤-20%"}]}, "relative_to"),
        ({"targets": [{"year": 2025, "value": "about 75"}]}, "targets"),
        ({"region": "149999"}, "unknown region code"),
        ({"category": "其他"}, "categories"),
        ({"direction": "up"}, "direction"),
        ({"targets": []}, "targets"),
    ],
)
def test_bad_plan_data_is_rejected_with_the_field_named(changes: dict, message: str) -> None:
    with pytest.raises(BadInput) as error:
        build_registry([plan_with(**changes)], REGIONS)
    assert message in error.value.message


def test_shared_metric_must_agree_across_plans() -> None:
    other = copy.deepcopy(PLAN)
    other["id"] = "demo-2"
    other["indicators"][0]["unit"] = "天"
    with pytest.raises(BadInput, match="different unit"):
        build_registry([PLAN, other], REGIONS)


def test_links_must_point_to_known_indicators() -> None:
    with pytest.raises(BadInput, match="related indicator"):
        build_registry([plan_with(related=["nowhere.x"])], REGIONS)
    with pytest.raises(BadInput, match="parent indicator"):
        build_registry([plan_with(targets=[{"year": 2025, "qualitative": "完成上级下达目标", "parent": "x.y"}])],
                       REGIONS)


def test_missing_plans_directory(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_registry(tmp_path / "absent")


def test_invalid_yaml_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "regions.yaml").write_text("regions:\n  - {code: '140000', name: 山西省, level: province}\n",
                                           encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(BadInput, match="broken.yaml"):
        load_registry(tmp_path)
