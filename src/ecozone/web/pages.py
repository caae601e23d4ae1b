"""What each public page shows, gathered from the snapshot in force and the store."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine

from ecozone.errors import NotFound
from ecozone.geo.regions import Region, RegionLevel
from ecozone.zoning.repositories import releases as release_store
from ecozone.web.i18n import Translator
from ecozone.web.mapconfig import (
    CLASS_STYLES,
    DEFAULT_FEATURE_STYLE,
    FEATURE_STYLES,
    REGION_STYLES,
    MapSettings,
)
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.model import Release, ReleaseStatus, UnitClass

# Releases the public may see: the one in force and those it replaced (drafts stay internal).
PUBLIC_STATUSES = (ReleaseStatus.PUBLISHED, ReleaseStatus.SUPERSEDED)
# Shown when no region is loaded: the extent of Shanxi.
FALLBACK_BOUNDS = (110.2, 34.5, 114.6, 40.8)


@dataclass(frozen=True)
class CountyOption:
    code: str
    name: str
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class CityGroup:
    code: str
    name: str
    counties: list[CountyOption]


def region_name(region: Region, t: Translator) -> str:
    """The region's name in the page language (Chinese when no English name is known)."""
    return region.name_en if t.lang == "en" and region.name_en else region.name


def county_groups(regions: list[Region], t: Translator) -> list[CityGroup]:
    """Counties grouped under their city, both in code order, for the county chooser."""
    cities = sorted((r for r in regions if r.level == RegionLevel.CITY), key=lambda r: r.code)
    counties = sorted((r for r in regions if r.level == RegionLevel.COUNTY), key=lambda r: r.code)
    groups = []
    for city in cities:
        members = [
            CountyOption(c.code, region_name(c, t), tuple(round(v, 5) for v in c.geometry.bounds))
            for c in counties
            if c.parent_code == city.code
        ]
        if members:
            groups.append(CityGroup(city.code, region_name(city, t), members))
    return groups


def region_places(regions: list[Region], t: Translator) -> list[dict]:
    """A label point inside each city and county, with its name in the page language."""
    return [
        {"kind": r.level.value, "name": region_name(r, t), "lon": round(point.x, 5), "lat": round(point.y, 5)}
        for r in regions
        if r.level in (RegionLevel.CITY, RegionLevel.COUNTY) and r.geometry is not None
        for point in [r.geometry.point_on_surface()]
    ]


def territory_bounds(snapshot: ZoningSnapshot) -> tuple[float, float, float, float]:
    provinces = [r for r in snapshot.regions.regions if r.level == RegionLevel.PROVINCE]
    if provinces:
        return tuple(round(v, 5) for v in provinces[0].geometry.bounds)
    return snapshot.unit_index.bounds() or FALLBACK_BOUNDS


def class_legend(t: Translator) -> list[dict]:
    return [
        {"class": int(c), "label": t(f"class.{int(c)}"), **CLASS_STYLES[int(c)]}
        for c in UnitClass
    ]


def map_config(
    snapshot: ZoningSnapshot, t: Translator, map_settings: MapSettings, root: str, explicit_date: bool
) -> dict:
    """Everything map.js needs, as one JSON object embedded in the page."""
    return {
        "lang": t.lang,
        "asOf": snapshot.as_of.isoformat() if explicit_date else None,
        "bounds": territory_bounds(snapshot),
        "api": {
            "where": f"{root}/api/v1/where",
            "unit": f"{root}/api/v1/units/",
            "units": f"{root}/api/v1/units",
            "unitTiles": f"{root}/tiles/units/{{z}}/{{x}}/{{y}}.mvt",
            "regions": f"{root}/api/v1/regions",
            "features": f"{root}/api/v1/features",
            "unitItems": f"{root}/ogc/collections/units/items",
            "release": f"{root}/releases/",
        },
        "classStyles": CLASS_STYLES,
        "featureStyles": FEATURE_STYLES,
        # tojson sorts object keys, so the overlay order travels as a list.
        "featureOrder": list(FEATURE_STYLES),
        "defaultFeatureStyle": DEFAULT_FEATURE_STYLE,
        "regionStyles": REGION_STYLES,
        "basemap": map_settings.browser_config(),
        # The lookup API answers with Chinese names; the card shows them in the page language.
        "regionNames": {r.code: region_name(r, t) for r in snapshot.regions.regions},
        # Without a base map the page labels cities and counties itself (rivers and lakes from
        # the features layer); with one (天地图) its label tiles do.
        "places": [] if map_settings.browser_config() else region_places(snapshot.regions.regions, t),
        "messages": t.subset("js."),
    }


def map_context(
    snapshot: ZoningSnapshot, t: Translator, map_settings: MapSettings, root: str = "", explicit_date: bool = False
) -> dict:
    return {
        "groups": county_groups(snapshot.regions.regions, t),
        "releases": snapshot.releases,
        "demo": snapshot.demo,
        "as_of": snapshot.as_of,
        "explicit_date": explicit_date,
        "legend": class_legend(t),
        "config": map_config(snapshot, t, map_settings, root, explicit_date),
    }


@dataclass(frozen=True)
class ReleaseRow:
    release: Release
    jurisdiction: str
    units: int
    in_force: bool


def jurisdiction_name(snapshot: ZoningSnapshot, code: str, t: Translator) -> str:
    region = snapshot.regions.by_code.get(code)
    return region_name(region, t) if region else code


def releases_context(engine: Engine, snapshot: ZoningSnapshot, t: Translator) -> dict:
    """The public releases, newest first within each jurisdiction, with their unit counts."""
    with engine.connect() as conn:
        public = [r for r in release_store.list_releases(conn) if r.status in PUBLIC_STATUSES]
        counts = {r.id: release_store.count_units(conn, r.id) for r in public}
    public.sort(key=lambda r: (r.jurisdiction_code, -(r.effective_date.toordinal() if r.effective_date else 0)))
    rows = [
        ReleaseRow(r, jurisdiction_name(snapshot, r.jurisdiction_code, t), counts[r.id], r.id in snapshot.release_ids)
        for r in public
    ]
    return {"rows": rows, "demo": snapshot.demo}


def release_context(engine: Engine, snapshot: ZoningSnapshot, release_id: int, t: Translator) -> dict:
    """One public release: its notice, unit count and count per class; drafts are not found."""
    with engine.connect() as conn:
        release = release_store.get_release(conn, release_id)
        if release.status not in PUBLIC_STATUSES:
            raise NotFound(f"release {release_id} does not exist", field="release", value=release_id)
        in_force = release_id in snapshot.release_ids
        units = (
            [u for u in snapshot.units if u.release_id == release_id]
            if in_force
            else release_store.load_units(conn, [release_id])
        )
    by_class = Counter(int(u.unit_class) for u in units)
    return {
        "release": release,
        "jurisdiction": jurisdiction_name(snapshot, release.jurisdiction_code, t),
        "units": len(units),
        "by_class": [(c["label"], c["fillColor"], by_class.get(c["class"], 0)) for c in class_legend(t)],
        "in_force": in_force,
        "demo": release.demo,
    }
