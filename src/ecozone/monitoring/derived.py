"""Derived figures that feed plan indicators: daily AQI, 优良天数比例, annual mean PM2.5,
section class per month/year, share of sections at Ⅲ or better and share of 劣Ⅴ.

Validity follows GB 3095—2012 table 4 and HJ 663—2013 (see gb3095_2012.yaml); each figure's
JSON names the seed indicators it feeds (plan_indicators.yaml).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from ecozone.errors import BadInput
from ecozone.monitoring.aqi import canonical_item, evaluate_aqi
from ecozone.monitoring.standards import air_limits, air_limits_for, aqi_standard_for, plan_indicator_figures
from ecozone.monitoring.standards.editions import raw_edition
from ecozone.monitoring.standards.model import DataValidity
from ecozone.monitoring.water import (
    WaterClassResult,
    class_label,
    class_rank,
    classify_section,
    share_at_or_better,
    share_worse_than_v,
)

HOURS_PER_DAY = 24
EIGHT_HOURS = 8


def round_gbt8170(value: float, digits: int = 0) -> float:
    """Round half to even (GB/T 8170 四舍六入五成双) on the decimal value as written."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_EVEN))


def indicator_links(figure: str) -> list[dict[str, str]]:
    """The seed plan indicators ``figure`` feeds, with their citations."""
    return [dict(link) for link in plan_indicator_figures()[figure]["indicators"]]


def default_validity() -> DataValidity:
    """GB 3095—2012 table 4 minimums (also used under GB 3095—2026 until its own are known)."""
    return air_limits("GB 3095-2012").validity


# --- hourly → daily ---------------------------------------------------------------------------


def _as_days(hourly: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(hourly, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != HOURS_PER_DAY:
        raise BadInput(f"hourly values must be days × 24 hours, got shape {arr.shape}", field="hourly")
    return arr


def _mean_if_enough(values: NDArray[np.float64], axis: int, min_count: int) -> NDArray[np.float64]:
    present = ~np.isnan(values)
    counts = present.sum(axis=axis)
    sums = np.where(present, values, 0.0).sum(axis=axis)
    return np.where(counts >= min_count, sums / np.maximum(counts, 1), np.nan)


def daily_means_array(hourly: ArrayLike, validity: DataValidity | None = None) -> NDArray[np.float64]:
    """24-hour means per day (rows of 24 hourly values, NaN = missing); NaN when < 20 valid hours."""
    rules = validity or default_validity()
    return _mean_if_enough(_as_days(hourly), axis=1, min_count=rules.min_hours_per_day)


def o3_daily_max_8h_array(
    hourly: ArrayLike, limit: float, validity: DataValidity | None = None
) -> NDArray[np.float64]:
    """Daily maximum 8-hour O3 (windows ending 8:00–24:00) per day; NaN when not valid.

    Row hour ``h`` holds the mean of h:00–h+1:00, so the window ending at 8:00 averages rows 0–7.
    A window needs 6 valid hours; a day needs 14 valid windows, unless its maximum exceeds
    ``limit`` (HJ 663—2013), in which case it stands.
    """
    rules = validity or default_validity()
    days = _as_days(hourly)
    first_end, last_end = rules.o3_window_end_hours
    windows = sliding_window_view(days, EIGHT_HOURS, axis=1)[
        :, first_end - EIGHT_HOURS : last_end - EIGHT_HOURS + 1
    ]
    means = _mean_if_enough(windows, axis=2, min_count=rules.min_hours_per_8h)
    n_valid = (~np.isnan(means)).sum(axis=1)
    maxima = np.where(np.isnan(means), -np.inf, means).max(axis=1)
    maxima[n_valid == 0] = np.nan
    enough = n_valid >= rules.o3_min_valid_windows
    if rules.o3_valid_if_exceeds_limit:
        enough |= maxima > limit
    return np.where(enough, maxima, np.nan)


def o3_limit_for(day: date) -> float:
    """GB 3095 grade-2 daily-max-8h O3 limit in force on ``day`` (the HJ 663 exception threshold)."""
    return air_limits_for(day).limit("o3", "max_8h", 2, day)


# --- daily AQI and 优良天数比例 -----------------------------------------------------------------


@dataclass(frozen=True)
class GoodDaysSettings:
    """Named settings of the 优良天数比例 (see plan_indicators.yaml, ``assumed: true``)."""

    valid_day_items: tuple[str, ...]
    good_aqi_max: int
    ratio_digits: int = 1


def default_good_days_settings() -> GoodDaysSettings:
    figure = plan_indicator_figures()["good_days_ratio"]
    return GoodDaysSettings(
        valid_day_items=tuple(figure["valid_day"]["items"]),
        good_aqi_max=int(figure["good_aqi_max"]),
    )


@dataclass(frozen=True)
class DayAqi:
    """The AQI of one day and whether the day counts as valid."""

    day: date
    aqi: int | None
    valid: bool
    primary: tuple[str, ...]
    category: str | None
    standard: str
    missing: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "aqi": self.aqi,
            "valid": self.valid,
            "primary": list(self.primary),
            "category": self.category,
            "standard": self.standard,
            "missing": list(self.missing),
        }


def day_aqi(
    day: date, values: Mapping[str, float | None], settings: GoodDaysSettings | None = None
) -> DayAqi:
    """Daily AQI from daily items (24 h means, O3 max 8 h …) with the HJ 633 edition in force."""
    rules = settings or default_good_days_settings()
    standard = aqi_standard_for(day)
    present = {
        canonical_item(name, standard): float(v)
        for name, v in values.items()
        if v is not None and not np.isnan(v)
    }
    missing = tuple(item for item in rules.valid_day_items if item not in present)
    if not present:
        return DayAqi(day, None, False, (), None, standard.code, missing)
    result = evaluate_aqi(present, on=day)
    return DayAqi(day, result.aqi, not missing, result.primary, result.category.name, standard.code, missing)


def daily_aqi(
    days: Mapping[date, Mapping[str, float | None]], settings: GoodDaysSettings | None = None
) -> list[DayAqi]:
    """``day_aqi`` for every day, in date order."""
    return [day_aqi(day, days[day], settings) for day in sorted(days)]


@dataclass(frozen=True)
class GoodDaysRatio:
    """优良天数比例: valid days with AQI ≤ 100 over valid days, in percent."""

    good_days: int
    valid_days: int
    total_days: int
    ratio: float | None
    ratio_rounded: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "figure": "good_days_ratio",
            "good_days": self.good_days,
            "valid_days": self.valid_days,
            "total_days": self.total_days,
            "ratio": self.ratio,
            "ratio_rounded": self.ratio_rounded,
            "unit": "%",
            "indicators": indicator_links("good_days_ratio"),
        }


