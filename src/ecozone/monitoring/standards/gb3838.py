"""GB 3838 (surface water) class limits and the national surface-water assessment method
(环办〔2011〕22号)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any


from ecozone.errors import BadInput
from ecozone.monitoring.standards.model import (
    BasinStatusRule,
    StatusLevel,
    WaterAssessmentMethod,
    WaterParameter,
    WaterStandard,
)
from ecozone.monitoring.standards.editions import StandardDataError, citation, editions_of, edition_of, normalize_code, raw_edition


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
    if canonical not in editions_of("water"):
        raise BadInput(
            f"{code!r} is not a surface-water standard; known: {', '.join(editions_of('water'))}",
            field="standard",
            value=code,
        )
    data = raw_edition(canonical)
    classes = tuple(str(c) for c in data["classes"])
    params = {key: _water_parameter(key, raw, len(classes)) for key, raw in data["parameters"].items()}
    return WaterStandard(
        edition=edition_of(data),
        classes=classes,
        worse_than_v=str(data["worse_than_v"]),
        parameters=params,
        table_citation=citation(data["table_citation"]),
        single_factor_citation=citation(data["single_factor"]["citation"]),
    )


def water_standard_for(day: date) -> WaterStandard:
    """The GB 3838 edition in force on ``day``."""
    for code in editions_of("water"):
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
    data = raw_edition(editions_of("water_assessment")[-1])
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
        "parameters": citation(data["parameters_citation"]),
        "section_method": citation(data["section_method"]["citation"]),
        "section_status": citation(data["section_status"]["citation"]),
        "basin_method": citation(basin["citation"]),
        "basin_status": citation(basin["status_citation"]),
        "period_method": citation(data["period_method"]["citation"]),
    }
    return WaterAssessmentMethod(
        edition=edition_of(data),
        class_parameters=tuple(str(p) for p in data["class_parameters"]),
        reference_parameters={k: tuple(str(p) for p in v) for k, v in data["reference_parameters"].items()},
        section_status=section_status,
        basin_rules=rules,
        min_sections_for_share_method=int(basin["min_sections_for_share_method"]),
        citations=citations,
    )


