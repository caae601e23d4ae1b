"""Point lookup: which region and which control units a place is in, with their access lists."""

from __future__ import annotations

from dataclasses import dataclass

from ecozone.errors import BadInput
from ecozone.geo.crs import check_lonlat
from ecozone.geo.regions import Region, RegionLevel
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.model import ControlUnit

DEMO_NOTICE_ZH = "示例数据：本结果基于演示用管控单元，并非正式发布的生态环境分区管控成果。"
DEMO_NOTICE_EN = "Demonstration data: this answer uses demonstration control units, not the officially published zoning."


@dataclass
class WhereAnswer:
    """The answer to "what is here": regions by level, units in force, and their releases."""

    lon: float
    lat: float
    regions: dict[RegionLevel, Region]
    units: list[ControlUnit]
    snapshot: ZoningSnapshot

    def to_dict(self) -> dict:
        """The JSON shape of DESIGN.md: ``region``, ``units``, ``release``."""
        release_ids = sorted({u.release_id for u in self.units if u.release_id is not None})
        releases = [self.snapshot.release(i).summary() for i in release_ids if self.snapshot.release(i)]
        demo = any(r["demo"] for r in releases)
        return {
            "lon": self.lon,
            "lat": self.lat,
            "as_of": self.snapshot.as_of.isoformat(),
            "region": {level.value: region.summary() for level, region in self.regions.items()},
            "units": [unit_summary(u) for u in self.units],
            "release": releases,
            "demo": demo,
            "notice": DEMO_NOTICE_ZH if demo else None,
        }


def unit_summary(unit: ControlUnit) -> dict:
    """A unit as API/CLI JSON (no geometry): code, name, class and its access list."""
    return {
        "code": unit.code,
        "name": unit.name,
        "class": int(unit.unit_class),
        "class_name": unit.unit_class.name_zh,
        "class_name_en": unit.unit_class.name_en,
        "elements": unit.elements,
        "county_code": unit.county_code,
        "city_code": unit.city_code,
        "area_m2": unit.area_m2,
        "release_id": unit.release_id,
        "access": unit.access_by_dimension(),
    }


def where(snapshot: ZoningSnapshot, lon: float, lat: float) -> WhereAnswer:
    """Look up a lon/lat (EPSG:4490); ``BadInput`` names the coordinate when it is outside the territory."""
    check_lonlat(lon, lat)
    found = snapshot.regions.at_point(lon, lat)
    if RegionLevel.PROVINCE not in found:
        raise BadInput(
            f"point ({lon}, {lat}) lies outside the territory served "
            f"({', '.join(r.name for r in snapshot.regions.regions if r.level == RegionLevel.PROVINCE) or 'no regions loaded'})",
            key="territory.point_outside",
            field="lon,lat",
            value=[lon, lat],
        )
    return WhereAnswer(lon=lon, lat=lat, regions=found, units=snapshot.units_at(lon, lat), snapshot=snapshot)
