"""Per plan and year evaluation: resolves each target, applies the status method, sorts the result.

The result (PlanEvaluation) carries everything a report, a chart or the JSON CLI needs, so those
stay thin: status, R, projection, gap, the required path and the observed path per indicator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from ecozone.indicators.model import (
    Baseline,
    Comparator,
    Indicator,
    Plan,
    Target,
    TargetKind,
    Threshold,
    ValueKind,
)
from ecozone.indicators.observations import Observation, ObservationLedger, assigned_threshold
from ecozone.indicators.registry import Registry
from ecozone.indicators.settings import IndicatorSettings
from ecozone.indicators.status import (
    Inputs,
    Point,
    Progress,
    Status,
    assess_annual,
    assess_maintenance,
    assess_numeric,
    latest_at_or_before,
)
from ecozone.indicators.targets import apply_change, default_comparator, describe
from ecozone.indicators.values import format_value

_MAINTENANCE = {TargetKind.NO_WORSE, TargetKind.STABLE, TargetKind.IMPROVE}
_MAX_PARENT_DEPTH = 3


@dataclass(frozen=True)
class Resolution:
    """A target turned into a numeric condition for one evaluation, or why it could not be."""

    threshold: Threshold | None
    notes: tuple[str, ...] = ()
    unresolved: str | None = None


@dataclass(frozen=True)
class Context:
    observations: ObservationLedger
    settings: IndicatorSettings
    registry: Registry | None = None
    depth: int = 0


@dataclass(frozen=True)
class IndicatorEvaluation:
    indicator: Indicator
    target: Target
    resolution: Resolution
    progress: Progress
    observed_path: tuple[Point, ...]
    current: Observation | None = None

    @property
    def status(self) -> Status:
        return self.progress.status

    def as_dict(self) -> dict[str, Any]:
        indicator, target, progress = self.indicator, self.target, self.progress
        kind = indicator.metric.kind
        return {
            "indicator": indicator.id,
            "plan": indicator.plan_id,
            "number": indicator.number,
            "category": indicator.category,
            "name": indicator.name,
            "unit": indicator.unit,
            "direction": indicator.direction.value,
            "binding": indicator.binding.value,
            "binding_code": indicator.binding.code,
            "region": indicator.region,
            "scope": indicator.scope,
            "baseline": _baseline_dict(indicator.baseline),
            "target": _target_dict(target, self.resolution, kind),
            "status": progress.status.value,
            "status_label": progress.status.label,
            "ratio": _round(progress.ratio),
            "method": progress.method,
            "start": progress.start.as_dict() if progress.start else None,
            "current": _current_dict(self.current),
            "goal": _round(progress.goal),
            "required_rate": _round(progress.required_rate),
            "observed_rate": _round(progress.observed_rate),
            "projection": progress.projection.as_dict() if progress.projection else None,
            "projected_gap": _round(progress.projected_gap),
            "projected_met": progress.projected_met,
            "required_path": [p.as_dict() for p in progress.required_path],
            "observed_path": [p.as_dict() for p in self.observed_path],
            "notes": list(self.resolution.notes) + list(progress.notes),
            "citation": indicator.citation.as_dict(),
        }


@dataclass(frozen=True)
class PlanEvaluation:
    plan: Plan
    year: int
    items: tuple[IndicatorEvaluation, ...]
    settings: IndicatorSettings = field(repr=False, compare=False, default_factory=IndicatorSettings)

    def summary(self) -> dict[str, int]:
        """Number of indicators per status."""
        counts = Counter(item.status.value for item in self.items)
        return {status.value: counts.get(status.value, 0) for status in Status}

    def binding_summary(self) -> dict[str, int]:
        """Number of constrained (约束性) indicators per status."""
        counts = Counter(item.status.value for item in self.items if item.indicator.binding.code == "binding")
        return {status.value: counts.get(status.value, 0) for status in Status}

    def as_dict(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "plan": {"id": plan.id, "name": plan.name, "region": plan.region, "seed": plan.seed,
                     "document": plan.document, "period": list(plan.period), "base_year": plan.base_year},
            "year": self.year,
            "summary": self.summary(),
            "binding_summary": self.binding_summary(),
            "thresholds": {"on_track_min_ratio": self.settings.on_track_min_ratio,
                           "moderate_min_ratio": self.settings.moderate_min_ratio},
            "indicators": [item.as_dict() for item in self.items],
        }


def evaluate_plan(
    plan: Plan, observations: ObservationLedger, year: int, *,
    registry: Registry | None = None, settings: IndicatorSettings | None = None,
) -> PlanEvaluation:
    """Evaluate every indicator of a plan in ``year``; constrained (约束性) indicators come first."""
    settings = settings or (registry.settings if registry else IndicatorSettings())
    context = Context(observations, settings, registry)
    items = [_evaluate(indicator, year, context, plan.base_year) for indicator in plan.indicators]
    order = {category: n for n, category in enumerate(plan.categories)}
    items.sort(key=lambda item: _sort_key(item.indicator, order))
    return PlanEvaluation(plan, year, tuple(items), settings)


def _sort_key(indicator: Indicator, category_order: dict[str, int]) -> tuple[int, int, int]:
    number = indicator.number if indicator.number is not None else 10_000
    return indicator.binding.rank, category_order.get(indicator.category, 99), number


def evaluate_indicator(
    indicator: Indicator, observations: ObservationLedger, year: int, *,
    registry: Registry | None = None, settings: IndicatorSettings | None = None,
) -> IndicatorEvaluation:
    """Evaluate one indicator in ``year`` against its governing target."""
    settings = settings or (registry.settings if registry else IndicatorSettings())
    plan = registry.plans.get(indicator.plan_id) if registry else None
    return _evaluate(indicator, year, Context(observations, settings, registry), plan.base_year if plan else None)


def _evaluate(indicator: Indicator, year: int, context: Context, base_year: int | None) -> IndicatorEvaluation:
    target = indicator.target_for(year)
    series = context.observations.series(indicator.metric.key, indicator.region)
    points = sorted((Point(y, o.value) for y, o in series.items()), key=lambda p: p.year)
    latest = latest_at_or_before(points, year)
    current = series[latest.year] if latest else None
    resolution = resolve_target(indicator, target, year, context)
    start = _start_point(indicator, points, base_year)
    # Maintenance and unresolved targets never read the threshold; Inputs still needs one.
    inputs_threshold = resolution.threshold or Threshold(default_comparator(indicator.direction), value=0.0)
    inputs = Inputs(indicator.metric, inputs_threshold, points, start, year, target.year, context.settings)
    progress = _assess(target, resolution, inputs, context.settings)
    observed = tuple(p for p in points if p.year <= year)
    return IndicatorEvaluation(indicator, target, resolution, progress, observed, current)


def _assess(target: Target, resolution: Resolution, inputs: Inputs, settings: IndicatorSettings) -> Progress:
    if target.kind in _MAINTENANCE:
        tolerance = settings.stable_tolerance_pct if target.kind is TargetKind.STABLE else 0.0
        return assess_maintenance(target.kind, inputs, tolerance)
    if not inputs.points:
        return Progress(Status.NO_DATA, notes=("无观测值",))
    if resolution.threshold is None:
        current = latest_at_or_before(inputs.points, inputs.eval_year)
        reason = resolution.unresolved or "目标无法换算为数值"
        return Progress(Status.NOT_ASSESSABLE, current=current, notes=(reason,))
    if target.annual:
        return assess_annual(inputs)
    return assess_numeric(inputs)


def _start_point(indicator: Indicator, points: list[Point], base_year: int | None) -> Point | None:
    """progress_start, else the baseline (value from the seed or observed), else the plan's base year."""
    by_year = {p.year: p for p in points}
    for candidate in (indicator.progress_start, indicator.baseline):
        point = _baseline_point(candidate, by_year)
        if point is not None:
            return point
    if base_year is not None and base_year in by_year:
        return by_year[base_year]
    return None


