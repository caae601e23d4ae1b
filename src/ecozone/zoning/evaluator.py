"""Evaluate a project against the rulebook: which rules apply and why, obligations, the verdict.

The evaluator never touches the database. Its input is the project (geometry in EPSG:4490,
industry, nature, attributes) and a ``SpatialContext`` built from in-memory data: the units the
project hits, the regions it lies in, and a ``FeatureCatalog`` that measures distances to
reference features in a projected CRS. Each check is three-valued: a rule applies, does not
apply, or cannot be decided because the project left out an attribute (or the catalog lacks a
feature) — then it yields ``review`` naming what is missing, never a silent pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
import shapely.errors
import shapely.geometry
from pyproj import CRS, Transformer

from ecozone.errors import BadInput
from ecozone.geo.crs import STORAGE_CRS, check_lonlat
from ecozone.geo.metric import metric_crs_for
from ecozone.geo.regions import ReferenceFeature
from ecozone.zoning.industries import describe_industry, industry_within, parse_industry_code
from ecozone.zoning.rules import (
    Condition,
    Effect,
    FeatureSelector,
    Nature,
    Place,
    Rule,
    Rulebook,
    RuleFile,
    SettingRef,
    Vocabulary,
    Who,
    load_vocabulary,
)
from ecozone.zoning.settings import RuleSettings, get_rule_settings

# Mean Earth radius: the point scale of a transverse Mercator is 1 + x²/2R² at easting x.
_EARTH_RADIUS_M = 6_371_008.8
_DISTANCE_EPS_M = 1e-6
_MAX_NAMED_HITS = 3
# Geometries are straight between vertices in lon/lat (RFC 7946), not in the projected CRS; long
# edges are split to this length (in degrees, ~500 m) before projecting, so the projected edges
# follow the lon/lat ones to millimetres (a 30 km edge would otherwise bow by metres).
_SEGMENT_DEG = 0.005


# --- the project -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """A project to screen; build it with ``make_project`` or ``Project.from_feature``."""

    geometry: shapely.Geometry
    industry: str | None = None
    nature: Nature | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""

    @property
    def kinds(self) -> tuple[str, ...] | None:
        """The kinds the project declared, or None when it gave no ``kinds`` list."""
        kinds = self.attributes.get("kinds")
        return None if kinds is None else tuple(kinds)

    @classmethod
    def from_feature(cls, feature: Mapping[str, Any]) -> Project:
        """A project from a GeoJSON Feature (geometry in EPSG:4490, properties per DESIGN.md)."""
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise BadInput("a project is a GeoJSON Feature with geometry and properties", field="type")
        try:
            geometry = shapely.geometry.shape(feature.get("geometry") or {})
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException) as exc:
            raise BadInput(f"geometry is not a GeoJSON geometry: {exc}", field="geometry") from exc
        props = feature.get("properties") or {}
        if not isinstance(props, Mapping):
            raise BadInput("properties must be an object", field="properties")
        return make_project(
            geometry,
            industry=props.get("industry"),
            nature=props.get("nature"),
            attributes=props.get("attributes"),
            name=str(props.get("name") or ""),
        )


def make_project(
    geometry: shapely.Geometry,
    industry: str | None = None,
    nature: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    name: str = "",
) -> Project:
    """A validated ``Project``; ``BadInput`` names the field or value that is wrong."""
    _check_geometry(geometry)
    code = None if industry in (None, "") else parse_industry_code(str(industry))
    return Project(geometry, code, _parse_nature(nature), parse_attributes(attributes or {}), name)


def _check_geometry(geometry: shapely.Geometry) -> None:
    if not isinstance(geometry, shapely.Geometry) or geometry.is_empty:
        raise BadInput("project geometry is empty", field="geometry")
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    check_lonlat(min_lon, min_lat)
    check_lonlat(max_lon, max_lat)


def _parse_nature(nature: str | None) -> Nature | None:
    if nature in (None, ""):
        return None
    try:
        return Nature(str(nature))
    except ValueError as exc:
        choices = ", ".join(n.value for n in Nature)
        raise BadInput(f"nature {nature!r} is not one of {choices}", field="nature", value=nature) from exc


def parse_attributes(raw: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """Project attributes checked against the vocabulary (types, choices, kinds, codes)."""
    if not isinstance(raw, Mapping):
        raise BadInput("attributes must be an object", field="attributes")
    vocabulary = vocabulary or load_vocabulary()
    parsed: dict[str, Any] = {}
    for name, value in raw.items():
        spec = vocabulary.attributes.get(name)
        if spec is None:
            near = difflib.get_close_matches(name, list(vocabulary.attributes), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise BadInput(
                f"unknown attribute {name!r}{hint}", field=f"attributes.{name}", value=name, suggestions=near
            )
        if value is None:
            continue
        parsed[name] = _parse_attribute(name, spec.type, spec.choices, value, vocabulary)
    return parsed


def _parse_attribute(name: str, kind: str, choices: Mapping[str, str], value: Any, vocabulary: Vocabulary) -> Any:
    field_name = f"attributes.{name}"
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if kind == "choice" and value in choices:
        return value
    if kind in ("kinds", "codes") and isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        if kind == "codes":
            return tuple(parse_industry_code(v) for v in value)
        ids = [vocabulary.kind_id(v) for v in value]
        unknown = [v for v, k in zip(value, ids, strict=True) if k is None]
        if unknown:
            raise BadInput(
                f"unknown project kind(s) {unknown}; known: {sorted(vocabulary.kinds)}", field=field_name, value=unknown
            )
        return tuple(ids)
    expected = {"bool": "true or false", "number": "a number", "choice": f"one of {sorted(choices)}"}.get(
        kind, "a list of strings"
    )
    raise BadInput(f"{field_name} must be {expected}, got {value!r}", field=field_name, value=value)


# --- the spatial context ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitHit:
    """A control unit the project touches."""

    code: str
    name: str
    unit_class: int
    elements: tuple[str, ...] = ()
    county_code: str = ""
    city_code: str = ""

    @classmethod
    def from_unit(cls, unit: Any) -> UnitHit:
        """From a ``ecozone.zoning.model.ControlUnit``."""
        return cls(unit.code, unit.name, int(unit.unit_class), tuple(unit.elements), unit.county_code, unit.city_code)


@dataclass(frozen=True)
class RegionHit:
    """An administrative region (province, city or county) the project lies in."""

    code: str
    name: str
    level: str


@dataclass(frozen=True)
class Selection:
    """Features a selector resolves to, and what it names that the catalog lacks."""

    indices: tuple[int, ...]
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricProbe:
    """A project geometry projected once into the catalog's CRS, with the local scale factor."""

    geometry: shapely.Geometry
    scale: float


