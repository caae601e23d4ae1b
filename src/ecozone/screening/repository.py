"""Repository functions for stored screenings (符合性研判) and reviewers' overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely
from sqlalchemy import Connection, delete, exists, func, insert, select

from ecozone.errors import NotFound
from ecozone.store.schema import screening_overrides, screenings


@dataclass
class StoredScreening:
    """One stored answer: who asked, when, on which releases, and the result as given."""

    id: str
    result_id: str
    created_at: dt.datetime
    actor: str
    as_of: dt.date
    project_name: str
    industry: str | None
    verdict: str
    release_ids: list[int]
    unit_classes: list[int]
    input: dict
    result: dict
    geometry: shapely.Geometry


@dataclass
class Override:
    """A reviewer's note that a finding does not apply, with the reason; the original stays."""

    screening_id: str
    rule_id: str
    reason: str
    actor: str
    at: dt.datetime

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "reason": self.reason, "actor": self.actor, "at": self.at.isoformat()}


def save_screening(conn: Connection, item: StoredScreening) -> None:
    conn.execute(
        insert(screenings).values(
            id=item.id,
            result_id=item.result_id,
            created_at=item.created_at,
            actor=item.actor,
            as_of=item.as_of,
            project_name=item.project_name,
            industry=item.industry,
            verdict=item.verdict,
            release_ids=item.release_ids,
            unit_classes=item.unit_classes,
            input=item.input,
            result=item.result,
            geom=item.geometry,
        )
    )


def _from_row(row) -> StoredScreening:
    return StoredScreening(
        id=row.id,
        result_id=row.result_id,
        created_at=row.created_at,
        actor=row.actor,
        as_of=row.as_of,
        project_name=row.project_name,
        industry=row.industry,
        verdict=row.verdict,
        release_ids=list(row.release_ids),
        unit_classes=list(row.unit_classes or []),
        input=row.input,
        result=row.result,
        geometry=row.geom,
    )


def get_screening(conn: Connection, screening_id: str) -> StoredScreening:
    """The stored screening, or ``NotFound``."""
    row = conn.execute(select(screenings).where(screenings.c.id == screening_id)).first()
    if row is None:
        raise NotFound(f"screening {screening_id!r} does not exist", field="screening", value=screening_id)
    return _from_row(row)


def list_screenings(
    conn: Connection, since: dt.datetime | None = None, until: dt.datetime | None = None, limit: int = 100, offset: int = 0
) -> list[StoredScreening]:
    """Stored screenings, newest first, optionally within [since, until)."""
    query = select(screenings).order_by(screenings.c.created_at.desc(), screenings.c.id.desc())
    if since is not None:
        query = query.where(screenings.c.created_at >= since)
    if until is not None:
        query = query.where(screenings.c.created_at < until)
    return [_from_row(row) for row in conn.execute(query.limit(limit).offset(offset))]


def count_by_verdict(conn: Connection, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """How many screenings ended in each verdict within [since, until)."""
    rows = conn.execute(
        select(screenings.c.verdict, func.count())
        .where(screenings.c.created_at >= since, screenings.c.created_at < until)
        .group_by(screenings.c.verdict)
    )
    return {verdict: count for verdict, count in rows}


def add_override(conn: Connection, override: Override) -> None:
    get_screening(conn, override.screening_id)
    conn.execute(
        insert(screening_overrides).values(
            screening_id=override.screening_id,
            rule_id=override.rule_id,
            reason=override.reason,
            actor=override.actor,
            at=override.at,
        )
    )


def overrides_for(conn: Connection, screening_id: str) -> list[Override]:
    rows = conn.execute(
        select(screening_overrides)
        .where(screening_overrides.c.screening_id == screening_id)
        .order_by(screening_overrides.c.id)
    )
    return [Override(r.screening_id, r.rule_id, r.reason, r.actor, r.at) for r in rows]


def delete_unreviewed_before(conn: Connection, actor: str, before: dt.datetime) -> int:
    """Delete ``actor``'s screenings made before ``before`` that no reviewer has overridden;
    the number deleted."""
    reviewed = exists().where(screening_overrides.c.screening_id == screenings.c.id)
    result = conn.execute(delete(screenings).where(screenings.c.actor == actor, screenings.c.created_at < before, ~reviewed))
    return result.rowcount or 0
