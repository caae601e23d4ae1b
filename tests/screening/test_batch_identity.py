"""Batch screening gives the answers of screening each project alone, on one process or on a
local Dask cluster of two worker processes.

The batch path places all points with bulk index queries and reuses work across projects; it
must not change a single answer. Random projects over the whole demonstration release (points,
small outlines and lines, inside and just outside the province, many industries, natures and
attributes) are screened both ways and compared field by field.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
import shapely
import shapely.geometry

from ecozone.clock import utc_now
from ecozone.screening.batch import screen_batch
from ecozone.screening.distributed import dask_client, morton_order, screen_batch_distributed
from ecozone.screening.project_input import project_from_feature
from ecozone.screening.engine import Screener
from ecozone.screening.service import ScreeningService
from ecozone.zoning.evaluator import Evaluator
from ecozone.zoning.inforce import SnapshotCache

INDUSTRIES = ["C2521", "C3360", "C2614", "C1810", "D4411", "C3011", "B0610", "C2710", "C3130",
              "E4710", "C2211", "C3211", "C2619", "C3120", "I6510", "C2661", None]
NATURES = ["new", "expand", "rebuild", "relocate", "upgrade", None]
AS_OF = dt.date(2025, 6, 1)


def random_projects(province: shapely.Geometry, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    minx, miny, maxx, maxy = province.bounds
    projects = []
    shapely.prepare(province)
    for i in range(n):
        # Nine in ten inside the province, the rest anywhere around it (outside: an error row).
        inside = rng.random() < 0.9
        while True:
            x, y = rng.uniform(minx - 0.2, maxx + 0.2), rng.uniform(miny - 0.2, maxy + 0.2)
            if not inside or province.contains(shapely.Point(x, y)):
                break
        shape = rng.random()
        if shape < 0.85:
            geometry = shapely.Point(x, y)
        elif shape < 0.95:
            geometry = shapely.box(x, y, x + rng.uniform(0.002, 0.03), y + rng.uniform(0.002, 0.03))
        else:
            geometry = shapely.LineString([(x, y), (x + rng.uniform(-0.1, 0.1), y + rng.uniform(-0.1, 0.1))])
        attributes = {}
        if rng.random() < 0.5:
            attributes["in_park"] = rng.random() < 0.5
        if rng.random() < 0.2:
            attributes["capacity_mw"] = rng.choice([0, 50, 300, 660])
        properties = {"name": f"项目{i}", "attributes": attributes}
        if (industry := rng.choice(INDUSTRIES)) is not None:
            properties["industry"] = industry
        if (nature := rng.choice(NATURES)) is not None:
            properties["nature"] = nature
        projects.append({"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)})
    return projects


@pytest.fixture(scope="module")
def screener(shanxi_sqlite):
    return ScreeningService(shanxi_sqlite, SnapshotCache(shanxi_sqlite, lambda: AS_OF), utc_now).screener(AS_OF)


@pytest.fixture(scope="module")
def plain(screener):
    """The same screener with an evaluator that keeps nothing between projects: the reference."""
    reference = Screener(screener.snapshot, screener.rulebook, screener.catalog)
    reference.evaluator = Evaluator(screener.rulebook, memoize=False)
    return reference


def one_by_one(screener, feature: dict) -> tuple:
    try:
        result = screener.screen(project_from_feature(feature))
    except Exception as exc:  # noqa: BLE001 - the batch reports the same error message in its row
        return ("error", getattr(exc, "message", str(exc)))
    return (result.verdict, [o.unit.code for o in result.overlay.units], [f.rule.id for f in result.evaluation.findings], result.result_id)


def test_a_batch_answers_exactly_as_each_project_alone(screener, plain):
    province = next(r for r in screener.snapshot.regions.regions if r.level.value == "province").geometry
    projects = random_projects(province, 1500, seed=17)
    batch = screen_batch(screener, projects, progress=False, chunk=400)
    assert len(batch.rows) == len(projects)
    outside = 0
    for row, feature in zip(batch.rows, projects, strict=True):
        alone = one_by_one(plain, feature)
        if row.error:
            outside += 1
            assert alone == ("error", row.error)
        else:
            assert (row.verdict, row.units, row.findings, row.result_id) == alone
    # Both kinds of answer were exercised.
    assert 0 < outside < len(projects) // 4
    assert len({row.verdict for row in batch.rows if not row.error}) >= 3


def test_the_full_answer_of_a_placed_point_is_the_answer_of_the_point_alone(screener, plain):
    province = next(r for r in screener.snapshot.regions.regions if r.level.value == "province").geometry
    from ecozone.screening.overlay import point_overlays

    points = [f for f in random_projects(province, 300, seed=3) if f["geometry"]["type"] == "Point"]
    projects = [project_from_feature(f) for f in points]
    placed = point_overlays(screener.snapshot, [p.project.geometry for p in projects])
    compared = 0
    for project, overlay in zip(projects, placed, strict=True):
        if overlay is None:
            continue
        assert screener.screen(project, overlay).to_dict() == plain.screen(project).to_dict()
        compared += 1
    assert compared > 100


def test_shared_screening_gives_each_project_its_whole_answer_alone(screener, plain):
    """``screen_many`` (rules assessed once per place and per set of fields, distances measured
    for all projects at once) answers every project exactly as ``screen`` does alone: findings
    with their reasons and missing items, rules not applying and why, verdict, result id."""
    province = next(r for r in screener.snapshot.regions.regions if r.level.value == "province").geometry
    projects = [project_from_feature(f) for f in random_projects(province, 2500, seed=41)]
    from ecozone.screening.batch import _overlays

    placed = [(p, o) for p, o in zip(projects, _overlays(screener, projects), strict=True) if not isinstance(o, Exception)]
    shared = screener.screen_many([p for p, _ in placed], [o for _, o in placed])
    near_features = 0
    for (project, _), answer in zip(placed, shared, strict=True):
        alone = plain.screen(project, questions=False)
        assert answer.to_dict() == alone.to_dict()
        assert answer.evaluation == alone.evaluation
        near_features += any("米" in r for f in answer.evaluation.findings for r in f.reasons)
    # Projects near reference features (distances in the reasons) were among them.
    assert len(placed) > 2000 and near_features > 50


def test_morton_order_keeps_neighbours_together_and_unreadable_projects_first():
    features = [
        {"geometry": {"type": "Point", "coordinates": [112.0, 37.0]}},
        {"geometry": None},
        {"geometry": {"type": "Point", "coordinates": [114.0, 40.0]}},
        {"geometry": {"type": "Point", "coordinates": [112.01, 37.01]}},
    ]
    order = morton_order(features).tolist()
    assert order[0] == 1
    assert abs(order.index(0) - order.index(3)) == 1
    assert sorted(order) == [0, 1, 2, 3]


def test_two_workers_answer_as_one_process(shanxi_sqlite):
    screener = ScreeningService(shanxi_sqlite, SnapshotCache(shanxi_sqlite, lambda: AS_OF), utc_now).screener(AS_OF)
    province = next(r for r in screener.snapshot.regions.regions if r.level.value == "province").geometry
    projects = random_projects(province, 600, seed=29)
    projects[5]["properties"].pop("name")
    alone = screen_batch(screener, projects, progress=False)
    with dask_client(workers=2) as client:
        spread = screen_batch_distributed(screener, projects, client, partition=150)
    assert [r.index for r in spread.rows] == list(range(len(projects)))
    assert spread.rows[5].name == "#6"
    key = lambda r: (r.index, r.name, r.verdict, r.units, r.findings, r.result_id, r.error)  # noqa: E731
    assert [key(r) for r in spread.rows] == [key(r) for r in alone.rows]
    assert spread.summary() == alone.summary()
    assert np.all([r.geometry is not None for r in spread.rows if not r.error])


def _part_rows(paths) -> list[tuple]:
    from ecozone.geo.geoparquet import read_geoparquet

    rows = []
    for path in paths:
        table = read_geoparquet(path)
        for i, geometry in enumerate(table.geometries):
            row = table.row(i)
            rows.append((row["row"] - 1, row["name"], row["verdict"], row["units"], row["findings"], row["result_id"], row["error"],
                         None if geometry is None else geometry.wkb))
    return sorted(rows)


def _table_rows(result) -> list[tuple]:
    return sorted(
        (r.index, r.name, r.verdict or "", ",".join(r.units), ",".join(r.findings), r.result_id, r.error,
         None if r.geometry is None else r.geometry.wkb)
        for r in result.rows
    )


def test_parts_written_on_one_process_and_on_two_workers_hold_the_rows_of_the_table(screener, tmp_path):
    from ecozone.screening.batch import screen_batch_to_parts
    from ecozone.screening.distributed import screen_batch_distributed_to_parts

    province = next(r for r in screener.snapshot.regions.regions if r.level.value == "province").geometry
    projects = random_projects(province, 500, seed=31)
    table = screen_batch(screener, projects, progress=False)
    here = screen_batch_to_parts(screener, projects, tmp_path / "here", progress=False, chunk=200)
    assert [p.name for p in here.paths] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert _part_rows(here.paths) == _table_rows(table)
    assert {k: v for k, v in here.summary().items() if k != "parts"} == table.summary()
    with dask_client(workers=2) as client:
        spread = screen_batch_distributed_to_parts(screener, projects, client, tmp_path / "spread", partition=150)
    assert len(spread.paths) == 4 and all(p.exists() for p in spread.paths)
    assert _part_rows(spread.paths) == _table_rows(table)
    assert {k: v for k, v in spread.summary().items() if k != "parts"} == table.summary()


def test_parts_go_to_an_empty_folder_only(screener, tmp_path):
    from ecozone.errors import BadInput, Conflict
    from ecozone.screening.batch import screen_batch_to_parts

    projects = [{"type": "Feature", "properties": {"name": "甲"}, "geometry": {"type": "Point", "coordinates": [112.5, 37.8]}}]
    screen_batch_to_parts(screener, projects, tmp_path / "parts", part_format="csv", progress=False)
    assert (tmp_path / "parts" / "part-00000.csv").read_text(encoding="utf-8").startswith("row,name,verdict")
    with pytest.raises(Conflict, match="already holds result parts"):
        screen_batch_to_parts(screener, projects, tmp_path / "parts", progress=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadInput, match="is a file"):
        screen_batch_to_parts(screener, projects, tmp_path / "file", progress=False)
