"""What a plan report shows: rows by category, summaries, the basis clauses and data sources.

The template only lays these out; every number and label is prepared here, so the HTML and the
PDF (same HTML) say the same thing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ecozone.errors import BadInput
from ecozone.i18n import Translator
from ecozone.indicators.evaluation import IndicatorEvaluation, PlanEvaluation
from ecozone.indicators.model import Citation, Plan, ValueKind
from ecozone.indicators.observations import Observation
from ecozone.indicators.report.charts import ChartLabels, chart_data_uri, indicator_chart
from ecozone.indicators.status import Status
from ecozone.indicators.values import format_value

BASIS_FILE = Path(__file__).with_name("basis.yaml")
# Statuses an evaluator should look at first (with a projection that misses the target).
_ATTENTION = {Status.LIMITED, Status.DETERIORATING, Status.NOT_ACHIEVED}


class ReportKind(StrEnum):
    """年度调度, 中期评估 and 终期考核 (seed 003 九、（六）: 年度调度、中期评估和末期考核)."""

    ANNUAL = "annual"
    MIDTERM = "midterm"
    FINAL = "final"


def check_report_year(plan: Plan, year: int, kind: ReportKind) -> None:
    """``BadInput`` naming ``year`` when it does not suit the report kind and the plan period."""
    start, end = plan.period
    allowed = {ReportKind.ANNUAL: (start, end), ReportKind.MIDTERM: (start, end - 1), ReportKind.FINAL: (end, end)}
    low, high = allowed[kind]
    if not low <= year <= high:
        span = str(low) if low == high else f"{low}–{high}"
        raise BadInput(f"year {year}: a {kind.value} report of {plan.id} (period {start}–{end}) needs a year in {span}",
                       field="year", value=year)


@dataclass(frozen=True)
class BasisClause:
    citation: Citation
    own: bool  # the clause comes from the plan's own seed


@lru_cache(maxsize=1)
def _basis_entries() -> tuple[dict[str, Any], ...]:
    return tuple(yaml.safe_load(BASIS_FILE.read_text(encoding="utf-8")))


def basis_clauses(plan: Plan, kind: ReportKind) -> list[BasisClause]:
    """The seed clauses that ask for this kind of report: the plan's own seed first."""
    clauses = [
        BasisClause(Citation(e["seed"], e["section"], e["clause"]), e["seed"] == plan.seed)
        for e in _basis_entries() if kind.value in e["kinds"]
    ]
    return sorted(clauses, key=lambda c: not c.own)


@dataclass
class Row:
    """One indicator as the report prints it."""

    item: IndicatorEvaluation
    number: str
    name: str
    binding: str
    binding_code: str
    baseline: str
    target: str
    current: str
    ratio: str
    status: str
    status_code: str
    projection: str
    gap: str
    projected_met: str
    completion: str
    notes: list[str]
    citation: Citation
    chart: str | None = None  # data: URI of the SVG


@dataclass
class Group:
    category: str
    rows: list[Row] = field(default_factory=list)


def _value(item: IndicatorEvaluation, value: float | None) -> str:
    return format_value(value, item.indicator.metric.kind)


def _baseline(item: IndicatorEvaluation) -> str:
    start = item.progress.start
    baseline = item.indicator.baseline
    if baseline is not None and baseline.value is not None:
        return f"{_value(item, baseline.value)}（{baseline.year}）"
    if start is not None:
        return f"{_value(item, start.value)}（{start.year}）"
    return "—"


def _target(item: IndicatorEvaluation) -> str:
    target = item.target
    text = f"{target.label}（{target.year}）"
    threshold = item.as_dict()["target"]["threshold"]
    if threshold and threshold != target.label:
        text += f" → {threshold}"
    return text


def _current(item: IndicatorEvaluation, t: Translator) -> str:
    current = item.current
    if current is None:
        return "—"
    text = f"{_value(item, current.value)}（{current.year}）"
    if current.revision > 1:
        text += " " + t("row.revised", revision=current.revision)
    return text


def _number(value: float | None, digits: int = 2) -> str:
    # Adding 0.0 turns a rounded -0.0 into 0.0.
    return "—" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"