class FeatureCatalog:
    """Reference features projected once into one metric CRS and indexed (STRtree).

    Distances are measured in a transverse Mercator on CGCS2000 centred on the catalog and
    divided by the point scale at the project (1 + x²/2R²); edges are densified in lon/lat
    first. The result is the ground distance to well under a metre for the bands rules use.
    """

    def __init__(self, features: Sequence[ReferenceFeature], crs: CRS | None = None) -> None:
        self.features = list(features)
        self._index_of = {f.key: i for i, f in enumerate(self.features)}
        lonlat = np.asarray([f.geometry for f in self.features], dtype=object)
        bounds = tuple(shapely.total_bounds(lonlat)) if len(lonlat) else (112.0, 37.0, 112.0, 37.0)
        self.crs = crs or metric_crs_for(bounds)
        # Kept here rather than looked up per call: projecting the project is the hot path.
        self._transformer = Transformer.from_crs(STORAGE_CRS, self.crs, always_xy=True)
        self._metric = self._project(shapely.segmentize(lonlat, _SEGMENT_DEG)) if len(lonlat) else lonlat
        shapely.prepare(self._metric)
        self._tree = shapely.STRtree(self._metric)
        self._selections: dict[str, Selection] = {}

    def __len__(self) -> int:
        return len(self.features)

    def feature(self, index: int) -> ReferenceFeature:
        return self.features[index]

    def select(self, selector: FeatureSelector) -> Selection:
        """The features a selector names (memoized per catalog)."""
        memo_key = repr(selector)
        if memo_key not in self._selections:
            self._selections[memo_key] = self._select(selector)
        return self._selections[memo_key]

    def _select(self, selector: FeatureSelector) -> Selection:
        missing = [k for k in selector.keys if k not in self._index_of]
        candidates = (
            [self._index_of[k] for k in selector.keys if k in self._index_of]
            if selector.keys
            else range(len(self.features))
        )
        if selector.flows_into and selector.flows_into not in self._index_of:
            missing.append(selector.flows_into)
        picked = tuple(i for i in candidates if self._matches(self.features[i], selector))
        if not picked and not selector.keys and not missing:
            missing.append(_describe_selector(selector))
        return Selection(picked, tuple(missing))

    def _matches(self, feature: ReferenceFeature, selector: FeatureSelector) -> bool:
        if selector.kind and feature.kind != selector.kind:
            return False
        if any(feature.attributes.get(k) != v for k, v in selector.attributes.items()):
            return False
        if selector.flows_into:
            chain = self._downstream(feature.key)
            return selector.flows_into in (chain if selector.include_self else chain[1:])
        return True

    def _downstream(self, key: str) -> list[str]:
        """The key and the keys of the rivers it flows into, following ``attributes.parent``."""
        chain = [key]
        while len(chain) <= len(self.features):
            index = self._index_of.get(chain[-1])
            parent = self.features[index].attributes.get("parent") if index is not None else None
            if not parent or parent in chain:
                break
            chain.append(parent)
        return chain

    def _project(self, geometries: Any) -> Any:
        transform = self._transformer.transform
        return shapely.transform(geometries, lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1])))

    def measure(self, geometry: shapely.Geometry) -> MetricProbe:
        """Project a lon/lat geometry into the catalog CRS (once per evaluation)."""
        metric = self._project(shapely.segmentize(geometry, _SEGMENT_DEG))
        shapely.prepare(metric)
        easting = shapely.centroid(metric).x
        return MetricProbe(metric, 1.0 + easting * easting / (2.0 * _EARTH_RADIUS_M**2))

    def near(self, probe: MetricProbe, limits: Mapping[int, float]) -> dict[int, float]:
        """Ground distances to the features of ``limits`` (position → band in metres) that lie
        within their band of the probe; a feature the probe touches is at 0."""
        if not limits:
            return {}
        reach = max(limits.values()) * probe.scale + 1.0
        # Filter by envelope first, and test exactly only the features some rule looks at.
        window = shapely.buffer(shapely.envelope(probe.geometry), reach, cap_style="square", join_style="mitre")
        candidates = np.asarray([int(i) for i in self._tree.query(window) if int(i) in limits], dtype=np.int64)
        if len(candidates) == 0:
            return {}
        geoms = self._metric[candidates]
        close = shapely.dwithin(geoms, probe.geometry, reach)
        hits, geoms = candidates[close].tolist(), geoms[close]
        if not hits:
            return {}
        touching = shapely.intersects(geoms, probe.geometry)
        distances = np.zeros(len(hits))
        apart = ~touching
        if apart.any():
            distances[apart] = shapely.distance(geoms[apart], probe.geometry) / probe.scale
        return {i: float(d) for i, d in zip(hits, distances, strict=True) if d <= limits[i] + _DISTANCE_EPS_M}


