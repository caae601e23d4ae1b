"""Screening as a service: screen against what is in force, store every answer (who, when, on
which releases), re-run a stored answer on the same releases, and record reviewers' overrides."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.zoning.repositories import regions as region_store
from ecozone.screening import repository as screening_store
from ecozone.screening.engine import PostStep, Screener, ScreeningResult, build_catalog
from ecozone.screening.project_input import ProjectInput, project_from_feature
from ecozone.zoning.catalog import FeatureCatalog
from ecozone.zoning.findings import verdict_of_findings
from ecozone.zoning.inforce import SnapshotCache, ZoningSnapshot, load_snapshot_of
from ecozone.zoning.rule_files import build_rulebook
from ecozone.zoning.rules import Rulebook

ANONYMOUS = "anonymous"


def new_screening_id(now: dt.datetime) -> str:
    """Time-ordered and unguessable: a timestamp followed by random hex."""
    return now.strftime("%Y%m%d%H%M%S") + secrets.token_hex(6)


class ScreeningService:
    """Builds one ``Screener`` per set of releases in force and reuses it across requests."""

    def __init__(
        self, engine: Engine, snapshots: SnapshotCache, clock: Callable[[], dt.datetime], post_steps: list[PostStep] | None = None
    ) -> None:
        self.engine = engine
        self.snapshots = snapshots
        self._clock = clock  # the edge's clock: stamps stored answers and overrides
        # Checks that refine the rules' findings from stored state (the offset ledgers); the
        # edges that build the service (app, cli) pass them in, so screening imports no ledger.
        self.post_steps = list(post_steps or [])
        self._catalog: FeatureCatalog | None = None
        self._screeners: dict[tuple[tuple[int, ...], dt.date], Screener] = {}
        self._rulebooks: dict[tuple[int, ...], Rulebook] = {}
        self._lock = threading.Lock()

    def catalog(self) -> FeatureCatalog:
        with self._lock:
            if self._catalog is None:
                with self.engine.connect() as conn:
                    self._catalog = build_catalog(region_store.load_features(conn))
            return self._catalog

    def _rulebook(self, snapshot: ZoningSnapshot) -> Rulebook:
        key = snapshot.release_ids
        if key not in self._rulebooks:
            self._rulebooks[key] = build_rulebook(snapshot.rule_files)
        return self._rulebooks[key]

    def screener_for(self, snapshot: ZoningSnapshot) -> Screener:
        """The screener of a snapshot (rulebook parsed and catalog projected once)."""
        catalog = self.catalog()
        key = (snapshot.release_ids, snapshot.as_of)
        with self._lock:
            cached = self._screeners.get(key)
            if cached is None or cached.snapshot is not snapshot:
                if len(self._screeners) > 16:
                    self._screeners.clear()
                cached = Screener(snapshot, self._rulebook(snapshot), catalog, self.post_steps)
                self._screeners[key] = cached
            return cached

    def screener(self, as_of: dt.date | None = None) -> Screener:
        return self.screener_for(self.snapshots.get(as_of))

    def screen(
        self,
        feature: dict,
        crs: str | None = None,
        as_of: dt.date | None = None,
        actor: str = "anonymous",
        store: bool = True,
        now: dt.datetime | None = None,
        max_vertices: int | None = None,
    ) -> tuple[ScreeningResult, str | None]:
        """Screen a GeoJSON Feature; store the answer (made at ``now``) unless ``store`` is False."""
        project = project_from_feature(feature, crs, max_vertices)
        result = self.screener(as_of).screen(project)
        return result, (self.store(result, project, actor, now) if store else None)

    def store(self, result: ScreeningResult, project: ProjectInput, actor: str, now: dt.datetime | None = None) -> str:
        # Callers may pass the instant they answered at; otherwise the edge's clock stamps it.
        now = now or self._clock()
        screening_id = new_screening_id(now)
        with self.engine.begin() as conn:
            screening_store.save_screening(
                conn,
                screening_store.StoredScreening(
                    id=screening_id,
                    result_id=result.result_id,
                    created_at=now,
                    actor=actor,
                    as_of=result.snapshot.as_of,
                    project_name=project.project.name,
                    industry=project.project.industry,
                    verdict=result.verdict,
                    release_ids=result.release_ids,
                    unit_classes=sorted({int(o.unit.unit_class) for o in result.overlay.units}),
                    input=project.feature,
                    result=result.to_dict(),
                    geometry=project.project.geometry,
                ),
            )
        return screening_id

    def purge_anonymous(self, now: dt.datetime, retention: dt.timedelta) -> int:
        """Delete anonymous screenings older than ``retention`` at ``now`` (the caller's clock),
        except those a reviewer has overridden; the number deleted. Within the retention a
        stored id still answers and re-runs on the releases it used."""
        with self.engine.begin() as conn:
            return screening_store.delete_unreviewed_before(conn, ANONYMOUS, now - retention)

    def get(self, screening_id: str) -> dict:
        """A stored answer with who asked, when, and the reviewers' overrides beside the original."""
        with self.engine.connect() as conn:
            stored = screening_store.get_screening(conn, screening_id)
            overrides = screening_store.overrides_for(conn, screening_id)
        return with_overrides(stored, overrides)

    def rerun(self, screening_id: str) -> dict:
        """Screen the stored question again on the releases it named; say whether the answer holds."""
        with self.engine.connect() as conn:
            stored = screening_store.get_screening(conn, screening_id)
        snapshot = load_snapshot_of(self.engine, stored.release_ids, stored.as_of, self.snapshots.regions())
        project = project_from_feature(stored.input, stored.input.get("crs"))
        again = self.screener_for(snapshot).screen(project)
        return {
            "screening_id": screening_id,
            "same": again.result_id == stored.result_id and again.verdict == stored.verdict,
            "original": {"result_id": stored.result_id, "verdict": stored.verdict},
            "rerun": again.to_dict(),
        }

    def override(self, screening_id: str, rule_id: str, reason: str, actor: str) -> dict:
        """Mark a finding as not applicable, with a reason; the stored original stays."""
        if not reason.strip():
            raise BadInput("an override needs a reason", field="reason")
        with self.engine.begin() as conn:
            stored = screening_store.get_screening(conn, screening_id)
            rule_ids = [f["rule_id"] for f in stored.result["findings"]]
            if rule_id not in rule_ids:
                raise BadInput(
                    f"rule {rule_id!r} is not a finding of screening {screening_id} (findings: {', '.join(rule_ids) or 'none'})",
                    field="rule_id",
                    value=rule_id,
                )
            screening_store.add_override(
                conn, screening_store.Override(screening_id, rule_id, reason.strip(), actor, self._clock())
            )
        return self.get(screening_id)


def verdict_of(findings: list[dict]) -> str:
    """The combined verdict of stored findings: the worst outcome none of them rules out
    (prohibited > possibly_prohibited > restricted > review > compliant)."""
    return verdict_of_findings(findings).value


def with_overrides(stored: screening_store.StoredScreening, overrides: list[screening_store.Override]) -> dict:
    """The original answer, the overrides, and the verdict once overridden findings are set aside."""
    overridden = {o.rule_id for o in overrides}
    remaining = [f for f in stored.result["findings"] if f["rule_id"] not in overridden]
    return {
        "screening_id": stored.id,
        "created_at": stored.created_at.isoformat(),
        "actor": stored.actor,
        "input": stored.input,
        "result": stored.result,
        "overrides": [o.to_dict() for o in overrides],
        "verdict_after_overrides": verdict_of(remaining) if overrides else stored.verdict,
    }
