"""Access lists ("一单元一清单") of the demonstration units, from access_templates.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

from ecozone.errors import BadInput
from ecozone.geo.metric import area_m2, buffer_m

from .units import Unit
from .zones import Layers

DIMENSIONS = ("spatial_layout", "emissions", "risk", "resources")
OVERLAP_M2 = 100.0


@dataclass(frozen=True)
class Clause:
    id: str
    seed: str
    section: str
    quote: str
    dimension: str
    applies: list[dict[str, Any]]


def load_templates(path: Path) -> tuple[dict[str, Any], list[Clause]]:
    """Documents and clauses of the template file; BadInput names a malformed clause."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    clauses = []
    for raw in data["clauses"]:
        if raw.get("dimension") not in DIMENSIONS:
            raise BadInput(f"clause {raw.get('id')}: dimension {raw.get('dimension')!r} is not one of {DIMENSIONS}", field="dimension")
        if raw["seed"] not in data["documents"]:
            raise BadInput(f"clause {raw['id']}: seed {raw['seed']} is not listed under documents", field="seed")
        clauses.append(Clause(raw["id"], raw["seed"], raw["section"], raw["quote"], raw["dimension"], raw["applies"]))
    return data["documents"], clauses


def verify_quotes(clauses: list[Clause], seeds_dir: Path) -> list[str]:
    """Clause ids whose quote is not verbatim in its seed (for a checkout that has the seeds)."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt")}
    return [c.id for c in clauses if c.quote not in texts.get(c.seed, "")]


class FeatureTests:
    """Which units intersect a feature (a river's corridor for river keys), computed once per feature."""

    def __init__(self, units: list[Unit], layers: Layers) -> None:
        self._geoms = np.array([u.geometry for u in units], dtype=object)
        self._layers = layers
        self._cache: dict[tuple[str, float | None], np.ndarray] = {}

    def _target(self, key: str, within_m: float | None) -> shapely.Geometry:
        feature = self._layers.get(key)
        if feature.kind == "river" and within_m is None:
            return self._layers.corridors[key]
        return buffer_m(feature.geometry, within_m) if within_m else feature.geometry

    def hits(self, key: str, within_m: float | None) -> np.ndarray:
        if (key, within_m) not in self._cache:
            try:
                target = self._target(key, within_m)
            except StopIteration as exc:
                raise BadInput(f"access template names unknown feature {key}", field="features", value=key) from exc
            shapely.prepare(target)
            hit = shapely.intersects(target, self._geoms)
            # A shared edge is not an overlap, nor is the sliver left by snapping a unit to the
            # 1e-6° grid along a buffer's edge: count a unit only when it overlaps by more than
            # OVERLAP_M2 (the validation's overlap tolerance).
            touching = np.flatnonzero(hit)
            if touching.size:
                inner = np.asarray(area_m2(shapely.intersection(target, self._geoms[touching]))) > OVERLAP_M2
                hit[touching[~inner]] = False
            self._cache[(key, within_m)] = hit
        return self._cache[(key, within_m)]


def _alternative_matches(alt: dict[str, Any], unit: Unit, index: int, tests: FeatureTests) -> bool:
    if "classes" in alt and unit.unit_class not in alt["classes"]:
        return False
    if "kinds" in alt and not set(unit.kinds) & set(alt["kinds"]):
        return False
    if "park_types" in alt and unit.park_type not in alt["park_types"]:
        return False
    if "regions" in alt:
        own = {unit.county.code, unit.county.code[:4] + "00", unit.county.code[:2] + "0000"}
        if not own & set(alt["regions"]):
            return False
    if "features" in alt:
        return any(tests.hits(f["key"], f.get("within_m"))[index] for f in alt["features"])
    return True


def clause_text(clause: Clause, documents: dict[str, Any]) -> str:
    """One requirement line: the quoted clause and where it comes from."""
    body = clause.quote.rstrip(",，;；、")
    if not body.endswith(("。", "！", "？")):
        body += "。"
    return f"{body}（{documents[clause.seed]['short']} {clause.section}）"


def assign_access(units: list[Unit], layers: Layers, documents: dict[str, Any], clauses: list[Clause]) -> dict[str, dict[str, str]]:
    """Fill ``clause_ids`` of every unit; return its four access-list texts by unit code."""
    tests = FeatureTests(units, layers)
    texts: dict[str, dict[str, str]] = {}
    for index, unit in enumerate(units):
        lines: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
        for clause in clauses:
            if any(_alternative_matches(alt, unit, index, tests) for alt in clause.applies):
                unit.clause_ids.append(clause.id)
                lines[clause.dimension].append(clause_text(clause, documents))
        texts[unit.code] = {d: "\n".join(lines[d]) for d in DIMENSIONS}
    return texts
