"""Air quality index (HJ 633): IAQI per item, AQI, primary and exceeding pollutants, category.

Two paths share the same table data: ``iaqi`` / ``evaluate_aqi`` for one observation, and
``iaqi_array`` / ``aqi_array`` (numpy) for millions of rows.  Concentrations are in µg/m³,
CO in mg/m³.  Items are HJ 633 table-1 rows (``pm25_24h``, ``so2_1h``, ``o3_8h`` …).  Table 1
has PM rows for 24 hours only; which PM value a real-time report rates on them (the hourly
value, as aqi-hub and most implementations do, or a 24-hour moving mean) is the caller's choice.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecozone.errors import BadInput
from ecozone.monitoring.standards import AqiCategory, AqiItem, AqiStandard, resolve_aqi_standard
from ecozone.monitoring.standards.measurements import check_concentration, parse_measurements

# Interpolated sub-indices that are integers in exact arithmetic come out a few ulps above the
# integer in floating point (e.g. CO 2.2 mg/m³ → 55.000000000000004); without this tolerance
# "round up" would report 56.  Real fractional parts are far larger than 1e-9.
CEIL_TOLERANCE = 1e-9

ITEM_ALIASES: Mapping[str, str] = {
    "so2": "so2_24h",
    "no2": "no2_24h",
    "co": "co_24h",
    "pm10": "pm10_24h",
    "pm25": "pm25_24h",
    "pm2.5": "pm25_24h",
    "pm2_5": "pm25_24h",
    "pm25_1h": "pm25_24h",
    "pm10_1h": "pm10_24h",
}
AMBIGUOUS_ITEMS: Mapping[str, str] = {"o3": "o3_1h or o3_8h"}


def canonical_item(name: str, standard: AqiStandard) -> str:
    """The table-1 row a user-facing name refers to (``pm25`` → ``pm25_24h``)."""
    key = name.strip().lower()
    if key in AMBIGUOUS_ITEMS:
        raise BadInput(f"{name!r} is ambiguous: use {AMBIGUOUS_ITEMS[key]}", field=name)
    key = ITEM_ALIASES.get(key, key)
    standard.item(key)  # BadInput naming the key when unknown
    return key


def iaqi_exact(item_key: str, value: float, standard: AqiStandard) -> float:
    """The linearly interpolated sub-index before rounding (capped above the top breakpoint)."""
    return _interpolate(standard.item(item_key), value, standard)


def _interpolate(item: AqiItem, value: float, standard: AqiStandard) -> float:
    bps = item.breakpoints
    if value > bps[-1]:
        return float(standard.above_top_iaqi)
    i = max(bisect.bisect_left(bps, value), 1)
    lo_c, hi_c = bps[i - 1], bps[i]
    lo_i, hi_i = standard.iaqi_levels[i - 1], standard.iaqi_levels[i]
    return lo_i + (hi_i - lo_i) * (value - lo_c) / (hi_c - lo_c)


def iaqi(item_key: str, value: float, standard: AqiStandard) -> int | None:
    """The sub-index of one concentration; None when table-1 notes (2)/(3) say not to compute it."""
    check_concentration(item_key, value)
    item = standard.item(item_key)
    sub = standard.substitution_for(item_key)
    if sub is not None and value > sub.above:
        return None
    return math.ceil(_interpolate(item, value, standard) - CEIL_TOLERANCE)


def iaqi_array(item_key: str, values: ArrayLike, standard: AqiStandard) -> NDArray[np.float64]:
    """Vectorized ``iaqi``: float64 sub-indices, NaN where the input is NaN or notes (2)/(3) apply."""
    item = standard.item(item_key)
    conc = np.asarray(values, dtype=np.float64)
    if np.any(conc < 0):
        first = int(np.flatnonzero(conc < 0)[0])
        raise BadInput(
            f"{item_key}: concentration must be ≥ 0, got {conc.flat[first]} at row {first}",
            field=item_key,
            row=first,
        )
    levels = np.asarray(standard.iaqi_levels[: len(item.breakpoints)], dtype=np.float64)
    out = np.interp(conc, np.asarray(item.breakpoints, dtype=np.float64), levels)
    out -= CEIL_TOLERANCE
    np.ceil(out, out=out)
    sub = standard.substitution_for(item_key)
    if sub is not None:
        out[conc > sub.above] = np.nan
    else:
        # Only full tables lack a substitution note (checked when loading); cap above the top.
        out[conc > item.top_concentration] = standard.above_top_iaqi
    return out


@dataclass(frozen=True)
class AqiResult:
    """AQI of one observation with everything HJ 633 asks to report."""

    aqi: int
    iaqi: Mapping[str, int | None]
    concentrations: Mapping[str, float]
    primary: tuple[str, ...]
    exceeding: tuple[str, ...]
    substituted: Mapping[str, str]
    category: AqiCategory
    standard: AqiStandard
    selected_by: str
    on: date | None

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``ecozone aqi --format json``."""
        std = self.standard
        items = {
            key: {
                "name": std.items[key].name,
                "name_en": std.items[key].name_en,
                "unit": std.items[key].unit,
                "concentration": self.concentrations[key],
                "iaqi": self.iaqi[key],
                "verified": std.items[key].verified,
                **({"replaced_by": self.substituted[key]} if key in self.substituted else {}),
            }
            for key in self.iaqi
        }
        return {
            "aqi": self.aqi,
            "iaqi": dict(self.iaqi),
            "primary": list(self.primary),
            "exceeding": list(self.exceeding),
            "category": self.category.as_dict(),
            "items": items,
            "date": None if self.on is None else self.on.isoformat(),
            "standard": standard_json(std, self.selected_by),
        }


