"""Load the standard editions shipped as YAML in this package and pick the one in force."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

from ecozone.errors import BadInput, EcozoneError
from ecozone.monitoring.standards.model import (
    AirLimitStandard,
    AqiCategory,
    AqiItem,
    AqiStandard,
    BasinStatusRule,
    Citation,
    ConcentrationLimit,
    DataValidity,
    Edition,
    LimitPhase,
    StatusLevel,
    Substitution,
    UnknownLimit,
    WaterAssessmentMethod,
    WaterParameter,
    WaterStandard,
)

EDITION_FILES: Mapping[str, str] = {
    "HJ 633-2012": "hj633_2012.yaml",
    "HJ 633-2026": "hj633_2026.yaml",
    "GB 3095-2012": "gb3095_2012.yaml",
    "GB 3095-2026": "gb3095_2026.yaml",
    "GB 3838-2002": "gb3838_2002.yaml",
    "环办〔2011〕22号": "surface_water_assessment_2011.yaml",
}
AQI_EDITIONS = ("HJ 633-2012", "HJ 633-2026")
AIR_LIMIT_EDITIONS = ("GB 3095-2012", "GB 3095-2026")
WATER_EDITIONS = ("GB 3838-2002",)
WATER_ASSESSMENT_CODE = "环办〔2011〕22号"


class StandardDataError(EcozoneError):
    """A shipped standard file is malformed (a packaging bug, not bad user input)."""


def normalize_code(code: str) -> str:
    """Canonical edition code: ``hj633_2012``, ``HJ633—2012`` → ``HJ 633-2012``."""
    text = code.strip().upper().replace("—", "-").replace("–", "-").replace("_", "-")
    match = re.fullmatch(r"(HJ|GB)\s*(\d+)\s*-\s*(\d{4})", text)
    if match:
        return f"{match.group(1)} {match.group(2)}-{match.group(3)}"
    return code.strip()


@cache
def read_raw(file_name: str) -> dict[str, Any]:
    """The parsed YAML document ``file_name`` from this package."""
    text = resources.files("ecozone.monitoring.standards").joinpath(file_name).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise StandardDataError(f"{file_name}: top level must be a mapping")
    return data


def raw_edition(code: str) -> dict[str, Any]:
    """The raw YAML of edition ``code``; BadInput naming the code when we ship no such edition."""
    canonical = normalize_code(code)
    try:
        return read_raw(EDITION_FILES[canonical])
    except KeyError:
        known = ", ".join(EDITION_FILES)
        raise BadInput(
            f"unknown standard {code!r}; known standards: {known}", field="standard", value=code
        ) from None


def _citation(data: Mapping[str, Any]) -> Citation:
    return Citation(document=str(data["document"]), section=str(data["section"]), clause=str(data["clause"]))


def _edition(data: Mapping[str, Any]) -> Edition:
    effective = data["effective"]
    return Edition(
        code=str(data["code"]),
        title=str(data["title"]),
        title_en=str(data["title_en"]),
        effective_from=data["effective_from"],
        effective_to=data.get("effective_to"),
        effective_citation=_citation(effective["citation"]),
        effective_verified=bool(effective["verified"]),
    )


# --- HJ 633 -----------------------------------------------------------------------------------


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
        citation=_citation(data["citation"]),
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
            citation=_citation(s["citation"]),
            verified=bool(s["verified"]),
        )
        for s in data["substitutions"]
    )
    _check_partial_tables(code, items, substitutions, levels)
    categories = tuple(_aqi_category(c) for c in data["categories"]["levels"])
    _check_categories(code, categories)
    citations = {
        "formula": _citation(data["formula"]["citation"]),
        "rounding": _citation(data["formula"]["rounding_citation"]),
        "primary_pollutant": _citation(data["primary_pollutant"]["citation"]),
        "exceeding_pollutant": _citation(data["exceeding_pollutant"]["citation"]),
        "categories": _citation(data["categories"]["citation"]),
        "daily_report": _citation(data["daily_report_note"]["citation"]),
    }
    return AqiStandard(
        edition=_edition(data),
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
    if canonical not in AQI_EDITIONS:
        raise BadInput(
            f"{code!r} is not an AQI standard; known: {', '.join(AQI_EDITIONS)}", field="standard", value=code
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
    for code in AQI_EDITIONS:
        standard = aqi_standard(code)
        if standard.edition.in_force_on(day):
            return standard
    first = aqi_standard(AQI_EDITIONS[0]).edition.effective_from
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


# --- GB 3095 ----------------------------------------------------------------------------------


def _limit(data: Mapping[str, Any], source: str, inherited_from: str | None = None) -> ConcentrationLimit:
    return ConcentrationLimit(
        pollutant=str(data["pollutant"]),
        averaging=str(data["averaging"]),
        unit=str(data.get("unit", "")),
        grade_1=None if data.get("grade_1") is None else float(data["grade_1"]),
        grade_2=None if data.get("grade_2") is None else float(data["grade_2"]),
        section=str(data["section"]),
        verified=bool(data["verified"]) and inherited_from is None,
        source=str(data.get("source", source)),
        inherited_from=inherited_from,
    )


def _validity(data: Mapping[str, Any]) -> DataValidity:
    rules = data["data_validity"]["rules"]
    o3 = data["o3_daily_max_8h"]
    start, end = (int(h) for h in o3["window_end_hours"])
    return DataValidity(
        min_days_per_year=int(rules["annual"]["min_days_per_year"]),
        min_days_per_month=int(rules["annual"]["min_days_per_month"]),
        min_days_february=int(rules["annual"]["min_days_february"]),
        min_hours_per_day=int(rules["daily"]["min_hours"]),
        min_hours_per_8h=int(rules["eight_hour"]["min_hours"]),
        o3_window_end_hours=(start, end),
        o3_min_valid_windows=int(o3["min_valid_windows"]),
        o3_valid_if_exceeds_limit=bool(o3["valid_if_exceeds_limit"]),
        citation=_citation(data["data_validity"]["citation"]),
        o3_citation=_citation(o3["citation"]),
        verified=bool(data["data_validity"]["verified"]) and bool(o3["verified"]),
    )


def _phase_with_inherited(phase: Mapping[str, Any], parent: AirLimitStandard) -> LimitPhase:
    own = tuple(_limit(lim, str(lim.get("source", ""))) for lim in phase.get("limits", []))
    unknown = tuple(
        UnknownLimit(
            pollutant=str(u["pollutant"]),
            averaging=str(u["averaging"]),
            grade=None if u.get("grade") is None else int(u["grade"]),
            why=str(u["why"]),
        )
        for u in phase.get("unknown", [])
    )
    defined = {(lim.pollutant, lim.averaging) for lim in own}
    changed = {(u.pollutant, u.averaging) for u in unknown if u.grade is None}
    inherited = tuple(
        replace(lim, verified=False, inherited_from=parent.code)
        for lim in parent.phases[-1].limits
        if (lim.pollutant, lim.averaging) not in defined | changed
    )
    return LimitPhase(
        name=str(phase["name"]),
        effective_from=phase["effective_from"],
        effective_to=phase.get("effective_to"),
        limits=own + inherited,
        unknown=unknown,
    )


@cache
def air_limits(code: str) -> AirLimitStandard:
    """The GB 3095 edition ``code`` with its limits per phase."""
    canonical = normalize_code(code)
    if canonical not in AIR_LIMIT_EDITIONS:
        raise BadInput(
            f"{code!r} is not a GB 3095 edition; known: {', '.join(AIR_LIMIT_EDITIONS)}",
            field="standard",
            value=code,
        )
    data = raw_edition(canonical)
    edition = _edition(data)
    inherits = data.get("inherits")
    if inherits is None:
        phase = LimitPhase(
            name=edition.code,
            effective_from=edition.effective_from,
            effective_to=edition.effective_to,
            limits=tuple(_limit(lim, edition.code) for lim in data["limits"]),
            unknown=(),
        )
        return AirLimitStandard(edition, (phase,), _validity(data), _citation(data["limits_citation"]))
    parent = air_limits(str(inherits["from"]))
    phases = tuple(_phase_with_inherited(p, parent) for p in data["phases"])
    validity = replace(parent.validity, verified=False)
    return AirLimitStandard(edition, phases, validity, _citation(data["limits_citation"]))


def air_limits_for(day: date) -> AirLimitStandard:
    """The GB 3095 edition in force on ``day``."""
    for code in AIR_LIMIT_EDITIONS:
        standard = air_limits(code)
        if standard.edition.in_force_on(day):
            return standard
    raise BadInput(f"no GB 3095 edition in force on {day.isoformat()}", field="date", value=day.isoformat())


# --- GB 3838 and the assessment method --------------------------------------------------------


def _water_parameter(key: str, data: Mapping[str, Any], n_classes: int) -> WaterParameter:
    limits = tuple(float(v) for v in data["limits"]) if "limits" in data else None
    lake = tuple(float(v) for v in data["lake_limits"]) if "lake_limits" in data else None
    value_range = tuple(float(v) for v in data["range"]) if "range" in data else None
    for row in (limits, lake):
        if row is not None and len(row) != n_classes:
            raise StandardDataError(f"GB 3838 {key}: expected {n_classes} class limits, got {len(row)}")
    return WaterParameter(
        key=key,
        name=str(data["name"]),
        name_en=str(data["name_en"]),
        unit=str(data["unit"]),
        direction=str(data["direction"]),
        limits=limits,
        lake_limits=lake,
        value_range=value_range,  # type: ignore[arg-type]
        waterbody=data.get("waterbody"),
        clause=str(data["clause"]),
        verified=bool(data["verified"]),
    )


@cache
def water_standard(code: str = "GB 3838-2002") -> WaterStandard:
    """The GB 3838 edition ``code``."""
    canonical = normalize_code(code)
    if canonical not in WATER_EDITIONS:
        raise BadInput(
            f"{code!r} is not a surface-water standard; known: {', '.join(WATER_EDITIONS)}",
            field="standard",
            value=code,
        )
    data = raw_edition(canonical)
    classes = tuple(str(c) for c in data["classes"])
    params = {key: _water_parameter(key, raw, len(classes)) for key, raw in data["parameters"].items()}
    return WaterStandard(
        edition=_edition(data),
        classes=classes,
        worse_than_v=str(data["worse_than_v"]),
        parameters=params,
        table_citation=_citation(data["table_citation"]),
        single_factor_citation=_citation(data["single_factor"]["citation"]),
    )


def water_standard_for(day: date) -> WaterStandard:
    """The GB 3838 edition in force on ``day``."""
    for code in WATER_EDITIONS:
        standard = water_standard(code)
        if standard.edition.in_force_on(day):
            return standard
    raise BadInput(f"no GB 3838 edition in force on {day.isoformat()}", field="date", value=day.isoformat())


def _status_level(data: Mapping[str, Any]) -> StatusLevel:
    return StatusLevel(
        status=str(data["status"]), status_en=str(data["status_en"]), colour=str(data["colour"])
    )


@cache
def water_assessment_method() -> WaterAssessmentMethod:
    """环办〔2011〕22号, the national surface-water assessment method."""
    data = raw_edition(WATER_ASSESSMENT_CODE)
    section_status = {
        cls: _status_level(level) for level in data["section_status"]["levels"] for cls in level["classes"]
    }
    basin = data["basin_method"]
    rules = tuple(
        BasinStatusRule(
            level=_status_level(rule),
            min_share_i_iii=rule.get("min_share_i_iii"),
            max_share_worse_than_v=rule.get("max_share_worse_than_v"),
        )
        for rule in basin["status_rules"]
    )
    citations = {
        "parameters": _citation(data["parameters_citation"]),
        "section_method": _citation(data["section_method"]["citation"]),
        "section_status": _citation(data["section_status"]["citation"]),
        "basin_method": _citation(basin["citation"]),
        "basin_status": _citation(basin["status_citation"]),
        "period_method": _citation(data["period_method"]["citation"]),
    }
    return WaterAssessmentMethod(
        edition=_edition(data),
        class_parameters=tuple(str(p) for p in data["class_parameters"]),
        reference_parameters={k: tuple(str(p) for p in v) for k, v in data["reference_parameters"].items()},
        section_status=section_status,
        basin_rules=rules,
        min_sections_for_share_method=int(basin["min_sections_for_share_method"]),
        citations=citations,
    )


@cache
def plan_indicator_figures() -> Mapping[str, Mapping[str, Any]]:
    """Derived figures and the seed plan indicators each one feeds (plan_indicators.yaml)."""
    figures: Mapping[str, Mapping[str, Any]] = read_raw("plan_indicators.yaml")["figures"]
    return figures


def edition_summaries() -> list[dict[str, Any]]:
    """Every shipped edition with its period of validity, for listings."""
    rows = []
    for file_name in EDITION_FILES.values():
        edition = _edition(read_raw(file_name))
        rows.append(
            {
                "code": edition.code,
                "title": edition.title,
                "effective_from": edition.effective_from.isoformat(),
                "effective_to": None if edition.effective_to is None else edition.effective_to.isoformat(),
                "effective_verified": edition.effective_verified,
            }
        )
    return rows
