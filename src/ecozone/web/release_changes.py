"""What changed in a public release since the previous one of the same jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ecozone.web.i18n import Translator
from ecozone.zoning import releases as workflow
from ecozone.zoning.model import Release

# Colours of the changed areas on the release page's small map.
CHANGE_STYLES: dict[str, dict] = {
    "gained": {"color": "#1b5e20", "fillColor": "#66bb6a", "fillOpacity": 0.5, "weight": 1.5},
    "lost": {"color": "#b71c1c", "fillColor": "#ef9a9a", "fillOpacity": 0.5, "weight": 1.5},
}
COUNT_KEYS = ("added", "removed", "changed", "reclassified", "reshaped", "rules_added", "rules_removed", "rules_changed")


@dataclass(frozen=True)
class UnitChangeRow:
    code: str
    name: str
    change: str
    change_label: str
    fields: list[str]
    area_before_km2: float | None
    area_after_km2: float | None


def _km2(value: float | None) -> float | None:
    return None if value is None else round(value / 1e6, 2)


def field_label(field: str, t: Translator) -> str:
    """``access.<dimension>`` reads as the dimension's name, other fields by their own label."""
    head, _, dimension = field.partition(".")
    return t(f"js.dim.{dimension}") if head == "access" else t(f"changes.field.{head}")


def unit_rows(units: list[dict], t: Translator) -> list[UnitChangeRow]:
    return [
        UnitChangeRow(
            u["code"], u.get("name") or "", u["change"], t(f"changes.kind.{u['change']}"),
            [field_label(f, t) for f in sorted(u.get("fields") or {})],
            _km2(u.get("area_before_m2")), _km2(u.get("area_after_m2")),
        )
        for u in units
    ]


def changes_context(engine: Engine, release: Release, t: Translator, root: str = "") -> dict:
    """The previous release, counts per kind of change, a row per changed unit, and the map's data URL."""
    previous = workflow.previous_release(engine, release)
    if previous is None:
        return {"previous": None}
    diff = workflow.diff(engine, previous.id, release.id).to_dict()
    return {
        "previous": previous,
        "change_counts": [(key, t(f"changes.{key}"), diff["summary"].get(key, 0)) for key in COUNT_KEYS],
        "change_rows": unit_rows(diff["units"], t),
        "rules_changes": [(t(f"changes.rules_{kind}"), ids) for kind, ids in diff["rules"].items() if ids],
        "changes_config": {
            "geojson": f"{root}/api/v1/releases/{previous.id}/diff/{release.id}?format=geojson",
            "regions": f"{root}/api/v1/regions?level=county",
            "styles": CHANGE_STYLES,
        },
    }