def standard_json(std: AqiStandard, selected_by: str) -> dict[str, Any]:
    """Which HJ 633 edition was applied, and how it was chosen."""
    edition = std.edition
    return {
        "code": edition.code,
        "title": edition.title,
        "effective_from": edition.effective_from.isoformat(),
        "effective_to": None if edition.effective_to is None else edition.effective_to.isoformat(),
        "selected_by": selected_by,
        "unverified_items": sorted(key for key, item in std.items.items() if not item.verified),
    }


def evaluate_aqi(
    values: Mapping[str, float], on: date | None = None, standard: str | None = None
) -> AqiResult:
    """AQI of one observation; the HJ 633 edition is the one named, else the one in force ``on``."""
    std = resolve_aqi_standard(on, standard)
    conc = canonical_values(values, std)
    sub_index: dict[str, int | None] = {key: iaqi(key, value, std) for key, value in conc.items()}
    substituted = _apply_substitutions(conc, sub_index, std)
    computed = [v for v in sub_index.values() if v is not None]
    aqi_value = max(computed)
    return AqiResult(
        aqi=aqi_value,
        iaqi=sub_index,
        concentrations=conc,
        primary=primary_items(sub_index, aqi_value, std),
        exceeding=tuple(k for k, v in sub_index.items() if v is not None and v > std.exceeding_iaqi_above),
        substituted=substituted,
        category=std.category(aqi_value),
        standard=std,
        selected_by="explicit" if standard is not None else "date",
        on=on,
    )


def _apply_substitutions(
    conc: Mapping[str, float], sub_index: Mapping[str, int | None], std: AqiStandard
) -> dict[str, str]:
    """Items left uncomputed by notes (2)/(3), each mapped to the item reported in its place."""
    replaced: dict[str, str] = {}
    for key, value in sub_index.items():
        if value is not None:
            continue
        sub = std.substitution_for(key)
        assert sub is not None  # iaqi() returns None only under a substitution note
        if sub.use not in conc:
            raise BadInput(
                f"{key}={conc[key]} is above {sub.above:g}: {std.code} reports the {sub.use} sub-index "
                f"instead ({sub.citation.section}); give {sub.use}",
                field=sub.use,
            )
        replaced[key] = sub.use
    return replaced


