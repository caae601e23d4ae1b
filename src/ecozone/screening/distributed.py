"""Batch screening spread over a Dask cluster (``dask.distributed``): local processes or remote workers.

The input is sorted along a Morton (Z-order) curve of each project's position and cut into
partitions, so each partition covers a compact area and its projects share units, features and
rule checks. The screener (snapshot, rulebook, feature catalog: a few MB) is sent to every
worker once (``scatter(broadcast=True)``); each partition is screened with the single-process
``screen_chunk``, so the answers are the same as on one process. Results come back in input
order, or each worker writes its partitions as part files (GeoParquet or CSV) and only their
summaries come back.
"""

from __future__ import annotations

import contextlib
import math
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry
from distributed import Client, LocalCluster

from ecozone.errors import BadInput
from ecozone.screening.batch import BatchParts, BatchResult, part_path, prepare_parts_dir, screen_chunk, screen_part
from ecozone.screening.engine import Screener

PARTITION = 2000  # projects per task: large enough to amortise the task, small enough to balance


def morton_order(features: list[dict]) -> np.ndarray:
    """Input positions sorted along a Z-order curve of each project's bounding-box centre.

    Projects without a readable geometry sort first; they only produce error rows.
    """
    centres = np.asarray([_centre(feature) for feature in features], dtype=float).reshape(-1, 2)
    known = np.isfinite(centres).all(axis=1)
    keys = np.zeros(len(features), dtype=np.uint64)
    if known.any():
        lo, hi = centres[known].min(axis=0), centres[known].max(axis=0)
        scaled = ((centres[known] - lo) / np.where(hi > lo, hi - lo, 1.0) * 65535).astype(np.uint64)
        keys[known] = _interleave(scaled[:, 0]) | (_interleave(scaled[:, 1]) << np.uint64(1))
    return np.lexsort((keys, known))


def _centre(feature: dict) -> tuple[float, float]:
    """The centre of a project's bounding box; NaN when its geometry cannot be read."""
    raw = feature.get("geometry") if isinstance(feature, dict) else None
    # Points (the bulk of large batches) are read straight from their coordinates.
    if isinstance(raw, dict) and raw.get("type") == "Point":
        coordinates = raw.get("coordinates")
        if isinstance(coordinates, list | tuple) and len(coordinates) >= 2 and all(isinstance(c, int | float) for c in coordinates[:2]):
            return float(coordinates[0]), float(coordinates[1])
    try:
        geometry = shapely.geometry.shape(raw)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
        return math.nan, math.nan
    if geometry.is_empty:
        return math.nan, math.nan
    minx, miny, maxx, maxy = geometry.bounds
    return (minx + maxx) / 2, (miny + maxy) / 2


def _interleave(v: np.ndarray) -> np.ndarray:
    """Spread the 16 bits of each value to the even bit positions (for a Morton key)."""
    v = v & np.uint64(0xFFFF)
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


@contextlib.contextmanager
def dask_client(address: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a local cluster of ``workers`` processes."""
    if address:
        try:
            client = Client(address, timeout="20s")
        except OSError as exc:
            raise BadInput(f"no Dask scheduler answers at {address}: {exc}", field="dask", value=address) from exc
        with client:
            yield client
        return
    if workers is None or workers < 1:
        raise BadInput(f"workers must be 1 or more, not {workers}", field="workers", value=workers)
    # One single-threaded process per worker: the work is Python and GEOS, held by the GIL.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            yield client


def _partitions(features: list[dict], partition: int) -> list[list[int]]:
    """Input positions in Morton order, cut into partitions of ``partition`` projects."""
    order = morton_order(features).tolist()
    return [order[start:start + partition] for start in range(0, len(order), partition)]


def _send(screener: Screener, client: Client):
    """The screener on every worker, under a key of its own: a key derived from its content would
    be shared with an earlier run's copy, which the scheduler may be dropping at that moment."""
    return client.scatter(screener, broadcast=True, hash=False)


def _packed(value) -> bytes:
    """A partition's projects (or rows) as one pickled blob: Dask would otherwise walk every
    nested dict and list of it to serialise it, ~100 ms per 2,000 projects on the client."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _screen_packed_chunk(screener: Screener, packed: bytes, crs: str | None, positions: list[int]) -> bytes:
    # The blob comes from this run's own client (see ``_packed``).
    return _packed(screen_chunk(screener, pickle.loads(packed), crs, 0, positions))  # noqa: S301


def _screen_packed_part(screener: Screener, packed: bytes, crs: str | None, positions: list[int], path: Path) -> dict:
    return screen_part(screener, pickle.loads(packed), crs, positions, path)  # noqa: S301 - from this run's own client


def screen_batch_distributed(
    screener: Screener, features: list[dict], client: Client, crs: str | None = None, partition: int = PARTITION
) -> BatchResult:
    """Screen every project on the cluster behind ``client``; rows in input order."""
    remote_screener = _send(screener, client)
    futures = [
        client.submit(_screen_packed_chunk, remote_screener, _packed([features[i] for i in positions]), crs, positions, pure=False)
        for positions in _partitions(features, partition)
    ]
    rows = [row for packed in client.gather(futures) for row in pickle.loads(packed)]  # noqa: S301 - from our own workers
    rows.sort(key=lambda row: row.index)
    return BatchResult(rows)


def screen_batch_distributed_to_parts(
    screener: Screener, features: list[dict], client: Client, directory: Path, crs: str | None = None,
    part_format: str = "parquet", partition: int = PARTITION,
) -> BatchParts:
    """Screen every project on the cluster; each worker writes the partitions it screens as part
    files under ``directory`` (on a cluster of several machines, a folder they all share), and
    only the parts' summaries come back."""
    directory = prepare_parts_dir(directory)
    remote_screener = _send(screener, client)
    paths, futures = [], []
    for number, positions in enumerate(_partitions(features, partition)):
        paths.append(part_path(directory, number, part_format))
        packed = _packed([features[i] for i in positions])
        futures.append(client.submit(_screen_packed_part, remote_screener, packed, crs, positions, paths[-1], pure=False))
    return BatchParts(paths, client.gather(futures))
