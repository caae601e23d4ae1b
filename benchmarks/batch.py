"""batch_screening_points and batch_screening_dask_2w: many point projects with industries.

* ``batch_screening_points``: 2,000 random points over the province, each with an industry and
  a nature, screened by ``screen_batch`` (bulk placement, shared work) vs the per-project loop
  the API runs for one project (``Screener.screen`` per Feature), in projects per second of one
  process. The two answers are compared row by row (``notes.identical``).
* ``batch_screening_dask_2w``: 8,000 such points on a local Dask cluster of two single-threaded
  worker processes vs one worker (cluster started before timing; the screener broadcast and the
  partitions counted), in projects per second; same answers checked.

Both run on the database built from the shipped files (the demonstration release).
"""

from __future__ import annotations

import datetime as dt
import random
import time

import shapely
import shapely.geometry

from benchmarks.figures import Figure
from ecozone.screening.batch import screen_batch
from ecozone.screening.distributed import dask_client, screen_batch_distributed
from ecozone.screening.project_input import project_from_feature
from ecozone.screening.service import ScreeningService
from ecozone.store.engine import make_engine

AS_OF = dt.date(2025, 6, 1)
INDUSTRIES = ["C2521", "C3360", "C2614", "C1810", "D4411", "C3011", "B0610", "C2710", "C3130", "E4710",
              "C2211", "C3211", "C2619", "C3120", "I6510", "C2661", "A0313", "C1511", "C3041", "N7820"]
NATURES = ["new", "expand", "rebuild", "relocate", "upgrade"]
TARGET_RATIO = 10.0  # issue 17: ≥ 10× the per-project loop
TARGET_DASK_RATIO = 1.6  # issue 17: 2 workers ≥ 1.6× one


def point_projects(province: shapely.Geometry, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    minx, miny, maxx, maxy = province.bounds
    shapely.prepare(province)
    out = []
    while len(out) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if province.contains(shapely.Point(x, y)):
            out.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                        "properties": {"name": f"P{len(out)}", "industry": rng.choice(INDUSTRIES), "nature": rng.choice(NATURES)}})
    return out


def _answer(row) -> tuple:
    return (row.verdict, row.units, row.findings, row.result_id, row.error)


def _loop_answer(screener, feature) -> tuple:
    result = screener.screen(project_from_feature(feature))
    return (result.verdict, [o.unit.code for o in result.overlay.units], [f.rule.id for f in result.evaluation.findings], result.result_id, "")


def _service(database) -> ScreeningService:
    from ecozone.clock import utc_now
    from ecozone.zoning.inforce import SnapshotCache

    engine = make_engine(database.url)
    return ScreeningService(engine, SnapshotCache(engine, lambda: AS_OF), utc_now)


def batch(database, n: int = 2000, dask_n: int = 8000) -> list[Figure]:
    service = _service(database)
    screener = service.screener(AS_OF)
    province = next(r for r in screener.snapshot.regions.regions if r.level.value == "province").geometry
    projects = point_projects(province, n, seed=11)
    screen_batch(screener, projects[:200], progress=False)  # warm-up: catalog, rule settings, caches
    start = time.process_time()
    batched = screen_batch(screener, projects, progress=False)
    batch_s = time.process_time() - start
    # A fresh screener, so the peer starts from the same state (no checks kept from the batch).
    peer = _service(database).screener(AS_OF)
    [_loop_answer(peer, f) for f in projects[:200]]
    start = time.process_time()
    looped = [_loop_answer(peer, f) for f in projects]
    loop_s = time.process_time() - start
    identical = [_answer(r) for r in batched.rows] == looped
    figures = [Figure(
        "batch_screening_points", round(n / batch_s, 0), "projects/s", peer="per-project loop (Screener.screen per Feature)",
        peer_value=round(n / loop_s, 0), target=TARGET_RATIO, target_on_ratio=True,
        notes={"projects": n, "cpu_s": round(batch_s, 2), "peer_cpu_s": round(loop_s, 2), "identical": identical,
               "clock": "process CPU time of one process (the machine is shared)"},
    )]
    many = point_projects(province, dask_n, seed=12)
    rates, answers = {}, {}
    for workers in (1, 2):
        with dask_client(workers=workers) as client:
            screen_batch_distributed(screener, many[:400], client, partition=200)  # warm the workers
            start = time.perf_counter()
            result = screen_batch_distributed(screener, many, client)
            rates[workers] = dask_n / (time.perf_counter() - start)
            answers[workers] = [_answer(r) for r in result.rows]
    figures.append(Figure(
        "batch_screening_dask_2w", round(rates[2], 0), "projects/s", peer="the same on 1 Dask worker",
        peer_value=round(rates[1], 0), target=TARGET_DASK_RATIO, target_on_ratio=True,
        notes={"projects": dask_n, "identical": answers[1] == answers[2], "clock": "wall time; 2 CPUs on this machine"},
    ))
    return figures
