"""A small synthetic territory: one province, two cities, three counties, four units, written as
the shipped data files are (regions, one reference feature, demonstration units)."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
import shapely.geometry

from ecozone import bootstrap

# The data the repository ships.
SHIPPED = bootstrap.DatasetPaths(Path(__file__).resolve().parents[2] / "data" / "shanxi")

PROVINCE = shapely.box(112.0, 37.0, 113.0, 38.0)
REGIONS = [
    ("140000", "山西省", "province", None, PROVINCE),
    ("140100", "太原市", "city", "140000", shapely.box(112.0, 37.5, 113.0, 38.0)),
    ("140700", "晋中市", "city", "140000", shapely.box(112.0, 37.0, 113.0, 37.5)),
    ("140105", "小店区", "county", "140100", shapely.box(112.5, 37.5, 113.0, 38.0)),
    ("140106", "迎泽区", "county", "140100", shapely.box(112.0, 37.5, 112.5, 38.0)),
    ("140702", "榆次区", "county", "140700", shapely.box(112.0, 37.0, 113.0, 37.5)),
]
UNITS = [
    ("ZH14010510001", "小店区优先保护单元（汾河）", 1, "140105", shapely.box(112.5, 37.75, 113.0, 38.0)),
    ("ZH14010520001", "小店区重点管控单元（城镇）", 2, "140105", shapely.box(112.5, 37.5, 113.0, 37.75)),
    ("ZH14010630001", "迎泽区一般管控单元", 3, "140106", shapely.box(112.0, 37.5, 112.5, 38.0)),
    ("ZH14070230001", "榆次区一般管控单元", 3, "140702", shapely.box(112.0, 37.0, 113.0, 37.5)),
]


def _collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def write_territory(root: Path, units=UNITS) -> bootstrap.DatasetPaths:
    """Write regions, one reference feature and demo units as the shipped files would be."""
    (root / "demo").mkdir(parents=True, exist_ok=True)
    regions = [
        {
            "type": "Feature",
            "properties": {"code": c, "name": n, "level": lvl, "parent": p},
            "geometry": shapely.geometry.mapping(g),
        }
        for c, n, lvl, p, g in REGIONS
    ]
    (root / "regions.geojson").write_text(_collection(regions), encoding="utf-8")
    river = {
        "type": "Feature",
        "properties": {"key": "river:fenhe", "kind": "river", "name": "汾河", "attributes": {"stem": "main"}},
        "geometry": shapely.geometry.mapping(shapely.LineString([(112.6, 38.0), (112.6, 37.0)])),
    }
    (root / "features.geojson").write_text(_collection([river]), encoding="utf-8")
    unit_features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name": name,
                "class": cls,
                "elements": ["生态"] if cls == 1 else ["大气", "水"],
                "county_code": county,
                "city_code": county[:4] + "00",
                "spatial_layout": "禁止新建化工项目。\n严格控制开发强度。",
                "emissions": "严格执行污染物排放标准。",
                "risk": "加强环境风险防控。",
                "resources": "提高资源利用效率。",
            },
            "geometry": shapely.geometry.mapping(geom),
        }
        for code, name, cls, county, geom in units
    ]
    (root / "demo" / "units.geojson").write_text(_collection(unit_features), encoding="utf-8")
    return bootstrap.DatasetPaths(root)
