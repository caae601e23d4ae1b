"""Release workflow: import a draft, submit, file (备案), publish, with an audit trail.

Each step is one database transaction: a failure leaves the previous state (and the release in
force) untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ecozone.settings import BEIJING
from ecozone.errors import BadInput, Conflict
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.repositories import releases as release_store
from ecozone.zoning.diff import ReleaseDiff, diff_releases
from ecozone.zoning.exchange import export_package, read_package
from ecozone.zoning.importer import read_units
from ecozone.zoning.model import ControlUnit, Release, ReleaseKind, ReleaseStatus
from ecozone.zoning.rule_files import RuleFileText, build_rulebook, is_group_file, jurisdiction_of, rule_records
from ecozone.zoning.rules import region_prefix
from ecozone.zoning.validation import ValidationReport, ValidationSettings, validate_units

# Allowed moves of the lifecycle: status → statuses it may go to.
TRANSITIONS: dict[ReleaseStatus, set[ReleaseStatus]] = {
    ReleaseStatus.DRAFT: {ReleaseStatus.SUBMITTED},
    ReleaseStatus.SUBMITTED: {ReleaseStatus.FILED, ReleaseStatus.DRAFT},
    ReleaseStatus.FILED: {ReleaseStatus.PUBLISHED},
    ReleaseStatus.PUBLISHED: set(),
    ReleaseStatus.SUPERSEDED: set(),
}


@dataclass
class DraftRequest:
    """What an editor gives to create a draft release."""

    jurisdiction_code: str
    version: str
    title: str
    kind: ReleaseKind = ReleaseKind.INITIAL
    reason: str = ""
    issuer: str = ""
    demo: bool = False


def _check_request(request: DraftRequest) -> None:
    if request.kind != ReleaseKind.INITIAL and not request.reason.strip():
        raise BadInput(
            f"a {request.kind.value} release needs a reason (seed 001: 定期调整/动态更新 state why)",
            field="reason",
        )
    if not request.version.strip():
        raise BadInput("a release needs a version", field="version")


def create_draft(
    engine: Engine,
    request: DraftRequest,
    units: list[ControlUnit],
    actor: str,
    rule_files: Sequence[RuleFileText] = (),
    settings: ValidationSettings | None = None,
    *,
    now: dt.datetime,
) -> tuple[Release, ValidationReport]:
    """Validate ``units`` and rule files and store them as a new draft release, all or nothing.

    ``now`` stamps the release and its audit line; its Beijing date picks the group files in force.
    """
    _check_request(request)
    with engine.begin() as conn:
        regions = {r.code: r for r in region_store.load_regions(conn)}
        if request.jurisdiction_code not in regions:
            raise BadInput(
                f"jurisdiction {request.jurisdiction_code!r} is not a known region code",
                field="jurisdiction",
                value=request.jurisdiction_code,
            )
        report = validate_units(units, regions, settings)
        report.raise_if_errors()
        _check_units_in_jurisdiction(units, request.jurisdiction_code, regions)
        _check_rule_files(conn, rule_files, request.jurisdiction_code, now.astimezone(BEIJING).date())
        release = release_store.create_release(
            conn,
            Release(
                id=None,
                jurisdiction_code=request.jurisdiction_code,
                version=request.version,
                title=request.title,
                kind=request.kind,
                status=ReleaseStatus.DRAFT,
                reason=request.reason,
                issuer=request.issuer,
                demo=request.demo,
                warnings=[f.to_dict() for f in report.warnings],
            ),
            now,
        )
        release_store.add_units(conn, release.id, units)
        release_store.add_rule_files(conn, release.id, rule_files)
        release_store.add_rules(conn, release.id, rule_records(rule_files))
        release_store.record_audit(
            conn, actor, "create_draft", release.id, now, units=len(units), warnings=len(report.warnings)
        )
    return release, report


def shared_group_files(conn, as_of: dt.date) -> list[RuleFileText]:
    """Group files (``@groups`` definitions) of the releases in force on ``as_of``, which other rule files may use."""
    in_force = release_store.releases_in_force(conn, as_of)
    files = release_store.load_rule_files(conn, [r.id for r in in_force])
    return [(name, text) for name, text in files if is_group_file(name, text)]


def _check_rule_files(conn, rule_files: Sequence[RuleFileText], jurisdiction: str, as_of: dt.date) -> None:
    """Rule files must load, and govern the release's own jurisdiction or places within it."""
    if not rule_files:
        return
    for name, text in rule_files:
        declared = jurisdiction_of(name, text)
        if declared is not None and not declared.startswith(region_prefix(jurisdiction)):
            raise BadInput(
                f"{name}: rules of {declared} cannot be issued in a release of {jurisdiction}",
                field="jurisdiction",
                value=declared,
            )
    build_rulebook(rule_files, shared_group_files(conn, as_of))


def _check_units_in_jurisdiction(units: list[ControlUnit], jurisdiction: str, regions: dict) -> None:
    """A city or province release holds only units of its own counties (谁发布谁更新)."""
    level = regions[jurisdiction].level.value
    for unit in units:
        inside = (
            level == "province"
            and unit.county_code.startswith(jurisdiction[:2])
            or level == "city"
            and unit.city_code == jurisdiction
            or level == "county"
            and unit.county_code == jurisdiction
        )
        if not inside:
            raise BadInput(
                f"unit {unit.code} (county {unit.county_code}) is outside jurisdiction {jurisdiction}",
                field="code",
                value=unit.code,
            )