def _baseline_point(baseline: Baseline | None, by_year: dict[int, Point]) -> Point | None:
    if baseline is None:
        return None
    if baseline.value is not None:
        return Point(baseline.year, baseline.value)
    return by_year.get(baseline.year)


def resolve_target(indicator: Indicator, target: Target, year: int, context: Context) -> Resolution:
    """The numeric condition a target stands for in ``year`` (None for maintenance targets)."""
    kind = target.kind
    if kind is TargetKind.ABSOLUTE:
        return Resolution(target.threshold)
    if kind is TargetKind.ENSURED:
        value = context.settings.effectively_ensured_min_pct
        note = f"“有效保障”按≥{format_value(value)}%判定（假定值，见报告“评估采用的取值”）"
        return Resolution(Threshold(default_comparator(indicator.direction), value=value), notes=(note,))
    if kind in (TargetKind.RELATIVE, TargetKind.ANNUAL_RATE):
        return _resolve_change(indicator, target, context)
    if kind is TargetKind.ASSIGNED:
        return _resolve_assigned(indicator, target, year, context)
    if kind is TargetKind.REFERENCE:
        return _resolve_reference(indicator, target, year, context)
    return Resolution(None)


def _reference_value(indicator: Indicator, years: tuple[int, ...], context: Context) -> tuple[float | None, list[int]]:
    series = context.observations.series(indicator.metric.key, indicator.region)
    values: list[float] = []
    missing: list[int] = []
    for year in years:
        baseline = indicator.baseline
        if baseline is not None and baseline.year == year and baseline.value is not None:
            values.append(baseline.value)
        elif year in series:
            values.append(series[year].value)
        else:
            missing.append(year)
    return (fmean(values) if values and not missing else None), missing


