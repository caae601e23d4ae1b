"""Repository of the ledgers: sources, draws (one per source, by a unique key) and balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from ecozone.errors import Conflict, NotFound
from ecozone.ledgers.model import Source
from ecozone.store.schema import ledger_draws, ledger_sources, screenings
from ecozone.store.timestamps import as_utc


def _source(row) -> Source:
    return Source(
        id=row.id, code=row.code, region_code=row.region_code, resource=row.resource, kind=row.kind,
        amount=row.amount, effective_on=row.effective_on, document=row.document, industry=row.industry,
        note=row.note, demo=row.demo, drawn_by=row.screening_id, drawn_result_id=row.result_id, drawn_project=row.project_name,
    )


def _with_draws():
    return (
        select(ledger_sources, ledger_draws.c.screening_id, ledger_draws.c.project_name, screenings.c.result_id)
        .outerjoin(ledger_draws, ledger_draws.c.source_id == ledger_sources.c.id)
        .outerjoin(screenings, screenings.c.id == ledger_draws.c.screening_id)
    )


def add_source(conn: Connection, values: dict) -> int:
    """Bank one reduction; ``Conflict`` when its code is taken."""
    try:
        with conn.begin_nested():
            return conn.execute(insert(ledger_sources).values(**values)).inserted_primary_key[0]
    except IntegrityError as exc:
        raise Conflict(f"ledger source {values['code']!r} already exists", field="code", value=values["code"]) from exc


def sources_by_code(conn: Connection, codes: Iterable[str]) -> dict[str, Source]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = conn.execute(_with_draws().where(ledger_sources.c.code.in_(wanted)))
    return {r.code: _source(r) for r in rows}


def list_sources(conn: Connection, region_prefix: str | None = None, resource: str | None = None) -> list[Source]:
    query = _with_draws().order_by(ledger_sources.c.region_code, ledger_sources.c.code)
    if region_prefix:
        query = query.where(ledger_sources.c.region_code.like(f"{region_prefix}%"))
    if resource:
        query = query.where(ledger_sources.c.resource == resource)
    return [_source(r) for r in conn.execute(query)]


def lock_source(conn: Connection, code: str) -> Source:
    """The source with its draw (if any), locked on PostgreSQL until the transaction ends."""
    query = _with_draws().where(ledger_sources.c.code == code).with_for_update(of=ledger_sources)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no ledger source {code!r}", field="source", value=code)
    return _source(row)


def insert_draw(conn: Connection, values: dict) -> int:
    """Record a draw; the unique key on the source refuses a second one on every backend."""
    try:
        with conn.begin_nested():
            return conn.execute(insert(ledger_draws).values(**values)).inserted_primary_key[0]
    except IntegrityError as exc:
        raise Conflict("the ledger source is already drawn", field="source", value=values["source_id"]) from exc


def draws_of(conn: Connection, screening_id: str | None = None) -> list[dict]:
    query = (
        select(ledger_draws, ledger_sources.c.code, ledger_sources.c.region_code, ledger_sources.c.resource)
        .join(ledger_sources, ledger_sources.c.id == ledger_draws.c.source_id)
        .order_by(ledger_draws.c.drawn_at, ledger_draws.c.id)
    )
    if screening_id is not None:
        query = query.where(ledger_draws.c.screening_id == screening_id)
    return [{**r._asdict(), "drawn_at": as_utc(r.drawn_at)} for r in conn.execute(query)]


def totals_by_year(conn: Connection, region_prefix: str, until: dt.date) -> dict[str, list[dict]]:
    """Per resource and year: amounts banked (by effective date) and drawn (by draw date), up to ``until``."""
    banked = conn.execute(
        select(ledger_sources.c.resource, ledger_sources.c.effective_on, func.sum(ledger_sources.c.amount))
        .where(ledger_sources.c.region_code.like(f"{region_prefix}%"), ledger_sources.c.effective_on <= until)
        .group_by(ledger_sources.c.resource, ledger_sources.c.effective_on)
    ).all()
    drawn = conn.execute(
        select(ledger_sources.c.resource, ledger_draws.c.drawn_at, ledger_draws.c.amount)
        .join(ledger_sources, ledger_sources.c.id == ledger_draws.c.source_id)
        .where(ledger_sources.c.region_code.like(f"{region_prefix}%"))
    ).all()
    out: dict[str, list[dict]] = {"banked": [], "drawn": []}
    out["banked"] = [{"resource": r, "year": d.year, "amount": float(a)} for r, d, a in banked]
    out["drawn"] = [
        {"resource": r, "year": as_utc(t).year, "amount": float(a)} for r, t, a in drawn if as_utc(t).date() <= until
    ]
    return out
