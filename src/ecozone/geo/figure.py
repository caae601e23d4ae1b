"""Static map figures as SVG, for reports: layers of lon/lat geometries drawn in a local metric
projection (so shapes and the scale bar are true), with a legend. SVG keeps the figure sharp in
HTML and in PDF, and needs no plotting stack on the hot path of a screening report."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from ecozone.geo.metric import metric_crs_for, to_metric


@dataclass
class Style:
    fill: str = "none"
    stroke: str = "#333333"
    stroke_width: float = 1.0
    fill_opacity: float = 0.6
    dash: str | None = None
    marker_radius: float = 5.0


@dataclass
class Layer:
    """Geometries drawn with one style and listed in the legend under ``label``."""

    label: str
    geometries: list[shapely.Geometry]
    style: Style = field(default_factory=Style)
    names: list[str] | None = None  # a map label per geometry (None: no labels)
    in_legend: bool = True


def _path_data(geometry: shapely.Geometry, to_px) -> str:
    """SVG path data of polygons and lines (rings closed), already in pixel coordinates."""
    parts = []
    for part in shapely.get_parts(geometry):
        if part.geom_type == "Polygon":
            rings = [part.exterior, *part.interiors]
            for ring in rings:
                parts.append(_ring_path(np.asarray(ring.coords), to_px, close=True))
        elif part.geom_type == "LineString":
            parts.append(_ring_path(np.asarray(part.coords), to_px, close=False))
    return " ".join(p for p in parts if p)


def _ring_path(coords: np.ndarray, to_px, close: bool) -> str:
    if len(coords) == 0:
        return ""
    px = to_px(coords[:, :2])
    body = " L".join(f"{x:.1f},{y:.1f}" for x, y in px)
    return f"M{body}{' Z' if close else ''}"


def _scale_bar_length(span_m: float) -> float:
    """A round length (1, 2 or 5 × 10ⁿ m) about a fifth of the map width."""
    target = span_m / 5
    magnitude = 10 ** math.floor(math.log10(target))
    return max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)


def _anchor(geometry: shapely.Geometry) -> shapely.Geometry:
    """Where a shape's label goes: inside a polygon, halfway along a line, on a point."""
    dimension = shapely.get_dimensions(geometry)
    if dimension == 2:
        return geometry.point_on_surface()
    if dimension == 1:
        longest = max(shapely.get_parts(shapely.line_merge(geometry) if geometry.geom_type == "MultiLineString" else geometry), key=lambda p: p.length)
        return shapely.line_interpolate_point(longest, 0.5, normalized=True)
    return shapely.get_parts(geometry)[0]


def _without_overlaps(labels: list[tuple[float, float, str]], width: float, size: int = 11) -> list[tuple[float, float, str]]:
    """Labels in priority order (the top layer's first), kept inside the figure's width and
    dropping any that would overprint an earlier one; a label that collides is nudged below its
    anchor once before it is dropped."""
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for x, y, text in labels:
        half = len(text) * size * 0.5 + 2  # CJK glyphs are about one em wide
        x = min(max(x, half + 2), width - half - 2)
        for dy in (0.0, size + 3.0):
            box = (x - half, y + dy - size, x + half, y + dy + 3)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                placed.append(box)
                kept.append((x, y + dy, text))
                break
    return kept


def _label(x: float, y: float, text: str, size: int = 11) -> str:
    """A map label with a white halo, so it reads over any fill."""
    escaped = html.escape(text)
    common = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="middle"'
    return (f'<text {common} fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round">{escaped}</text>'
            f'<text {common} fill="#222">{escaped}</text>')


