"""Administrative regions (GB/T 2260) and reference features as plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import shapely


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


@dataclass
class Region:
    """An administrative division with its GB/T 2260 code; geometry in EPSG:4490."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    geometry: shapely.Geometry
    name_en: str = ""

    def summary(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level.value}


@dataclass
class ReferenceFeature:
    """A river, lake or named zone that rules refer to by ``key`` (docs/reference-features.md)."""

    key: str
    kind: str
    name: str
    geometry: shapely.Geometry
    name_en: str = ""
    attributes: dict = field(default_factory=dict)
