"""What changed between two releases: units added, removed, reshaped or reclassified, access
lists and rules changed. Geometry differences are measured geodesically (m²)."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
import shapely.geometry

from ecozone.zoning.model import ControlUnit
from ecozone.zoning.validation import geodesic_area_m2

# Below this many m² a boundary change is numerical noise (re-projection, rounding).
RESHAPE_TOLERANCE_M2 = 1.0


@dataclass
class UnitChange:
    """How one unit code differs between release A and release B."""

    code: str
    change: str  # added | removed | changed | reclassified
    name: str
    fields: dict[str, tuple] = field(default_factory=dict)  # field → (old, new)
    area_before_m2: float | None = None
    area_after_m2: float | None = None
    gained: shapely.Geometry | None = None  # area in B but not in A
    lost: shapely.Geometry | None = None  # area in A but not in B

    def to_dict(self, with_geometry: bool = False) -> dict:
        data = {
            "code": self.code,
            "change": self.change,
            "name": self.name,
            "fields": {k: {"before": v[0], "after": v[1]} for k, v in self.fields.items()},
            "area_before_m2": self.area_before_m2,
            "area_after_m2": self.area_after_m2,
        }
        if with_geometry:
            data["gained"] = _geojson(self.gained)
            data["lost"] = _geojson(self.lost)
        return data


def _geojson(geometry: shapely.Geometry | None) -> dict | None:
    return None if geometry is None or geometry.is_empty else shapely.geometry.mapping(geometry)


@dataclass
class ReleaseDiff:
    release_a: int
    release_b: int
    units: list[UnitChange]
    rules_added: list[str]
    rules_removed: list[str]
    rules_changed: list[str]

    def counts(self) -> dict[str, int]:
        kinds = [u.change for u in self.units]
        return {
            "added": kinds.count("added"),
            "removed": kinds.count("removed"),
            "changed": kinds.count("changed"),
            "reclassified": kinds.count("reclassified"),
            "reshaped": sum(1 for u in self.units if "geometry" in u.fields),
            "rules_added": len(self.rules_added),
            "rules_removed": len(self.rules_removed),
            "rules_changed": len(self.rules_changed),
        }

    def to_dict(self, with_geometry: bool = False) -> dict:
        return {
            "release_a": self.release_a,
            "release_b": self.release_b,
            "summary": self.counts(),
            "units": [u.to_dict(with_geometry) for u in self.units],
            "rules": {"added": self.rules_added, "removed": self.rules_removed, "changed": self.rules_changed},
        }

    def to_feature_collection(self) -> dict:
        """The changed areas as GeoJSON, for a map: one feature per gained/lost/added/removed part."""
        features = []
        for unit in self.units:
            for part, geometry in (("gained", unit.gained), ("lost", unit.lost)):
                if geometry is not None and not geometry.is_empty:
                    features.append(
                        {
                            "type": "Feature",
                            "geometry": _geojson(geometry),
                            "properties": {"code": unit.code, "name": unit.name, "change": unit.change, "part": part},
                        }
                    )
        return {"type": "FeatureCollection", "features": features}


def _field_changes(a: ControlUnit, b: ControlUnit) -> dict[str, tuple]:
    changes: dict[str, tuple] = {}
    if a.name != b.name:
        changes["name"] = (a.name, b.name)
    if a.unit_class != b.unit_class:
        changes["class"] = (int(a.unit_class), int(b.unit_class))
    if sorted(a.elements) != sorted(b.elements):
        changes["elements"] = (a.elements, b.elements)
    old_access, new_access = a.access_by_dimension(), b.access_by_dimension()
    for dimension, texts in new_access.items():
        if texts != old_access[dimension]:
            changes[f"access.{dimension}"] = (old_access[dimension], texts)
    return changes


def diff_units(release_a: int, units_a: list[ControlUnit], release_b: int, units_b: list[ControlUnit]) -> list[UnitChange]:
    """Unit-level changes from A to B, ordered by code."""
    by_code_a = {u.code: u for u in units_a}
    by_code_b = {u.code: u for u in units_b}
    changes: list[UnitChange] = []
    for code in sorted(by_code_a.keys() | by_code_b.keys()):
        a, b = by_code_a.get(code), by_code_b.get(code)
        if a is None:
            changes.append(UnitChange(code, "added", b.name, area_after_m2=geodesic_area_m2(b.geometry), gained=b.geometry))
            continue
        if b is None:
            changes.append(UnitChange(code, "removed", a.name, area_before_m2=geodesic_area_m2(a.geometry), lost=a.geometry))
            continue
        fields = _field_changes(a, b)
        gained = shapely.difference(b.geometry, a.geometry)
        lost = shapely.difference(a.geometry, b.geometry)
        if geodesic_area_m2(gained) > RESHAPE_TOLERANCE_M2 or geodesic_area_m2(lost) > RESHAPE_TOLERANCE_M2:
            fields["geometry"] = ("reshaped", "reshaped")
        else:
            gained = lost = None
        if fields:
            changes.append(
                UnitChange(
                    code,
                    "changed",
                    b.name,
                    fields,
                    area_before_m2=geodesic_area_m2(a.geometry),
                    area_after_m2=geodesic_area_m2(b.geometry),
                    gained=gained,
                    lost=lost,
                )
            )
    return _pair_reclassified(changes, by_code_a, by_code_b)


def _pair_reclassified(changes: list[UnitChange], units_a: dict, units_b: dict) -> list[UnitChange]:
    """A class change changes the code (its class digit): pair a removed and an added unit of the
    same county that mostly cover each other, and report them as one reclassified unit."""
    removed = [c for c in changes if c.change == "removed"]
    added = [c for c in changes if c.change == "added"]
    paired: set[str] = set()
    merged: list[UnitChange] = []
    for old in removed:
        a = units_a[old.code]
        for new in added:
            b = units_b[new.code]
            if new.code in paired or a.county_code != b.county_code or a.unit_class == b.unit_class:
                continue
            shared = geodesic_area_m2(shapely.intersection(a.geometry, b.geometry))
            if shared >= 0.5 * min(geodesic_area_m2(a.geometry), geodesic_area_m2(b.geometry)):
                fields = {"code": (a.code, b.code), **_field_changes(a, b)}
                gained, lost = shapely.difference(b.geometry, a.geometry), shapely.difference(a.geometry, b.geometry)
                if max(geodesic_area_m2(gained), geodesic_area_m2(lost)) > RESHAPE_TOLERANCE_M2:
                    fields["geometry"] = ("reshaped", "reshaped")
                merged.append(
                    UnitChange(b.code, "reclassified", b.name, fields, old.area_before_m2, new.area_after_m2, gained, lost)
                )
                paired.update({old.code, new.code})
                break
    kept = [c for c in changes if c.code not in paired]
    return sorted(kept + merged, key=lambda c: c.code)


def diff_rules(rules_a: list[dict], rules_b: list[dict]) -> tuple[list[str], list[str], list[str]]:
    """Rule ids added, removed and changed from A to B (``release_id`` ignored)."""
    strip = lambda r: {k: v for k, v in r.items() if k != "release_id"}
    by_id_a = {r["id"]: strip(r) for r in rules_a}
    by_id_b = {r["id"]: strip(r) for r in rules_b}
    added = sorted(by_id_b.keys() - by_id_a.keys())
    removed = sorted(by_id_a.keys() - by_id_b.keys())
    changed = sorted(k for k in by_id_a.keys() & by_id_b.keys() if by_id_a[k] != by_id_b[k])
    return added, removed, changed


def diff_releases(
    release_a: int,
    units_a: list[ControlUnit],
    rules_a: list[dict],
    release_b: int,
    units_b: list[ControlUnit],
    rules_b: list[dict],
) -> ReleaseDiff:
    """The full difference from release A to release B."""
    added, removed, changed = diff_rules(rules_a, rules_b)
    return ReleaseDiff(release_a, release_b, diff_units(release_a, units_a, release_b, units_b), added, removed, changed)
