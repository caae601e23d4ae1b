"""The screening report (研判报告) as HTML and PDF, with a map of the project over the units hit
and the reference features that triggered rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import shapely

from ecozone.documents import DocumentRegistry
from ecozone.geo.figure import Layer, Style, map_svg
from ecozone.geo.regions import ReferenceFeature
from ecozone.reporting.render import html_to_pdf, render_html
from ecozone.screening import presentation
from ecozone.screening.engine import ScreeningResult
from ecozone.zoning.catalog import FeatureCatalog
from ecozone.zoning.model import UnitClass

TEMPLATES = Path(__file__).with_name("templates")
MESSAGES = Path(__file__).with_name("messages")

CLASS_STYLES = {
    UnitClass.PRIORITY: Style(fill="#5aa469", stroke="#2e6b3a", fill_opacity=0.45),
    UnitClass.KEY: Style(fill="#e58a4e", stroke="#a4511f", fill_opacity=0.45),
    UnitClass.GENERAL: Style(fill="#8fb3d9", stroke="#4a6f96", fill_opacity=0.45),
}
PROJECT_STYLE = Style(fill="#d62728", stroke="#8b0000", stroke_width=2.0, fill_opacity=0.35, marker_radius=6)
# One colour per feature that triggered a rule, so the legend names each outline on the map.
FEATURE_COLOURS = ("#1f4e9c", "#7b3294", "#8c510a", "#c51b7d", "#01665e", "#b35806", "#4d4d4d", "#2166ac")


# Reasons name the features that triggered a rule as "名称（kind:slug）".
_FEATURE_KEY_IN_REASON = re.compile(r"（([a-z_]+:[a-z0-9][a-z0-9-]*)）")
# Reference features shown for orientation when they cross the figure (labelled, not in the legend).
CONTEXT_KINDS = ("river", "lake")
CONTEXT_STYLE = Style(fill="#9ecae1", stroke="#4292c6", stroke_width=1.2, fill_opacity=0.5)
KIND_NAMES = {
    "zh": {"river": "河流", "lake": "湖泊", "water_source": "饮用水水源保护区", "nature_reserve": "自然保护地",
           "planning_area": "城市（县城）规划区", "dev_zone": "开发区、工业园区", "farmland": "永久基本农田",
           "zone": "规则所指区域", "city_group": "规则所指城市范围"},
    "en": {"river": "river", "lake": "lake", "water_source": "drinking-water source area", "nature_reserve": "nature reserve",
           "planning_area": "urban planning area", "dev_zone": "development zone", "farmland": "basic farmland",
           "zone": "area named by a rule", "city_group": "cities named by a rule"},
}


def triggering_features(result: ScreeningResult, catalog: FeatureCatalog) -> list[ReferenceFeature]:
    """The reference features named in the reasons of the findings."""
    keys = {key for f in result.evaluation.findings for reason in f.reasons for key in _FEATURE_KEY_IN_REASON.findall(reason)}
    return [feature for feature in catalog.features if feature.key in keys]


def figure_extent(geometry: shapely.Geometry) -> shapely.Geometry:
    """A frame around the project: the project in the middle third, at least about 4 km across."""
    minx, miny, maxx, maxy = geometry.bounds
    pad = max(maxx - minx, maxy - miny, 0.04)
    return shapely.box(minx - pad, miny - pad * 0.8, maxx + pad, maxy + pad * 0.8)


def figure(result: ScreeningResult, catalog: FeatureCatalog | None, lang: str) -> str:
    """The map figure: units hit by class (named), the features that triggered rules (each named
    in the legend), rivers and lakes nearby for orientation, the project on top."""
    kinds = KIND_NAMES[lang]
    project = result.project.project.geometry
    extent = figure_extent(project)
    layers = []
    for unit_class in UnitClass:
        hits = [o.unit for o in result.overlay.units if o.unit.unit_class == unit_class]
        if hits:
            label = (unit_class.name_zh + "（项目涉及）") if lang == "zh" else f"{unit_class.name_en} (hit by the project)"
            layers.append(Layer(label, [u.geometry for u in hits], CLASS_STYLES[unit_class], names=[u.name for u in hits]))
    triggering = triggering_features(result, catalog) if catalog is not None else []
    shown = {f.key for f in triggering}
    context = [f for f in (catalog.features if catalog is not None else []) if f.kind in CONTEXT_KINDS and f.key not in shown and f.geometry.intersects(extent)]
    if context:
        label = "河流、湖泊" if lang == "zh" else "rivers and lakes"
        layers.append(Layer(label, [f.geometry for f in context], CONTEXT_STYLE, names=[f.name if lang == "zh" else (f.name_en or f.name) for f in context]))
    for n, feature in enumerate(triggering):
        name = feature.name if lang == "zh" else (feature.name_en or feature.name)
        kind = kinds.get(feature.kind, feature.kind)
        label = f"{name}（{kind}，触发规则）" if lang == "zh" else f"{name} ({kind}, triggered a rule)"
        colour = FEATURE_COLOURS[n % len(FEATURE_COLOURS)]
        # Areas are outlined only, so several can overlap the units and stay readable; the legend
        # tells them apart by colour. Lines (rivers) carry their name on the map as well.
        style = Style(fill="none", stroke=colour, stroke_width=2.2, fill_opacity=0.0, dash=None if feature.geometry.geom_type.endswith("LineString") else "7,4")
        is_line = feature.geometry.geom_type.endswith("LineString")
        layers.append(Layer(label, [feature.geometry], style, names=[name] if is_line else None))
    layers.append(Layer("本项目" if lang == "zh" else "the project", [project], PROJECT_STYLE, names=[result.project.project.name or ("本项目" if lang == "zh" else "project")]))
    return map_svg(layers, width=640, height=320 + 18 * len(layers), extent=extent)


def report_context(result: ScreeningResult, lang: str, documents: DocumentRegistry, catalog: FeatureCatalog | None) -> dict:
    """What the report template shows, in order of weight, without internal ids outside the appendix."""
    data = result.to_dict()
    names = {f.key: f.name for f in catalog.features} if catalog is not None else {}
    findings = presentation.by_weight(data["findings"])
    for finding in findings:
        finding["tier"] = presentation.finding_verdict(finding)
        finding["plain_reason"] = presentation.plain(finding.get("reason"), names)
        finding["plain_assumption"] = presentation.plain(finding.get("assumption"), names)
        finding["cite"] = presentation.citation(finding.get("citation"), documents)
    cited = sorted({f["citation"]["file"] for f in findings if f.get("citation") and f["citation"].get("file")})
    return {
        "r": data,
        "findings": findings,
        "deciding": presentation.deciding(findings, data["verdict"]),
        "missing": presentation.missing_labels(findings),
        "attributes": presentation.attribute_lines(data["project"]["attributes"]),
        "releases": presentation.governing_releases(data),
        "cited_documents": [documents.get(file) or file for file in cited],
        "demo": data["demo"],
    }


def render_report_html(
    result: ScreeningResult,
    lang: str = "zh",
    catalog: FeatureCatalog | None = None,
    screening_id: str | None = None,
    overrides: list[dict] | None = None,
    documents: DocumentRegistry | None = None,
    *,
    generated_at: dt.datetime,
) -> str:
    """The report as a self-contained HTML page: the verdict, why and what to do next on page 1."""
    return render_html(
        TEMPLATES,
        "screening_report.html",
        lang,
        MESSAGES,
        generated_at=generated_at,
        screening_id=screening_id,
        overrides=overrides or [],
        figure=figure(result, catalog, lang),
        **report_context(result, lang, documents or DocumentRegistry({}), catalog),
    )


def render_report_pdf(
    result: ScreeningResult,
    lang: str = "zh",
    catalog: FeatureCatalog | None = None,
    screening_id: str | None = None,
    overrides: list[dict] | None = None,
    documents: DocumentRegistry | None = None,
    *,
    generated_at: dt.datetime,
) -> bytes:
    """The report as PDF (Chinese text in Noto Sans CJK)."""
    return html_to_pdf(render_report_html(result, lang, catalog, screening_id, overrides, documents, generated_at=generated_at))
