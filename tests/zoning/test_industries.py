"""GB/T 4754-2017: the table, lookup by code prefix and by Chinese name, code matching."""

from __future__ import annotations

import pytest

from ecozone.errors import BadInput
from ecozone.zoning.industries import (
    IndustryLevel,
    describe_industry,
    get_industry,
    industry_table,
    industry_within,
    parse_industry_code,
    search_industries,
)


# GB/T 4754-2017 (as amended by its 第1号修改单, 2019) and the shipped table: 20 门类, 97 大类,
# 473 中类. The standard's foreword gives 1,380 小类; the shipped table has 1,382 — one is 9231
# 监察委员会, added by the amendment; the other is probably 7215 农村集体经济组织管理 of the same
# amendment, not verified against its text (docs/industries.md).
PUBLISHED_TOTALS = {"section": 20, "division": 97, "group": 473}
SHIPPED_CLASSES = 1382


def test_table_counts_each_level_against_the_published_totals() -> None:
    table = industry_table()
    counts = {level.value: sum(1 for e in table.ordered if e.level is level) for level in IndustryLevel}
    assert {k: counts[k] for k in PUBLISHED_TOTALS} == PUBLISHED_TOTALS
    assert counts["class"] == SHIPPED_CLASSES
    assert table.by_code["9231"].name == "监察委员会"


def test_every_group_has_classes_and_undivided_groups_end_in_zero() -> None:
    table = industry_table()
    for group in (e for e in table.ordered if e.level is IndustryLevel.GROUP):
        classes = table.children_of(group.code)
        assert classes, group.code
        if len(classes) == 1:
            assert classes[0].code == group.code + "0" and classes[0].name == group.name


def test_the_full_table_is_searchable_by_class_name_and_plain_words() -> None:
    assert get_industry("A0313").name == "猪的饲养"
    assert [e.code for e in search_industries("A0313")] == ["0313"]
    assert "0313" in [e.code for e in search_industries("养猪")]
    assert search_industries("钟表与计时仪器制造")[0].code == "403"


def test_table_has_all_20_sections_and_97_divisions() -> None:
    table = industry_table()
    sections = [e for e in table.ordered if e.level is IndustryLevel.SECTION]
    divisions = [e for e in table.ordered if e.level is IndustryLevel.DIVISION]
    assert [s.code for s in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert [d.code for d in divisions] == [f"{n:02d}" for n in range(1, 98)]
    assert table.by_code["25"].name == "石油、煤炭及其他燃料加工业"
    assert table.by_code["97"].section == "T"


def test_every_entry_sits_under_its_parent() -> None:
    table = industry_table()
    for entry in table.ordered:
        if entry.level is IndustryLevel.SECTION:
            assert entry.parent is None
            continue
        parent = table.by_code[entry.parent]
        assert entry.section == parent.section
        if entry.level is not IndustryLevel.DIVISION:
            assert entry.code.startswith(parent.code) and len(entry.code) == len(parent.code) + 1


def test_classes_the_rules_name() -> None:
    assert get_industry("2521").name == "炼焦"
    assert get_industry("C2521").full_code == "C2521"
    assert get_industry("263").name == "农药制造"
    assert get_industry("3011").name == "水泥制造"
    assert get_industry("3360").name == "金属表面处理及热处理加工"
    assert get_industry("1019").name == "粘土及其他土砂石开采"
    assert get_industry("4411").name == "火力发电" and get_industry("4412").name == "热电联产"
    assert get_industry("5942").name == "危险化学品仓储"
    assert get_industry("c").name == "制造业"


def test_search_by_chinese_name_or_alias() -> None:
    assert [e.code for e in search_industries("焦化")][:1] == ["2521"]
    assert "5942" in [e.code for e in search_industries("危险化学品")]
    assert "3360" in [e.code for e in search_industries("电镀")]
    assert search_industries("水泥制造")[0].code == "3011"  # the exact name comes first


def test_search_by_code_prefix_with_or_without_letter() -> None:
    codes = [e.code for e in search_industries("252")]
    assert codes == ["252", "2521", "2522", "2523", "2524", "2529"]
    assert [e.code for e in search_industries("C252")] == codes
    assert all(e.section == "B" for e in search_industries("B"))


def test_unknown_code_suggests_near_matches() -> None:
    with pytest.raises(BadInput) as info:
        get_industry("2525")
    assert info.value.detail["field"] == "industry"
    assert "C2521" in info.value.detail["suggestions"]
    assert "2525" in info.value.message


def test_empty_search_is_bad_input() -> None:
    with pytest.raises(BadInput):
        search_industries("  ")


def test_project_codes_are_normalized_and_checked() -> None:
    assert parse_industry_code("C2521") == "2521"
    assert parse_industry_code(" c2521 ") == "2521"
    assert parse_industry_code("1318") == "1318"  # well-formed under a known division
    assert parse_industry_code("C") == "C"
    with pytest.raises(BadInput, match="section C, not B"):
        parse_industry_code("B2521")
    with pytest.raises(BadInput, match="division 98"):
        parse_industry_code("9801")
    with pytest.raises(BadInput, match="not a GB/T 4754-2017 code"):
        parse_industry_code("焦化")


def test_unlisted_code_is_named_after_its_parent() -> None:
    entry = describe_industry("1318")
    assert not entry.listed and entry.parent == "131" and "谷物磨制" in entry.name


@pytest.mark.parametrize(
    ("code", "ancestor", "expected"),
    [
        ("2521", "25", True),
        ("2521", "2521", True),
        ("2521", "C", True),
        ("2521", "B", False),
        ("2522", "2521", False),
        ("25", "2521", None),  # the project must say more
        ("C", "2521", None),
        ("C", "C", True),
        ("B", "2521", False),
        ("0610", "06", True),
    ],
)
def test_industry_within(code: str, ancestor: str, expected: bool | None) -> None:
    assert industry_within(code, ancestor) is expected
