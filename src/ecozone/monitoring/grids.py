"""Supervision grids (网格化监管): generate a county's large and small cells, or import them.

Generation (equal-area strips, in a metric CRS centred on the county): the county is cut by
vertical lines into ``columns`` strips of equal area, and each strip by horizontal lines into
``rows`` pieces of equal area (cut positions found by bisection). Every large cell is split the
same way into ``small_rows`` × ``small_columns`` small cells. The cells tile the county exactly
and the counts are exact: 交城 (002_5a5c62ce385f65a3.txt 第十二章 第四节: "做好全县20个重点环境监管
热点大网格、720个热点小网格的环境监管工作") is 4 × 5 = 20 large and 20 × 6 × 6 = 720 small cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import shapely
from sqlalchemy import Engine

from ecozone.errors import BadInput, NotFound
from ecozone.geo.io import read_geojson_features
from ecozone.geo.metric import from_metric, metric_crs_for, to_metric
from ecozone.geo.regions import RegionLevel
from ecozone.monitoring.model import GridCell
from ecozone.monitoring.repositories import grids as grid_store
from ecozone.zoning.repositories import regions as region_store

BISECTION_TOLERANCE_M = 0.5


@dataclass(frozen=True)
class GridShape:
    """Cells per county: ``rows × columns`` large, each split ``small_rows × small_columns``."""

    rows: int = 4
    columns: int = 5
    small_rows: int = 6
    small_columns: int = 6

    def __post_init__(self) -> None:
        for name in ("rows", "columns", "small_rows", "small_columns"):
            if not 1 <= getattr(self, name) <= 100:
                raise BadInput(f"{name} {getattr(self, name)} must be between 1 and 100", field=name, value=getattr(self, name))

    def label(self) -> str:
        return f"generated:{self.rows}x{self.columns}/{self.small_rows}x{self.small_columns}"


def _cut(geom: shapely.Geometry, lo: float, hi: float, share: float, axis: int) -> float:
    """Coordinate along ``axis`` (0 x, 1 y) below which ``share`` of the area lies."""
    minx, miny, maxx, maxy = geom.bounds
    # The search range may start outside this piece's own bounds; pad so the rectangle never inverts.
    minx, miny = min(minx, lo) - 1, min(miny, lo) - 1
    maxx, maxy = max(maxx, hi) + 1, max(maxy, hi) + 1
    target = geom.area * share
    while hi - lo > BISECTION_TOLERANCE_M:
        mid = (lo + hi) / 2
        part = shapely.clip_by_rect(geom, minx, miny, mid, maxy) if axis == 0 else shapely.clip_by_rect(geom, minx, miny, maxx, mid)
        lo, hi = (mid, hi) if part.area < target else (lo, mid)
    return (lo + hi) / 2


def _polygonal(geom: shapely.Geometry, box: shapely.Geometry) -> shapely.Geometry:
    # Cutting can leave slivers of lines or points on the cut; a cell keeps its polygons only.
    part = shapely.intersection(geom, box)
    polygons = [g for g in shapely.get_parts(part) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if len(polygons) != 1 else polygons[0]


def split_equal_area(geom: shapely.Geometry, rows: int, columns: int) -> list[shapely.Geometry]:
    """``rows × columns`` pieces of equal area covering ``geom`` (metric), west→east, south→north."""
    minx, miny, maxx, maxy = geom.bounds
    xs = [minx] + [_cut(geom, minx, maxx, k / columns, 0) for k in range(1, columns)] + [maxx]
    pieces = []
    for x0, x1 in zip(xs, xs[1:]):
        strip = _polygonal(geom, shapely.box(x0, miny - 1, x1, maxy + 1))
        ys = [miny] + [_cut(strip, miny, maxy, k / rows, 1) for k in range(1, rows)] + [maxy]
        pieces.extend(_polygonal(strip, shapely.box(x0 - 1, y0, x1 + 1, y1)) for y0, y1 in zip(ys, ys[1:]))
    return pieces


def generate_cells(county_code: str, county: shapely.Geometry, shape: GridShape) -> list[GridCell]:
    """Large and small cells of a county geometry (EPSG:4490), areas in m²."""
    crs = metric_crs_for(county)
    metric = shapely.make_valid(to_metric(county, crs))
    cells: list[GridCell] = []
    for i, large in enumerate(split_equal_area(metric, shape.rows, shape.columns), start=1):
        large_code = f"{county_code}-L{i:02d}"
        cells.append(GridCell(large_code, "large", from_metric(large, crs), large.area))
        for j, small in enumerate(split_equal_area(large, shape.small_rows, shape.small_columns), start=1):
            cells.append(GridCell(f"{large_code}-S{j:02d}", "small", from_metric(small, crs), small.area, parent_code=large_code))
    return cells


def _county(engine: Engine, county_code: str):
    with engine.connect() as conn:
        region = next((r for r in region_store.load_regions(conn) if r.code == county_code), None)
    if region is None or region.level != RegionLevel.COUNTY:
        raise NotFound(f"no county with code {county_code!r}", field="county", value=county_code)
    return region


def generate_grid(engine: Engine, county_code: str, shape: GridShape, now: dt.datetime) -> dict:
    """Generate and store a county's grid; returns its id and cell counts."""
    region = _county(engine, county_code)
    cells = generate_cells(county_code, region.geometry, shape)
    with engine.begin() as conn:
        grid_id = grid_store.insert_grid(conn, county_code, f"{region.name}监管网格", shape.label(), cells, now)
    return {"grid_id": grid_id, "county_code": county_code, "large": shape.rows * shape.columns,
            "small": shape.rows * shape.columns * shape.small_rows * shape.small_columns}


def import_grid(engine: Engine, county_code: str, path: Path, now: dt.datetime) -> dict:
    """Import cells from GeoJSON (properties: code, level large|small, optional parent_code)."""
    region = _county(engine, county_code)
    crs = metric_crs_for(region.geometry)
    cells = []
    for n, (props, geom) in enumerate(read_geojson_features(path), start=1):
        code, level = str(props.get("code") or "").strip(), props.get("level")
        if not code or level not in ("large", "small"):
            raise BadInput(f"{path.name} feature {n}: code and level (large|small) are required", field="level", value=level)
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise BadInput(f"{path.name} feature {n}: cell {code} is a {geom.geom_type}, not a polygon", field="geometry")
        cells.append(GridCell(code, level, geom, float(to_metric(geom, crs).area), props.get("parent_code")))
    if not cells:
        raise BadInput(f"{path.name}: no cells", field="features")
    with engine.begin() as conn:
        grid_id = grid_store.insert_grid(conn, county_code, f"{region.name}监管网格（导入）", f"imported:{path.name}", cells, now)
    levels = [c.level for c in cells]
    return {"grid_id": grid_id, "county_code": county_code, "large": levels.count("large"), "small": levels.count("small")}
