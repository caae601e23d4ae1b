"""The PostGIS peer: a local database from scripts/setup_postgis.sh, units and points loaded by COPY.

The benchmark database is ``ecozone_bench`` (recreated empty by the script on every run), never
the test suite's ``ecozone_test``. Both tables get a GiST index and fresh statistics before any
query is timed; loading is not timed.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg
import shapely

from ecozone.geo.crs import STORAGE_EPSG

REPO = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "ecozone_bench"
COPY_CHUNK_ROWS = 100_000

# The plain join, counted per unit so that the answer is a few thousand rows. Every
# (point, unit) pair where the unit covers the point counts once; on units that tile without
# overlaps that equals one assignment per point, which the embedded paths count the same way
# (a point covered twice would show up as a disagreement, not be hidden).
ASSIGNMENT_COUNTS_SQL = """
SELECT u.pos, count(*)
FROM bench_units u JOIN bench_points p ON ST_Intersects(u.geom, p.geom)
GROUP BY u.pos
"""


class PostgisUnavailable(Exception):
    """The local PostGIS could not be set up or reached; the message says why."""


@functools.lru_cache(maxsize=1)
def setup_database() -> str:
    """Run scripts/setup_postgis.sh for the benchmark database once per run; return a libpq URL.

    Once only: the script recreates the database, which would cut the other figures' connections.
    """
    env = {**os.environ, "ECOZONE_PG_DB": BENCH_DATABASE}
    try:
        done = subprocess.run(
            ["bash", str(REPO / "scripts" / "setup_postgis.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgisUnavailable(f"scripts/setup_postgis.sh could not run: {exc}") from exc
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise PostgisUnavailable(f"scripts/setup_postgis.sh failed (exit {done.returncode}): {tail}")
    return lines[-1].replace("postgresql+psycopg://", "postgresql://", 1)


@dataclass
class PostgisPeer:
    """A connection to the benchmark database with the units loaded."""

    conn: psycopg.Connection

    @classmethod
    def connect(cls, url: str) -> PostgisPeer:
        try:
            conn = psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as exc:
            raise PostgisUnavailable(f"cannot connect to the benchmark database: {exc}") from exc
        return cls(conn)

    def versions(self) -> dict[str, str]:
        """PostgreSQL and PostGIS versions, and the parallelism PostgreSQL may use."""
        row = self.conn.execute(
            "SELECT version(), postgis_full_version(), current_setting('max_parallel_workers_per_gather')"
        ).fetchone()
        return {"postgresql": row[0], "postgis": row[1], "postgresql_max_parallel_workers_per_gather": row[2]}

    def _copy_rows(self, table: str, columns: str, rows: Iterator[str]) -> None:
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for chunk in rows:
                copy.write(chunk)

    def load_units(self, geometries: list[shapely.Geometry]) -> None:
        """(Re)create ``bench_units(pos, geom)`` with a GiST index; ``pos`` is the list position."""
        self.conn.execute("DROP TABLE IF EXISTS bench_units")
        self.conn.execute(
            f"CREATE TABLE bench_units (pos integer PRIMARY KEY, geom geometry(Geometry, {STORAGE_EPSG}) NOT NULL)"
        )
        self._copy_rows("bench_units", "pos, geom", _ewkb_lines(np.asarray(geometries, dtype=object)))
        self.conn.execute("CREATE INDEX bench_units_geom_gist ON bench_units USING gist (geom)")
        self.conn.execute("VACUUM ANALYZE bench_units")

    def load_points(self, lons: np.ndarray, lats: np.ndarray) -> None:
        """(Re)create ``bench_points(id, geom)`` with a GiST index; ``id`` is the array position."""
        self.conn.execute("DROP TABLE IF EXISTS bench_points")
        self.conn.execute(f"CREATE TABLE bench_points (id integer NOT NULL, geom geometry(Point, {STORAGE_EPSG}) NOT NULL)")
        self._copy_rows("bench_points", "id, geom", _ewkb_lines(shapely.points(lons, lats)))
        self.conn.execute("CREATE INDEX bench_points_geom_gist ON bench_points USING gist (geom)")
        self.conn.execute("VACUUM ANALYZE bench_points")

    def assignment_counts(self) -> dict[int, int]:
        """The timed join: per unit position, how many points are assigned to it."""
        return {int(pos): int(n) for pos, n in self.conn.execute(ASSIGNMENT_COUNTS_SQL).fetchall()}

    def plan(self) -> str:
        """The plan PostgreSQL chose for the join (without running it)."""
        rows = self.conn.execute("EXPLAIN " + ASSIGNMENT_COUNTS_SQL).fetchall()
        return "\n".join(r[0] for r in rows)

    def close(self) -> None:
        self.conn.close()


def _ewkb_lines(geometries: np.ndarray) -> Iterator[str]:
    """COPY text rows ``position<TAB>hex EWKB``; EWKB carries the exact doubles and the SRID."""
    for start in range(0, len(geometries), COPY_CHUNK_ROWS):
        chunk = shapely.set_srid(geometries[start : start + COPY_CHUNK_ROWS], STORAGE_EPSG)
        hexes = shapely.to_wkb(chunk, hex=True, include_srid=True)
        yield "".join(f"{start + i}\t{h}\n" for i, h in enumerate(hexes))
