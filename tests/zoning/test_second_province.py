"""A second province is files, not Python: a tiny made-up province (蓝山省, code 990000) with its
regions, a river, one unit, one rule and the rule's setting, written to a temporary folder and
served by pointing ECOZONE_DATA_DIR / ECOZONE_PROVINCE at it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
import shapely.geometry

from tests.helpers.cli import run_ecozone

PROVINCE = shapely.box(100.0, 30.0, 101.0, 31.0)
RIVER = shapely.LineString([(100.5, 30.0), (100.5, 31.0)])
# A point this many metres east of the river (1° of longitude at 30.5°N ≈ 95.9 km).
METRE_DEG = 1 / 95_900

RULES = """\
jurisdiction: "990000"
issuer: 蓝山省人民政府
title: 蓝山省生态环境分区管控意见（虚构）
documents:
  - {file: 990_lanshan_opinions.txt, title: 蓝山省生态环境分区管控意见（虚构）}
rules:
  - id: LS-990-LANHE-BANK
    title: 蓝河岸线内禁止新建焦化项目
    dimension: spatial_layout
    effect: prohibit
    applies: 项目位于蓝河岸线管控范围内。
    not_applies: 项目不在蓝河岸线管控范围内。
    citation: {file: 990_lanshan_opinions.txt, section: 二、(一), clause: 蓝河干流沿岸一定范围内禁止新建焦化项目}
    where:
      - features: {keys: ["river:lanhe"]}
        within_m: {setting: lanhe_bank_m}
    who: {industries: ["2521"]}
"""

SETTINGS = """\
settings:
  lanhe_bank_m:
    value: 800.0
    gt: 0
    assumed: true
    why: 990 二、(一) '蓝河干流沿岸一定范围' gives no width; 800 m is this made-up province's choice.
"""


def _collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _feature(properties: dict, geometry) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)}


def write_province(root: Path) -> None:
    (root / "demo").mkdir(parents=True)
    (root / "rules").mkdir()
    (root / "regions.geojson").write_text(
        _collection(
            [
                _feature({"code": "990000", "name": "蓝山省", "level": "province", "parent": None}, PROVINCE),
                _feature({"code": "990100", "name": "青石市", "level": "city", "parent": "990000"}, PROVINCE),
                _feature({"code": "990102", "name": "白水区", "level": "county", "parent": "990100"}, PROVINCE),
            ]
        ),
        encoding="utf-8",
    )
    river = _feature({"key": "river:lanhe", "kind": "river", "name": "蓝河", "attributes": {"stem": "main"}}, RIVER)
    (root / "features.geojson").write_text(_collection([river]), encoding="utf-8")
    unit = {
        "code": "ZH99010210001", "name": "白水区优先保护单元（蓝河）", "class": 1, "elements": ["水"],
        "county_code": "990102", "city_code": "990100", "spatial_layout": "禁止新建焦化项目。",
        "emissions": "", "risk": "", "resources": "",
    }
    (root / "demo" / "units.geojson").write_text(_collection([_feature(unit, PROVINCE)]), encoding="utf-8")
    (root / "rules" / "990000-990-lanshan.yaml").write_text(RULES, encoding="utf-8")
    (root / "rule_settings.yaml").write_text(SETTINGS, encoding="utf-8")


def _project(path: Path, metres_east: float) -> Path:
    site = shapely.Point(100.5 + metres_east * METRE_DEG, 30.5).buffer(0.0002)
    feature = _feature({"name": "某焦化项目", "industry": "C2521", "nature": "new", "attributes": {}}, site)
    path.write_text(json.dumps(feature, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def province_env(tmp_path) -> dict:
    write_province(tmp_path / "data" / "lanshan")
    env = {
        "ECOZONE_DATABASE_URL": f"sqlite:///{tmp_path / 'lanshan.db'}",
        "ECOZONE_DATA_DIR": str(tmp_path / "data"),
        "ECOZONE_PROVINCE": "lanshan",
        "ECOZONE_TERRITORY_CODE": "990000",
    }
    done = run_ecozone(["init"], **env)
    assert done.returncode == 0, done.stderr
    return env


def test_made_up_province_is_served_from_its_files(province_env, tmp_path):
    where = run_ecozone(["where", "100.3", "30.5", "--format", "json"], **province_env)
    assert where.returncode == 0, where.stderr
    answer = json.loads(where.stdout)
    assert [u["code"] for u in answer["units"]] == ["ZH99010210001"]
    assert answer["region"]["province"]["name"] == "蓝山省"

    near = run_ecozone(["screen", str(_project(tmp_path / "near.geojson", 500)), "--format", "json"], **province_env)
    assert near.returncode == 0, near.stderr
    near_answer = json.loads(near.stdout)
    assert near_answer["verdict"] == "prohibited"
    assert [f["rule_id"] for f in near_answer["findings"]] == ["LS-990-LANHE-BANK"]


def test_its_setting_comes_from_its_file_and_the_environment(province_env, tmp_path):
    project = _project(tmp_path / "far.geojson", 900)  # beyond the file's 800 m
    default = run_ecozone(["screen", str(project), "--format", "json", "--no-store"], **province_env)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout)["verdict"] == "compliant"
    wider = run_ecozone(["screen", str(project), "--format", "json", "--no-store"], ECOZONE_RULES_LANHE_BANK_M="1000", **province_env)
    assert wider.returncode == 0, wider.stderr
    assert json.loads(wider.stdout)["verdict"] == "prohibited"
