"""Plan reports — annual tracking (年度调度), mid-term evaluation (中期评估) and final assessment
(终期考核) — as HTML or PDF, Chinese or English, with a chart per indicator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecozone.errors import BadInput
from ecozone.i18n import Translator, check_language
from ecozone.documents import DocumentRegistry
from ecozone.indicators.evaluation import PlanEvaluation
from ecozone.indicators.observations import ObservationLedger
from ecozone.indicators.registry import Registry
from ecozone.indicators.report.content import (
    ReportKind,
    attention_rows,
    basis_clauses,
    build_groups,
    check_report_year,
    completion_counts,
    source_table,
    status_table,
)
from ecozone.indicators.provenance import used_observations
from ecozone.indicators.settings import ASSUMPTION_SETTINGS, IndicatorSettings

TEMPLATES = Path(__file__).with_name("templates")
MESSAGES = Path(__file__).with_name("messages")
FORMATS = ("html", "pdf")
# Settings the report lists; the assumed ones are the values a seed leaves open.
_REPORTED_SETTINGS = ("on_track_min_ratio", "moderate_min_ratio", "trend_window_years", "stable_tolerance_pct",
                      "approx_tolerance_pct", "effectively_ensured_min_pct", "basically_share_pct")
_COLUMNS = {ReportKind.ANNUAL: 8, ReportKind.MIDTERM: 11, ReportKind.FINAL: 8}

__all__ = ["FORMATS", "ReportKind", "report_context", "render_report", "report_kind", "report_filename"]


def report_kind(value: str) -> ReportKind:
    """The kind named ``value``, or ``BadInput`` naming the field ``kind``."""
    try:
        return ReportKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in ReportKind)
        raise BadInput(f"kind {value!r} is not one of {kinds}", field="kind", value=value) from None


def _setting_rows(settings: IndicatorSettings) -> list[dict]:
    assumed = ASSUMPTION_SETTINGS | {"trend_window_years"}
    return [{"name": name, "value": getattr(settings, name), "assumed": name in assumed} for name in _REPORTED_SETTINGS]


def report_context(
    evaluation: PlanEvaluation, ledger: ObservationLedger, registry: Registry, kind: ReportKind, lang: str,
    charts: bool = True, documents: DocumentRegistry | None = None,
) -> dict:
    """Everything the report template shows (also handy for tests)."""
    check_language(lang)
    t = Translator(lang, MESSAGES)
    plan = evaluation.plan
    check_report_year(plan, evaluation.year, kind)
    observations = used_observations(evaluation, ledger)
    sample_count = sum(o.is_sample for o in observations)
    groups = build_groups(evaluation, t, charts, sample_count > 0)
    plan_name = plan.name_en if lang == "en" else plan.name
    return {
        "title": t(f"title.{kind.value}", plan=plan_name, year=evaluation.year),
        "plan": plan, "region_name": registry.regions[plan.region].name, "kind": kind.value, "year": evaluation.year,
        "basis": basis_clauses(plan, kind), "groups": groups, "attention": attention_rows(groups),
        "status_table": status_table(evaluation), "total": len(evaluation.items),
        "binding_total": sum(i.indicator.binding.code == "binding" for i in evaluation.items),
        "completion": completion_counts(evaluation), "columns": _COLUMNS[kind],
        "sources": source_table(observations), "observation_count": len(observations),
        "sample": sample_count > 0, "sample_count": sample_count,
        "settings": evaluation.settings, "setting_rows": _setting_rows(evaluation.settings),
        # Citations read as document titles and 文号; the source file names stay in the JSON.
        "cite": lambda c: (documents or DocumentRegistry({})).reference(c.seed, c.section, fallback_title=plan.document if c.seed == plan.seed else None),
    }


def render_report(
    evaluation: PlanEvaluation, ledger: ObservationLedger, registry: Registry, kind: ReportKind,
    fmt: str = "html", lang: str = "zh", charts: bool = True, documents: DocumentRegistry | None = None,
    *, generated_at: dt.datetime,
) -> bytes:
    """The report as UTF-8 HTML or as PDF bytes (``charts=False`` leaves the figures out), stamped ``generated_at``."""
    from ecozone.reporting.render import html_to_pdf, render_html

    if fmt not in FORMATS:
        raise BadInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}", field="format", value=fmt)
    context = report_context(evaluation, ledger, registry, kind, lang, charts, documents)
    html = render_html(TEMPLATES, "indicator_report.html", lang, MESSAGES, generated_at=generated_at, **context)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def report_filename(plan_id: str, year: int, kind: ReportKind, fmt: str) -> str:
    """A file name for downloads, e.g. ``tunliu-2021-2025-2024-annual.pdf``."""
    return f"{plan_id}-{year}-{kind.value}.{fmt}"
