"""The reference feature as the build handles it (docs/reference-features.md is the contract)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely

KINDS = ("river", "lake", "zone", "city_group", "planning_area", "nature_reserve", "water_source", "farmland", "dev_zone")


@dataclass
class RefFeature:
    key: str
    kind: str
    name: str
    name_en: str
    geometry: shapely.Geometry
    attributes: dict[str, Any]

    def properties(self) -> dict[str, Any]:
        """GeoJSON properties in the contract's order."""
        return {"key": self.key, "kind": self.kind, "name": self.name, "name_en": self.name_en, "attributes": self.attributes}


def approximation(method: str, source: str, **extra: Any) -> dict[str, Any]:
    """Attributes of a documented approximation."""
    return {"approximate": True, "method": " ".join(method.split()), "source": source, **extra}
