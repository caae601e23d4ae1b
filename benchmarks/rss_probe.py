"""Run in a fresh process: resident memory before and after loading the units one way.

    python -m benchmarks.rss_probe snapshot SQLALCHEMY_URL   # ecozone.zoning.inforce.load_snapshot
    python -m benchmarks.rss_probe geopandas UNITS_FILE      # geopandas.read_file, the peer

The baseline is taken after the imports (and, for the snapshot, after connecting once), so the
difference is the data held, not the code. Prints one JSON object on stdout.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from pathlib import Path


def rss_bytes() -> int:
    """VmRSS of this process, from /proc/self/status."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def probe_snapshot(url: str) -> dict:
    """The units in force today as the app holds them (after one query per unit), then a CellGridIndex."""
    from ecozone.geo.grid import CellGridIndex
    from ecozone.store.engine import check_schema, make_engine
    from ecozone.zoning.inforce import load_snapshot

    engine = make_engine(url)
    check_schema(engine)
    gc.collect()
    baseline = rss_bytes()
    snapshot = load_snapshot(engine, dt.date.today())
    # Answer a `where` in every unit first, so whatever queries build lazily is counted too.
    for unit in snapshot.units:
        inside = unit.geometry.representative_point()
        snapshot.units_at(inside.x, inside.y)
        snapshot.regions.at_point(inside.x, inside.y)
    gc.collect()
    loaded = rss_bytes()
    grid = CellGridIndex([u.geometry for u in snapshot.units])
    gc.collect()
    with_grid = rss_bytes()
    return {
        "baseline": baseline,
        "loaded": loaded,
        "delta": loaded - baseline,
        "units": len(snapshot.units),
        "regions": len(snapshot.regions.regions),
        "grid_delta": with_grid - loaded,
        "grid_nbytes": grid.stats().nbytes,
    }


def probe_geopandas(path: str) -> dict:
    """The same units file read into a GeoDataFrame."""
    import geopandas

    gc.collect()
    baseline = rss_bytes()
    frame = geopandas.read_file(path)
    gc.collect()
    loaded = rss_bytes()
    return {"baseline": baseline, "loaded": loaded, "delta": loaded - baseline, "units": len(frame)}


def main(argv: list[str]) -> int:
    probes = {"snapshot": probe_snapshot, "geopandas": probe_geopandas}
    if len(argv) != 2 or argv[0] not in probes:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(probes[argv[0]](argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
