"""Importing clues: each is screened against the zoning in force on its observed date, placed in
its county and grid cell, and stored with its cited findings, priority and time limit — all or
nothing (a bad row rejects the file and nothing is stored)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import shapely
from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.monitoring.placement import place_point
from ecozone.screening.service import ScreeningService
from ecozone.supervision import repository as store
from ecozone.supervision.assessment import ClueAssessment, assess_clue
from ecozone.supervision.clue_input import SOURCE_NAMES_ZH, SOURCES, ClueInput
from ecozone.supervision.settings import SupervisionSettings


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise BadInput(f"source {source!r} is not one of {', '.join(SOURCES)}", field="source", value=source)
    return source


def assess_all(service: ScreeningService, items: Sequence[ClueInput]) -> list[ClueAssessment]:
    """Screen every clue on the screener of its own observed date (one screener per date)."""
    return [assess_clue(service.screener(item.observed_on), item) for item in items]


def clue_summary(row: dict) -> dict:
    """A stored clue in the JSON shape of the CLI and API (``units`` are codes)."""
    keep = (
        "id", "ref", "source", "observed_on", "name", "change_class", "industry", "region_code", "grid_cell_id",
        "verdict", "priority", "findings", "release_ids", "status", "assignee", "due_at", "inspection_result",
        "inspection_notes", "closed_at", "demo", "lon", "lat",
    )
    data = {k: row.get(k) for k in keep}
    data["units"] = list(row["unit_codes"])
    data["unit_classes"] = list(row["unit_classes"])
    data["source_name"] = SOURCE_NAMES_ZH[row["source"]]
    for key in ("observed_on", "due_at", "closed_at"):
        data[key] = data[key].isoformat() if data[key] is not None else None
    for key in ("events", "photos"):
        if key in row:
            data[key] = [{k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in e.items()} for e in row[key]]
    return data


def import_clues(
    engine: Engine,
    service: ScreeningService,
    settings: SupervisionSettings,
    items: Sequence[ClueInput],
    source: str,
    actor: str,
    now: dt.datetime,
    demo: bool = False,
) -> list[dict]:
    """Screen, place and store the clues in one transaction; return them as stored."""
    check_source(source)
    assessments = assess_all(service, items)
    # Snapshots are read before the write transaction: SQLite allows one connection at a time then.
    snapshots = {day: service.snapshots.get(day) for day in {item.observed_on for item in items}}
    ids = []
    with engine.begin() as conn:
        for item, assessment in zip(items, assessments, strict=True):
            point = item.geometry.representative_point()
            where = place_point(conn, snapshots[item.observed_on], point.x, point.y)
            clue_id = store.insert_clue(conn, {
                "ref": item.ref, "source": source, "observed_on": item.observed_on, "imported_at": now,
                "imported_by": actor, "name": item.name, "change_class": item.change_class,
                "industry": item.industry, "region_code": assessment.county or where.region_code,
                "grid_cell_id": where.grid_cell_id, "unit_codes": [u["code"] for u in assessment.units],
                "unit_classes": [u["class"] for u in assessment.units], "verdict": assessment.verdict,
                "priority": assessment.priority, "findings": assessment.findings,
                "release_ids": assessment.release_ids, "status": "open",
                "due_at": now + dt.timedelta(days=settings.days_for(assessment.priority)),
                "demo": demo or assessment.demo, "geom": shapely.force_2d(item.geometry),
            })
            store.add_event(conn, clue_id, actor, "imported", f"{SOURCE_NAMES_ZH[source]} {item.ref}", now)
            ids.append(clue_id)
        rows = {r["id"]: r for r in store.list_clues(conn, ids=ids, limit=len(ids) or 1)}
    return [clue_summary(rows[i]) for i in ids]
