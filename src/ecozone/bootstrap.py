"""Build a database from the data the repository ships (data/shanxi): regions, reference
features and the demonstration zoning release, published so that it is in force."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress
from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.geo.io import read_geojson_features
from ecozone.geo.regions import ReferenceFeature, Region, RegionLevel
from ecozone.store import regions as region_store
from ecozone.store import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.model import ReleaseKind

DEMO_VERSION = "demo-2024"
DEMO_EFFECTIVE = dt.date(2024, 6, 30)
SYSTEM_ACTOR = "system:bootstrap"


@dataclass
class DatasetPaths:
    """Where the shipped files of one province live."""

    root: Path

    @property
    def regions(self) -> Path:
        return self.root / "regions.geojson"

    @property
    def features(self) -> Path:
        return self.root / "features.geojson"

    @property
    def demo_units(self) -> Path:
        return self.root / "demo" / "units.geojson"


def read_regions(path: Path) -> list[Region]:
    """Regions from a GeoJSON file with ``code``, ``name``, ``level``, ``parent``."""
    regions = []
    for props, geometry in read_geojson_features(path):
        try:
            regions.append(
                Region(
                    code=str(props["code"]),
                    name=props["name"],
                    name_en=props.get("name_en", ""),
                    level=RegionLevel(props["level"]),
                    parent_code=props.get("parent") or None,
                    geometry=geometry,
                )
            )
        except (KeyError, ValueError) as exc:
            raise BadInput(f"{path}: region {props.get('code')!r} has a bad field: {exc}", field="regions") from exc
    return regions


def read_features(path: Path) -> list[ReferenceFeature]:
    """Reference features from a GeoJSON file shaped as docs/reference-features.md says."""
    return [
        ReferenceFeature(
            key=props["key"],
            kind=props["kind"],
            name=props["name"],
            name_en=props.get("name_en", ""),
            attributes=props.get("attributes") or {},
            geometry=geometry,
        )
        for props, geometry in read_geojson_features(path)
    ]


def load_reference_data(engine: Engine, paths: DatasetPaths) -> tuple[int, int]:
    """Replace regions and reference features with the shipped ones; return their counts."""
    regions = read_regions(paths.regions)
    features = read_features(paths.features) if paths.features.exists() else []
    with engine.begin() as conn:
        n_regions = region_store.replace_regions(conn, regions)
        n_features = region_store.replace_features(conn, features)
    return n_regions, n_features


def load_demo_release(engine: Engine, paths: DatasetPaths, effective: dt.date = DEMO_EFFECTIVE) -> list[int]:
    """Import the demonstration units as one published release per city; return the release ids."""
    units = read_units(paths.demo_units).units
    by_city: dict[str, list] = defaultdict(list)
    for unit in units:
        by_city[unit.city_code].append(unit)
    with engine.connect() as conn:
        names = {r.code: r.name for r in region_store.load_regions(conn)}
    ids = []
    with Progress() as progress:
        task = progress.add_task("importing demonstration units", total=len(by_city))
        for city_code, members in sorted(by_city.items()):
            request = workflow.DraftRequest(
                jurisdiction_code=city_code,
                version=DEMO_VERSION,
                title=f"{names.get(city_code, city_code)}生态环境分区管控（示例数据）",
                kind=ReleaseKind.INITIAL,
                reason="示例数据：演示用管控单元，非正式成果",
                issuer=f"{names.get(city_code, city_code)}（示例）",
                demo=True,
            )
            release, _report = workflow.create_draft(engine, request, members, SYSTEM_ACTOR)
            workflow.submit(engine, release.id, SYSTEM_ACTOR)
            workflow.file_release(engine, release.id, SYSTEM_ACTOR)
            workflow.publish(engine, release.id, effective, SYSTEM_ACTOR, notice="示例数据，仅供演示。")
            ids.append(release.id)
            progress.advance(task)
    return ids


def has_releases(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(release_store.list_releases(conn))
