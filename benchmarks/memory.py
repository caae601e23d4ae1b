"""units_in_memory_rss: resident memory of the province's units in force, vs a GeoDataFrame of them.

A SQLite database is built from the dataset's files the way ``ecozone init`` does (regions,
reference features, the demonstration release published); fresh processes then measure VmRSS
around ``load_snapshot`` and, as the peer, around ``geopandas.read_file`` of the units file.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure
from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.store.engine import make_engine, migrate

REPO = Path(__file__).resolve().parents[1]
TARGET_MB = 200.0  # issue 5: the units in force of the demonstration release, ≤ 200 MB resident
MB = 2**20


class ShippedDatabase:
    """A throwaway SQLite database built from the dataset's files the way ``ecozone init`` does."""

    def __init__(self, paths: bootstrap.DatasetPaths) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="ecozone-bench-")
        self.url = f"sqlite:///{Path(self._folder.name) / 'ecozone.db'}"
        start = time.perf_counter()
        engine = make_engine(self.url)
        migrate(engine)
        bootstrap.load_reference_data(engine, paths)
        bootstrap.load_demo_release(engine, paths, now=utc_now())
        engine.dispose()
        self.build_seconds = time.perf_counter() - start

    def close(self) -> None:
        self._folder.cleanup()


def run_probe(kind: str, argument: str) -> dict:
    """One fresh process running benchmarks.rss_probe; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.rss_probe", kind, argument],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"rss_probe {kind} failed: {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def geopandas_missing() -> str | None:
    try:
        import geopandas  # noqa: F401 - only checking that the benchmark-only peer is installed
    except ImportError as exc:
        return f"geopandas is not installed ({exc}); pip install geopandas==1.2.0 to measure the peer"
    return None


def units_in_memory(dataset, database, runs: int) -> list[Figure]:
    """Median over ``runs`` fresh processes of the RSS added by loading the units in force."""
    url, build_s = database.url, database.build_seconds
    ours = [run_probe("snapshot", url) for _ in range(runs)]
    value = statistics.median(p["delta"] for p in ours) / MB
    notes = {
        "data": dataset.describe(),
        "runs": runs,
        "database_build_s_untimed": round(build_s, 1),
        "units_in_force": ours[0]["units"],
        "regions_in_snapshot": ours[0]["regions"],
        "deltas_mb": [round(p["delta"] / MB, 1) for p in ours],
        "baseline_mb": round(ours[0]["baseline"] / MB, 1),
        "cell_grid_extra_rss_mb": round(statistics.median(p["grid_delta"] for p in ours) / MB, 1),
        "cell_grid_arrays_mb": round(ours[0]["grid_nbytes"] / MB, 1),
    }
    figure = Figure(
        name="units_in_memory_rss",
        value=round(value, 1),
        unit="MB",
        peer="GeoPandas read_file",
        target=TARGET_MB,
        better="lower",
        notes=notes,
    )
    missing = geopandas_missing()
    if missing:
        figure.notes["peer_skipped"] = missing
        figure.peer = None
        return [figure]
    theirs = [run_probe("geopandas", str(dataset.paths.demo_units)) for _ in range(runs)]
    figure.peer_value = round(statistics.median(p["delta"] for p in theirs) / MB, 1)
    figure.notes["peer_deltas_mb"] = [round(p["delta"] / MB, 1) for p in theirs]
    return [figure]
