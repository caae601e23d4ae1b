"""Validation of control units before anything is stored.

Errors refuse the whole import (nothing is stored); warnings are kept with the release.
Areas are geodesic (pyproj.Geod on the CGCS2000 ellipsoid), never square degrees.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import shapely
from pyproj import Geod

from ecozone.errors import BadInput
from ecozone.geo.index import GeometryIndex
from ecozone.geo.regions import Region
from ecozone.zoning.model import ControlUnit, UnitCode

GEOD = Geod(ellps="GRS80")  # CGCS2000 uses the GRS80 ellipsoid parameters


def geodesic_area_m2(geometry: shapely.Geometry) -> float:
    """Area in m² on the ellipsoid (0 for lines and points)."""
    area, _perimeter = GEOD.geometry_area_perimeter(geometry)
    return abs(area)


@dataclass
class Finding:
    severity: str  # "error" | "warning"
    check: str
    message: str
    unit: str | None = None

    def to_dict(self) -> dict:
        return {"severity": self.severity, "check": self.check, "unit": self.unit, "message": self.message}


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def add(self, severity: str, check: str, message: str, unit: str | None = None) -> None:
        self.findings.append(Finding(severity, check, message, unit))

    def to_dict(self) -> dict:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }

    def raise_if_errors(self) -> None:
        """Refuse the import with every error in the message."""
        if self.errors:
            lines = "; ".join(f"{f.unit or '-'}: {f.message}" for f in self.errors[:20])
            more = f" (+{len(self.errors) - 20} more)" if len(self.errors) > 20 else ""
            raise BadInput(
                f"validation found {len(self.errors)} error(s), nothing was stored: {lines}{more}",
                field="units",
                report=self.to_dict(),
            )


@dataclass
class ValidationSettings:
    """Tolerances, in m² of overlap/gap and share of a unit outside its county."""

    overlap_tolerance_m2: float = 100.0
    gap_tolerance_m2: float = 10_000.0
    outside_tolerance_share: float = 0.01


def _check_geometry(unit: ControlUnit, report: ValidationReport) -> None:
    geometry = unit.geometry
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        report.add("error", "geometry_type", f"geometry is a {geometry.geom_type}, a unit must be an area", unit.code)
        return
    if not shapely.is_valid(geometry):
        reason = shapely.is_valid_reason(geometry)
        repaired = shapely.make_valid(geometry)
        polygons = shapely.get_parts(repaired)
        polygons = [p for p in polygons if p.geom_type in {"Polygon", "MultiPolygon"}]
        if not polygons:
            report.add("error", "invalid_geometry", f"invalid geometry ({reason}) cannot be repaired", unit.code)
            return
        unit.geometry = shapely.union_all(polygons)
        report.add("warning", "invalid_geometry", f"invalid geometry ({reason}) was repaired", unit.code)


def _check_code(unit: ControlUnit, regions: dict[str, Region], report: ValidationReport) -> None:
    try:
        parsed = UnitCode.parse(unit.code)
    except BadInput as exc:
        report.add("error", "code_format", exc.message, unit.code)
        return
    if parsed.unit_class != unit.unit_class:
        report.add(
            "error",
            "code_class_mismatch",
            f"class digit {int(parsed.unit_class)} of the code does not match class {int(unit.unit_class)}",
            unit.code,
        )
    if parsed.admin_code != unit.county_code:
        report.add(
            "error",
            "code_county_mismatch",
            f"admin code {parsed.admin_code} of the code does not match county {unit.county_code}",
            unit.code,
        )
    if regions and unit.county_code not in regions:
        report.add("error", "unknown_county", f"county code {unit.county_code} is not a known region", unit.code)


def _check_duplicates(units: list[ControlUnit], report: ValidationReport) -> None:
    for code, count in Counter(u.code for u in units).items():
        if count > 1:
            report.add("error", "duplicate_code", f"code appears {count} times", code)


def _check_overlaps(units: list[ControlUnit], settings: ValidationSettings, report: ValidationReport) -> None:
    index = GeometryIndex([u.geometry for u in units])
    for i, unit in enumerate(units):
        for j in index.query_geometry(unit.geometry):
            if j <= i:
                continue
            overlap = geodesic_area_m2(shapely.intersection(unit.geometry, units[j].geometry))
            if overlap > settings.overlap_tolerance_m2:
                report.add(
                    "error",
                    "overlap",
                    f"overlaps {units[j].code} by {overlap:,.0f} m² (tolerance {settings.overlap_tolerance_m2:,.0f} m²)",
                    unit.code,
                )


def _check_inside_and_gaps(
    units: list[ControlUnit], regions: dict[str, Region], settings: ValidationSettings, report: ValidationReport
) -> None:
    by_county: dict[str, list[ControlUnit]] = {}
    for unit in units:
        by_county.setdefault(unit.county_code, []).append(unit)
    for county_code, members in sorted(by_county.items()):
        county = regions.get(county_code)
        if county is None:
            continue
        for unit in members:
            outside = geodesic_area_m2(shapely.difference(unit.geometry, county.geometry))
            total = geodesic_area_m2(unit.geometry) or 1.0
            if outside / total > settings.outside_tolerance_share:
                report.add(
                    "error",
                    "outside_jurisdiction",
                    f"{outside / total:.1%} of the unit lies outside {county.name} ({county_code})",
                    unit.code,
                )
        gap = geodesic_area_m2(shapely.difference(county.geometry, shapely.union_all([u.geometry for u in members])))
        if gap > settings.gap_tolerance_m2:
            report.add(
                "warning",
                "gap",
                f"{gap / 1e6:,.3f} km² of {county.name} ({county_code}) is covered by no unit",
                None,
            )


def validate_units(
    units: list[ControlUnit],
    regions: dict[str, Region],
    settings: ValidationSettings | None = None,
) -> ValidationReport:
    """Check units (repairing what can be repaired, in place) and fill in their areas."""
    settings = settings or ValidationSettings()
    report = ValidationReport()
    for unit in units:
        _check_geometry(unit, report)
        _check_code(unit, regions, report)
    _check_duplicates(units, report)
    if report.errors:
        return report
    _check_overlaps(units, settings, report)
    _check_inside_and_gaps(units, regions, settings, report)
    for unit in units:
        unit.area_m2 = round(geodesic_area_m2(unit.geometry), 1)
    return report
