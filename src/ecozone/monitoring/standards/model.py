"""Plain dataclasses for environmental quality standards loaded from the YAML files here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ecozone.errors import BadInput, NotFound


@dataclass(frozen=True)
class Citation:
    """Where a value comes from: document, section and the quoted clause."""

    document: str
    section: str
    clause: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.document, "section": self.section, "clause": self.clause}


@dataclass(frozen=True)
class Edition:
    """Identity and period of validity shared by every standard edition."""

    code: str
    title: str
    title_en: str
    effective_from: date
    effective_to: date | None
    effective_citation: Citation
    effective_verified: bool

    def in_force_on(self, day: date) -> bool:
        """True when ``day`` lies within the edition's period of validity."""
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


# --- HJ 633: air quality index -------------------------------------------------------------


@dataclass(frozen=True)
class AqiItem:
    """One row of HJ 633 table 1: a pollutant over one averaging period."""

    key: str
    pollutant: str
    name: str
    name_en: str
    unit: str
    breakpoints: tuple[float, ...]
    citation: Citation
    verified: bool
    point_sources: tuple[str | None, ...]
    point_verified: tuple[bool, ...]
    inherited_from: str | None = None

    @property
    def top_concentration(self) -> float:
        return self.breakpoints[-1]


@dataclass(frozen=True)
class Substitution:
    """Table 1 notes (2)/(3): above ``above`` the item is replaced by item ``use``."""

    item: str
    above: float
    use: str
    citation: Citation
    verified: bool


@dataclass(frozen=True)
class AqiCategory:
    """One of the six AQI levels with its names and colours (HJ 633 table 2, appendix A)."""

    level: int
    level_name: str
    level_name_en: str
    aqi_min: int
    aqi_max: int | None
    name: str
    name_en: str
    colour: str
    colour_en: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "level_name": self.level_name,
            "level_name_en": self.level_name_en,
            "name": self.name,
            "name_en": self.name_en,
            "colour": self.colour,
            "colour_en": self.colour_en,
            "rgb": list(self.rgb),
            "rgb_hex": "#{:02X}{:02X}{:02X}".format(*self.rgb),
        }


@dataclass(frozen=True)
class AqiStandard:
    """An HJ 633 edition: breakpoints, substitutions, categories and the evaluation rules."""

    edition: Edition
    iaqi_levels: tuple[int, ...]
    items: Mapping[str, AqiItem]
    substitutions: tuple[Substitution, ...]
    categories: tuple[AqiCategory, ...]
    primary_aqi_above: int
    exceeding_iaqi_above: int
    above_top_iaqi: int
    citations: Mapping[str, Citation] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.edition.code

    def item(self, key: str) -> AqiItem:
        """The table row ``key``; BadInput naming the key when the edition has no such row."""
        try:
            return self.items[key]
        except KeyError:
            known = ", ".join(sorted(self.items))
            raise BadInput(
                f"unknown AQI item {key!r} for {self.code}; known items: {known}",
                field=key,
            ) from None

    def substitution_for(self, key: str) -> Substitution | None:
        for sub in self.substitutions:
            if sub.item == key:
                return sub
        return None

    def category(self, aqi: int) -> AqiCategory:
        """The category whose AQI range contains ``aqi`` (an integer ≥ 0)."""
        if aqi < 0:
            raise BadInput(f"AQI must be ≥ 0, got {aqi}", field="aqi", value=aqi)
        for cat in self.categories:
            if cat.aqi_max is None or aqi <= cat.aqi_max:
                return cat
        raise NotFound(f"no AQI category for {aqi} in {self.code}", aqi=aqi)


# --- GB 3095: concentration limits ---------------------------------------------------------


@dataclass(frozen=True)
class ConcentrationLimit:
    """A GB 3095 limit for one pollutant and averaging period (grade 1 and grade 2)."""

    pollutant: str
    averaging: str
    unit: str
    grade_1: float | None
    grade_2: float | None
    section: str
    verified: bool
    source: str
    inherited_from: str | None = None

    def for_grade(self, grade: int) -> float | None:
        if grade not in (1, 2):
            raise BadInput(f"grade must be 1 or 2, got {grade}", field="grade", value=grade)
        return self.grade_1 if grade == 1 else self.grade_2


@dataclass(frozen=True)
class UnknownLimit:
    """A limit the revision changed but whose value we do not know yet."""

    pollutant: str
    averaging: str
    grade: int | None
    why: str


