"""Siting (选址选线): where in a county, a city or the province a project of given industry,
nature and attributes would be compliant, restricted, prohibited or need review; and route
comparison.

The region is cut into pieces inside which every rule decides the same way: the units in force
within each county (each rule on unit classes or codes holds on a whole unit; a county's rules
only inside it), further split by the distance bands and zones of the rules that apply to
features (``siting_pieces``). Each piece is judged at an interior point, as screening that point
would judge it; pieces whose points every rule answers alike share one screening
(``siting_places``). Pieces are merged by verdict and by the rules that decide it, so each area
says why.

Rules that hold everywhere in the region whatever the place (``anywhere`` rules of a jurisdiction
covering the whole region: bans or obligations on the industry or attributes alone) are listed
once beside the map (``everywhere``) rather than painted over all of it; the map shows what
the place adds. Metric work (bands, areas) in a projected CRS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.geometry
from pyproj import CRS

from ecozone.errors import BadInput
from ecozone.geo.metric import metric_crs_for, to_metric
from ecozone.geo.regions import Region
from ecozone.screening.engine import Screener
from ecozone.screening.overlay import Overlay, overlay
from ecozone.screening.project_input import ProjectInput
from ecozone.screening.siting_pieces import SLIVER_M2, Bands, band_keys, counties_of, split, unit_pieces
from ecozone.screening.siting_places import place_keys
from ecozone.zoning.findings import VERDICT_NAMES_ZH, VERDICT_ORDER, combine_verdict, most_severe, verdict_of_findings
from ecozone.zoning.model import UnitClass
from ecozone.zoning.project import make_project
from ecozone.zoning.rules import Rule, region_prefix

VERDICTS = tuple(v.value for v in VERDICT_ORDER)


# A siting map as (verdict, deciding rules) → where.
Painted = dict[tuple[str, tuple[str, ...]], shapely.Geometry]


@dataclass
class SitingArea:
    """Where the place gives one verdict; ``rules`` are the rules that make it so."""

    verdict: str
    geometry: shapely.Geometry
    area_m2: float
    rules: list[str]


@dataclass
class SitingResult:
    region: Region
    areas: list[SitingArea]
    screener: Screener
    everywhere: list[dict] = field(default_factory=list)

    @property
    def everywhere_verdict(self) -> str:
        """The verdict the place-independent rules alone give anywhere in the region."""
        return verdict_of_findings(self.everywhere).value

    def painted_in(self, region_code: str) -> Painted:
        """The areas as the map of a larger region paints them, by (verdict, deciding rules): the
        findings that hold all over this region but are bound to a jurisdiction that does not
        cover ``region_code`` (listed beside this region's own map) join every area."""
        local = [f for f in self.everywhere if not region_code.startswith(region_prefix(f["jurisdiction"]))]
        out: dict[tuple[str, tuple[str, ...]], list[shapely.Geometry]] = defaultdict(list)
        for area in self.areas:
            verdict = most_severe([area.verdict, *(f["verdict"] for f in local)]).value
            rules = (area.rules if area.verdict == verdict else []) + [f["rule_id"] for f in local if f["verdict"] == verdict]
            out[(verdict, tuple(sorted(rules)))].append(area.geometry)
        return {key: shapely.union_all(parts) for key, parts in out.items()}

    def summary(self) -> dict[str, float]:
        totals = dict.fromkeys(VERDICTS, 0.0)
        for area in self.areas:
            totals[area.verdict] += area.area_m2
        return {k: round(v, 1) for k, v in totals.items()}

    def to_feature_collection(self) -> dict:
        snapshot = self.screener.snapshot
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": shapely.geometry.mapping(shapely.set_precision(a.geometry, 1e-6)),
                    "properties": {
                        "verdict": a.verdict,
                        "verdict_name": VERDICT_NAMES_ZH[a.verdict],
                        "area_m2": round(a.area_m2, 1),
                        "rules": a.rules,
                    },
                }
                for a in self.areas
            ],
            "summary": self.summary(),
            "everywhere": {
                "verdict": self.everywhere_verdict,
                "verdict_name": VERDICT_NAMES_ZH[self.everywhere_verdict],
                "findings": self.everywhere,
            },
            "region": self.region.summary(),
            "release": [r.summary() for r in snapshot.releases],
            "as_of": snapshot.as_of.isoformat(),
            "demo": snapshot.demo,
        }


def _pieces(screener: Screener, region: Region, crs: CRS) -> np.ndarray:
    """The region cut by counties, units in force, every band and the edges of its doubt (lon/lat polygons)."""
    pieces = np.asarray(unit_pieces(screener.snapshot, counties_of(screener.snapshot, region)), dtype=object)
    if len(pieces) == 0:
        raise BadInput(f"no control unit in force in {region.name} ({region.code})", field="region", value=region.code)
    bands = Bands(screener, region.geometry, crs)
    for key in band_keys(screener):
        band = bands.geometry(key)
        for edge in ([band] if band is not None else []) + bands.doubt_edges(key):
            pieces = split(pieces, edge)
    return pieces


