"""The siting method as it was before issue 17 (the peer of ``siting_province_s``), kept verbatim
but for the result type: the region is cut by every unit in force, then by each band in turn
(the band built by buffering the union of the features near the region), and every piece of at
least 1 m² is screened alone at an interior point. Only ``benchmarks/siting.py`` uses it.
"""

from __future__ import annotations

import numpy as np
import shapely

from ecozone.errors import BadInput
from ecozone.geo.metric import from_metric, metric_crs_for, to_metric
from ecozone.geo.regions import Region
from ecozone.screening.engine import Screener
from ecozone.screening.project_input import ProjectInput
from ecozone.screening.siting import VERDICTS, SitingArea, SitingResult
from ecozone.screening.siting_pieces import SLIVER_M2
from ecozone.zoning.findings import combine_verdict
from ecozone.zoning.project import make_project
from ecozone.zoning.rules import Rule, region_prefix


def _band_geometries(screener: Screener, region: shapely.Geometry) -> list[shapely.Geometry]:
    catalog = screener.catalog
    crs = metric_crs_for(region)
    bands = []
    seen: set[tuple[tuple[int, ...], float]] = set()
    for rule in screener.rulebook.rules:
        for place in rule.where:
            if place.features is None:
                continue
            indices = catalog.select(place.features).indices
            distance = screener.evaluator.distance_of(place)
            key = (tuple(indices), distance)
            if not indices or key in seen:
                continue
            seen.add(key)
            geoms = [catalog.feature(i).geometry for i in indices]
            nearby = [g for g in geoms if g.intersects(shapely.buffer(region, 0.1))]
            if not nearby:
                continue
            if distance > 0:
                band = from_metric(shapely.buffer(to_metric(shapely.union_all(nearby), crs), distance, quad_segs=4), crs)
            else:
                band = shapely.union_all([g for g in nearby if shapely.get_dimensions(g) == 2] or [shapely.Polygon()])
            band = shapely.intersection(band, region)
            if not band.is_empty and shapely.get_dimensions(band) == 2:
                bands.append(band)
    return bands


def _split(pieces: list[shapely.Geometry], band: shapely.Geometry) -> list[shapely.Geometry]:
    out = []
    for piece in pieces:
        if not piece.intersects(band):
            out.append(piece)
            continue
        out.extend(p for p in (shapely.intersection(piece, band), shapely.difference(piece, band)) if not p.is_empty)
    return out


def _polygonal(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    return [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and not p.is_empty]


def legacy_site(screener: Screener, region: Region, industry: str, nature: str = "new", attributes: dict | None = None) -> SitingResult:
    template = make_project(region.geometry.representative_point(), industry=industry, nature=nature, attributes=attributes)
    pieces = []
    for unit in screener.snapshot.units_intersecting(region.geometry):
        pieces.extend(_polygonal(shapely.intersection(unit.geometry, region.geometry)))
    if not pieces:
        raise BadInput(f"no control unit in force in {region.name} ({region.code})", field="region", value=region.code)
    for band in _band_geometries(screener, region.geometry):
        pieces = _split(pieces, band)
    crs = metric_crs_for(region.geometry)
    polygons = [p for piece in pieces for p in _polygonal(piece)]
    areas = shapely.area(to_metric(np.asarray(polygons, dtype=object), crs))
    by_reason: dict[tuple[str, tuple[str, ...]], list[shapely.Geometry]] = {}
    everywhere: dict[str, dict] = {}
    for polygon, area in zip(polygons, areas, strict=True):
        if area < SLIVER_M2:
            continue
        point = shapely.point_on_surface(polygon)
        project = ProjectInput(
            project=make_project(point, industry=template.industry, nature=nature, attributes=attributes),
            feature={},
            source_crs="EPSG:4490",
        )
        findings = screener.screen(project, questions=False).evaluation.findings
        placed = [f for f in findings if not _place_independent(f.rule, f.rule_file.jurisdiction, region.code)]
        everywhere.update({f.rule.id: f.to_dict() for f in findings if f not in placed})
        verdict = combine_verdict(placed)
        deciding = tuple(sorted(f.rule.id for f in placed if f.worst_open is verdict))
        by_reason.setdefault((verdict.value, deciding), []).append(polygon)
    merged = []
    for (verdict, rules), geometries in sorted(by_reason.items(), key=lambda item: (VERDICTS.index(item[0][0]), item[0][1])):
        geometry = shapely.union_all(geometries)
        merged.append(SitingArea(verdict, geometry, float(shapely.area(to_metric(geometry, crs))), list(rules)))
    return SitingResult(region=region, areas=merged, screener=screener, everywhere=list(everywhere.values()))


def _place_independent(rule: Rule, jurisdiction: str, region_code: str) -> bool:
    return all(place.anywhere for place in rule.where) and region_code.startswith(region_prefix(jurisdiction))
