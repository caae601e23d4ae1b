"""Plain records of monitoring: stations, grid cells, responsible persons."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import shapely


class StationKind(StrEnum):
    """Station kinds of the issue: air (national/provincial/micro), water sections, online sources."""

    AIR_NATIONAL = "air_national"
    AIR_PROVINCIAL = "air_provincial"
    AIR_MICRO = "air_micro"
    WATER_RIVER = "water_river"
    WATER_LAKE = "water_lake"
    SOURCE_ONLINE = "source_online"


@dataclass
class Station:
    """A monitoring station or section with where it lies (county, unit in force, grid cell)."""

    code: str
    name: str
    kind: StationKind
    geometry: shapely.Point
    attributes: dict = field(default_factory=dict)
    region_code: str | None = None
    unit_code: str | None = None
    grid_cell_id: int | None = None
    id: int | None = None

    def summary(self) -> dict:
        return {
            "id": self.id, "code": self.code, "name": self.name, "kind": self.kind.value,
            "lon": self.geometry.x, "lat": self.geometry.y, "region_code": self.region_code,
            "unit_code": self.unit_code, "grid_cell_id": self.grid_cell_id, "attributes": self.attributes,
        }


@dataclass
class GridCell:
    """A supervision grid cell (大网格 large / 小网格 small), geometry in EPSG:4490."""

    code: str
    level: str
    geometry: shapely.Geometry
    area_m2: float
    parent_code: str | None = None
    responsible_id: int | None = None
    id: int | None = None
    grid_id: int | None = None


@dataclass
class Person:
    """A responsible person (网格员 / 责任人) who receives alerts and complaints."""

    name: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    region_code: str | None = None
    id: int | None = None
