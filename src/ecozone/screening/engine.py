"""The compliance assessment (符合性研判): project → overlay → rules → verdict, cited.

A ``Screener`` serves one snapshot of what is in force: it holds the evaluator (the rulebook of
the releases in force) and the reference-feature catalog, built once and reused for every
project screened against that snapshot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from ecozone.geo.regions import ReferenceFeature
from ecozone.screening.overlay import Overlay, overlay
from ecozone.screening.project_input import ProjectInput
from ecozone.zoning.catalog import FeatureCatalog, RegionHit, SpatialContext, UnitHit
from ecozone.zoning.evaluator import Evaluator
from ecozone.zoning.findings import VERDICT_NAMES_ZH, Evaluation
from ecozone.zoning.industries import describe_industry
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.lookup import DEMO_NOTICE_ZH
from ecozone.zoning.rules import Rulebook


@dataclass
class ScreeningResult:
    """Everything a screening answers, in the JSON shape of DESIGN.md."""

    project: ProjectInput
    overlay: Overlay
    evaluation: Evaluation
    snapshot: ZoningSnapshot
    result_id: str
    notes: list[str] = field(default_factory=list)
    # Sections added by post-steps (e.g. ``offsets`` from the ledgers), merged into the JSON answer.
    extra: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return self.evaluation.verdict.value

    @property
    def release_ids(self) -> list[int]:
        return list(self.snapshot.release_ids)

    def to_dict(self) -> dict:
        project = self.project.project
        industry = describe_industry(project.industry) if project.industry else None
        evaluation = self.evaluation.to_dict()
        demo = self.snapshot.demo
        return {
            "result_id": self.result_id,
            "verdict": self.verdict,
            "verdict_name": VERDICT_NAMES_ZH[self.verdict],
            "as_of": self.snapshot.as_of.isoformat(),
            "project": {
                "name": project.name,
                "industry": {"code": industry.code, "name": industry.name} if industry else None,
                "nature": project.nature.value if project.nature else None,
                "nature_name": project.nature.name_zh if project.nature else None,
                "attributes": dict(project.attributes),
                "geometry_type": project.geometry.geom_type,
                "measure": self.overlay.project_measure,
                "amount": round(self.overlay.project_amount, 1),
                "source_crs": self.project.source_crs,
            },
            "regions": [r.summary() for r in self.overlay.regions],
            "units": [u.to_dict() for u in self.overlay.units],
            "findings": evaluation["findings"],
            "obligations": evaluation["obligations"],
            "not_applicable": evaluation["not_applicable"],
            "questions": evaluation["questions"],
            "release": [r.summary() for r in self.snapshot.releases],
            "rulebook": evaluation["rulebook"],
            "notes": self.notes,
            **self.extra,
            "demo": demo,
            "notice": DEMO_NOTICE_ZH if demo else None,
        }


def result_id_for(project: ProjectInput, snapshot: ZoningSnapshot, rulebook_digest: str) -> str:
    """A stable id: the same question on the same releases and rules gives the same id."""
    return result_ids_for([project], snapshot, rulebook_digest)[0]


def result_ids_for(projects: Sequence[ProjectInput], snapshot: ZoningSnapshot, rulebook_digest: str) -> list[str]:
    """``result_id_for`` of many projects (their geometries written out at once)."""
    geometries = np.asarray([p.project.geometry for p in projects], dtype=object)
    texts = shapely.to_wkt(shapely.normalize(geometries), rounding_precision=9).tolist() if len(projects) else []
    common = {"releases": list(snapshot.release_ids), "rulebook": rulebook_digest, "as_of": snapshot.as_of.isoformat()}
    return [_result_id(project, text, common) for project, text in zip(projects, texts, strict=True)]


def _result_id(project: ProjectInput, geometry_wkt: str, common: dict) -> str:
    canonical = json.dumps(
        {
            "geometry": geometry_wkt,
            "industry": project.project.industry,
            "nature": project.project.nature.value if project.project.nature else None,
            "attributes": {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(project.project.attributes.items())},
            **common,
            # Declared offsets change the answer, so they are part of the question (absent: old ids hold).
            **({"offsets": project.feature["properties"]["offsets"]} if "offsets" in (project.feature.get("properties") or {}) else {}),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


PostStep = Callable[[ScreeningResult], ScreeningResult]


class Screener:
    """Screens projects against one snapshot with one rulebook and one feature catalog.

    ``post_steps`` run on every answer after the rules: the one seam through which checks that
    need stored state (the offset ledgers) refine the findings their rules raised.
    """

    def __init__(
        self, snapshot: ZoningSnapshot, rulebook: Rulebook, catalog: FeatureCatalog, post_steps: Sequence[PostStep] = ()
    ) -> None:
        self.snapshot = snapshot
        self.rulebook = rulebook
        self.catalog = catalog
        self.evaluator = Evaluator(rulebook)
        self.post_steps = tuple(post_steps)

    def context(self, result: Overlay) -> SpatialContext:
        return SpatialContext(
            units=[UnitHit.from_unit(o.unit) for o in result.units],
            regions=[RegionHit(r.code, r.name, r.level.value) for r in result.regions],
            catalog=self.catalog,
        )

    def screen(self, project: ProjectInput, located: Overlay | None = None, questions: bool = True) -> ScreeningResult:
        """Overlay the project (unless ``located`` already is its overlay), evaluate every rule in
        force, and combine the verdict; with ``questions``, also what to ask and what the verdict
        becomes under each answer."""
        result = located or overlay(self.snapshot, project.project.geometry)
        evaluation = self.evaluator.evaluate(project.project, self.context(result), self.snapshot.as_of, questions)
        return self.finish(self._answer(project, result, evaluation, result_id_for(project, self.snapshot, self.rulebook.digest)))

    def screen_many(self, projects: Sequence[ProjectInput], located: Sequence[Overlay]) -> list[ScreeningResult]:
        """``screen(project, overlay, questions=False)`` for many overlaid projects, sharing the
        work they have in common; the post-steps are left to ``finish``, one answer at a time."""
        contexts: dict[tuple, SpatialContext] = {}
        shared = []
        for result in located:
            key = (tuple(o.unit.code for o in result.units), tuple(r.code for r in result.regions))
            if key not in contexts:
                contexts[key] = self.context(result)
            shared.append(contexts[key])
        evaluations = self.evaluator.evaluate_many([p.project for p in projects], shared, self.snapshot.as_of)
        ids = result_ids_for(projects, self.snapshot, self.rulebook.digest)
        return [self._answer(*parts) for parts in zip(projects, located, evaluations, ids, strict=True)]

    def finish(self, answer: ScreeningResult) -> ScreeningResult:
        """The answer after the post-steps (checks on stored state, such as the offset ledgers)."""
        for step in self.post_steps:
            answer = step(answer)
        return answer

    def _answer(self, project: ProjectInput, located: Overlay, evaluation: Evaluation, result_id: str) -> ScreeningResult:
        return ScreeningResult(
            project=project, overlay=located, evaluation=evaluation, snapshot=self.snapshot, result_id=result_id, notes=list(project.notes)
        )


def build_catalog(features: list[ReferenceFeature]) -> FeatureCatalog:
    """The feature catalog (projected and indexed once) that distances are measured against."""
    return FeatureCatalog(features)
