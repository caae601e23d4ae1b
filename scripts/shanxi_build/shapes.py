"""Approximate shapes drawn in a local metric CRS: circles, ellipses and bands along lines."""

from __future__ import annotations

import math

import shapely
from shapely import affinity

from ecozone.geo.metric import buffer_m, from_metric, metric_crs_for, to_metric

CIRCLE_QUAD_SEGS = 16  # 64 vertices per circle


def circle(centre: shapely.Point, radius_m: float) -> shapely.Polygon:
    """A circle of ``radius_m`` around a lon/lat point."""
    return buffer_m(centre, radius_m, quad_segs=CIRCLE_QUAD_SEGS)


def circle_of_area(centre: shapely.Point, area_km2: float) -> shapely.Polygon:
    """A circle whose area is ``area_km2``."""
    return circle(centre, math.sqrt(area_km2 * 1e6 / math.pi))


def ellipse_of_area(centre: shapely.Point, area_km2: float, aspect: float, azimuth_deg: float) -> shapely.Polygon:
    """An ellipse of ``area_km2`` whose long axis (``aspect`` × the short one) points at ``azimuth_deg``."""
    crs = metric_crs_for(centre)
    semi_minor = math.sqrt(area_km2 * 1e6 / (math.pi * aspect))
    unit = shapely.Point(0, 0).buffer(1.0, quad_segs=CIRCLE_QUAD_SEGS)
    shaped = affinity.scale(unit, xfact=semi_minor, yfact=semi_minor * aspect, origin=(0, 0))
    rotated = affinity.rotate(shaped, -azimuth_deg, origin=(0, 0))  # azimuth is clockwise from north
    origin = to_metric(centre, crs)
    return from_metric(affinity.translate(rotated, origin.x, origin.y), crs)


def band(line: shapely.Geometry, half_width_m: float, within: shapely.Geometry) -> shapely.Geometry:
    """The buffer of ``line`` by ``half_width_m`` clipped to ``within``."""
    return shapely.intersection(buffer_m(line, half_width_m), within)