def import_draft(
    engine: Engine, path: Path, request: DraftRequest, actor: str, crs: str | None = None, *, now: dt.datetime
) -> tuple[Release, ValidationReport]:
    """Read a unit file and store it as a draft release (see ``create_draft``)."""
    read = read_units(path, crs=crs)
    return create_draft(engine, request, read.units, actor, now=now)


def _move(
    engine: Engine, release_id: int, to: ReleaseStatus, actor: str, expected_lock_version: int | None, now: dt.datetime, **fields
) -> Release:
    with engine.begin() as conn:
        current = release_store.get_release(conn, release_id)
        if to not in TRANSITIONS[current.status]:
            raise Conflict(
                f"release {release_id} is {current.status.value}; it cannot become {to.value}",
                field="status",
                value=current.status.value,
            )
        lock = current.lock_version if expected_lock_version is None else expected_lock_version
        updated = release_store.update_release_status(conn, release_id, lock, to, now, **fields)
        if to == ReleaseStatus.PUBLISHED:
            release_store.mark_superseded(conn, updated.jurisdiction_code, updated.id, now)
        release_store.record_audit(conn, actor, to.value, release_id, now, **{k: str(v) for k, v in fields.items()})
    return updated


def submit(engine: Engine, release_id: int, actor: str, expected_lock_version: int | None = None, *, now: dt.datetime) -> Release:
    """Draft → submitted (for filing with the level above)."""
    return _move(engine, release_id, ReleaseStatus.SUBMITTED, actor, expected_lock_version, now)


def file_release(engine: Engine, release_id: int, actor: str, expected_lock_version: int | None = None, *, now: dt.datetime) -> Release:
    """Submitted → filed (备案 by the level above)."""
    return _move(engine, release_id, ReleaseStatus.FILED, actor, expected_lock_version, now)


def publish(
    engine: Engine,
    release_id: int,
    effective_date: dt.date,
    actor: str,
    expected_lock_version: int | None = None,
    notice: str | None = None,
    today: dt.date | None = None,
    *,
    now: dt.datetime,
) -> Release:
    """Filed → published, in force from ``effective_date``; the previous release is superseded.

    With ``today`` (the caller's date: every interactive publish passes it), an effective date
    before today is refused: the zoning in force on a past day has been answered and cited
    (``as_of``), and publishing into the past would rewrite those answers. Loading shipped or
    historical data passes no ``today`` and records releases with their own past dates."""
    if today is not None and effective_date < today:
        raise Conflict(
            f"effective date {effective_date.isoformat()} is before today ({today.isoformat()}): releases in force "
            "in the past are immutable; publish with an effective date of today or later",
            field="effective_date",
            value=effective_date.isoformat(),
        )
    fields: dict = {"effective_date": effective_date}
    if notice is not None:
        fields["notice"] = notice
    return _move(engine, release_id, ReleaseStatus.PUBLISHED, actor, expected_lock_version, now, **fields)


def release_units(engine: Engine, release_id: int) -> tuple[Release, list[ControlUnit], list[dict]]:
    """A release with its units and per-rule records."""
    with engine.connect() as conn:
        release = release_store.get_release(conn, release_id)
        return release, release_store.load_units(conn, [release_id]), release_store.load_rules(conn, [release_id])


def release_rule_files(engine: Engine, release_id: int) -> list[RuleFileText]:
    with engine.connect() as conn:
        return release_store.load_rule_files(conn, [release_id])


def diff(engine: Engine, release_a: int, release_b: int) -> ReleaseDiff:
    """What changed from release A to release B."""
    _, units_a, rules_a = release_units(engine, release_a)
    _, units_b, rules_b = release_units(engine, release_b)
    return diff_releases(release_a, units_a, rules_a, release_b, units_b, rules_b)


def previous_release(engine: Engine, release: Release) -> Release | None:
    """The newest earlier published (or superseded) release of the same jurisdiction."""
    with engine.connect() as conn:
        earlier = [
            r
            for r in release_store.list_releases(conn, release.jurisdiction_code)
            if r.id != release.id
            and r.status.value in release_store.EVER_IN_FORCE
            and (release.effective_date is None or (r.effective_date and r.effective_date <= release.effective_date))
        ]
    return max(earlier, key=lambda r: (r.effective_date, r.id), default=None)


def export_release_package(engine: Engine, release_id: int, path: Path) -> dict:
    """Write a release as an exchange package; return its manifest."""
    release, units, _ = release_units(engine, release_id)
    return export_package(path, release, units, release_rule_files(engine, release_id))


def import_release_package(
    engine: Engine, path: Path, actor: str, version: str | None = None, *, now: dt.datetime
) -> tuple[Release, ValidationReport]:
    """Verify a package's checksums and store it as a new draft of its jurisdiction."""
    package = read_package(path)
    manifest = package.manifest
    request = DraftRequest(
        jurisdiction_code=manifest["jurisdiction"],
        version=version or manifest["version"],
        title=manifest["title"],
        kind=ReleaseKind(manifest["kind"]),
        reason=manifest.get("reason", ""),
        issuer=manifest.get("issuer", ""),
        demo=bool(manifest.get("demo")),
    )
    return create_draft(engine, request, package.units, actor, rule_files=package.rule_files, now=now)
