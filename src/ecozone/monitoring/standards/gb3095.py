"""GB 3095 editions (ambient air quality): concentration limits per phase and the data-validity rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any


from ecozone.errors import BadInput
from ecozone.monitoring.standards.model import (
    AirLimitStandard,
    ConcentrationLimit,
    DataValidity,
    LimitPhase,
    UnknownLimit,
)
from ecozone.monitoring.standards.editions import citation, editions_of, edition_of, normalize_code, raw_edition


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
        citation=citation(data["data_validity"]["citation"]),
        o3_citation=citation(o3["citation"]),
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
    if canonical not in editions_of("air_limits"):
        raise BadInput(
            f"{code!r} is not a GB 3095 edition; known: {', '.join(editions_of('air_limits'))}",
            field="standard",
            value=code,
        )
    data = raw_edition(canonical)
    edition = edition_of(data)
    inherits = data.get("inherits")
    if inherits is None:
        phase = LimitPhase(
            name=edition.code,
            effective_from=edition.effective_from,
            effective_to=edition.effective_to,
            limits=tuple(_limit(lim, edition.code) for lim in data["limits"]),
            unknown=(),
        )
        return AirLimitStandard(edition, (phase,), _validity(data), citation(data["limits_citation"]))
    parent = air_limits(str(inherits["from"]))
    phases = tuple(_phase_with_inherited(p, parent) for p in data["phases"])
    validity = replace(parent.validity, verified=False)
    return AirLimitStandard(edition, phases, validity, citation(data["limits_citation"]))


def air_limits_for(day: date) -> AirLimitStandard:
    """The GB 3095 edition in force on ``day``."""
    for code in editions_of("air_limits"):
        standard = air_limits(code)
        if standard.edition.in_force_on(day):
            return standard
    raise BadInput(f"no GB 3095 edition in force on {day.isoformat()}", field="date", value=day.isoformat())


