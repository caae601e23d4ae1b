"""The demonstration release against the published figures of Shanxi's official zoning.

Counts and area shares are recomputed from data/shanxi/demo/units.geojson (areas in the Shanxi
Albers) and compared with:

* the province: 山西日报, 2024-08-27, reporting the provincial results — 1,599 environmental
  control units: 840 优先保护单元 (33.81 % of the province), 646 重点管控单元 (22.33 %),
  113 一般管控单元 (43.86 %);
* 阳泉's five counties: 阳泉市生态环境局, 2024-12-20, 生态环境分区管控动态更新成果通告, 附件二.

Bounds (issue #15): province counts within ±10 % and shares within ±3 percentage points;
阳泉's counties within ±1 unit and ±5 points.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from ecozone.geo.metric import area_m2, province_equal_area_crs

DATA = Path(__file__).resolve().parents[2] / "data" / "shanxi"
ALBERS = province_equal_area_crs()

PROVINCE_UNITS = {1: 840, 2: 646, 3: 113}
PROVINCE_SHARE_PCT = {1: 33.81, 2: 22.33, 3: 43.86}
# county: (units of class 1, 2, 3), (area share % of class 1, 2, 3)
YANGQUAN = {
    "140302": ((1, 3, 0), (4.39, 95.61, 0.0)),  # 城区
    "140303": ((1, 3, 0), (3.80, 96.20, 0.0)),  # 矿区
    "140311": ((7, 5, 1), (5.98, 45.82, 48.20)),  # 郊区
    "140321": ((10, 9, 1), (59.81, 14.07, 26.12)),  # 平定县
    "140322": ((10, 6, 1), (31.65, 5.66, 62.69)),  # 盂县
}


@pytest.fixture(scope="module")
def tallies(units):
    """(county, class) -> [units, km²], recomputed from the shipped file."""
    areas = area_m2(units.geometries, ALBERS)
    out: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0, 0.0])
    for props, area in zip(units.properties, areas, strict=True):
        out[(props["county_code"], props["class"])][0] += 1
        out[(props["county_code"], props["class"])][1] += float(area) / 1e6
    return out


def _province(tallies):
    counts = {c: sum(v[0] for (_, k), v in tallies.items() if k == c) for c in (1, 2, 3)}
    areas = {c: sum(v[1] for (_, k), v in tallies.items() if k == c) for c in (1, 2, 3)}
    total = sum(areas.values())
    return counts, {c: 100 * a / total for c, a in areas.items()}


def test_province_unit_counts_are_within_ten_percent_of_the_published(tallies):
    counts, _ = _province(tallies)
    for unit_class, published in PROVINCE_UNITS.items():
        assert abs(counts[unit_class] - published) <= 0.10 * published, (unit_class, counts[unit_class], published)


def test_province_area_shares_are_within_three_points_of_the_published(tallies):
    _, shares = _province(tallies)
    for unit_class, published in PROVINCE_SHARE_PCT.items():
        assert abs(shares[unit_class] - published) <= 3.0, (unit_class, round(shares[unit_class], 2), published)


@pytest.mark.parametrize("county", sorted(YANGQUAN))
def test_yangquan_county_is_within_one_unit_and_five_points(tallies, county):
    published_counts, published_shares = YANGQUAN[county]
    total = sum(tallies[(county, c)][1] for c in (1, 2, 3))
    for unit_class in (1, 2, 3):
        count, area = tallies[(county, unit_class)]
        assert abs(count - published_counts[unit_class - 1]) <= 1, (county, unit_class, count)
        assert abs(100 * area / total - published_shares[unit_class - 1]) <= 5.0, (county, unit_class, round(100 * area / total, 2))


def test_build_targets_are_the_published_figures(settings):
    # The build calibrates to catalog/published.yaml; it must hold the cited figures, not others.
    import yaml

    with (DATA / "catalog" / "published.yaml").open(encoding="utf-8") as handle:
        published = yaml.safe_load(handle)
    assert published["province"]["units"] == PROVINCE_UNITS
    assert published["province"]["share_pct"] == PROVINCE_SHARE_PCT
    for county, (counts, shares) in YANGQUAN.items():
        figures = published["counties"]["figures"][county]
        assert tuple(figures["units"][c] for c in (1, 2, 3)) == counts
        assert tuple(figures["share_pct"][c] for c in (1, 2, 3)) == shares


def test_readme_comparison_table_shows_the_recomputed_figures(tallies):
    text = (DATA / "README.md").read_text(encoding="utf-8")
    counts, shares = _province(tallies)
    row = re.search(r"^\| 山西省 \| 优先保护单元 \| 840 \| (\d+) \| 33\.81 \| ([\d.]+) \|", text, re.MULTILINE)
    assert row, "comparison table missing from data/shanxi/README.md"
    assert int(row[1]) == counts[1] and abs(float(row[2]) - shares[1]) < 0.01