def _describe_selector(selector: FeatureSelector) -> str:
    parts = [f"kind={selector.kind}"] if selector.kind else []
    parts += [f"{k}={v}" for k, v in selector.attributes.items()]
    if selector.flows_into:
        parts.append(f"flows_into={selector.flows_into}")
    return "features(" + ", ".join(parts) + ")"


@dataclass(frozen=True)
class SpatialContext:
    """Where the project is: units it hits, regions it lies in, and the feature catalog."""

    units: Sequence[UnitHit]
    regions: Sequence[RegionHit]
    catalog: FeatureCatalog

    @property
    def region_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.regions)


# --- the answer ------------------------------------------------------------------------------


class Verdict(StrEnum):
    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    REVIEW = "review"
    COMPLIANT = "compliant"


class Outcome(StrEnum):
    APPLIES = "applies"
    REVIEW = "review"


@dataclass(frozen=True)
class Missing:
    """Something the evaluation needed and did not have: a project field or reference data."""

    field: str
    label: str
    value: str | None = None

    def to_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "value": self.value}


@dataclass(frozen=True)
class Finding:
    """A rule that applies to the project, or that needs more information (``review``)."""

    rule: Rule
    rule_file: RuleFile
    outcome: Outcome
    reasons: tuple[str, ...]
    missing: tuple[Missing, ...] = ()
    obligation: str | None = None

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)

    def to_dict(self) -> dict:
        rule = self.rule
        document = self.rule_file.document(rule.citation.file)
        return {
            "rule_id": rule.id,
            "title": rule.title,
            "effect": rule.effect.value,
            "dimension": rule.dimension.value,
            "outcome": self.outcome.value,
            "statement": rule.applies if self.outcome is Outcome.APPLIES else None,
            "reason": self.reason,
            "missing": [m.to_dict() for m in self.missing],
            "obligation": self.obligation,
            "jurisdiction": self.rule_file.jurisdiction,
            "citation": {
                "file": rule.citation.file,
                "document": document.title,
                "number": document.number,
                "section": rule.citation.section,
                "clause": rule.citation.clause,
            },
            "assumed": rule.assumed,
            "assumption": rule.assumption,
        }


