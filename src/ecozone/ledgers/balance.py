"""Balance of a region's ledgers up to the end of a year: banked, drawn and left per resource, with
the yearly series and a bar chart; JSON, HTML and PDF."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from html import escape
from pathlib import Path

from sqlalchemy import Engine

from ecozone.errors import NotFound
from ecozone.i18n import Translator
from ecozone.ledgers import repository as store
from ecozone.ledgers.model import RESOURCES
from ecozone.reporting.render import html_to_pdf, render_html
from ecozone.zoning.repositories import regions as region_store

TEMPLATES = Path(__file__).with_name("templates")
MESSAGES = Path(__file__).with_name("messages")


def region_prefix(code: str) -> str:
    """Codes under a region: a province ``14``, a city ``1401``, a county itself."""
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code


def _series(totals: dict[str, list[dict]], resource: str) -> list[dict]:
    years: dict[int, dict[str, float]] = defaultdict(lambda: {"banked": 0.0, "drawn": 0.0})
    for kind in ("banked", "drawn"):
        for item in totals[kind]:
            if item["resource"] == resource:
                years[item["year"]][kind] += item["amount"]
    running, out = 0.0, []
    for year in sorted(years):
        running += years[year]["banked"] - years[year]["drawn"]
        out.append({"year": year, **years[year], "balance": round(running, 3)})
    return out


def balance(engine: Engine, region: str, year: int) -> dict:
    """Per resource: banked and drawn up to 31 December of ``year``, and what is left."""
    until = dt.date(year, 12, 31)
    with engine.connect() as conn:
        names = {r.code: r.name for r in region_store.load_regions(conn)}
        if region not in names:
            raise NotFound(f"no region {region!r}", field="region", value=region)
        prefix = region_prefix(region)
        totals = store.totals_by_year(conn, prefix, until)
        sources = [s for s in store.list_sources(conn, prefix) if s.effective_on <= until]
        draws = [d for d in store.draws_of(conn) if d["region_code"].startswith(prefix) and d["drawn_at"].date() <= until]
    resources = []
    for resource, (name, unit) in RESOURCES.items():
        series = _series(totals, resource)
        if not series:
            continue
        this_year = next((s for s in series if s["year"] == year), {"banked": 0.0, "drawn": 0.0})
        banked = sum(s["banked"] for s in series)
        drawn = sum(s["drawn"] for s in series)
        resources.append({
            "resource": resource, "name": name, "unit": unit, "banked": banked, "drawn": drawn,
            "balance": round(banked - drawn, 3), "banked_in_year": this_year["banked"], "drawn_in_year": this_year["drawn"],
            "series": series,
        })
    return {
        "region": {"code": region, "name": names[region]},
        "year": year,
        "until": until.isoformat(),
        "resources": resources,
        "sources": [{**s.summary(), "region_name": names.get(s.region_code, s.region_code), "drawn_by": s.drawn_by} for s in sources],
        "draws": [{k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in d.items()} for d in draws],
        "demo": any(s.demo for s in sources),
    }


def balance_chart(data: dict, labels: dict[str, str]) -> str:
    """A grouped bar chart (SVG): banked, drawn and balance per resource, each scaled to its own maximum."""
    rows = data["resources"]
    width, row_h, left = 640, 54, 150
    height = 30 + row_h * max(len(rows), 1)
    colours = {"banked": "#2e86c1", "drawn": "#e67e22", "balance": "#27ae60"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(labels["title"])}">']
    for i, key in enumerate(colours):
        parts.append(f'<rect x="{left + i * 150}" y="6" width="12" height="12" fill="{colours[key]}"/>'
                     f'<text x="{left + 16 + i * 150}" y="17" font-size="12">{escape(labels[key])}</text>')
    for r, row in enumerate(rows):
        top = 30 + r * row_h
        top_value = max(row["banked"], row["drawn"], abs(row["balance"]), 1e-9)
        parts.append(f'<text x="4" y="{top + 26}" font-size="12">{escape(row["name"])}（{escape(row["unit"])}）</text>')
        for i, key in enumerate(colours):
            value = max(row[key], 0.0)
            bar = (width - left - 90) * value / top_value
            y = top + 4 + i * 15
            parts.append(f'<rect x="{left}" y="{y}" width="{bar:.1f}" height="12" fill="{colours[key]}"/>'
                         f'<text x="{left + bar + 4:.1f}" y="{y + 10}" font-size="10">{row[key]:,.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def balance_html(data: dict, lang: str = "zh", *, generated_at: dt.datetime) -> str:
    t = Translator(lang, MESSAGES)
    chart = balance_chart(data, {k: t(k) for k in ("title", "banked", "drawn", "balance")} | {"title": t("chart")})
    return render_html(TEMPLATES, "balance_report.html", lang, MESSAGES, generated_at=generated_at, d=data, chart=chart, demo=data["demo"])


def balance_pdf(data: dict, lang: str = "zh", *, generated_at: dt.datetime) -> bytes:
    return html_to_pdf(balance_html(data, lang, generated_at=generated_at))
