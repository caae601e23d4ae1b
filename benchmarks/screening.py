"""screening_polygon_1000v_json and _html: one polygon project of 1,000 vertices, end to end.

The path is the one ``POST /api/v1/screenings`` takes, without HTTP: ``ScreeningService.screen``
(parse and repair the Feature, find the snapshot in force, overlay, evaluate every rule, store
the answer in the database) and then either the JSON text of the answer or the HTML report
(``render_report_html`` with the reference features that triggered rules). The service is built
once, like the server's, so the warm-up run pays for loading the snapshot, rulebook and catalog.
When ``ecozone.screening`` lacks these entry points both figures are skipped with the reason.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable

import numpy as np
import shapely
import shapely.geometry

from benchmarks.figures import Figure, skipped
from benchmarks.timing import median_time
from ecozone.geo.index import GeometryIndex

ENTRY_POINTS = {
    "service": ("ecozone.screening.service", "ScreeningService"),
    "html": ("ecozone.screening.report", "render_report_html"),
    "features": ("ecozone.screening.report", "triggering_features"),
}
TARGET_JSON_MS = 20.0  # issue 5: JSON median ≤ 20 ms
TARGET_HTML_MS = 100.0  # issue 5: HTML median ≤ 100 ms
VERTICES = 1000
RADIUS_M = 3000.0
JSON_NAME, HTML_NAME = "screening_polygon_1000v_json", "screening_polygon_1000v_html"


def entry_point(module_name: str, attribute: str) -> Callable | str:
    """The callable, or a sentence saying why it is not there yet."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return f"{module_name} cannot be imported: {exc}"
    found = getattr(module, attribute, None)
    if not callable(found):
        return f"{module_name} provides no `{attribute}` entry point yet"
    return found


def busiest_corner(units: list) -> shapely.Point:
    """A vertex of the largest unit where the most units meet, so the project straddles them."""
    largest = max(units, key=lambda u: u.geometry.area)
    index = GeometryIndex([u.geometry for u in units])
    corners = shapely.get_coordinates(largest.geometry)[::5]
    x, y = max(corners, key=lambda c: len(index.query_point(c[0], c[1])))
    return shapely.Point(x, y)


def project_feature(units: list, vertices: int = VERTICES) -> dict:
    """A wavy polygon of ``vertices`` vertices (~3 km radius) centred where several units meet."""
    centre = busiest_corner(units)
    angles = np.linspace(0.0, 2 * math.pi, vertices, endpoint=False)
    radius_deg = RADIUS_M / 111_000.0 * (1.0 + 0.15 * np.sin(7 * angles))
    lat_scale = math.cos(math.radians(centre.y))
    ring = np.column_stack([centre.x + radius_deg * np.cos(angles) / lat_scale, centre.y + radius_deg * np.sin(angles)])
    return {
        "type": "Feature",
        "properties": {"name": "基准测试项目（1000 个顶点）", "industry": "C2521", "nature": "new", "attributes": {}},
        "geometry": shapely.geometry.mapping(shapely.Polygon(ring)),
    }


def screening(dataset, database, runs: int) -> list[Figure]:
    """Both figures, measured through the screening service on the shipped database."""
    found = {name: entry_point(*where) for name, where in ENTRY_POINTS.items()}
    missing = [reason for reason in found.values() if isinstance(reason, str)]
    if missing:
        reason = "; ".join(missing)
        return [
            skipped(JSON_NAME, "ms", reason, target=TARGET_JSON_MS, better="lower"),
            skipped(HTML_NAME, "ms", reason, target=TARGET_HTML_MS, better="lower"),
        ]
    from ecozone.clock import today, utc_now
    from ecozone.store.engine import make_engine
    from ecozone.zoning.inforce import SnapshotCache

    engine = make_engine(database.url)
    service = found["service"](engine, SnapshotCache(engine, today), utc_now)
    feature = project_feature(dataset.units)

    def to_json(store: bool = True) -> str:
        result, screening_id = service.screen(feature, store=store)
        return json.dumps({**result.to_dict(), "screening_id": screening_id}, ensure_ascii=False)

    def to_html() -> str:
        result, screening_id = service.screen(feature)
        return found["html"](result, "zh", service.catalog(), screening_id, generated_at=utc_now())

    as_json = median_time(to_json, runs)
    unstored = median_time(lambda: to_json(store=False), runs)
    as_html = median_time(to_html, runs)
    answer = json.loads(as_json.result)
    notes = {
        "runs": runs,
        "vertices": VERTICES,
        "verdict": answer["verdict"],
        "units_hit": len(answer["units"]),
        "findings": len(answer["findings"]),
        "path": "ScreeningService.screen (answer stored, as POST /api/v1/screenings does)",
    }
    return [
        Figure(JSON_NAME, round(as_json.median * 1000, 2), "ms", target=TARGET_JSON_MS, better="lower",
               notes={**notes, "bytes": len(as_json.result), "median_ms_without_storing": round(unstored.median * 1000, 2),
                      "seconds": [round(s, 4) for s in as_json.seconds]}),
        Figure(HTML_NAME, round(as_html.median * 1000, 2), "ms", target=TARGET_HTML_MS, better="lower",
               notes={**notes, "bytes": len(as_html.result), "seconds": [round(s, 4) for s in as_html.seconds]}),
    ]
