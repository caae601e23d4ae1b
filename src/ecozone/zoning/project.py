"""A project to screen: its outline (EPSG:4490), industry, construction nature and attributes.

``make_project`` and ``Project.from_feature`` validate the input and raise ``BadInput`` naming
the field or value that is wrong; attributes are checked against the project vocabulary.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
import shapely.errors
import shapely.geometry

from ecozone.errors import BadInput
from ecozone.geo.crs import check_lonlat
from ecozone.zoning.industries import parse_industry_code
from ecozone.zoning.project_vocabulary import Vocabulary, load_vocabulary
from ecozone.zoning.rules import Nature


@dataclass(frozen=True)
class Project:
    """A project to screen; build it with ``make_project`` or ``Project.from_feature``."""

    geometry: shapely.Geometry
    industry: str | None = None
    nature: Nature | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""

    @property
    def kinds(self) -> tuple[str, ...] | None:
        """The kinds the project declared, or None when it gave no ``kinds`` list."""
        kinds = self.attributes.get("kinds")
        return None if kinds is None else tuple(kinds)

    @classmethod
    def from_feature(cls, feature: Mapping[str, Any]) -> Project:
        """A project from a GeoJSON Feature (geometry in EPSG:4490, properties per DESIGN.md)."""
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise BadInput("a project is a GeoJSON Feature with geometry and properties", field="type")
        try:
            geometry = shapely.geometry.shape(feature.get("geometry") or {})
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException) as exc:
            raise BadInput(f"geometry is not a GeoJSON geometry: {exc}", field="geometry") from exc
        props = feature.get("properties") or {}
        if not isinstance(props, Mapping):
            raise BadInput("properties must be an object", field="properties")
        return make_project(
            geometry,
            industry=props.get("industry"),
            nature=props.get("nature"),
            attributes=props.get("attributes"),
            name=str(props.get("name") or ""),
        )


def make_project(
    geometry: shapely.Geometry,
    industry: str | None = None,
    nature: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    name: str = "",
) -> Project:
    """A validated ``Project``; ``BadInput`` names the field or value that is wrong."""
    _check_geometry(geometry)
    code = None if industry in (None, "") else parse_industry_code(str(industry))
    return Project(geometry, code, _parse_nature(nature), parse_attributes(attributes or {}), name)


def _check_geometry(geometry: shapely.Geometry) -> None:
    if not isinstance(geometry, shapely.Geometry) or geometry.is_empty:
        raise BadInput("project geometry is empty", field="geometry")
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    check_lonlat(min_lon, min_lat)
    check_lonlat(max_lon, max_lat)


def _parse_nature(nature: str | None) -> Nature | None:
    if nature in (None, ""):
        return None
    try:
        return Nature(str(nature))
    except ValueError as exc:
        choices = ", ".join(n.value for n in Nature)
        raise BadInput(f"nature {nature!r} is not one of {choices}", field="nature", value=nature) from exc


def parse_attributes(raw: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """Project attributes checked against the vocabulary (types, choices, kinds, codes)."""
    if not isinstance(raw, Mapping):
        raise BadInput("attributes must be an object", field="attributes")
    vocabulary = vocabulary or load_vocabulary()
    parsed: dict[str, Any] = {}
    for name, value in raw.items():
        spec = vocabulary.attributes.get(name)
        if spec is None:
            near = difflib.get_close_matches(name, list(vocabulary.attributes), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise BadInput(f"unknown attribute {name!r}{hint}", field=f"attributes.{name}", value=name, suggestions=near)
        if value is None:
            continue
        parsed[name] = _parse_attribute(name, spec.type, spec.choices, value, vocabulary)
    return parsed


def _parse_attribute(name: str, kind: str, choices: Mapping[str, str], value: Any, vocabulary: Vocabulary) -> Any:
    field_name = f"attributes.{name}"
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if kind == "choice" and value in choices:
        return value
    if kind in ("kinds", "codes") and isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        if kind == "codes":
            return tuple(parse_industry_code(v) for v in value)
        ids = [vocabulary.kind_id(v) for v in value]
        unknown = [v for v, k in zip(value, ids, strict=True) if k is None]
        if unknown:
            raise BadInput(
                f"unknown project kind(s) {unknown}; known: {sorted(vocabulary.kinds)}", field=field_name, value=unknown
            )
        return tuple(ids)
    expected = {"bool": "true or false", "number": "a number", "choice": f"one of {sorted(choices)}"}.get(
        kind, "a list of strings"
    )
    raise BadInput(f"{field_name} must be {expected}, got {value!r}", field=field_name, value=value)
