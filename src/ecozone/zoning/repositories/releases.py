"""Repository functions for releases, their units, access lists and rules."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ecozone.errors import Conflict, NotFound
from ecozone.store.schema import access_entries, audit_log, control_units, releases, rule_files, rules
from ecozone.store.timestamps import as_utc
from ecozone.zoning.model import (
    AccessEntry,
    ControlUnit,
    Dimension,
    Release,
    ReleaseKind,
    ReleaseStatus,
    UnitClass,
)

# Releases whose units can be in force on some date: the current one and those it replaced.
EVER_IN_FORCE = (ReleaseStatus.PUBLISHED.value, ReleaseStatus.SUPERSEDED.value)


def _release_from_row(row) -> Release:
    return Release(
        id=row.id,
        jurisdiction_code=row.jurisdiction_code,
        version=row.version,
        title=row.title,
        kind=ReleaseKind(row.kind),
        status=ReleaseStatus(row.status),
        effective_date=row.effective_date,
        reason=row.reason,
        issuer=row.issuer,
        notice=row.notice,
        demo=row.demo,
        lock_version=row.lock_version,
        warnings=list(row.warnings or []),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def create_release(conn: Connection, release: Release, now: dt.datetime) -> Release:
    """Insert a new release (normally a draft) and return it with its id."""
    try:
        new_id = _insert_release(conn, release, now)
    except IntegrityError as exc:
        # The unique constraint decides, also between two editors creating it at once.
        raise Conflict(
            f"release {release.version!r} of {release.jurisdiction_code} already exists",
            field="version",
            value=release.version,
        ) from exc
    return get_release(conn, new_id)


def _insert_release(conn: Connection, release: Release, now: dt.datetime) -> int:
    return conn.execute(
        insert(releases)
        .values(
            jurisdiction_code=release.jurisdiction_code,
            version=release.version,
            title=release.title,
            kind=release.kind.value,
            reason=release.reason,
            status=release.status.value,
            effective_date=release.effective_date,
            issuer=release.issuer,
            notice=release.notice,
            demo=release.demo,
            lock_version=1,
            warnings=release.warnings,
            created_at=now,
            updated_at=now,
        )
        .returning(releases.c.id)
    ).scalar_one()


def get_release(conn: Connection, release_id: int) -> Release:
    """The release with ``release_id``, or ``NotFound``."""
    row = conn.execute(select(releases).where(releases.c.id == release_id)).first()
    if row is None:
        raise NotFound(f"release {release_id} does not exist", field="release", value=release_id)
    return _release_from_row(row)


def list_releases(conn: Connection, jurisdiction_code: str | None = None) -> list[Release]:
    """All releases, newest first, optionally of one jurisdiction."""
    query = select(releases).order_by(releases.c.jurisdiction_code, releases.c.id.desc())
    if jurisdiction_code is not None:
        query = query.where(releases.c.jurisdiction_code == jurisdiction_code)
    return [_release_from_row(row) for row in conn.execute(query)]


def releases_in_force(conn: Connection, as_of: dt.date) -> list[Release]:
    """Per jurisdiction, the latest published release whose effective date is on or before ``as_of``."""
    candidates = conn.execute(
        select(releases)
        .where(
            releases.c.status.in_(EVER_IN_FORCE),
            releases.c.effective_date.is_not(None),
            releases.c.effective_date <= as_of,
        )
        .order_by(releases.c.jurisdiction_code, releases.c.effective_date.desc(), releases.c.id.desc())
    )
    chosen: dict[str, Release] = {}
    for row in candidates:
        chosen.setdefault(row.jurisdiction_code, _release_from_row(row))
    return list(chosen.values())


def update_release_status(
    conn: Connection,
    release_id: int,
    expected_lock_version: int,
    status: ReleaseStatus,
    now: dt.datetime,
    **fields,
) -> Release:
    """Move a release to ``status`` if nobody changed it since ``expected_lock_version``.

    Optimistic locking: the UPDATE matches the lock version it read, so of two concurrent
    writers exactly one succeeds; the other gets ``Conflict``.
    """
    result = conn.execute(
        update(releases)
        .where(releases.c.id == release_id, releases.c.lock_version == expected_lock_version)
        .values(
            status=status.value,
            lock_version=releases.c.lock_version + 1,
            updated_at=now,
            **fields,
        )
    )
    if result.rowcount != 1:
        current = get_release(conn, release_id)
        raise Conflict(
            f"release {release_id} was changed by someone else (version {current.lock_version}, "
            f"expected {expected_lock_version}); reload it and try again",
            field="lock_version",
            value=expected_lock_version,
        )
    return get_release(conn, release_id)


def mark_superseded(conn: Connection, jurisdiction_code: str, except_release_id: int, now: dt.datetime) -> None:
    """Mark the other published releases of a jurisdiction as superseded (history stays queryable)."""
    conn.execute(
        update(releases)
        .where(
            releases.c.jurisdiction_code == jurisdiction_code,
            releases.c.status == ReleaseStatus.PUBLISHED.value,
            releases.c.id != except_release_id,
        )
        .values(
            status=ReleaseStatus.SUPERSEDED.value,
            lock_version=releases.c.lock_version + 1,
            updated_at=now,
        )
    )


def record_audit(conn: Connection, actor: str, action: str, release_id: int | None, at: dt.datetime, **detail) -> None:
    """Append one line to the audit log, stamped ``at``."""
    conn.execute(
        insert(audit_log).values(
            at=at, actor=actor, action=action, release_id=release_id, detail=detail
        )
    )


def audit_trail(conn: Connection, release_id: int) -> list[dict]:
    """The audit log lines of one release, oldest first."""
    rows = conn.execute(
        select(audit_log).where(audit_log.c.release_id == release_id).order_by(audit_log.c.at, audit_log.c.id)
    )
    return [
        {"at": as_utc(row.at).isoformat(), "actor": row.actor, "action": row.action, "detail": row.detail or {}}
        for row in rows
    ]


def add_units(conn: Connection, release_id: int, units: Sequence[ControlUnit]) -> None:
    """Store ``units`` (with their access lists) as part of release ``release_id``."""
    for unit in units:
        unit_id = conn.execute(
            insert(control_units)
            .values(
                release_id=release_id,
                code=unit.code,
                name=unit.name,
                unit_class=int(unit.unit_class),
                elements=list(unit.elements),
                county_code=unit.county_code,
                city_code=unit.city_code,
                remark=unit.remark,
                area_m2=unit.area_m2,
                geom=unit.geometry,
            )
            .returning(control_units.c.id)
        ).scalar_one()
        entries = [
            {"unit_id": unit_id, "dimension": e.dimension.value, "position": i, "text": e.text}
            for i, e in enumerate(unit.access)
        ]
        if entries:
            conn.execute(insert(access_entries), entries)


def _access_by_unit(conn: Connection, unit_ids: list[int]) -> dict[int, list[AccessEntry]]:
    grouped: dict[int, list[AccessEntry]] = defaultdict(list)
    if not unit_ids:
        return grouped
    rows = conn.execute(
        select(access_entries)
        .where(access_entries.c.unit_id.in_(unit_ids))
        .order_by(access_entries.c.unit_id, access_entries.c.position)
    )
    for row in rows:
        grouped[row.unit_id].append(AccessEntry(Dimension(row.dimension), row.text))
    return grouped


def load_units(
    conn: Connection, release_ids: Iterable[int], codes: Iterable[str] | None = None
) -> list[ControlUnit]:
    """The units of the given releases (optionally only some codes), with their access lists."""
    ids = list(release_ids)
    if not ids:
        return []
    query = select(control_units).where(control_units.c.release_id.in_(ids))
    if codes is not None:
        query = query.where(control_units.c.code.in_(list(codes)))
    rows = conn.execute(query.order_by(control_units.c.code)).all()
    access = _access_by_unit(conn, [row.id for row in rows])
    return [
        ControlUnit(
            code=row.code,
            name=row.name,
            unit_class=UnitClass(row.unit_class),
            geometry=row.geom,
            county_code=row.county_code,
            city_code=row.city_code,
            elements=list(row.elements or []),
            access=access.get(row.id, []),
            remark=row.remark,
            area_m2=row.area_m2,
            release_id=row.release_id,
        )
        for row in rows
    ]


def count_units(conn: Connection, release_id: int) -> int:
    """How many units a release holds."""
    return conn.execute(
        select(func.count()).select_from(control_units).where(control_units.c.release_id == release_id)
    ).scalar_one()


def add_rule_files(conn: Connection, release_id: int, files: Sequence[tuple[str, str]]) -> None:
    """Store rule files (name, YAML text) exactly as filed with a release."""
    rows = [
        {"release_id": release_id, "name": name, "text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
        for name, text in files
    ]
    if rows:
        conn.execute(insert(rule_files), rows)


def load_rule_files(conn: Connection, release_ids: Iterable[int]) -> list[tuple[str, str]]:
    """(name, text) of the rule files of the given releases, by release then name."""
    ids = list(release_ids)
    if not ids:
        return []
    rows = conn.execute(
        select(rule_files.c.name, rule_files.c.text)
        .where(rule_files.c.release_id.in_(ids))
        .order_by(rule_files.c.release_id, rule_files.c.name)
    )
    return [(row.name, row.text) for row in rows]


def add_rules(conn: Connection, release_id: int, records: Sequence[dict]) -> None:
    """Store declarative rule records (each with ``id``, ``dimension``, ``effect``) in a release."""
    rows = [
        {
            "release_id": release_id,
            "rule_id": record["id"],
            "dimension": record["dimension"],
            "effect": record["effect"],
            "body": record,
        }
        for record in records
    ]
    if rows:
        conn.execute(insert(rules), rows)


def load_rules(conn: Connection, release_ids: Iterable[int]) -> list[dict]:
    """The rule records of the given releases, each with its ``release_id``."""
    ids = list(release_ids)
    if not ids:
        return []
    rows = conn.execute(
        select(rules.c.release_id, rules.c.body)
        .where(rules.c.release_id.in_(ids))
        .order_by(rules.c.release_id, rules.c.rule_id)
    )
    return [{**row.body, "release_id": row.release_id} for row in rows]


def release_ids_with_status(conn: Connection, statuses: Iterable[str]) -> list[int]:
    """Ids of releases in any of ``statuses``."""
    return list(
        conn.execute(select(releases.c.id).where(and_(releases.c.status.in_(list(statuses))))).scalars()
    )