@dataclass(frozen=True)
class NotApplicable:
    """A rule in force in the project's jurisdiction that does not apply, and why not."""

    rule_id: str
    statement: str
    reason: str

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "statement": self.statement, "reason": self.reason}


@dataclass(frozen=True)
class Evaluation:
    """Every applicable rule with its reason, the obligations, and the combined verdict."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    not_applicable: tuple[NotApplicable, ...]
    as_of: dt.date
    rulebook: Mapping[str, Any]

    @property
    def obligations(self) -> list[dict]:
        return [
            {"rule_id": f.rule.id, "effect": f.rule.effect.value, "text": f.obligation}
            for f in self.findings
            if f.outcome is Outcome.APPLIES and f.obligation
        ]

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.rule.id == rule_id), None)

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
            "obligations": self.obligations,
            "not_applicable": [n.to_dict() for n in self.not_applicable],
            "as_of": self.as_of.isoformat(),
            "rulebook": dict(self.rulebook),
        }


# --- three-valued checks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The state of one test (True, False, or None = undecided) with its reasons."""

    state: bool | None
    reasons: tuple[str, ...] = ()
    missing: tuple[Missing, ...] = ()


def _any_of(checks: Iterable[Check], if_none: str) -> Check:
    """OR: true if any is true (its reasons), undecided if any is undecided, else false."""
    checks = list(checks)
    true = [c for c in checks if c.state is True]
    if true:
        return Check(True, tuple(r for c in true for r in c.reasons))
    undecided = [c for c in checks if c.state is None]
    if undecided:
        return Check(
            None, tuple(r for c in undecided for r in c.reasons), tuple(m for c in undecided for m in c.missing)
        )
    return Check(False, tuple(r for c in checks for r in c.reasons) or (if_none,))


class _Situation:
    """One evaluation's project and context, with the metric work done at most once."""

    def __init__(self, project: Project, context: SpatialContext, limits: Mapping[int, float]) -> None:
        self.project = project
        self.context = context
        self._limits = limits
        self._near: dict[int, float] | None = None

    def near(self) -> dict[int, float]:
        """Distances to the features some rule looks at, within that rule's band (computed once)."""
        if self._near is None:
            probe = self.context.catalog.measure(self.project.geometry)
            self._near = self.context.catalog.near(probe, self._limits)
        return self._near


# --- the evaluator ---------------------------------------------------------------------------