def site(screener: Screener, region: Region, industry: str, nature: str = "new", attributes: dict | None = None) -> SitingResult:
    """Split ``region`` by the verdict a project of this kind would get at each place.

    Each piece is judged at one interior point, as screening that point would judge it; pieces
    whose points the rules cannot tell apart share one screening (``siting_places``).
    """
    template = make_project(region.geometry.representative_point(), industry=industry, nature=nature, attributes=attributes)
    crs = metric_crs_for(region.geometry)
    polygons = _pieces(screener, region, crs)
    polygons = polygons[shapely.area(to_metric(polygons, crs)) >= SLIVER_M2]
    points = shapely.point_on_surface(polygons)
    by_reason: dict[tuple[str, tuple[str, ...]], list[shapely.Geometry]] = {}
    everywhere: dict[str, dict] = {}
    keys, located = place_keys(screener, template, points)
    first: dict[tuple, int] = {}  # each group's first piece, in the order the groups are met
    for k, key in enumerate(keys):
        first.setdefault(key, k)
    judged = _judge(screener, region, [points[k] for k in first.values()], [located[k] for k in first.values()],
                    template.industry, nature, attributes, everywhere)
    decided = dict(zip(first, judged, strict=True))
    for polygon, key in zip(polygons, keys, strict=True):
        by_reason.setdefault(decided[key], []).append(polygon)
    merged = []
    for (verdict, rules), geometries in sorted(by_reason.items(), key=lambda item: (VERDICTS.index(item[0][0]), item[0][1])):
        geometry = shapely.union_all(geometries)
        merged.append(SitingArea(verdict, geometry, float(shapely.area(to_metric(geometry, crs))), list(rules)))
    return SitingResult(region=region, areas=merged, screener=screener, everywhere=list(everywhere.values()))


def _judge(
    screener: Screener, region: Region, points: list[shapely.Geometry], located: list[Overlay | None], industry: str | None,
    nature: str, attributes: dict | None, everywhere: dict[str, dict],
) -> list[tuple[str, tuple[str, ...]]]:
    """The verdict at each point (placed by its overlay when given) from the rules that depend
    on the place, and those rules, screened together; the findings of rules that hold all over
    the region go to ``everywhere``."""
    projects = [
        ProjectInput(project=make_project(point, industry=industry, nature=nature, attributes=attributes), feature={}, source_crs="EPSG:4490")
        for point in points
    ]
    overlays = [place if place is not None else overlay(screener.snapshot, point) for point, place in zip(points, located, strict=True)]
    judged = []
    for answer in screener.screen_many(projects, overlays):
        findings = screener.finish(answer).evaluation.findings
        placed = [f for f in findings if not _place_independent(f.rule, f.rule_file.jurisdiction, region.code)]
        everywhere.update({f.rule.id: f.to_dict() for f in findings if f not in placed})
        verdict = combine_verdict(placed)
        judged.append((verdict.value, tuple(sorted(f.rule.id for f in placed if f.worst_open is verdict))))
    return judged


def disagreement_m2(a: Painted, b: Painted, crs: CRS) -> float:
    """How far two maps of the same place disagree: over every (verdict, deciding rules), the
    area (m², measured in ``crs``) of the symmetric difference of the two."""
    empty = shapely.Polygon()
    return sum(float(shapely.area(to_metric(shapely.symmetric_difference(a.get(k, empty), b.get(k, empty)), crs))) for k in set(a) | set(b))


def _place_independent(rule: Rule, jurisdiction: str, region_code: str) -> bool:
    """Whether a rule holds the same anywhere in the region: no place but ``anywhere``, in a
    jurisdiction that covers the whole region."""
    return all(place.anywhere for place in rule.where) and region_code.startswith(region_prefix(jurisdiction))


def compare_routes(screener: Screener, routes: list[ProjectInput]) -> list[dict]:
    """For alternative line routes: length in each unit class and the findings of each."""
    rows = []
    for route in routes:
        if shapely.get_dimensions(route.project.geometry) != 1:
            raise BadInput(
                f"route {route.project.name or '?'} is not a line", field="geometry", value=route.project.geometry.geom_type
            )
        result = screener.screen(route)
        by_class = {c.name_zh: 0.0 for c in UnitClass}
        for overlap in result.overlay.units:
            by_class[overlap.unit.unit_class.name_zh] += overlap.amount
        rows.append(
            {
                "name": route.project.name,
                "length_m": round(result.overlay.project_amount, 1),
                "length_by_class_m": {k: round(v, 1) for k, v in by_class.items()},
                "verdict": result.verdict,
                "findings": [f.rule.id for f in result.evaluation.findings],
                "result_id": result.result_id,
            }
        )
    return rows