def canonical_values(values: Mapping[str, float], std: AqiStandard) -> dict[str, float]:
    """Concentrations keyed by table-1 item; BadInput on a bad value or an item given twice."""
    conc: dict[str, float] = {}
    for name, value in values.items():
        key = canonical_item(name, std)
        if key in conc:
            raise BadInput(f"{name} and another name both give {key}", field=name)
        conc[key] = check_concentration(name, float(value))
    if not conc:
        raise BadInput("give at least one pollutant concentration", field="values")
    return conc


def primary_items(sub_index: Mapping[str, int | None], aqi_value: int, std: AqiStandard) -> tuple[str, ...]:
    """Items whose IAQI equals the AQI when AQI > 50 (ties all listed); empty otherwise."""
    if aqi_value <= std.primary_aqi_above:
        return ()
    return tuple(k for k, v in sub_index.items() if v == aqi_value)


@dataclass(frozen=True)
class AqiArrays:
    """Vectorized AQI of many rows: per-item sub-indices and the AQI (NaN where nothing rated)."""

    aqi: NDArray[np.float64]
    iaqi: Mapping[str, NDArray[np.float64]]


def aqi_array(values: Mapping[str, ArrayLike], standard: AqiStandard) -> AqiArrays:
    """AQI of many rows at once: ``values`` maps table-1 items to equally long arrays."""
    if not values:
        raise BadInput("give at least one pollutant array", field="values")
    keys: dict[str, str] = {}
    for name in values:
        key = canonical_item(name, standard)
        if key in keys:
            raise BadInput(f"{name} and {keys[key]} both give {key}", field=name)
        keys[key] = name
    sub_index = {key: iaqi_array(key, values[name], standard) for key, name in keys.items()}
    lengths = {arr.shape for arr in sub_index.values()}
    if len(lengths) != 1:
        raise BadInput(
            f"all pollutant arrays must have the same length, got shapes {sorted(lengths)}", field="values"
        )
    _check_substitutes_present(values, keys, standard)
    # fmax ignores NaN unless both sides are NaN, so rows with nothing rated stay NaN.
    arrays = iter(sub_index.values())
    aqi_values = next(arrays).copy()
    for arr in arrays:
        np.fmax(aqi_values, arr, out=aqi_values)
    return AqiArrays(aqi=aqi_values, iaqi=sub_index)


def _check_substitutes_present(
    values: Mapping[str, ArrayLike], keys: Mapping[str, str], std: AqiStandard
) -> None:
    for key, name in keys.items():
        sub = std.substitution_for(key)
        if sub is None or sub.use in keys:
            continue
        n_above = int(np.count_nonzero(np.asarray(values[name], dtype=np.float64) > sub.above))
        if n_above:
            raise BadInput(
                f"{key} is above {sub.above:g} in {n_above} rows: {std.code} reports the {sub.use} sub-index "
                f"instead ({sub.citation.section}); include {sub.use}",
                field=sub.use,
            )


def categories_array(aqi_values: ArrayLike, standard: AqiStandard) -> NDArray[np.int8]:
    """Category level (1–6) per AQI value; 0 where the AQI is NaN."""
    arr = np.asarray(aqi_values, dtype=np.float64)
    upper = np.asarray([c.aqi_max for c in standard.categories if c.aqi_max is not None], dtype=np.float64)
    levels = (np.searchsorted(upper, arr, side="left") + 1).astype(np.int8)
    levels[np.isnan(arr)] = 0
    return levels


def aqi_command(pairs: list[str], on: date | None, today: date, standard: str | None = None) -> dict[str, Any]:
    """Payload of ``ecozone aqi NAME=VALUE … [--date D] [--standard S]``: the AqiResult JSON.

    Without a date or a standard the standard in force ``today`` (the edge's date) applies.
    """
    day = on if on is not None or standard is not None else today
    return evaluate_aqi(parse_measurements(pairs), on=day, standard=standard).to_json()
