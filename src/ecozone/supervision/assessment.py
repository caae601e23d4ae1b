"""A clue screened like a project: placed on units and regions and evaluated with the rules in
force on the day it was observed, giving a cited verdict and an inspection priority."""

from __future__ import annotations

from dataclasses import dataclass

import shapely.geometry

from ecozone.errors import BadInput, EcozoneError
from ecozone.screening.engine import Screener, ScreeningResult
from ecozone.screening.project_input import project_from_feature
from ecozone.supervision.clue_input import CHANGE_CLASSES, ClueInput

# Verdicts that mean a ban is, or may be, broken: the clue goes first.
BAN_VERDICTS = ("prohibited", "possibly_prohibited")
PRIORITY_NAMES_ZH = {"high": "高", "medium": "中", "low": "低"}


@dataclass(frozen=True)
class ClueAssessment:
    """What the screening of one clue answered, in the shape stored with the clue."""

    verdict: str
    priority: str
    units: list[dict]
    county: str | None
    findings: list[dict]
    release_ids: list[int]
    demo: bool


def clue_feature(clue: ClueInput) -> dict:
    """The clue as a screening Feature: its change class decides nature and, for mining, the section."""
    meaning = CHANGE_CLASSES.get(clue.change_class or "", {})
    properties = {
        "name": clue.name or clue.ref,
        "industry": clue.industry or meaning.get("industry"),
        "nature": clue.nature or meaning.get("nature"),
    }
    return {
        "type": "Feature",
        "properties": {k: v for k, v in properties.items() if v},
        "geometry": shapely.geometry.mapping(clue.geometry),
    }


def priority_of(verdict: str, unit_classes: list[int]) -> str:
    """high: a ban broken or not ruled out, or anything short of compliant in a 优先保护 unit;
    medium: restricted or review elsewhere; low: compliant. (Ordering chosen here; no seed ranks clues.)"""
    if verdict in BAN_VERDICTS or (verdict != "compliant" and 1 in unit_classes):
        return "high"
    return "low" if verdict == "compliant" else "medium"


def _finding(data: dict) -> dict:
    keep = ("rule_id", "title", "effect", "dimension", "outcome", "reason", "missing", "citation", "assumed", "assumption")
    return {k: data.get(k) for k in keep}


def _county(result: ScreeningResult) -> str | None:
    counties = [r for r in result.overlay.regions if r.level.value == "county"]
    if not counties:
        return None
    point = result.project.project.geometry.representative_point()
    inside = [r for r in counties if r.geometry.covers(point)]
    return (inside or counties)[0].code


def assess_clue(screener: Screener, clue: ClueInput) -> ClueAssessment:
    """Screen one clue on ``screener`` (built for the clue's observed date)."""
    if not screener.snapshot.releases:
        raise BadInput(
            f"row {clue.row}: no zoning release was in force on the observed date {clue.observed_on.isoformat()}",
            field="observed", value=clue.observed_on.isoformat(), row=clue.row,
        )
    try:
        result = screener.screen(project_from_feature(clue_feature(clue)))
    except EcozoneError as exc:
        raise BadInput(f"row {clue.row}: {exc.message}", **{**exc.detail, "row": clue.row}) from exc
    answer = result.to_dict()
    classes = sorted({u["class"] for u in answer["units"]})
    return ClueAssessment(
        verdict=answer["verdict"],
        priority=priority_of(answer["verdict"], classes),
        units=[{"code": u["code"], "name": u["name"], "class": u["class"]} for u in answer["units"]],
        county=_county(result),
        findings=[_finding(f) for f in answer["findings"]],
        release_ids=result.release_ids,
        demo=result.snapshot.demo,
    )
