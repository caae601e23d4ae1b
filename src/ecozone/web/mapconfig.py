"""What the public map is configured with: an optional base map, and the layer styles.

No base map is used by default: every vector layer works without one. A tile service such as
天地图 (CGCS2000, so no offset against our data) is switched on with ``ECOZONE_MAP_TILE_URL``
and its key with ``ECOZONE_MAP_TILE_KEY``; the key is substituted into ``{key}`` in the URL by
the browser, so it must be a browser key restricted to the site's domain.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ecozone.zoning.model import UnitClass


class MapSettings(BaseSettings):
    """Base map settings, from the environment (prefix ``ECOZONE_MAP_``) or ``.env``."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_MAP_", env_file=".env", extra="ignore")

    tile_url: str = Field(
        default="",
        description="XYZ tile URL template, e.g. 天地图 vec_w: https://t{s}.tianditu.gov.cn/vec_w/wmts?"
        "SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&"
        "FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}; empty: no base map",
    )
    tile_label_url: str = Field(default="", description="optional label overlay (天地图 cva_w), same placeholders")
    tile_key: str = Field(default="", description="the tile service's browser key, put in {key}")
    tile_subdomains: str = Field(default="01234567", description="values of {s}")
    tile_attribution: str = Field(default="", description="attribution shown on the map, e.g. 天地图")
    max_zoom: int = Field(default=18, ge=1, le=22)

    def browser_config(self) -> dict | None:
        """The base-map part of the page's map configuration, or None for no base map."""
        if not self.tile_url:
            return None
        return {
            "url": self.tile_url,
            "label_url": self.tile_label_url or None,
            "options": {
                "key": self.tile_key,
                "subdomains": self.tile_subdomains,
                "attribution": self.tile_attribution,
                "maxZoom": self.max_zoom,
            },
        }


# Colours per unit class: 优先保护 green, 重点管控 red-orange, 一般管控 blue-grey.
CLASS_STYLES: dict[int, dict] = {
    int(UnitClass.PRIORITY): {"color": "#2e7d32", "fillColor": "#66bb6a"},
    int(UnitClass.KEY): {"color": "#d84315", "fillColor": "#ff8a65"},
    int(UnitClass.GENERAL): {"color": "#546e7a", "fillColor": "#9fb3c8"},
}

# Reference-feature kinds (docs/reference-features.md) drawn as overlays, in legend order;
# `visible` says whether the overlay is on when the page opens.
FEATURE_STYLES: dict[str, dict] = {
    "river": {"color": "#1565c0", "weight": 2, "visible": True},
    "lake": {"color": "#1565c0", "weight": 1, "fillColor": "#64b5f6", "fillOpacity": 0.6, "visible": True},
    "zone": {"color": "#6a1b9a", "weight": 2, "dashArray": "6 4", "fill": False, "visible": False},
    "city_group": {"color": "#4e342e", "weight": 2, "dashArray": "2 4", "fill": False, "visible": False},
    "planning_area": {"color": "#ad1457", "weight": 1.5, "dashArray": "4 3", "fill": False, "visible": False},
    "nature_reserve": {"color": "#1b5e20", "weight": 1.5, "fillColor": "#a5d6a7", "fillOpacity": 0.3, "visible": False},
    "water_source": {"color": "#00838f", "weight": 1.5, "fillColor": "#80deea", "fillOpacity": 0.3, "visible": False},
    "farmland": {"color": "#9e9d24", "weight": 1, "fillColor": "#e6ee9c", "fillOpacity": 0.3, "visible": False},
    "dev_zone": {"color": "#5d4037", "weight": 1.5, "fillColor": "#bcaaa4", "fillOpacity": 0.3, "visible": False},
}
DEFAULT_FEATURE_STYLE = {"color": "#37474f", "weight": 1.5, "fill": False, "visible": False}

REGION_STYLES: dict[str, dict] = {
    "city": {"color": "#263238", "weight": 2, "fill": False},
    "county": {"color": "#607d8b", "weight": 1, "dashArray": "3 3", "fill": False},
}
