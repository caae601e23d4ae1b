"""The public tools: self-screening (自助研判), siting (选址) and the indicator dashboard.

The screening and siting pages are thin: the browser calls the public API
(``/api/v1/screenings``, ``/api/v1/siting``) and draws the answer; the dashboard is rendered
here from the stored observations.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecozone.documents import load_registry, registry_path
from ecozone import clock
from ecozone.indicators.registry import default_registry
from ecozone.web import dashboard
from ecozone.web.i18n import Translator
from ecozone.web.mapconfig import CLASS_STYLES
from ecozone.geo.regions import RegionLevel
from ecozone.web.pages import county_groups, region_name, territory_bounds
from ecozone.web.deps import WebRoute, render, translator_for
from ecozone.zoning.inforce import ZoningSnapshot
from ecozone.zoning.rules import Nature
from ecozone.vocabulary import VERDICT_ORDER

# Verdict colours on the screening answer and the siting map, most to least severe.
VERDICT_STYLES: dict[str, dict] = {
    "prohibited": {"color": "#b71c1c", "fillColor": "#e53935"},
    "possibly_prohibited": {"color": "#6a1b9a", "fillColor": "#ab47bc"},
    "restricted": {"color": "#e65100", "fillColor": "#fb8c00"},
    "review": {"color": "#9e7700", "fillColor": "#fdd835"},
    "compliant": {"color": "#1b5e20", "fillColor": "#43a047"},
}

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def natures(t: Translator) -> list[tuple[str, str]]:
    return [(n.value, t(f"nature.{n.value}")) for n in Nature]


def tool_config(snapshot: ZoningSnapshot, t: Translator, root: str) -> dict:
    """What screening.js and siting.js need, embedded in the page as JSON."""
    return {
        "lang": t.lang,
        "bounds": territory_bounds(snapshot),
        "api": {
            "screenings": f"{root}/api/v1/screenings",
            "siting": f"{root}/api/v1/siting",
            "industries": f"{root}/api/v1/industries",
            "industrySuggest": f"{root}/api/v1/industries/suggest",
            "vocabulary": f"{root}/api/v1/project-vocabulary",
            "outlines": f"{root}/api/v1/outlines",
            "regions": f"{root}/api/v1/regions",
            "unitTiles": f"{root}/tiles/units/{{z}}/{{x}}/{{y}}.mvt",
        },
        "classStyles": CLASS_STYLES,
        "verdicts": VERDICT_STYLES,
        "verdictOrder": [v.value for v in VERDICT_ORDER],
        "messages": t.subset("tools."),
    }


def _tool_context(request: Request) -> dict:
    t, _ = translator_for(request)
    snapshot = request.app.state.snapshots.get()
    root = request.scope.get("root_path", "")
    return {
        "demo": snapshot.demo,
        "natures": natures(t),
        "groups": county_groups(snapshot.regions.regions, t),
        "verdict_legend": [(v, t(f"tools.verdict.{v}"), style["fillColor"]) for v, style in VERDICT_STYLES.items()],
        "config": tool_config(snapshot, t, root),
    }


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request) -> HTMLResponse:
    return render(request, "screening.html", _tool_context(request))


def wider_regions(snapshot: ZoningSnapshot, t: Translator) -> list[tuple[str, str]]:
    """The province and its cities, in code order: siting over more than one county."""
    wider = (r for r in snapshot.regions.regions if r.level in (RegionLevel.PROVINCE, RegionLevel.CITY))
    return [(r.code, region_name(r, t)) for r in sorted(wider, key=lambda r: r.code)]


@router.get("/siting", response_class=HTMLResponse)
def siting_page(request: Request) -> HTMLResponse:
    context = _tool_context(request)
    t, _ = translator_for(request)
    context["wider"] = wider_regions(request.app.state.snapshots.get(), t)
    return render(request, "siting.html", context)


@router.get("/indicators", response_class=HTMLResponse)
def plans_page(request: Request) -> HTMLResponse:
    return render(request, "plans.html", dashboard.plans_context(default_registry()))


@router.get("/indicators/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: str, year: int | None = None) -> HTMLResponse:
    t, _ = translator_for(request)
    documents = load_registry(registry_path(request.app.state.settings.data_dir))
    context = dashboard.plan_context(request.app.state.engine, default_registry(), plan_id, year, t, clock.today(), documents)
    return render(request, "plan.html", context)
