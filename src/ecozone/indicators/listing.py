"""Plain listings of plans and indicators for `ecozone indicators list` (JSON or a table)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ecozone.indicators.model import Indicator, Plan, Target
from ecozone.indicators.registry import Registry
from ecozone.indicators.values import format_value


def list_plans(registry: Registry) -> list[dict[str, Any]]:
    """One row per plan: id, name, region, period, source and indicator counts by 指标属性."""
    rows = []
    for plan in sorted(registry.plans.values(), key=lambda p: (p.region, p.id)):
        region = registry.regions[plan.region]
        counts = Counter(i.binding.code for i in plan.indicators)
        rows.append({
            "id": plan.id, "name": plan.name, "region": plan.region, "region_name": region.name,
            "period": list(plan.period), "base_year": plan.base_year, "document": plan.document,
            "issued": plan.issued, "seed": plan.seed, "indicators": len(plan.indicators),
            "binding": counts.get("binding", 0), "expected": counts.get("expected", 0),
            "unspecified": counts.get("unspecified", 0),
            "outlook": [{"year": o.year, "text": o.text} for o in plan.outlook],
        })
    return rows


def list_indicators(registry: Registry, plan_id: str | None = None) -> list[dict[str, Any]]:
    """Indicators of one plan (or all), constrained (约束性) first, then by category and number."""
    plans = [registry.plan(plan_id)] if plan_id else sorted(registry.plans.values(), key=lambda p: p.id)
    rows: list[dict[str, Any]] = []
    for plan in plans:
        order = {category: n for n, category in enumerate(plan.categories)}
        ordered = sorted(plan.indicators, key=lambda i: _listing_key(i, order))
        rows.extend(indicator_row(registry, plan, indicator) for indicator in ordered)
    return rows


def _listing_key(indicator: Indicator, order: dict[str, int]) -> tuple[int, int, int]:
    number = indicator.number if indicator.number is not None else 10_000
    return indicator.binding.rank, order.get(indicator.category, 99), number


def indicator_row(registry: Registry, plan: Plan, indicator: Indicator) -> dict[str, Any]:
    """One indicator as a flat, JSON-ready row."""
    baseline = indicator.baseline
    return {
        "id": indicator.id, "plan": plan.id, "number": indicator.number, "category": indicator.category,
        "name": indicator.name, "metric": indicator.metric.key, "unit": indicator.unit,
        "direction": indicator.direction.value, "binding": indicator.binding.value,
        "binding_code": indicator.binding.code, "region": indicator.region,
        "region_name": registry.regions[indicator.region].name, "scope": indicator.scope,
        "baseline": None if baseline is None else {
            "year": baseline.year, "value": baseline.value,
            "text": format_value(baseline.value, indicator.metric.kind), "assumed": baseline.assumed,
        },
        "targets": [target_row(t) for t in sorted(indicator.targets, key=lambda t: t.year)],
        "citation": indicator.citation.as_dict(),
        "also_cited": [c.as_dict() for c in indicator.also_cited],
        "related": list(indicator.related),
        "note": indicator.note,
    }


def target_row(target: Target) -> dict[str, Any]:
    return {
        "year": target.year, "kind": target.kind.value, "label": target.label, "annual": target.annual,
        "assigned_by": target.assigned_by, "parent": target.parent, "reference_region": target.reference_region,
        "assumed": target.assumed, "assumed_reason": target.assumed_reason, "basis": target.basis,
        "citation": target.citation.as_dict() if target.citation else None, "note": target.note,
    }
