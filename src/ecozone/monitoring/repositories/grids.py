"""Repository of supervision grids, their cells and the responsible persons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, insert, select, update

from ecozone.errors import NotFound
from ecozone.monitoring.model import GridCell, Person
from ecozone.store.schema import (
    grid_cells,
    responsible_persons,
    supervision_grids,
)


def add_person(conn: Connection, person: Person) -> int:
    """Store a responsible person; returns the id."""
    person.id = conn.execute(
        insert(responsible_persons).values(
            name=person.name, organisation=person.organisation, phone=person.phone, email=person.email,
            region_code=person.region_code,
        )
    ).inserted_primary_key[0]
    return person.id


def get_person(conn: Connection, person_id: int) -> Person:
    row = conn.execute(select(responsible_persons).where(responsible_persons.c.id == person_id)).first()
    if row is None:
        raise NotFound(f"no responsible person with id {person_id}", field="person_id", value=person_id)
    return Person(row.name, row.organisation, row.phone, row.email, row.region_code, row.id)


def insert_grid(conn: Connection, county_code: str, name: str, method: str, cells: Sequence[GridCell], now: dt.datetime) -> int:
    """Store a grid and its cells in one go; returns the grid id."""
    grid_id = conn.execute(
        insert(supervision_grids).values(county_code=county_code, name=name, method=method, created_at=now)
    ).inserted_primary_key[0]
    conn.execute(
        insert(grid_cells),
        [
            {"grid_id": grid_id, "code": c.code, "level": c.level, "parent_code": c.parent_code,
             "responsible_id": c.responsible_id, "area_m2": c.area_m2, "geom": c.geometry}
            for c in cells
        ],
    )
    return grid_id


def list_grids(conn: Connection, county_code: str | None = None) -> list[dict]:
    """Grids with their cell counts by level."""
    query = select(supervision_grids).order_by(supervision_grids.c.id)
    if county_code:
        query = query.where(supervision_grids.c.county_code == county_code)
    out = []
    for g in conn.execute(query):
        counts = dict(
            conn.execute(
                select(grid_cells.c.level, func.count()).where(grid_cells.c.grid_id == g.id).group_by(grid_cells.c.level)
            ).all()
        )
        out.append({"id": g.id, "county_code": g.county_code, "name": g.name, "method": g.method,
                    "created_at": g.created_at, "cells": counts})
    return out


def load_cells(conn: Connection, grid_id: int | None = None, county_code: str | None = None) -> list[GridCell]:
    """Cells of one grid, or of every grid of a county, or all."""
    query = select(grid_cells).order_by(grid_cells.c.id)
    if grid_id is not None:
        query = query.where(grid_cells.c.grid_id == grid_id)
    if county_code is not None:
        query = query.join(supervision_grids).where(supervision_grids.c.county_code == county_code)
    return [
        GridCell(r.code, r.level, r.geom, r.area_m2, r.parent_code, r.responsible_id, r.id, r.grid_id)
        for r in conn.execute(query)
    ]


def assign_cell_responsible(conn: Connection, cell_id: int, person_id: int) -> None:
    """Make ``person_id`` responsible for the cell."""
    get_person(conn, person_id)
    done = conn.execute(update(grid_cells).where(grid_cells.c.id == cell_id).values(responsible_id=person_id)).rowcount
    if not done:
        raise NotFound(f"no grid cell with id {cell_id}", field="cell_id", value=cell_id)


def delete_grid(conn: Connection, grid_id: int) -> None:
    conn.execute(delete(supervision_grids).where(supervision_grids.c.id == grid_id))
