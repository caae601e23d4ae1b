"""What the indicator dashboard shows: the plans, and per plan its indicators in a year.

Indicators are grouped by category; within a category 约束性 (binding) come first, then 预期性
and the rest, each with its status colour and a small chart of observed against required.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import Engine

from ecozone.documents import DocumentRegistry
from ecozone.errors import BadInput
from ecozone.indicators import list_plans
from ecozone.indicators.provenance import evaluation_document
from ecozone.indicators.registry import Registry
from ecozone.indicators.stored import evaluate_stored
from ecozone.web.charts import indicator_chart
from ecozone.web.i18n import Translator

# Status colours, from achieved (green) through slipping (amber, red) to unknown (grey).
STATUS_STYLES: dict[str, str] = {
    "achieved": "#2e7d32",
    "on_track": "#66bb6a",
    "moderate": "#f9a825",
    "limited": "#ef6c00",
    "deteriorating": "#c62828",
    "not_achieved": "#8e0000",
    "not_assessable": "#90a4ae",
    "no_data": "#cfd8dc",
}
BINDING_ORDER = {"binding": 0, "expected": 1}
REPORT_KINDS = ("annual", "midterm", "final")


@dataclass(frozen=True)
class IndicatorCard:
    entry: dict
    colour: str
    status_label: str
    chart: Markup | None
    source: str = ""  # the cited document's title, 文号 and section (never the source file name)


@dataclass(frozen=True)
class CategoryGroup:
    name: str
    cards: list[IndicatorCard]


def default_year(period: tuple[int, int], today: dt.date) -> int:
    """This year, kept inside the plan's period (a finished plan shows its final year)."""
    start, end = period
    return min(max(today.year, start), end)


def check_year(year: int, period: tuple[int, int]) -> int:
    start, end = period
    if not start - 1 <= year <= end:
        raise BadInput(f"year {year} is outside the plan period {start}-{end}", field="year", value=year)
    return year


def card_for(entry: dict, t: Translator, documents: DocumentRegistry) -> IndicatorCard:
    colour = STATUS_STYLES.get(entry["status"], STATUS_STYLES["no_data"])
    chart = indicator_chart(entry.get("required_path") or [], entry.get("observed_path") or [], colour, entry["name"])
    citation = entry.get("citation") or {}
    source = documents.reference(citation.get("seed"), citation.get("section")) if citation else ""
    return IndicatorCard(entry, colour, t(f"status.{entry['status']}"), chart, source)


def group_by_category(indicators: list[dict], t: Translator, documents: DocumentRegistry | None = None) -> list[CategoryGroup]:
    """Categories in the order the plan first lists them; binding indicators first within each."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for entry in indicators:
        groups[entry.get("category") or "—"].append(entry)
    return [
        CategoryGroup(name, [card_for(e, t, documents or DocumentRegistry({})) for e in sorted(entries, key=lambda e: (BINDING_ORDER.get(e["binding_code"], 2), e["number"] or 0))])
        for name, entries in groups.items()
    ]


def plans_context(registry: Registry) -> dict:
    return {"plans": list_plans(registry)}


def plan_context(
    engine: Engine, registry: Registry, plan_id: str, year: int | None, t: Translator, today: dt.date,
    documents: DocumentRegistry | None = None,
) -> dict:
    """One plan's dashboard for ``year`` (default: ``today``'s year within the plan period)."""
    plan = registry.plan(plan_id)
    summary = next(row for row in list_plans(registry) if row["id"] == plan.id)
    period = tuple(summary["period"])
    year = check_year(year, period) if year is not None else default_year(period, today)
    evaluation, ledger = evaluate_stored(engine, registry, plan.id, year)
    document = evaluation_document(evaluation, ledger)
    return {
        "plan": summary,
        "year": year,
        "years": list(range(period[0], period[1] + 1)),
        "summary": [(t(f"status.{s}"), STATUS_STYLES[s], n) for s, n in document["summary"].items() if n],
        "groups": group_by_category(document["indicators"], t, documents),
        "reports": [(kind, t(f"plans.report.{kind}")) for kind in REPORT_KINDS],
        "sample_data": document["sample_data"],
    }
