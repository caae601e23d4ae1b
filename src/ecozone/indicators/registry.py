"""The plan registry: loads data/shanxi/plans/*.yaml, validates them and answers look-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ecozone.errors import BadInput, NotFound
from ecozone.indicators.model import (
    QUALITATIVE_KINDS,
    Baseline,
    Binding,
    Citation,
    Comparator,
    Direction,
    Indicator,
    Metric,
    OutlookStatement,
    Plan,
    Region,
    Target,
    TargetKind,
    Threshold,
    ValueKind,
)
from ecozone.indicators.schema import BaselineIn, IndicatorIn, PlanFile, RegionsFile, TargetIn
from ecozone.indicators.settings import IndicatorSettings
from ecozone.indicators.targets import describe, parse_change, parse_threshold
from ecozone.indicators.values import parse_value

REGIONS_FILE = "regions.yaml"
# Kinds whose reading of the seed needs a chosen value, so the data must say it is assumed.
_NEEDS_ASSUMPTION = {TargetKind.STABLE, TargetKind.ENSURED}


@dataclass(frozen=True)
class Registry:
    """All plans, their indicators, the metrics they measure and the regions they cover."""

    plans: dict[str, Plan]
    regions: dict[str, Region]
    metrics: dict[str, Metric]
    settings: IndicatorSettings
    indicators: dict[str, Indicator] = field(default_factory=dict)

    def plan(self, plan_id: str) -> Plan:
        if plan_id not in self.plans:
            raise NotFound(f"plan {plan_id!r} not found; known: {', '.join(sorted(self.plans))}", plan=plan_id)
        return self.plans[plan_id]

    def indicator(self, indicator_id: str) -> Indicator:
        if indicator_id not in self.indicators:
            raise NotFound(f"indicator {indicator_id!r} not found", indicator=indicator_id)
        return self.indicators[indicator_id]

    def metric(self, key: str) -> Metric:
        if key not in self.metrics:
            raise NotFound(f"metric {key!r} not found", metric=key)
        return self.metrics[key]

    def region(self, code: str) -> Region:
        if code not in self.regions:
            raise NotFound(f"region {code!r} is not a known GB/T 2260 code here", region=code)
        return self.regions[code]

    def indicators_for(self, metric: str, region: str) -> list[Indicator]:
        """Indicators of any plan that measure ``metric`` in ``region``."""
        return [i for i in self.indicators.values() if i.metric.key == metric and i.region == region]


def load_registry(plans_dir: Path | None = None, settings: IndicatorSettings | None = None) -> Registry:
    """Load and validate every plan YAML in ``plans_dir`` (default: the settings' plans_dir)."""
    settings = settings or IndicatorSettings()
    directory = Path(plans_dir or settings.plans_dir)
    if not directory.is_dir():
        raise NotFound(f"plans directory {directory} does not exist", path=str(directory))
    regions = _load_regions(directory / REGIONS_FILE)
    plan_files = sorted(p for p in directory.glob("*.yaml") if p.name != REGIONS_FILE)
    plans = [_build_plan(_read_plan_file(path), path.name, regions, settings) for path in plan_files]
    return _assemble(plans, regions, settings)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The registry of the configured plans directory (ECOZONE_INDICATORS_PLANS_DIR), loaded once."""
    return load_registry()


def build_registry(
    plan_documents: list[dict[str, Any]], regions: list[dict[str, Any]], settings: IndicatorSettings | None = None
) -> Registry:
    """Build a registry from already-parsed documents (used for small plans made in code)."""
    settings = settings or IndicatorSettings()
    region_map = _regions_from(_validate(RegionsFile, {"regions": regions}, "regions"))
    plans = [
        _build_plan(_validate(PlanFile, doc, f"plan {doc.get('id', i)}"), f"plan {doc.get('id', i)}", region_map, settings)
        for i, doc in enumerate(plan_documents)
    ]
    return _assemble(plans, region_map, settings)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BadInput(f"{path.name}: not valid YAML: {error}", file=path.name) from error


def _validate(model: type, document: Any, where: str) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise BadInput(f"{where}: {location}: {first['msg']}", file=where, field=location) from error


def _load_regions(path: Path) -> dict[str, Region]:
    if not path.is_file():
        raise NotFound(f"{path} is missing (the regions the plans refer to)", path=str(path))
    return _regions_from(_validate(RegionsFile, _read_yaml(path), path.name))


def _regions_from(document: RegionsFile) -> dict[str, Region]:
    regions = {r.code: Region(r.code, r.name, r.level, r.parent) for r in document.regions}
    for region in regions.values():
        if region.parent is not None and region.parent not in regions:
            raise BadInput(f"region {region.code} has unknown parent {region.parent}", field="parent")
    return regions


def _read_plan_file(path: Path) -> PlanFile:
    return _validate(PlanFile, _read_yaml(path), path.name)


def _build_plan(doc: PlanFile, where: str, regions: dict[str, Region], settings: IndicatorSettings) -> Plan:
    _require_region(doc.region, regions, f"{where}: region")
    indicators = tuple(
        _build_indicator(doc, entry, f"{where}: indicators[{n}] ({entry.key})", regions, settings)
        for n, entry in enumerate(doc.indicators)
    )
    outlook = tuple(
        OutlookStatement(o.year, o.text, Citation(doc.seed, o.section, o.clause)) for o in doc.outlook
    )
    return Plan(
        id=doc.id, name=doc.name, name_en=doc.name_en, region=doc.region, seed=doc.seed,
        document=doc.document, period=doc.period, base_year=doc.base_year,
        categories=tuple(doc.categories), indicators=indicators, issued=doc.issued, parent=doc.parent,
        upstream=tuple(doc.upstream), outlook=outlook, note=doc.note,
    )


def _require_region(code: str, regions: dict[str, Region], where: str) -> None:
    if code not in regions:
        raise BadInput(f"{where}: unknown region code {code!r} (add it to {REGIONS_FILE})", field="region", value=code)


def _build_metric(entry: IndicatorIn) -> Metric:
    kind = ValueKind(entry.kind)
    bounds = _bounds(entry.bounds) or _default_bounds(entry.unit, kind)
    plausible = _bounds(entry.plausible) or bounds or (0.0, float("inf"))
    return Metric(entry.metric, entry.name, entry.unit, Direction(entry.direction), kind, bounds, plausible)


def _bounds(pair: tuple[float | None, float | None] | None) -> tuple[float, float] | None:
    if pair is None:
        return None
    low = float("-inf") if pair[0] is None else float(pair[0])
    high = float("inf") if pair[1] is None else float(pair[1])
    return low, high


def _default_bounds(unit: str, kind: ValueKind) -> tuple[float, float] | None:
    if kind is ValueKind.CLASS:
        return 1.0, 6.0
    return {"%": (0.0, 100.0), "‰": (0.0, 1000.0)}.get(unit)


def _build_indicator(
    doc: PlanFile, entry: IndicatorIn, where: str, regions: dict[str, Region], settings: IndicatorSettings
) -> Indicator:
    region = entry.region or doc.region
    _require_region(region, regions, where)
    metric = _build_metric(entry)
    targets = tuple(
        _build_target(doc.seed, entry, target, metric, f"{where}: targets[{n}]", regions, settings)
        for n, target in enumerate(entry.targets)
    )
    return Indicator(
        id=f"{doc.id}.{entry.key}", plan_id=doc.id, key=entry.key, number=entry.number,
        category=entry.category, name=entry.name, metric=metric, region=region,
        binding=Binding(entry.binding), targets=targets,
        citation=Citation(doc.seed, entry.section, entry.clause), scope=entry.scope,
        baseline=_build_baseline(doc.seed, entry.baseline, metric, f"{where}: baseline"),
        progress_start=_build_baseline(doc.seed, entry.progress_start, metric, f"{where}: progress_start"),
        also_cited=tuple(Citation(c.seed or doc.seed, c.section, c.clause) for c in entry.also),
        related=tuple(entry.related), note=entry.note,
    )


def _build_baseline(seed: str, entry: BaselineIn | None, metric: Metric, where: str) -> Baseline | None:
    if entry is None:
        return None
    value = None if entry.value is None else _parse(entry.value, metric, where)
    citation = Citation(seed, entry.section or "", entry.clause) if entry.clause else None
    return Baseline(entry.year, value, citation, entry.assumed, entry.assumed_reason)


def _parse(text: str | float, metric: Metric, where: str) -> float:
    try:
        return parse_value(text, metric.kind)
    except ValueError as error:
        raise BadInput(f"{where}: {error}", field="value", value=str(text)) from error


def _build_target(
    seed: str, indicator: IndicatorIn, entry: TargetIn, metric: Metric, where: str,
    regions: dict[str, Region], settings: IndicatorSettings,
) -> Target:
    kind, threshold, change, label = _target_statement(entry, metric, where, settings)
    if (kind in _NEEDS_ASSUMPTION or _is_approx(threshold)) and not entry.assumed:
        raise BadInput(f"{where}: reading {label!r} needs a chosen value: set assumed: true and assumed_reason",
                       field="assumed")
    if entry.reference_region is not None:
        _require_region(entry.reference_region, regions, f"{where}: reference_region")
    if kind is TargetKind.REFERENCE and entry.reference_region is None:
        raise BadInput(f"{where}: {label} needs reference_region", field="reference_region")
    citation = Citation(seed, entry.section or indicator.section, entry.clause) if entry.clause else None
    return Target(
        year=entry.year, kind=kind, label=entry.label or label, threshold=threshold, change=change,
        relative_to=entry.reference_years, annual=entry.annual, assigned_by=entry.assigned_by,
        parent=entry.parent, reference_region=entry.reference_region, assumed=entry.assumed,
        assumed_reason=entry.assumed_reason, basis=entry.basis, citation=citation, note=entry.note,
    )


def _is_approx(threshold: Threshold | None) -> bool:
    return threshold is not None and threshold.comparator is Comparator.APPROX


def _target_statement(
    entry: TargetIn, metric: Metric, where: str, settings: IndicatorSettings
) -> tuple[TargetKind, Threshold | None, Any, str]:
    try:
        if entry.qualitative is not None:
            if entry.qualitative not in QUALITATIVE_KINDS:
                known = "、".join(QUALITATIVE_KINDS)
                raise ValueError(f"unknown qualitative target {entry.qualitative!r}; known: {known}")
            return QUALITATIVE_KINDS[entry.qualitative], None, None, entry.qualitative
        if entry.change is not None:
            return TargetKind.RELATIVE, None, parse_change(entry.change), _change_label(entry.change, entry)
        if entry.annual_change is not None:
            change = parse_change(entry.annual_change)
            return TargetKind.ANNUAL_RATE, None, change, f"年均{entry.annual_change}"
        threshold = _absolute_threshold(entry, metric, settings)
        return TargetKind.ABSOLUTE, threshold, None, describe(threshold, metric.kind)
    except ValueError as error:
        raise BadInput(f"{where}: {error}", field="targets") from error


def _absolute_threshold(entry: TargetIn, metric: Metric, settings: IndicatorSettings) -> Threshold:
    if entry.from_setting is not None:
        value = settings.value_of(entry.from_setting)
        if entry.complement:
            value = 100.0 - value
        comparator = Comparator.GE if metric.direction is Direction.HIGHER else Comparator.LE
        return Threshold(comparator, value=value)
    assert entry.value is not None
    threshold, _inferred = parse_threshold(entry.value, metric.kind, metric.direction, settings.approx_tolerance_pct)
    return threshold


def _change_label(text: str, entry: TargetIn) -> str:
    years = entry.reference_years
    reference = f"{years[0]}—{years[-1]}年均值" if len(years) > 1 else f"{years[0]}年"
    return f"较{reference}{text}"


def _assemble(plans: list[Plan], regions: dict[str, Region], settings: IndicatorSettings) -> Registry:
    plan_map: dict[str, Plan] = {}
    for plan in plans:
        if plan.id in plan_map:
            raise BadInput(f"duplicate plan id {plan.id!r}", field="id", value=plan.id)
        plan_map[plan.id] = plan
    indicators = {i.id: i for plan in plans for i in plan.indicators}
    metrics = _collect_metrics(indicators.values())
    registry = Registry(plan_map, regions, metrics, settings, indicators)
    _check_links(registry)
    return registry


def _collect_metrics(indicators: Any) -> dict[str, Metric]:
    metrics: dict[str, Metric] = {}
    for indicator in indicators:
        known = metrics.get(indicator.metric.key)
        if known is None:
            metrics[indicator.metric.key] = indicator.metric
            continue
        if (known.unit, known.direction, known.kind) != (
            indicator.metric.unit, indicator.metric.direction, indicator.metric.kind
        ):
            raise BadInput(
                f"{indicator.id}: metric {known.key!r} is used with different unit/direction/kind elsewhere",
                field="metric", value=known.key,
            )
    return metrics


def _check_links(registry: Registry) -> None:
    for plan in registry.plans.values():
        if plan.parent is not None and plan.parent not in registry.plans:
            raise BadInput(f"plan {plan.id}: parent plan {plan.parent!r} not found", field="parent")
    for indicator in registry.indicators.values():
        for ref in indicator.related:
            if ref not in registry.indicators:
                raise BadInput(f"{indicator.id}: related indicator {ref!r} not found", field="related", value=ref)
        for target in indicator.targets:
            if target.parent is None:
                continue
            parent = registry.indicators.get(target.parent)
            if parent is None:
                raise BadInput(f"{indicator.id}: parent indicator {target.parent!r} not found",
                               field="parent", value=target.parent)
            if parent.metric.key != indicator.metric.key:
                raise BadInput(f"{indicator.id}: parent {parent.id} measures {parent.metric.key}, "
                               f"not {indicator.metric.key}", field="parent", value=target.parent)