def good_days_ratio(days: Sequence[DayAqi], settings: GoodDaysSettings | None = None) -> GoodDaysRatio:
    """Share of valid days whose AQI is at most 100 (优 or 良)."""
    rules = settings or default_good_days_settings()
    valid = [d for d in days if d.valid and d.aqi is not None]
    good = sum(1 for d in valid if d.aqi is not None and d.aqi <= rules.good_aqi_max)
    if not valid:
        return GoodDaysRatio(0, 0, len(days), None, None)
    ratio = 100.0 * good / len(valid)
    return GoodDaysRatio(good, len(valid), len(days), ratio, round_gbt8170(ratio, rules.ratio_digits))


# --- annual mean (PM2.5) per city/county ------------------------------------------------------


@dataclass(frozen=True)
class AnnualMean:
    """Annual arithmetic mean of daily values with the GB 3095 table-4 validity verdict."""

    year: int
    pollutant: str
    mean: float | None
    rounded: float | None
    valid: bool
    valid_days: int
    problems: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "figure": "annual_mean_pm25" if self.pollutant == "pm25" else f"annual_mean_{self.pollutant}",
            "year": self.year,
            "pollutant": self.pollutant,
            "mean": self.mean,
            "rounded": self.rounded,
            "valid": self.valid,
            "valid_days": self.valid_days,
            "problems": list(self.problems),
            "indicators": indicator_links("annual_mean_pm25") if self.pollutant == "pm25" else [],
        }


def annual_mean_digits(unit: str = "µg/m³") -> int:
    """Reporting digits of annual means (assumed setting, gb3095_2012.yaml ``rounding``)."""
    return int(raw_edition("GB 3095-2012")["rounding"]["digits"][unit])


def _coverage_problems(days: Sequence[date], year: int, rules: DataValidity) -> list[str]:
    problems = []
    if len(days) < rules.min_days_per_year:
        problems.append(f"{year}: {len(days)} valid days < {rules.min_days_per_year}")
    per_month: dict[int, int] = defaultdict(int)
    for day in days:
        per_month[day.month] += 1
    for month in range(1, 13):
        needed = rules.min_days_february if month == 2 else rules.min_days_per_month
        if per_month[month] < needed:
            problems.append(f"{year}-{month:02d}: {per_month[month]} valid days < {needed}")
    return problems


