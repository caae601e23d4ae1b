"""Build a database from the data the repository ships (data/shanxi): regions, reference
features and the demonstration zoning release, published so that it is in force."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress
from sqlalchemy import Engine

from ecozone.settings import BEIJING
from ecozone.errors import BadInput
from ecozone.geo.io import read_geojson_features
from ecozone.geo.regions import ReferenceFeature, Region, RegionLevel
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.importer import read_units
from ecozone.zoning.model import ReleaseKind
from ecozone.zoning.rule_files import RuleFileText, jurisdiction_of, read_rule_directory

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

    @property
    def rules(self) -> Path:
        return self.root / "rules"

    @property
    def plans(self) -> Path:
        return self.root / "plans"

    @property
    def demo_observations(self) -> Path:
        """Made-up plan-indicator observations, labelled 示例数据 in their source column."""
        return self.plans / "sample_observations.csv"

    @property
    def demo_stations(self) -> Path:
        return self.root / "demo" / "stations.csv"

    @property
    def demo_monitoring(self) -> Path:
        return self.root / "demo" / "observations.csv"


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


def rule_files_by_release(paths: DatasetPaths, province: str) -> dict[str, list[RuleFileText]]:
    """Shipped rule files grouped by the release that issues them: province files and group
    files with the province, a city's with the city, a county's with its city (谁发布谁更新)."""
    grouped: dict[str, list[RuleFileText]] = defaultdict(list)
    if not paths.rules.exists():
        return grouped
    for name, text in read_rule_directory(paths.rules):
        jurisdiction = jurisdiction_of(name, text) or province
        issuer = jurisdiction if jurisdiction == province or jurisdiction.endswith("00") else jurisdiction[:4] + "00"
        grouped[issuer].append((name, text))
    return grouped


def _publish_initial(
    engine: Engine, request: workflow.DraftRequest, units: list, rule_files: list, effective: dt.date, now: dt.datetime
) -> int:
    release, _report = workflow.create_draft(engine, request, units, SYSTEM_ACTOR, rule_files=rule_files, now=now)
    workflow.submit(engine, release.id, SYSTEM_ACTOR, now=now)
    workflow.file_release(engine, release.id, SYSTEM_ACTOR, now=now)
    workflow.publish(engine, release.id, effective, SYSTEM_ACTOR, notice="示例数据，仅供演示。", now=now)
    return release.id


def load_demo_release(engine: Engine, paths: DatasetPaths, effective: dt.date = DEMO_EFFECTIVE, *, now: dt.datetime) -> list[int]:
    """Publish the shipped rules (province release) and the demonstration units (one release per
    city, with that city's and its counties' rules), stamped ``now``; return the release ids."""
    units = read_units(paths.demo_units).units
    by_city: dict[str, list] = defaultdict(list)
    for unit in units:
        by_city[unit.city_code].append(unit)
    with engine.connect() as conn:
        regions = region_store.load_regions(conn)
    names = {r.code: r.name for r in regions}
    province = next(r.code for r in regions if r.level == RegionLevel.PROVINCE)
    rules = rule_files_by_release(paths, province)
    ids = []
    if rules.get(province):
        request = workflow.DraftRequest(
            jurisdiction_code=province,
            version=DEMO_VERSION,
            title=f"{names[province]}生态环境准入规则（据公开文件整理，示例）",
            reason="据省级公开文件整理的可机读准入规则",
            issuer=f"{names[province]}（示例）",
            demo=True,
        )
        ids.append(_publish_initial(engine, request, [], rules[province], effective, now))
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
            ids.append(_publish_initial(engine, request, members, rules.get(city_code, []), effective, now))
            progress.advance(task)
    return ids


def has_releases(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(release_store.list_releases(conn))


def load_demo_indicator_observations(engine: Engine, paths: DatasetPaths, now: dt.datetime) -> int:
    """Store the demonstration observations of the plan indicators (示例数据), so the dashboard
    shows status and trends on a fresh install; returns the rows added (0 when already there)."""
    from ecozone.indicators.registry import load_registry
    from ecozone.indicators.stored import import_file

    if not paths.demo_observations.exists():
        return 0
    return import_file(engine, paths.demo_observations, load_registry(paths.plans), SYSTEM_ACTOR, now).summary.added


def load_demo_monitoring(engine: Engine, paths: DatasetPaths, now: dt.datetime) -> tuple[int, int]:
    """Store the demonstration stations and their few days of readings (示例数据); returns
    (stations, observations added). Needs the zoning in force, to place each station."""
    from ecozone.monitoring.ingest import ingest_csv_file
    from ecozone.monitoring.settings import MonitoringSettings
    from ecozone.monitoring.stations import import_stations_file
    from ecozone.zoning.inforce import SnapshotCache

    if not paths.demo_stations.exists():
        return 0, 0
    stations = import_stations_file(engine, SnapshotCache(engine, lambda: now.astimezone(BEIJING).date()), paths.demo_stations)
    added = ingest_csv_file(engine, paths.demo_monitoring, MonitoringSettings()).inserted if paths.demo_monitoring.exists() else 0
    return stations["inserted"] + stations["updated"], added
