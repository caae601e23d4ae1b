"""A national-size synthetic territory and the figures measured on it.

    python -m benchmarks.run --only national        # part of `make bench`

The territory has the size of the national zoning (44,604 control units, about 6.8 million
vertices over China's extent, 2,844 synthetic counties): bent Voronoi cells cut by a grid of
counties, generated reproducibly from a seed by ``benchmarks.synthetic`` and cached under
``benchmarks/.cache/national`` as a GeoPackage (never committed). The figures:

* ``national_snapshot_build_s``: building the in-memory index of the units in force (ecozone's
  ``ZoningSnapshot``) vs building a GeoPandas spatial index over the same geometries;
* ``national_snapshot_rss_mb``: resident memory of the snapshot in a fresh process, vs a
  GeoDataFrame of the same file (target ≤ 2 GB);
* ``national_point_lookup_1m``: 1 M points located with the cell grid vs the plain STRtree;
* ``tiles_units_p95_ms``: the 95th percentile of cutting one vector tile cold (no tile cached;
  the tile source and the low zooms' generalisation built first, their one-off cost in the
  notes) over the tiles of random 1280 × 1024 px map views at zooms 5–12, vs producing the
  GeoJSON of every unit that ``/api/v1/map/units`` sends (time and bytes).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyogrio
import shapely

from benchmarks.figures import Figure
from benchmarks.synthetic import CLASS_NAMES, bent_voronoi_cells, punch_holes
from benchmarks.timing import median_time
from ecozone.geo.grid import CellGridIndex
from ecozone.geo.index import GeometryIndex
from ecozone.geo.vector_tiles import TileAddress, tile_for_lonlat
from ecozone.zoning.unit_tiles import UnitTileCache

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "benchmarks" / ".cache" / "national"
UNITS = 44_604
COUNTY_ROWS, COUNTY_COLUMNS = 36, 79  # 2,844 county-level divisions, as in China
CHINA_BBOX = (73.5, 18.2, 134.8, 53.6)
# A vertex every ~0.0044° on cells of ~0.3°: about 150 vertices per unit, 6.8 M in all.
VERTEX_SPACING_DEG = 0.0044
# Cells cut by the county grid come out as ~2 units each: this many seeds give ~44,600 units.
CELLS = 22_000
SEED = 44_604
TARGET_RSS_MB = 2048.0
TARGET_TILE_P95_MS = 50.0
VIEW_TILES = (5, 4)  # a 1280 × 1024 px map view
MB = 2**20


def county_grid() -> list[tuple[str, shapely.Geometry]]:
    """(county code, box) for the grid; codes are unique six-digit GB/T 2260-shaped numbers."""
    minx, miny, maxx, maxy = CHINA_BBOX
    xs = np.linspace(minx, maxx, COUNTY_COLUMNS + 1)
    ys = np.linspace(miny, maxy, COUNTY_ROWS + 1)
    out = []
    for k in range(COUNTY_ROWS * COUNTY_COLUMNS):
        row, col = divmod(k, COUNTY_COLUMNS)
        code = f"{11 + k // 100:02d}{(k // 10) % 10 + 1:02d}{k % 10 + 1:02d}"
        out.append((code, shapely.box(xs[col], ys[row], xs[col + 1], ys[row + 1])))
    return out


def generate(path: Path) -> Path:
    """Write the national territory's units to ``path`` (GeoPackage, EPSG:4490)."""
    rng = np.random.default_rng(SEED)
    cells = punch_holes(bent_voronoi_cells(CELLS, rng, bbox=CHINA_BBOX, spacing=VERTEX_SPACING_DEG), rng, 0.02)
    tree = shapely.STRtree(cells)
    codes, names, classes, counties, geoms = [], [], [], [], []
    for county, box in county_grid():
        hits = sorted(tree.query(box, predicate="intersects"))
        pieces = shapely.intersection(np.asarray(cells, dtype=object)[hits], box) if hits else []
        serial = 0
        for piece in pieces:
            polygons = [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 0]
            if not polygons:
                continue
            serial += 1
            unit_class = int(rng.choice([1, 2, 3], p=[0.53, 0.40, 0.07]))
            codes.append(f"ZH{county}{unit_class}{serial:04d}")
            names.append(f"合成{county}{CLASS_NAMES[unit_class]}{serial:04d}")
            classes.append(unit_class)
            counties.append(county)
            geoms.append(polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons))
    path.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.raw.write(
        path,
        geometry=shapely.to_wkb(np.asarray(geoms, dtype=object)),
        field_data=[np.asarray(codes), np.asarray(names), np.asarray(classes, dtype=np.int32), np.asarray(counties)],
        fields=["code", "name", "class", "county_code"],
        geometry_type="MultiPolygon",
        crs="EPSG:4490",
        driver="GPKG",
        promote_to_multi=True,
    )
    return path