class Evaluator:
    """Evaluates projects against a rulebook; settings and obligations are resolved once."""

    def __init__(
        self, rulebook: Rulebook, settings: RuleSettings | None = None, vocabulary: Vocabulary | None = None
    ) -> None:
        self.rulebook = rulebook
        self.settings = settings or get_rule_settings()
        self.vocabulary = vocabulary or load_vocabulary()
        values = {k: _plain_number(v) for k, v in self.settings.model_dump().items()}
        self._obligations = {r.id: r.obligation.format_map(values) if r.obligation else None for r in rulebook.rules}
        self._feature_places = [p for r in rulebook.rules for p in r.where if p.features is not None]
        self._limits: dict[int, tuple[FeatureCatalog, dict[int, float]]] = {}

    def _limits_for(self, catalog: FeatureCatalog) -> dict[int, float]:
        """For each feature some rule selects, the widest band any rule draws around it."""
        cached = self._limits.get(id(catalog))
        if cached is None or cached[0] is not catalog:
            limits: dict[int, float] = {}
            for place in self._feature_places:
                for index in catalog.select(place.features).indices:  # type: ignore[arg-type]
                    limits[index] = max(limits.get(index, 0.0), self.distance_of(place))
            cached = self._limits[id(catalog)] = (catalog, limits)
        return cached[1]

    def distance_of(self, place: Place) -> float:
        """The band of a features place in metres (0: the project must touch the feature)."""
        if place.within_m is None:
            return 0.0
        return self._value(place.within_m)

    def _value(self, value: Any) -> Any:
        return getattr(self.settings, value.setting) if isinstance(value, SettingRef) else value

    def evaluate(self, project: Project, context: SpatialContext, as_of: dt.date | None = None) -> Evaluation:
        """Every rule in force on ``as_of`` (default today) that applies or needs review, and the verdict."""
        as_of = as_of or dt.date.today()
        situation = _Situation(project, context, self._limits_for(context.catalog))
        findings: list[Finding] = []
        skipped: list[NotApplicable] = []
        for rule_file in self.rulebook.files:
            if rule_file.jurisdiction not in context.region_codes:
                continue
            for rule in rule_file.rules:
                if rule.in_force(as_of):
                    self._assess(rule, rule_file, situation, findings, skipped)
        return Evaluation(_verdict(findings), tuple(findings), tuple(skipped), as_of, self.rulebook.summary())

    def _assess(self, rule: Rule, rule_file: RuleFile, situation: _Situation, findings: list, skipped: list) -> None:
        checks: list[tuple[int, Check]] = []
        for shown_at, test in self._tests(rule, situation):
            check = test()
            if check.state is False:
                skipped.append(NotApplicable(rule.id, rule.not_applies, "；".join(check.reasons)))
                return
            checks.append((shown_at, check))
        checks.sort(key=lambda item: item[0])
        reasons = tuple(r for _, c in checks for r in c.reasons) or ("规则适用于其管辖范围内的全部项目",)
        missing = tuple(dict.fromkeys(m for _, c in checks for m in c.missing))
        if not missing:
            findings.append(Finding(rule, rule_file, Outcome.APPLIES, reasons, (), self._obligations[rule.id]))
        elif rule.effect is Effect.ENCOURAGE:
            skipped.append(NotApplicable(rule.id, rule.not_applies, "信息不足，鼓励类规则不作判定"))
        else:
            findings.append(Finding(rule, rule_file, Outcome.REVIEW, reasons, missing, self._obligations[rule.id]))

    def _tests(self, rule: Rule, situation: _Situation) -> list[tuple[int, Callable[[], Check]]]:
        """The checks of a rule, cheapest first (spatial work last), each with its place in the reason."""
        project = situation.project
        return [
            (3, lambda: _check_nature(rule.natures, project)),
            (1, lambda: self._check_who(rule.who, project)),
            (2, lambda: self._check_conditions(rule.conditions, project)),
            (0, lambda: self._check_where(rule.where, situation)),
        ]

    # -- who ----------------------------------------------------------------------------------

    def _check_who(self, who: Who, project: Project) -> Check:
        if who.everyone:
            return Check(True)
        checks = []
        if who.industries:
            checks.append(_check_industries(who.industries, project))
        checks += [self._check_kind(kind, project) for kind in who.kinds]
        return _any_of(checks, "项目不属于规则所列行业或项目类型")

    def _check_kind(self, kind: str, project: Project) -> Check:
        spec = self.vocabulary.kinds[kind]
        declared = project.kinds
        if declared is not None and kind in declared:
            return Check(True, (f"申报项目类型为{spec.name}",))
        implied = [_industry_state(project.industry, code) for code in spec.implied_by]
        if True in implied:
            return Check(True, (f"行业{_industry_label(project.industry)}属于{spec.name}",))
        if declared is not None:
            return Check(False, (f"申报的项目类型不含{spec.name}",))
        possible = [_industry_state(project.industry, code) for code in spec.possible_in]
        if None in implied or any(state is not False for state in possible):
            missing = Missing("attributes.kinds", f"项目类型：是否属于{spec.name}", kind)
            return Check(None, (f"未申报项目类型，无法判断是否属于{spec.name}",), (missing,))
        return Check(False, (f"项目不属于{spec.name}",))

    # -- conditions ---------------------------------------------------------------------------

    def _check_conditions(self, conditions: Sequence[Condition], project: Project) -> Check:
        reasons: list[str] = []
        missing: list[Missing] = []
        for condition in conditions:
            check = self._check_condition(condition, project)
            if check.state is False:
                return check
            reasons += check.reasons
            missing += check.missing
        return Check(None if missing else True, tuple(reasons), tuple(missing))

    def _check_condition(self, condition: Condition, project: Project) -> Check:
        if condition.any_of:
            return _any_of((self._check_condition(c, project) for c in condition.any_of), "条件均不满足")
        if condition.all_of:
            return self._check_conditions(condition.all_of, project)
        name = condition.attribute or ""
        spec = self.vocabulary.attributes[name]
        value, defaulted = _attribute_value(project, name, spec.defaults)
        if value is None:
            return Check(None, (f"未申报{spec.label}",), (Missing(f"attributes.{name}", spec.label),))
        expected = self._value(condition.value)
        holds = _compare(condition.op or "", value, expected)
        shown = f"{spec.label}：{_show(value, spec.choices)}{spec.unit or ''}"
        if defaulted and project.nature is not None:
            shown += f"（未申报，{project.nature.name_zh}项目默认）"
        test = f"{_OPERATORS_ZH[condition.op or '']}{_show(expected, spec.choices)}{spec.unit or ''}"
        if spec.type == "bool":
            return Check(holds, (shown if holds else f"{shown}，规则针对“{test}”",))
        return Check(holds, (f"{shown}，{'' if holds else '不'}满足“{test}”",))

    # -- where --------------------------------------------------------------------------------

    def _check_where(self, places: Sequence[Place], situation: _Situation) -> Check:
        return _any_of((self._check_place(p, situation) for p in places), "项目不在规则适用范围内")

    def _check_place(self, place: Place, situation: _Situation) -> Check:
        context = situation.context
        if place.anywhere:
            return Check(True)
        if place.regions:
            hit = [r for r in context.regions if r.code in place.regions]
            if hit:
                return Check(True, ("位于" + "、".join(f"{r.name}（{r.code}）" for r in hit),))
            return Check(False, ("项目不在" + "、".join(place.regions) + "范围内",))
        if place.features is not None:
            return self._check_features(place, situation)
        return _check_units(place, context.units)

    def _check_features(self, place: Place, situation: _Situation) -> Check:
        catalog = situation.context.catalog
        selection = catalog.select(place.features)  # type: ignore[arg-type]
        limit = self.distance_of(place)
        near = situation.near()
        hits = sorted((near[i], i) for i in selection.indices if near.get(i, math.inf) <= limit + _DISTANCE_EPS_M)
        if hits:
            return Check(True, tuple(_describe_hit(catalog.feature(i), d, limit) for d, i in hits[:_MAX_NAMED_HITS]))
        if selection.missing:
            missing = tuple(Missing("reference_features", f"参考要素 {m} 不在要素目录中", m) for m in selection.missing)
            return Check(None, (f"缺少参考要素数据：{'、'.join(selection.missing)}",), missing)
        band = f"{limit:.0f}米范围内" if limit > 0 else "范围内"
        return Check(False, (f"项目不在{_selection_names(catalog, selection)}{band}",))


