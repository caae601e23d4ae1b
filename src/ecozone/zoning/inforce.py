"""What is in force: the releases, units and regions that answer queries on a given date.

A ``ZoningSnapshot`` is an immutable, indexed view built from the store. ``SnapshotCache``
keeps one per date and rebuilds it when the set of releases in force changes (a publish).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from ecozone.errors import NotFound
from ecozone.geo.index import GeometryIndex
from ecozone.geo.regions import Region, RegionLevel
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning.model import ControlUnit, Release


@dataclass
class RegionIndex:
    """Administrative regions with a spatial index per level."""

    regions: list[Region]
    by_code: dict[str, Region] = field(init=False)
    _levels: dict[RegionLevel, tuple[list[Region], GeometryIndex]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {r.code: r for r in self.regions}
        self._levels = {}
        for level in RegionLevel:
            members = [r for r in self.regions if r.level == level]
            self._levels[level] = (members, GeometryIndex([r.geometry for r in members]))

    def at_point(self, lon: float, lat: float) -> dict[RegionLevel, Region]:
        """The province, city and county covering the point (levels with no hit are absent)."""
        found: dict[RegionLevel, Region] = {}
        for level, (members, index) in self._levels.items():
            hits = index.query_point(lon, lat)
            if hits:
                found[level] = members[hits[0]]
        return found

    def points_hits(self, points, level: RegionLevel) -> tuple[list[Region], tuple]:
        """The regions of ``level`` and the (point, region position) pairs covering ``points``."""
        members, index = self._levels[level]
        return members, index.points_hits(points)

    def intersecting(self, geometry, level: RegionLevel) -> list[Region]:
        """The regions of ``level`` that the geometry touches."""
        members, index = self._levels[level]
        return [members[i] for i in index.query_geometry(geometry)]


@dataclass
class ZoningSnapshot:
    """The zoning in force on ``as_of``: releases, their units with a spatial index, regions."""

    as_of: dt.date
    releases: list[Release]
    units: list[ControlUnit]
    regions: RegionIndex
    rule_files: list[tuple[str, str]] = field(default_factory=list)
    unit_index: GeometryIndex = field(init=False)
    _by_code: dict[str, ControlUnit] = field(init=False)

    def __post_init__(self) -> None:
        self.unit_index = GeometryIndex([u.geometry for u in self.units])
        self._by_code = {u.code: u for u in self.units}

    @property
    def release_ids(self) -> tuple[int, ...]:
        return tuple(sorted(r.id for r in self.releases if r.id is not None))

    @property
    def demo(self) -> bool:
        """True while any release in force is demonstration data (示例数据)."""
        return any(r.demo for r in self.releases)

    def release(self, release_id: int | None) -> Release | None:
        return next((r for r in self.releases if r.id == release_id), None)

    def unit(self, code: str) -> ControlUnit:
        """The unit in force with ``code``, or ``NotFound``."""
        try:
            return self._by_code[code]
        except KeyError:
            raise NotFound(
                f"no control unit {code!r} is in force on {self.as_of.isoformat()}",
                field="code",
                value=code,
            ) from None

    def units_at(self, lon: float, lat: float) -> list[ControlUnit]:
        return [self.units[i] for i in self.unit_index.query_point(lon, lat)]

    def units_in_bbox(self, bbox: tuple[float, float, float, float]) -> list[ControlUnit]:
        return [self.units[i] for i in self.unit_index.query_bbox(*bbox)]

    def units_intersecting(self, geometry) -> list[ControlUnit]:
        return [self.units[i] for i in self.unit_index.query_geometry(geometry)]


def load_snapshot(engine: Engine, as_of: dt.date, regions: RegionIndex | None = None) -> ZoningSnapshot:
    """Read what is in force on ``as_of`` from the store and index it."""
    with engine.connect() as conn:
        in_force = release_store.releases_in_force(conn, as_of)
    return load_snapshot_of(engine, [r.id for r in in_force], as_of, regions)


def load_snapshot_of(
    engine: Engine, release_ids: list[int], as_of: dt.date, regions: RegionIndex | None = None
) -> ZoningSnapshot:
    """A snapshot of exactly these releases (to re-run an answer on the data it was computed on)."""
    with engine.connect() as conn:
        in_force = [release_store.get_release(conn, i) for i in sorted(release_ids)]
        ids = [r.id for r in in_force]
        units = release_store.load_units(conn, ids)
        rule_files = release_store.load_rule_files(conn, ids)
        if regions is None:
            regions = RegionIndex(region_store.load_regions(conn))
    return ZoningSnapshot(as_of=as_of, releases=in_force, units=units, regions=regions, rule_files=rule_files)


class SnapshotCache:
    """Snapshots per date, rebuilt when the releases in force on that date change."""

    def __init__(self, engine: Engine, today: Callable[[], dt.date], max_dates: int = 8) -> None:
        self._engine = engine
        self._today = today  # the edge's clock: the date whose zoning answers when none is asked for
        self._max_dates = max_dates
        self._snapshots: dict[dt.date, ZoningSnapshot] = {}
        self._regions: RegionIndex | None = None
        self._lock = threading.Lock()

    def _current_ids(self, as_of: dt.date) -> tuple[int, ...]:
        with self._engine.connect() as conn:
            return tuple(sorted(r.id for r in release_store.releases_in_force(conn, as_of)))

    def get(self, as_of: dt.date | None = None) -> ZoningSnapshot:
        """The snapshot for ``as_of`` (today by default), fresh with respect to publishes."""
        day = as_of or self._today()
        ids = self._current_ids(day)
        regions = self.regions()
        with self._lock:
            cached = self._snapshots.get(day)
            if cached is not None and cached.release_ids == ids:
                return cached
            snapshot = load_snapshot(self._engine, day, regions)
            if len(self._snapshots) >= self._max_dates:
                self._snapshots.pop(next(iter(self._snapshots)))
            self._snapshots[day] = snapshot
            return snapshot

    def regions(self) -> RegionIndex:
        """The region index (loaded once)."""
        with self._lock:
            if self._regions is None:
                with self._engine.connect() as conn:
                    self._regions = RegionIndex(region_store.load_regions(conn))
            return self._regions

    def invalidate(self) -> None:
        """Forget everything (after regions are reloaded)."""
        with self._lock:
            self._snapshots.clear()
            self._regions = None