def annual_mean(
    daily: Mapping[date, float | None],
    year: int,
    pollutant: str = "pm25",
    validity: DataValidity | None = None,
    digits: int | None = None,
) -> AnnualMean:
    """Mean of the year's valid daily values; valid when ≥ 324 days and ≥ 27 per month (Feb 25)."""
    rules = validity or default_validity()
    kept = {d: float(v) for d, v in daily.items() if d.year == year and v is not None and not np.isnan(v)}
    if not kept:
        return AnnualMean(year, pollutant, None, None, False, 0, (f"{year}: no valid daily values",))
    mean = sum(kept.values()) / len(kept)
    places = annual_mean_digits() if digits is None else digits
    problems = tuple(_coverage_problems(sorted(kept), year, rules))
    return AnnualMean(year, pollutant, mean, round_gbt8170(mean, places), not problems, len(kept), problems)


def region_daily_means(stations: Mapping[str, Mapping[date, float | None]]) -> dict[date, float]:
    """A city's (county's) daily value: mean of its stations' valid daily values (HJ 663)."""
    per_day: dict[date, list[float]] = defaultdict(list)
    for series in stations.values():
        for day, value in series.items():
            if value is not None and not np.isnan(value):
                per_day[day].append(float(value))
    return {day: sum(vals) / len(vals) for day, vals in sorted(per_day.items())}


def annual_mean_by_region(
    regions: Mapping[str, Mapping[str, Mapping[date, float | None]]], year: int, pollutant: str = "pm25"
) -> dict[str, AnnualMean]:
    """Annual mean per region code from ``{region: {station: {day: value}}}``."""
    return {
        code: annual_mean(region_daily_means(stations), year, pollutant) for code, stations in regions.items()
    }


# --- surface water: section class per period, shares -------------------------------------------


def period_key(day: date, period: str) -> str:
    """``"2025-06"`` for a month, ``"2025"`` for a year."""
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "year":
        return str(day.year)
    raise BadInput(f"period must be month or year, got {period!r}", field="period", value=period)


def section_classes_by_period(
    samples: Sequence[tuple[date, Mapping[str, float]]], waterbody: str, period: str = "month"
) -> dict[str, WaterClassResult]:
    """Class of one section per month or year: mean of each parameter over the period's samples."""
    groups: dict[str, list[tuple[date, Mapping[str, float]]]] = defaultdict(list)
    for day, values in samples:
        groups[period_key(day, period)].append((day, values))
    results = {}
    for key in sorted(groups):
        rows = groups[key]
        sums: dict[str, list[float]] = defaultdict(list)
        for _, values in rows:
            for name, value in values.items():
                sums[name].append(float(value))
        means = {name: sum(vals) / len(vals) for name, vals in sums.items()}
        results[key] = classify_section(means, waterbody, on=min(d for d, _ in rows))
    return results


@dataclass(frozen=True)
class SectionShares:
    """Shares of sections at Ⅲ or better and worse than Ⅴ, in percent."""

    sections: int
    share_i_iii: float
    share_worse_than_v: float
    counts: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "sections": self.sections,
            "counts": dict(self.counts),
            "share_i_iii": {
                "figure": "share_i_to_iii",
                "value": self.share_i_iii,
                "rounded": round_gbt8170(self.share_i_iii, 1),
                "unit": "%",
                "indicators": indicator_links("share_i_to_iii"),
            },
            "share_worse_than_v": {
                "figure": "share_worse_than_v",
                "value": self.share_worse_than_v,
                "rounded": round_gbt8170(self.share_worse_than_v, 1),
                "unit": "%",
                "indicators": indicator_links("share_worse_than_v"),
            },
        }


def section_shares(classes: Mapping[str, str | int]) -> SectionShares:
    """Shares over sections ``{section id: class}`` (class as label or rank)."""
    ranks = [c if isinstance(c, int) else class_rank(c) for c in classes.values()]
    counts = {class_label(r): sum(1 for x in ranks if x == r) for r in range(1, 7)}
    return SectionShares(len(ranks), share_at_or_better(ranks), share_worse_than_v(ranks), counts)