@dataclass(frozen=True)
class LimitPhase:
    """A period in which one set of limits applies (GB 3095—2026 has two)."""

    name: str
    effective_from: date
    effective_to: date | None
    limits: tuple[ConcentrationLimit, ...]
    unknown: tuple[UnknownLimit, ...]

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class DataValidity:
    """GB 3095—2012 table 4 minimums and the HJ 663 daily-max-8h O3 rule."""

    min_days_per_year: int
    min_days_per_month: int
    min_days_february: int
    min_hours_per_day: int
    min_hours_per_8h: int
    o3_window_end_hours: tuple[int, int]
    o3_min_valid_windows: int
    o3_valid_if_exceeds_limit: bool
    citation: Citation
    o3_citation: Citation
    verified: bool


@dataclass(frozen=True)
class AirLimitStandard:
    """A GB 3095 edition with its phases and data-validity rules."""

    edition: Edition
    phases: tuple[LimitPhase, ...]
    validity: DataValidity
    limits_citation: Citation

    @property
    def code(self) -> str:
        return self.edition.code

    def phase_on(self, day: date) -> LimitPhase:
        for phase in self.phases:
            if phase.covers(day):
                return phase
        raise NotFound(f"{self.code} has no phase in force on {day.isoformat()}", date=day.isoformat())

    def limit(self, pollutant: str, averaging: str, grade: int, day: date) -> float:
        """The grade-``grade`` limit in force on ``day``; NotFound when unknown or undefined."""
        phase = self.phase_on(day)
        for unknown in phase.unknown:
            if (
                unknown.pollutant == pollutant
                and unknown.averaging == averaging
                and unknown.grade in (None, grade)
            ):
                raise NotFound(
                    f"{self.code} {phase.name}: {pollutant} {averaging} grade {grade} limit "
                    f"is not known yet ({unknown.why})",
                    pollutant=pollutant,
                    averaging=averaging,
                )
        for lim in phase.limits:
            if lim.pollutant == pollutant and lim.averaging == averaging:
                value = lim.for_grade(grade)
                if value is None:
                    break
                return value
        raise NotFound(
            f"{self.code} defines no grade {grade} limit for {pollutant} {averaging}",
            pollutant=pollutant,
            averaging=averaging,
        )


# --- GB 3838: surface water ----------------------------------------------------------------


@dataclass(frozen=True)
class WaterParameter:
    """One row of GB 3838—2002 table 1."""

    key: str
    name: str
    name_en: str
    unit: str
    direction: str  # "max" (≤ limit), "min" (≥ limit) or "range" (within [low, high])
    limits: tuple[float, ...] | None
    lake_limits: tuple[float, ...] | None
    value_range: tuple[float, float] | None
    waterbody: str | None  # None = all water bodies; "lake" = lakes and reservoirs only
    clause: str
    verified: bool

    def limits_for(self, waterbody: str) -> tuple[float, ...] | None:
        if waterbody == "lake" and self.lake_limits is not None:
            return self.lake_limits
        return self.limits

    def applies_to(self, waterbody: str) -> bool:
        return self.waterbody is None or self.waterbody == waterbody


@dataclass(frozen=True)
class WaterStandard:
    """GB 3838—2002 class limits."""

    edition: Edition
    classes: tuple[str, ...]
    worse_than_v: str
    parameters: Mapping[str, WaterParameter]
    table_citation: Citation
    single_factor_citation: Citation

    @property
    def code(self) -> str:
        return self.edition.code

    def parameter(self, key: str) -> WaterParameter:
        try:
            return self.parameters[key]
        except KeyError:
            known = ", ".join(sorted(self.parameters))
            raise BadInput(
                f"unknown water-quality parameter {key!r}; known parameters: {known}", field=key
            ) from None


@dataclass(frozen=True)
class StatusLevel:
    """A qualitative status (优, 良好, …) with its colour."""

    status: str
    status_en: str
    colour: str

    def as_dict(self) -> dict[str, str]:
        return {"status": self.status, "status_en": self.status_en, "colour": self.colour}


@dataclass(frozen=True)
class BasinStatusRule:
    """One row of the basin status table; the first matching row wins."""

    level: StatusLevel
    min_share_i_iii: float | None
    max_share_worse_than_v: float | None

    def matches(self, share_i_iii: float, share_worse_than_v: float) -> bool:
        if self.min_share_i_iii is not None and share_i_iii < self.min_share_i_iii:
            return False
        limit = self.max_share_worse_than_v
        return limit is None or share_worse_than_v < limit


@dataclass(frozen=True)
class WaterAssessmentMethod:
    """环办〔2011〕22号: which parameters count, section and basin status."""

    edition: Edition
    class_parameters: tuple[str, ...]
    reference_parameters: Mapping[str, tuple[str, ...]]
    section_status: Mapping[str, StatusLevel]
    basin_rules: tuple[BasinStatusRule, ...]
    min_sections_for_share_method: int
    citations: Mapping[str, Citation]
