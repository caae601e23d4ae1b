"""HJ 633 editions (air quality index): breakpoint tables, substitutions, categories; an edition may
inherit the rows it does not restate from an earlier one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any


from ecozone.errors import BadInput
from ecozone.monitoring.standards.model import (
    AqiCategory,
    AqiItem,
    AqiStandard,
    Substitution,
)
from ecozone.monitoring.standards.editions import StandardDataError, citation, editions_of, edition_of, normalize_code, raw_edition


def _breakpoint_points(
    raw: list[Any], item_verified: bool
) -> tuple[tuple[float, ...], tuple[str | None, ...], tuple[bool, ...]]:
    values: list[float] = []
    sources: list[str | None] = []
    verified: list[bool] = []
    for point in raw:
        if isinstance(point, Mapping):
            values.append(float(point["value"]))
            sources.append(str(point["source"]))
            verified.append(bool(point["verified"]))
        else:
            values.append(float(point))
            sources.append(None)
            verified.append(item_verified)
    return tuple(values), tuple(sources), tuple(verified)


def _aqi_item(key: str, data: Mapping[str, Any], levels: tuple[int, ...], code: str) -> AqiItem:
    item_verified = bool(data["verified"])
    values, sources, verified = _breakpoint_points(data["breakpoints"], item_verified)
    if not 2 <= len(values) <= len(levels):
        raise StandardDataError(f"{code} {key}: {len(values)} breakpoints for {len(levels)} IAQI levels")
    if values[0] != 0 or any(b <= a for a, b in pairwise(values)):
        raise StandardDataError(f"{code} {key}: breakpoints must start at 0 and increase strictly")
    return AqiItem(
        key=key,
        pollutant=str(data["pollutant"]),
        name=str(data["name"]),
        name_en=str(data["name_en"]),
        unit=str(data["unit"]),
        breakpoints=values,
        citation=citation(data["citation"]),
        verified=item_verified and all(verified),
        point_sources=sources,
        point_verified=verified,
    )


def _aqi_category(data: Mapping[str, Any]) -> AqiCategory:
    return AqiCategory(
        level=int(data["level"]),
        level_name=str(data["level_name"]),
        level_name_en=str(data["level_name_en"]),
        aqi_min=int(data["aqi_min"]),
        aqi_max=None if data["aqi_max"] is None else int(data["aqi_max"]),
        name=str(data["name"]),
        name_en=str(data["name_en"]),
        colour=str(data["colour"]),
        colour_en=str(data["colour_en"]),
        rgb=tuple(int(v) for v in data["rgb"]),  # type: ignore[arg-type]
        cmyk=tuple(int(v) for v in data["cmyk"]),  # type: ignore[arg-type]
    )


def _check_categories(code: str, categories: tuple[AqiCategory, ...]) -> None:
    expected_min = 0
    for cat in categories:
        if cat.aqi_min != expected_min:
            raise StandardDataError(f"{code}: AQI categories are not contiguous at level {cat.level}")
        if cat.aqi_max is None:
            return
        expected_min = cat.aqi_max + 1
    raise StandardDataError(f"{code}: the last AQI category must be open-ended")


def _check_partial_tables(
    code: str, items: Mapping[str, AqiItem], substitutions: tuple[Substitution, ...], levels: tuple[int, ...]
) -> None:
    # A row that stops below IAQI 500 can only rate higher values through a substitution note.
    noted = {s.item: s for s in substitutions}
    for key, item in items.items():
        if len(item.breakpoints) == len(levels):
            continue
        sub = noted.get(key)
        if sub is None or sub.above != item.top_concentration or sub.use not in items:
            raise StandardDataError(
                f"{code} {key}: a partial table row needs a substitution at its top breakpoint"
            )


def _parse_aqi_standard(data: Mapping[str, Any]) -> AqiStandard:
    code = str(data["code"])
    levels = tuple(int(v) for v in data["iaqi_levels"])
    items = {key: _aqi_item(key, raw, levels, code) for key, raw in data["items"].items()}
    substitutions = tuple(
        Substitution(
            item=str(s["item"]),
            above=float(s["above"]),
            use=str(s["use"]),
            citation=citation(s["citation"]),
            verified=bool(s["verified"]),
        )
        for s in data["substitutions"]
    )
    _check_partial_tables(code, items, substitutions, levels)
    categories = tuple(_aqi_category(c) for c in data["categories"]["levels"])
    _check_categories(code, categories)
    citations = {
        "formula": citation(data["formula"]["citation"]),
        "rounding": citation(data["formula"]["rounding_citation"]),
        "primary_pollutant": citation(data["primary_pollutant"]["citation"]),
        "exceeding_pollutant": citation(data["exceeding_pollutant"]["citation"]),
        "categories": citation(data["categories"]["citation"]),
        "daily_report": citation(data["daily_report_note"]["citation"]),
    }
    return AqiStandard(
        edition=edition_of(data),
        iaqi_levels=levels,
        items=items,
        substitutions=substitutions,
        categories=categories,
        primary_aqi_above=int(data["primary_pollutant"]["aqi_above"]),
        exceeding_iaqi_above=int(data["exceeding_pollutant"]["iaqi_above"]),
        above_top_iaqi=int(data["above_top_breakpoint"]["iaqi"]),
        citations=citations,
    )


def _merge_inherited(child: dict[str, Any], parent_code: str) -> dict[str, Any]:
    """``child`` completed with the parent's sections it does not define itself."""
    parent = raw_edition(parent_code)
    merged = dict(parent)
    merged.update({k: v for k, v in child.items() if k != "items"})
    merged["items"] = {**parent.get("items", {}), **child.get("items", {})}
    return merged


@cache
def aqi_standard(code: str) -> AqiStandard:
    """The HJ 633 edition ``code`` (e.g. ``"HJ 633-2012"``)."""
    canonical = normalize_code(code)
    if canonical not in editions_of("aqi"):
        raise BadInput(
            f"{code!r} is not an AQI standard; known: {', '.join(editions_of('aqi'))}", field="standard", value=code
        )
    data = raw_edition(canonical)
    inherits = data.get("inherits")
    if inherits is None:
        return _parse_aqi_standard(data)
    parent_code = str(inherits["from"])
    own_items = set(data.get("items", {}))
    standard = _parse_aqi_standard(_merge_inherited(data, parent_code))
    # Values taken over from the parent edition are unverified for this edition.
    items = {
        key: item
        if key in own_items
        else replace(
            item,
            verified=False,
            point_verified=tuple(False for _ in item.point_verified),
            inherited_from=parent_code,
        )
        for key, item in standard.items.items()
    }
    subs = tuple(replace(s, verified=False) for s in standard.substitutions)
    return replace(standard, items=items, substitutions=subs)


def aqi_standard_for(day: date) -> AqiStandard:
    """The HJ 633 edition in force on ``day``; BadInput naming the date when none was."""
    for code in editions_of("aqi"):
        standard = aqi_standard(code)
        if standard.edition.in_force_on(day):
            return standard
    first = aqi_standard(editions_of("aqi")[0]).edition.effective_from
    raise BadInput(
        f"no HJ 633 edition in force on {day.isoformat()} (HJ 633-2012 applies from {first.isoformat()}); "
        "name the edition explicitly to evaluate earlier data",
        field="date",
        value=day.isoformat(),
    )


def resolve_aqi_standard(day: date | None, code: str | None) -> AqiStandard:
    """An explicitly named edition, else the one in force on ``day``."""
    if code is not None:
        return aqi_standard(code)
    if day is None:
        raise BadInput("give the observation date or name the HJ 633 edition", field="date")
    return aqi_standard_for(day)