def _resolve_change(indicator: Indicator, target: Target, context: Context) -> Resolution:
    assert target.change is not None
    reference, missing = _reference_value(indicator, target.relative_to, context)
    if reference is None:
        years = "、".join(str(y) for y in missing)
        return Resolution(None, unresolved=f"缺少参照年（{years}）的观测值，无法换算目标值")
    change = target.change
    if target.kind is TargetKind.ANNUAL_RATE:
        years = target.year - target.relative_to[0]
        value = apply_change(reference, change, years=years, compound=change.unit == "pct")
    else:
        value = apply_change(reference, change)
    threshold = Threshold(change.comparator, value=value)
    reference_text = "、".join(str(y) for y in target.relative_to)
    note = f"参照值（{reference_text}年）{format_value(reference)}，{target.year}年目标值{describe(threshold)}"
    return Resolution(threshold, notes=(note,))


def _resolve_assigned(indicator: Indicator, target: Target, year: int, context: Context) -> Resolution:
    assigned = context.observations.assigned_target(indicator.metric.key, indicator.region, target.year)
    if assigned is not None:
        threshold = assigned_threshold(assigned, indicator.metric)
        note = f"上级下达目标{describe(threshold, indicator.metric.kind)}（来源：{assigned.source}）"
        return Resolution(threshold, notes=(note,))
    parent = _parent_indicator(target, context)
    if parent is not None and context.depth < _MAX_PARENT_DEPTH:
        parent_target = parent.target_for(target.year)
        deeper = Context(context.observations, context.settings, context.registry, context.depth + 1)
        resolved = resolve_target(parent, parent_target, year, deeper)
        if resolved.threshold is not None:
            note = f"采用上级规划指标 {parent.id} 的{parent_target.year}年目标{describe(resolved.threshold)}"
            return Resolution(resolved.threshold, notes=resolved.notes + (note,))
    by = target.assigned_by or "上级"
    return Resolution(None, unresolved=f"{by}下达的{target.year}年目标值尚未录入（assigned_target）")


def _parent_indicator(target: Target, context: Context) -> Indicator | None:
    if target.parent is None or context.registry is None:
        return None
    return context.registry.indicators.get(target.parent)


def _resolve_reference(indicator: Indicator, target: Target, year: int, context: Context) -> Resolution:
    assert target.reference_region is not None
    own = context.observations.series(indicator.metric.key, indicator.region)
    other = context.observations.series(indicator.metric.key, target.reference_region)
    own_latest = max((y for y in own if y <= year), default=None)
    shared = [y for y in other if y <= year and (own_latest is None or y <= own_latest)]
    if not shared:
        return Resolution(None, unresolved=f"参照地区{target.reference_region}无可比年份的观测值")
    ref_year = max(shared)
    value = other[ref_year].value
    threshold = Threshold(default_comparator(indicator.direction), value=value)
    note = f"参照地区{target.reference_region} {ref_year}年值{format_value(value)}"
    return Resolution(threshold, notes=(note,))


def _round(value: float | None) -> float | None:
    # Adding 0.0 turns a rounded -0.0 into 0.0 for JSON.
    return None if value is None else round(value, 6) + 0.0


def _baseline_dict(baseline: Baseline | None) -> dict[str, Any] | None:
    if baseline is None:
        return None
    return {"year": baseline.year, "value": baseline.value, "assumed": baseline.assumed}


def _target_dict(target: Target, resolution: Resolution, kind: ValueKind) -> dict[str, Any]:
    threshold = resolution.threshold
    return {
        "year": target.year,
        "kind": target.kind.value,
        "label": target.label,
        "threshold": describe(threshold, kind) if threshold is not None else None,
        "comparator": threshold.comparator.value if threshold is not None else None,
        "range": [threshold.low, threshold.high] if threshold and threshold.comparator is Comparator.RANGE else None,
        "annual": target.annual,
        "assumed": target.assumed,
        "assumed_reason": target.assumed_reason,
        "basis": target.basis,
        "citation": target.citation.as_dict() if target.citation else None,
    }


def _current_dict(observation: Observation | None) -> dict[str, Any] | None:
    if observation is None:
        return None
    return {"year": observation.year, "value": observation.value, "source": observation.source,
            "origin": observation.origin, "revision": observation.revision}