_EVERY_NATURE = frozenset(Nature)


def _check_nature(natures: Sequence[Nature], project: Project) -> Check:
    if len(natures) == len(_EVERY_NATURE) and _EVERY_NATURE.issuperset(natures):
        return Check(True)
    if project.nature is None:
        wanted = "、".join(n.name_zh for n in natures)
        return Check(None, (f"未申报建设性质（规则针对{wanted}）",), (Missing("nature", "建设性质"),))
    if project.nature in natures:
        return Check(True, (f"建设性质为{project.nature.name_zh}",))
    return Check(False, (f"建设性质为{project.nature.name_zh}，规则只针对{'、'.join(n.name_zh for n in natures)}",))


def _industry_state(industry: str | None, code: str) -> bool | None:
    return None if industry is None else industry_within(industry, code)


@lru_cache(maxsize=4096)
def _industry_label(code: str | None) -> str:
    if code is None:
        return "（未申报）"
    entry = describe_industry(code)
    return f"{entry.full_code} {entry.name}"


def _check_industries(codes: Sequence[str], project: Project) -> Check:
    if project.industry is None:
        return Check(None, ("未申报行业代码",), (Missing("industry", "行业代码（GB/T 4754-2017）"),))
    states = [(code, industry_within(project.industry, code)) for code in codes]
    within = [code for code, state in states if state is True]
    if within:
        if within[0] == project.industry:
            return Check(True, (f"行业为{_industry_label(project.industry)}",))
        return Check(True, (f"行业{_industry_label(project.industry)}属于{_industry_label(within[0])}",))
    finer = [code for code, state in states if state is None]
    if finer:
        wanted = "、".join(_industry_label(c) for c in finer[:_MAX_NAMED_HITS])
        missing = Missing("industry", f"更细的行业代码（规则针对{wanted}）", project.industry)
        return Check(None, (f"行业代码{project.industry}过粗，无法判断是否属于{wanted}",), (missing,))
    return Check(False, (f"行业{_industry_label(project.industry)}不在规则所列行业内",))


