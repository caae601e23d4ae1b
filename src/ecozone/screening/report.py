"""The screening report (研判报告) as HTML and PDF, with a map of the project over the units hit
and the reference features that triggered rules."""

from __future__ import annotations

import re
from pathlib import Path

import shapely

from ecozone.geo.figure import Layer, Style, map_svg
from ecozone.reporting.render import html_to_pdf, render_html
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
FEATURE_STYLE = Style(fill="#1f77b4", stroke="#1f77b4", stroke_width=2.0, fill_opacity=0.15, dash="6,3")


# Reasons name the features that triggered a rule as "名称（kind:slug）".
_FEATURE_KEY_IN_REASON = re.compile(r"（([a-z_]+:[a-z0-9][a-z0-9-]*)）")


def triggering_features(result: ScreeningResult, catalog: FeatureCatalog) -> list[shapely.Geometry]:
    """Geometries of the reference features named in the reasons of the findings."""
    keys = {key for f in result.evaluation.findings for reason in f.reasons for key in _FEATURE_KEY_IN_REASON.findall(reason)}
    return [feature.geometry for feature in catalog.features if feature.key in keys]


def figure(result: ScreeningResult, features: list[shapely.Geometry], lang: str) -> str:
    """The map figure: units hit by class, triggering features, the project on top."""
    layers = []
    for unit_class in UnitClass:
        units = [o.unit.geometry for o in result.overlay.units if o.unit.unit_class == unit_class]
        if units:
            label = unit_class.name_zh if lang == "zh" else unit_class.name_en
            layers.append(Layer(label, units, CLASS_STYLES[unit_class]))
    if features:
        project_box = shapely.box(*shapely.buffer(result.project.project.geometry, 0.05).bounds)
        clipped = [shapely.intersection(g, project_box) for g in features]
        layers.append(Layer("相关要素" if lang == "zh" else "features that triggered rules", clipped, FEATURE_STYLE))
    layers.append(Layer("项目" if lang == "zh" else "project", [result.project.project.geometry], PROJECT_STYLE))
    return map_svg(layers)


def render_report_html(result: ScreeningResult, lang: str = "zh", features: list[shapely.Geometry] | None = None, screening_id: str | None = None, overrides: list[dict] | None = None) -> str:
    """The report as a self-contained HTML page."""
    data = result.to_dict()
    return render_html(
        TEMPLATES,
        "screening_report.html",
        lang,
        MESSAGES,
        r=data,
        screening_id=screening_id,
        overrides=overrides or [],
        figure=figure(result, features or [], lang),
        demo=data["demo"],
    )


def render_report_pdf(result: ScreeningResult, lang: str = "zh", features: list[shapely.Geometry] | None = None, screening_id: str | None = None, overrides: list[dict] | None = None) -> bytes:
    """The report as PDF (Chinese text in Noto Sans CJK)."""
    return html_to_pdf(render_report_html(result, lang, features, screening_id, overrides))
