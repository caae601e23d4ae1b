"""Yearly tracking of the zoning itself (年度跟踪, 五年评估; seed 001 (三)(十二)): units and areas
per jurisdiction and class, releases issued in the year and what they changed, and how the
zoning was used in screenings (by verdict and unit class, projects in priority units)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import Engine

from ecozone.reporting.render import html_to_pdf, render_html
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.repositories import releases as release_store
from ecozone.screening import repository as screening_store
from ecozone.zoning import releases as workflow
from ecozone.zoning.model import UnitClass

TEMPLATES = Path(__file__).with_name("templates")
MESSAGES = Path(__file__).with_name("messages")


def _zoning_in_force(engine: Engine, day: dt.date, names: dict[str, str]) -> list[dict]:
    with engine.connect() as conn:
        in_force = release_store.releases_in_force(conn, day)
        units = release_store.load_units(conn, [r.id for r in in_force])
    by_jurisdiction: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for unit in units:
        by_jurisdiction[unit.city_code][int(unit.unit_class)].append(unit)
    rows = []
    for release in sorted(in_force, key=lambda r: r.jurisdiction_code):
        classes = by_jurisdiction.get(release.jurisdiction_code, {})
        rows.append(
            {
                "jurisdiction": release.jurisdiction_code,
                "name": names.get(release.jurisdiction_code, release.jurisdiction_code),
                "release": release.summary(),
                "classes": {
                    str(int(c)): {
                        "name": c.name_zh,
                        "units": len(classes.get(int(c), [])),
                        "area_km2": round(sum(u.area_m2 or 0 for u in classes.get(int(c), [])) / 1e6, 2),
                    }
                    for c in UnitClass
                },
            }
        )
    return rows


def _releases_of_year(engine: Engine, year: int) -> list[dict]:
    with engine.connect() as conn:
        published = [
            r
            for r in release_store.list_releases(conn)
            if r.status.value in release_store.EVER_IN_FORCE and r.effective_date and r.effective_date.year == year
        ]
    rows = []
    for release in sorted(published, key=lambda r: (r.effective_date, r.id)):
        previous = workflow.previous_release(engine, release)
        changes = workflow.diff(engine, previous.id, release.id).counts() if previous else None
        rows.append(
            {
                **release.summary(),
                "kind": release.kind.value,
                "reason": release.reason,
                "previous": previous.id if previous else None,
                "changes": changes,
            }
        )
    return rows


def _screenings_of_year(engine: Engine, year: int) -> dict:
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    with engine.connect() as conn:
        items = screening_store.list_screenings(conn, since=start, until=end, limit=1_000_000)
    by_class: dict[str, Counter] = {str(int(c)): Counter() for c in UnitClass}
    for item in items:
        for unit_class in item.unit_classes:
            by_class[str(unit_class)][item.verdict] += 1
    in_priority = [
        {"id": i.id, "name": i.project_name, "industry": i.industry, "verdict": i.verdict, "at": i.created_at.isoformat()}
        for i in items
        if int(UnitClass.PRIORITY) in i.unit_classes
    ]
    return {
        "total": len(items),
        "by_verdict": dict(Counter(i.verdict for i in items)),
        "by_unit_class": {k: dict(v) for k, v in by_class.items()},
        "in_priority_units": in_priority,
    }


def tracking(engine: Engine, year: int) -> dict:
    """The tracking figures of ``year`` (zoning as in force on 31 December)."""
    with engine.connect() as conn:
        names = {r.code: r.name for r in region_store.load_regions(conn)}
    day = dt.date(year, 12, 31)
    zoning = _zoning_in_force(engine, day, names)
    return {
        "year": year,
        "as_of": day.isoformat(),
        "zoning": zoning,
        "totals": {
            str(int(c)): {
                "name": c.name_zh,
                "units": sum(z["classes"][str(int(c))]["units"] for z in zoning),
                "area_km2": round(sum(z["classes"][str(int(c))]["area_km2"] for z in zoning), 2),
            }
            for c in UnitClass
        },
        "releases": _releases_of_year(engine, year),
        "screenings": _screenings_of_year(engine, year),
        "demo": any(z["release"]["demo"] for z in zoning),
    }


def tracking_html(data: dict, lang: str = "zh", *, generated_at: dt.datetime) -> str:
    return render_html(TEMPLATES, "tracking_report.html", lang, MESSAGES, generated_at=generated_at, d=data, demo=data["demo"])


def tracking_pdf(data: dict, lang: str = "zh", *, generated_at: dt.datetime) -> bytes:
    return html_to_pdf(tracking_html(data, lang, generated_at=generated_at))