def _check_units(place: Place, units: Sequence[UnitHit]) -> Check:
    if not units:
        return Check(None, ("项目所在位置没有管控单元数据",), (Missing("units", "项目所在位置的管控单元"),))
    matched = [
        u
        for u in units
        if (not place.unit_classes or u.unit_class in place.unit_classes)
        and (not place.units or u.code in place.units)
        and (not place.elements or any(e in element for e in place.elements for element in u.elements))
    ]
    if matched:
        return Check(
            True,
            tuple(f"涉及管控单元{u.name}（{u.code}，{_CLASS_ZH[u.unit_class]}）" for u in matched[:_MAX_NAMED_HITS]),
        )
    return Check(False, ("项目涉及的管控单元不属于规则所列单元类别或要素分区",))


_CLASS_ZH = {1: "优先保护单元", 2: "重点管控单元", 3: "一般管控单元"}


def _attribute_value(project: Project, name: str, defaults: Mapping[Nature, Any]) -> tuple[Any, bool]:
    if name in project.attributes:
        return project.attributes[name], False
    if project.nature is not None and project.nature in defaults:
        return defaults[project.nature], True
    return None, False


def _compare(op: str, value: Any, expected: Any) -> bool:
    if op == "in":
        return value in expected
    if op == "any_prefix":
        return any(industry_within(v, p) is True for v in value for p in expected)
    return {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[op](value, expected)


def _plain_number(value: Any) -> Any:
    """2.0 → 2, so that obligations read "2倍", not "2.0倍"."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


_OPERATORS_ZH = {
    "==": "为",
    "!=": "不为",
    "<": "小于",
    "<=": "不大于",
    ">": "大于",
    ">=": "不小于",
    "in": "属于",
    "any_prefix": "含",
}


def _show(value: Any, choices: Mapping[str, str] | None = None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return "、".join(_show(v, choices) for v in value)
    return (choices or {}).get(value, str(value))


def _describe_hit(feature: ReferenceFeature, distance_m: float, limit_m: float) -> str:
    if distance_m <= _DISTANCE_EPS_M:
        return f"与{feature.name}（{feature.key}）相交"
    return f"距{feature.name}（{feature.key}）约{distance_m:.0f}米（管控距离{limit_m:.0f}米）"


def _selection_names(catalog: FeatureCatalog, selection: Selection) -> str:
    names = [catalog.feature(i).name for i in selection.indices[:_MAX_NAMED_HITS]]
    more = "等" if len(selection.indices) > _MAX_NAMED_HITS else ""
    return "、".join(names) + more


def _verdict(findings: Sequence[Finding]) -> Verdict:
    applies = {f.rule.effect for f in findings if f.outcome is Outcome.APPLIES}
    if Effect.PROHIBIT in applies:
        return Verdict.PROHIBITED
    if applies & {Effect.RESTRICT, Effect.REQUIRE}:
        return Verdict.RESTRICTED
    if any(f.outcome is Outcome.REVIEW for f in findings):
        return Verdict.REVIEW
    return Verdict.COMPLIANT