def national_units_file() -> Path:
    """The cached territory, generated on first use."""
    path = CACHE / f"units-{UNITS}-{SEED}.gpkg"
    return path if path.exists() else generate(path)


def read_units(path: Path):
    """The territory as the control units a snapshot holds (one synthetic release)."""
    from ecozone.zoning.model import ControlUnit, UnitClass

    _meta, _index, wkb, fields = pyogrio.raw.read(path)
    geoms = shapely.from_wkb(wkb)
    codes, names, classes, counties = fields
    return [
        ControlUnit(code=str(c), name=str(n), unit_class=UnitClass(int(k)), geometry=g, county_code=str(county),
                    city_code=str(county)[:4] + "00")
        for c, n, k, county, g in zip(codes, names, classes, counties, geoms, strict=True)
    ]


def build_snapshot(units):
    """The in-memory view the app answers from: units, their index, (no regions)."""
    from ecozone.zoning.inforce import RegionIndex, ZoningSnapshot
    from ecozone.zoning.model import Release, ReleaseKind, ReleaseStatus

    release = Release(id=1, jurisdiction_code="100000", version="synthetic", title="national synthetic",
                      kind=ReleaseKind.INITIAL, status=ReleaseStatus.PUBLISHED,
                      effective_date=dt.date(2025, 1, 1), demo=True)
    return ZoningSnapshot(as_of=dt.date(2025, 1, 1), releases=[release], units=units, regions=RegionIndex([]))


def describe(units) -> dict:
    geoms = np.asarray([u.geometry for u in units], dtype=object)
    return {
        "units": len(units),
        "vertices": int(shapely.get_num_coordinates(geoms).sum()),
        "counties": COUNTY_ROWS * COUNTY_COLUMNS,
        "bbox": list(CHINA_BBOX),
        "seed": SEED,
        "generated_by": "benchmarks/national.py (cached in benchmarks/.cache, not committed)",
    }


def snapshot_build(units, runs: int) -> Figure:
    ours = median_time(lambda: build_snapshot(units), runs=runs)
    figure = Figure("national_snapshot_build_s", round(ours.median, 2), "s", better="lower",
                    notes={"runs_s": [round(s, 2) for s in ours.seconds]})
    try:
        import geopandas
    except ImportError as exc:
        figure.notes["peer_skipped"] = f"geopandas is not installed ({exc})"
        return figure
    frame = geopandas.GeoDataFrame(geometry=[u.geometry for u in units], crs="EPSG:4490")

    def geopandas_sindex():
        frame.geometry.values._sindex = None  # a fresh index each run, as a rebuilt snapshot
        return frame.sindex.size

    theirs = median_time(geopandas_sindex, runs=runs)
    figure.peer, figure.peer_value = "GeoPandas sindex build (STRtree, not prepared)", round(theirs.median, 2)
    return figure


def snapshot_rss(path: Path, runs: int) -> Figure:
    """Fresh processes: RSS added by the snapshot (and by the tile source), vs a GeoDataFrame."""
    def probe(kind: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "benchmarks.national", kind, str(path)], cwd=REPO,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"national probe {kind} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    ours = [probe("snapshot") for _ in range(runs)]
    figure = Figure("national_snapshot_rss_mb", round(statistics.median(p["snapshot"] for p in ours) / MB, 1), "MB",
                    target=TARGET_RSS_MB, better="lower",
                    notes={"runs_mb": [round(p["snapshot"] / MB, 1) for p in ours],
                           "tile_source_extra_mb": round(statistics.median(p["tiles"] for p in ours) / MB, 1)})
    try:
        theirs = [probe("geopandas") for _ in range(runs)]
    except RuntimeError as exc:
        figure.notes["peer_skipped"] = str(exc)
        return figure
    figure.peer, figure.peer_value = "GeoPandas read_file", round(statistics.median(p["frame"] for p in theirs) / MB, 1)
    return figure