def _projection(item: IndicatorEvaluation) -> str:
    projection = item.progress.projection
    if projection is None:
        return "—"
    if item.indicator.metric.kind is ValueKind.CLASS:  # a trend between classes reads as the nearest class
        return f"≈{_value(item, float(round(projection.value)))}（{projection.year}）"
    return f"{_value(item, round(projection.value, 2))}（{projection.year}）"


def _completion(item: IndicatorEvaluation, t: Translator) -> str:
    if item.status is Status.ACHIEVED:
        return t("final.done")
    if item.status in (Status.NO_DATA, Status.NOT_ASSESSABLE):
        return t("final.undetermined")
    return t("final.not_done")


def _projected_met(item: IndicatorEvaluation, t: Translator) -> str:
    met = item.progress.projected_met
    return "—" if met is None else t("yes") if met else t("no")


def build_row(item: IndicatorEvaluation, t: Translator) -> Row:
    indicator, progress = item.indicator, item.progress
    return Row(
        item=item,
        number="" if indicator.number is None else str(indicator.number),
        name=indicator.name + (f"（{indicator.scope}）" if indicator.scope else "")
        + (f"（{indicator.unit}）" if indicator.unit else ""),
        binding=t(f"binding.{indicator.binding.code}"),
        binding_code=indicator.binding.code,
        baseline=_baseline(item),
        target=_target(item),
        current=_current(item, t),
        ratio=_number(progress.ratio),
        status=t(f"status.{item.status.value}"),
        status_code=item.status.value,
        projection=_projection(item),
        gap=_number(progress.projected_gap),
        projected_met=_projected_met(item, t),
        completion=_completion(item, t),
        notes=list(item.resolution.notes) + list(progress.notes),
        citation=indicator.citation,
    )


def chart_labels(t: Translator, sample: bool) -> ChartLabels:
    return ChartLabels(
        observed=t("chart.observed"), baseline=t("chart.baseline"), required=t("chart.required"),
        floor=t("chart.floor"), goal=t("chart.goal"), annual_goal=t("chart.annual_goal"),
        projection=t("chart.projection"), eval_year=t("chart.eval_year"),
        sample=t("sample.short") if sample else None,
    )


def build_groups(evaluation: PlanEvaluation, t: Translator, charts: bool, sample: bool) -> list[Group]:
    """Rows by the plan's categories; within a category 约束性 first (the evaluation's order)."""
    groups = {category: Group(category) for category in evaluation.plan.categories}
    labels = chart_labels(t, sample)
    for item in evaluation.items:
        row = build_row(item, t)
        if charts:
            svg = indicator_chart(item, evaluation.year, labels)
            row.chart = chart_data_uri(svg) if svg else None
        groups.setdefault(item.indicator.category, Group(item.indicator.category)).rows.append(row)
    return [group for group in groups.values() if group.rows]


def attention_rows(groups: list[Group]) -> list[Row]:
    """Indicators behind their path or projected to miss, 约束性 first."""
    rows = [row for group in groups for row in group.rows
            if row.item.status in _ATTENTION or row.item.progress.projected_met is False]
    return sorted(rows, key=lambda row: row.item.indicator.binding.rank)


def status_table(evaluation: PlanEvaluation) -> list[dict[str, Any]]:
    """Per status: how many indicators, and how many of them 约束性."""
    total, binding = evaluation.summary(), evaluation.binding_summary()
    return [{"code": status.value, "all": total[status.value], "binding": binding[status.value]} for status in Status]


def completion_counts(evaluation: PlanEvaluation) -> dict[str, int]:
    """For the final assessment: achieved out of all, and out of the 约束性 ones."""
    binding = [i for i in evaluation.items if i.indicator.binding.code == "binding"]
    return {
        "achieved": sum(i.status is Status.ACHIEVED for i in evaluation.items), "all": len(evaluation.items),
        "binding_achieved": sum(i.status is Status.ACHIEVED for i in binding), "binding_all": len(binding),
    }


def source_table(observations: list[Observation]) -> list[dict[str, Any]]:
    """Sources of the values used, with how many values and how many were corrected."""
    counts = Counter(o.source for o in observations)
    revised = Counter(o.source for o in observations if o.revision > 1)
    return [{"source": source, "count": n, "revised": revised.get(source, 0)} for source, n in sorted(counts.items())]