def map_svg(
    layers: list[Layer],
    width: int = 640,
    height: int = 420,
    title: str = "",
    margin: int = 12,
    extent: shapely.Geometry | None = None,
) -> str:
    """Draw ``layers`` (first at the bottom) fitted to ``extent`` (lon/lat; default: all of them).

    Shapes reaching beyond the extent are cut at the frame, which is drawn, so a cut shape reads
    as continuing off the map. Layers with ``names`` are labelled; the legend lists every layer
    that is ``in_legend``.
    """
    everything = [g for layer in layers for g in layer.geometries if g is not None and not g.is_empty]
    if not everything:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>'
    crs = metric_crs_for(np.asarray(everything if extent is None else [extent], dtype=object))
    projected = [[to_metric(g, crs) if g is not None and not g.is_empty else None for g in layer.geometries] for layer in layers]
    if extent is not None:
        minx, miny, maxx, maxy = to_metric(extent, crs).bounds
    else:
        minx, miny, maxx, maxy = shapely.total_bounds(np.asarray([g for gs in projected for g in gs if g is not None], dtype=object))
    frame = shapely.box(minx, miny, maxx, maxy)
    span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    legend = [layer for layer in layers if layer.in_legend]
    legend_h = 18 * len(legend) + 8
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin - legend_h) / span_y)

    left = margin + (width - 2 * margin - span_x * scale) / 2  # the map centred across the figure

    def to_px(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([left + (xy[:, 0] - minx) * scale, margin + (maxy - xy[:, 1]) * scale])

    body = []
    labels = []
    for layer, geoms in zip(layers, projected, strict=True):
        s = layer.style
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        for i, g in enumerate(geoms):
            if g is None:
                continue
            if extent is not None:
                g = shapely.intersection(g, frame)
                if g.is_empty:
                    continue
            if layer.names and i < len(layer.names) and layer.names[i]:
                (lx, ly), = to_px(shapely.get_coordinates(_anchor(g))[:1])
                labels.append((lx, ly - (s.marker_radius + 4 if shapely.get_dimensions(g) == 0 else 0), layer.names[i]))
            if shapely.get_dimensions(g) == 0:
                for x, y in to_px(shapely.get_coordinates(g)):
                    body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s.marker_radius}" fill="{s.fill}" stroke="{s.stroke}" stroke-width="{s.stroke_width}"/>')
                continue
            fill = s.fill if shapely.get_dimensions(g) == 2 else "none"
            body.append(
                f'<path d="{_path_data(g, to_px)}" fill="{fill}" fill-opacity="{s.fill_opacity}" fill-rule="evenodd" '
                f'stroke="{s.stroke}" stroke-width="{s.stroke_width}"{dash}/>'
            )
    body.extend(_label(x, y, text) for x, y, text in _without_overlaps(labels[::-1], width))
    if extent is not None:
        (fx0, fy0), (fx1, fy1) = to_px(np.asarray([[minx, maxy], [maxx, miny]]))
        body.append(f'<rect x="{fx0:.1f}" y="{fy0:.1f}" width="{fx1 - fx0:.1f}" height="{fy1 - fy0:.1f}" fill="none" stroke="#666" stroke-width="1"/>')
    legend_y = height - legend_h + 4
    for i, layer in enumerate(legend):
        y = legend_y + 18 * i
        s = layer.style
        if all(shapely.get_dimensions(g) == 1 for g in layer.geometries if g is not None and not g.is_empty):
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            swatch = f'<path d="M{margin},{y + 5} h14" stroke="{s.stroke}" stroke-width="{max(s.stroke_width, 1)}"{dash}/>'
        else:
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            swatch = (f'<rect x="{margin}" y="{y}" width="14" height="10" fill="{s.fill if s.fill != "none" else "white"}" '
                      f'fill-opacity="{max(s.fill_opacity, 0.3) if s.fill != "none" else 1}" stroke="{s.stroke}" stroke-width="{max(s.stroke_width, 1)}"{dash}/>')
        body.append(swatch)
        body.append(f'<text x="{margin + 20}" y="{y + 9}" font-size="11">{html.escape(layer.label)}</text>')
    bar_m = _scale_bar_length(span_x)
    bar_px = bar_m * scale
    x0, y0 = width - margin - bar_px, height - margin
    label = f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m"
    body.append(f'<path d="M{x0:.1f},{y0} h{bar_px:.1f}" stroke="#000" stroke-width="2"/>')
    body.append(f'<text x="{x0 + bar_px / 2:.1f}" y="{y0 - 4}" font-size="11" text-anchor="middle">{label}</text>')
    body.append(f'<text x="{width - margin}" y="{margin + 10}" font-size="12" text-anchor="end">N ↑</text>')
    heading = f"<title>{html.escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="Noto Sans CJK SC, Noto Sans SC, sans-serif" role="img">{heading}{"".join(body)}</svg>'
    )