def point_lookup(snapshot, n: int, runs: int) -> Figure:
    rng = np.random.default_rng(5)
    minx, miny, maxx, maxy = CHINA_BBOX
    lons, lats = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    geoms = [u.geometry for u in snapshot.units]
    start = time.perf_counter()
    grid = CellGridIndex(geoms)
    grid_s = time.perf_counter() - start
    ours = median_time(lambda: grid.locate_points(lons, lats), runs=runs)
    index = GeometryIndex(geoms)
    theirs = median_time(lambda: index.locate_points(lons, lats), runs=max(1, runs // 2))
    agree = bool(np.array_equal(ours.result, theirs.result))
    return Figure("national_point_lookup_1m", round(ours.median, 3), "s", peer="shapely STRtree (prepared)",
                  peer_value=round(theirs.median, 3), better="lower",
                  notes={"points": n, "grid_build_s": round(grid_s, 2), "agree": agree})


def view_tiles(rng: random.Random, units, zooms=range(5, 13), views_per_zoom: int = 6) -> list[TileAddress]:
    """The tiles of random map views centred on units, at each zoom."""
    tiles: list[TileAddress] = []
    for z in zooms:
        for _ in range(views_per_zoom):
            centre = units[rng.randrange(len(units))].geometry.representative_point()
            middle = tile_for_lonlat(centre.x, centre.y, z)
            cols, rows = VIEW_TILES
            size = 1 << z
            for dx in range(-(cols // 2), cols - cols // 2):
                for dy in range(-(rows // 2), rows - rows // 2):
                    x, y = middle.x + dx, middle.y + dy
                    if 0 <= x < size and 0 <= y < size:
                        tiles.append(TileAddress(z, x, y))
    return tiles


def tiles_p95(snapshot) -> Figure:
    """Cold tiles of random views (source built and generalised first) vs the all-units GeoJSON."""
    from ecozone.api.geojson import geometry_json

    cache = UnitTileCache(max_tiles=1)
    start = time.perf_counter()
    source = cache._source(snapshot)  # noqa: SLF001 - the one-off build is measured apart from the tiles
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    for z in range(5, 13):
        source._generalised(z)  # noqa: SLF001
    generalise_s = time.perf_counter() - start
    tiles = view_tiles(random.Random(7), snapshot.units)
    millis, sizes = [], []
    for tile in tiles:
        start = time.perf_counter()
        data = source.encode(tile)
        millis.append((time.perf_counter() - start) * 1000)
        sizes.append(len(data))
    p95 = float(np.percentile(millis, 95))
    start = time.perf_counter()
    body = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": u.code, "geometry": geometry_json(u.geometry, 5),
         "properties": {"code": u.code, "name": u.name, "class": int(u.unit_class), "county_code": u.county_code}}
        for u in snapshot.units]}, ensure_ascii=False).encode()
    geojson_ms = (time.perf_counter() - start) * 1000
    views = len(tiles) / (VIEW_TILES[0] * VIEW_TILES[1])
    return Figure(
        "tiles_units_p95_ms", round(p95, 1), "ms", peer="GeoJSON of every unit (/api/v1/map/units)",
        peer_value=round(geojson_ms, 1), target=TARGET_TILE_P95_MS, better="lower",
        notes={
            "tiles": len(tiles), "zooms": "5-12", "median_ms": round(statistics.median(millis), 1),
            "max_ms": round(max(millis), 1), "tile_kb_median": round(statistics.median(sizes) / 1024, 1),
            "view_kb_mean": round(sum(sizes) / views / 1024, 1), "geojson_mb": round(len(body) / MB, 1),
            "source_build_s": round(build_s, 2), "generalise_z5_12_s": round(generalise_s, 2),
            "p95_ms_by_zoom": {z: round(float(np.percentile([m for m, t in zip(millis, tiles) if t.z == z], 95)), 1)
                               for z in sorted({t.z for t in tiles})},
        },
    )


def national(runs: int = 3, points: int = 1_000_000) -> list[Figure]:
    """Every national-scale figure, on the cached synthetic territory."""
    path = national_units_file()
    units = read_units(path)
    facts = describe(units)
    snapshot = build_snapshot(units)
    figures = [snapshot_build(units, runs), snapshot_rss(path, 1), point_lookup(snapshot, points, runs), tiles_p95(snapshot)]
    for figure in figures:
        figure.notes["data"] = facts
    return figures


def _rss() -> int:
    from benchmarks.rss_probe import rss_bytes

    return rss_bytes()


def main(argv: list[str]) -> int:
    """Probes run in fresh processes: ``snapshot PATH`` or ``geopandas PATH``; prints JSON."""
    import gc

    kind, path = argv
    gc.collect()
    baseline = _rss()
    if kind == "geopandas":
        import geopandas

        frame = geopandas.read_file(path)
        gc.collect()
        print(json.dumps({"frame": _rss() - baseline, "units": len(frame)}))
        return 0
    snapshot = build_snapshot(read_units(Path(path)))
    gc.collect()
    loaded = _rss()
    source = UnitTileCache()._source(snapshot)  # noqa: SLF001
    for z in range(5, 13):
        source._generalised(z)  # noqa: SLF001
    gc.collect()
    print(json.dumps({"snapshot": loaded - baseline, "tiles": _rss() - loaded, "units": len(snapshot.units)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
