"""Surface-water class (GB 3838—2002) by single-factor evaluation, and section/basin status.

A section's class is the worst class among the assessed parameters (环办〔2011〕22号: the 21
table-1 items other than water temperature, total nitrogen and fecal coliforms); a value worse
than class V is 劣V.  Total nitrogen (lakes) and fecal coliforms are reference parameters,
reported beside the class but not deciding it unless ``count_reference`` is set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ecozone.errors import BadInput
from ecozone.monitoring.standards import (
    WaterParameter,
    WaterStandard,
    water_assessment_method,
    water_standard,
    water_standard_for,
)
from ecozone.monitoring.standards.measurements import check_concentration, parse_measurements
from ecozone.monitoring.standards.model import StatusLevel

CLASS_LABELS: tuple[str, ...] = ("I", "II", "III", "IV", "V", "劣V")
WORSE_THAN_V_RANK = 6
WATERBODIES: Mapping[str, str] = {
    "river": "river",
    "lake": "lake",
    "reservoir": "lake",
    "河流": "river",
    "湖库": "lake",
}
PARAMETER_ALIASES: Mapping[str, str] = {
    "nh3-n": "nh3n",
    "nh3_n": "nh3n",
    "cod_mn": "codmn",
    "f": "fluoride",
    "cn": "cyanide",
    "dissolved_oxygen": "do",
}
_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}


def class_label(rank: int) -> str:
    """``3`` → ``"III"``, ``6`` → ``"劣V"``."""
    return CLASS_LABELS[rank - 1]


def class_rank(label: str) -> int:
    """``"III"``, ``"Ⅲ"``, ``"Ⅲ类"`` or ``"3"`` → 3; ``"劣V"`` → 6."""
    text = label.strip().removesuffix("类")
    for roman, ascii_ in _ROMAN.items():
        text = text.replace(roman, ascii_)
    text = text.upper()
    if text.isdigit() and 1 <= int(text) <= WORSE_THAN_V_RANK:
        return int(text)
    if text in CLASS_LABELS:
        return CLASS_LABELS.index(text) + 1
    raise BadInput(
        f"unknown water-quality class {label!r}; use I, II, III, IV, V or 劣V", field="class", value=label
    )


def canonical_waterbody(name: str) -> str:
    try:
        return WATERBODIES[name.strip().lower()]
    except KeyError:
        raise BadInput(
            f"waterbody must be river or lake, got {name!r}", field="waterbody", value=name
        ) from None


def canonical_parameter(name: str, standard: WaterStandard) -> str:
    key = name.strip().lower()
    key = PARAMETER_ALIASES.get(key, key)
    standard.parameter(key)  # BadInput naming the key when unknown
    return key


def parameter_rank(param: WaterParameter, value: float, waterbody: str) -> int:
    """The best class (1–5) whose limit ``value`` meets, or 6 (劣V) when it meets none."""
    if not param.applies_to(waterbody):
        raise BadInput(
            f"{param.key} ({param.name}) is only assessed for {param.waterbody}, not {waterbody}",
            field=param.key,
        )
    if param.direction == "range":
        assert param.value_range is not None
        low, high = param.value_range
        return 1 if low <= value <= high else WORSE_THAN_V_RANK
    limits = param.limits_for(waterbody)
    assert limits is not None
    for rank, limit in enumerate(limits, start=1):
        meets = value >= limit if param.direction == "min" else value <= limit
        if meets:
            return rank
    return WORSE_THAN_V_RANK


def exceedance_multiple(
    param: WaterParameter, value: float, waterbody: str, target_rank: int
) -> float | None:
    """(value − limit) / limit against the target class for ≤-type parameters; None otherwise."""
    limits = param.limits_for(waterbody)
    if param.direction != "max" or limits is None or target_rank > len(limits):
        return None
    limit = limits[target_rank - 1]
    return round((value - limit) / limit, 4) if value > limit else None


@dataclass(frozen=True)
class ParameterClass:
    key: str
    value: float
    rank: int
    counted: bool
    exceedance: float | None

    def to_json(self, standard: WaterStandard) -> dict[str, Any]:
        param = standard.parameters[self.key]
        out: dict[str, Any] = {
            "name": param.name,
            "name_en": param.name_en,
            "unit": param.unit,
            "value": self.value,
            "class": class_label(self.rank),
            "counted": self.counted,
            "verified": param.verified,
        }
        if self.exceedance is not None:
            out["exceedance_multiple"] = self.exceedance
        return out


@dataclass(frozen=True)
class WaterClassResult:
    """Single-factor class of one section (or one set of mean concentrations)."""

    rank: int
    deciding: tuple[str, ...]
    parameters: Mapping[str, ParameterClass]
    waterbody: str
    status: StatusLevel
    standard: WaterStandard
    target_rank: int | None

    @property
    def label(self) -> str:
        return class_label(self.rank)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``ecozone water-class --format json``."""
        method = water_assessment_method()
        edition = self.standard.edition
        out: dict[str, Any] = {
            "class": self.label,
            "deciding": list(self.deciding),
            "status": self.status.as_dict(),
            "waterbody": self.waterbody,
            "parameters": {k: p.to_json(self.standard) for k, p in self.parameters.items()},
            "standard": {
                "code": edition.code,
                "title": edition.title,
                "method": method.edition.code,
                "citation": self.standard.single_factor_citation.as_dict(),
            },
        }
        if self.target_rank is not None:
            out["target"] = class_label(self.target_rank)
            out["meets_target"] = self.rank <= self.target_rank
        return out


def classify_section(
    values: Mapping[str, float],
    waterbody: str,
    on: date | None = None,
    target: str | None = None,
    count_reference: bool = False,
) -> WaterClassResult:
    """Class of one section from its concentrations (mg/L; pH unitless; coliforms 个/L)."""
    standard = water_standard_for(on) if on is not None else water_standard()
    body = canonical_waterbody(waterbody)
    method = water_assessment_method()
    counted_keys = set(method.class_parameters) | (
        set(method.reference_parameters[body]) if count_reference else set()
    )
    target_rank = None if target is None else class_rank(target)
    params: dict[str, ParameterClass] = {}
    for name, raw in values.items():
        key = canonical_parameter(name, standard)
        if key in params:
            raise BadInput(f"{name} and another name both give {key}", field=name)
        value = check_concentration(name, float(raw))
        param = standard.parameters[key]
        rank = parameter_rank(param, value, body)
        excess = None if target_rank is None else exceedance_multiple(param, value, body, target_rank)
        params[key] = ParameterClass(key, value, rank, key in counted_keys, excess)
    counted = [p for p in params.values() if p.counted]
    if not counted:
        raise BadInput("give at least one assessed parameter (e.g. do, codmn, nh3n, tp)", field="values")
    worst = max(p.rank for p in counted)
    return WaterClassResult(
        rank=worst,
        deciding=tuple(p.key for p in counted if p.rank == worst),
        parameters=params,
        waterbody=body,
        status=section_status(worst),
        standard=standard,
        target_rank=target_rank,
    )


def section_status(rank: int) -> StatusLevel:
    """Qualitative status of a class: Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染, 劣Ⅴ 重度污染."""
    return water_assessment_method().section_status[class_label(rank)]


def share_at_or_better(ranks: Sequence[int], best_allowed: int = 3) -> float:
    """Percentage of sections whose class is ``best_allowed`` (default Ⅲ) or better."""
    if not ranks:
        raise BadInput("no sections to count", field="sections")
    return 100.0 * sum(1 for r in ranks if r <= best_allowed) / len(ranks)


def share_worse_than_v(ranks: Sequence[int]) -> float:
    """Percentage of sections worse than class Ⅴ (劣Ⅴ)."""
    if not ranks:
        raise BadInput("no sections to count", field="sections")
    return 100.0 * sum(1 for r in ranks if r == WORSE_THAN_V_RANK) / len(ranks)


@dataclass(frozen=True)
class BasinStatus:
    """Status of a river or basin from its sections (环办〔2011〕22号)."""

    status: StatusLevel
    method: str  # "share" (≥ 5 sections) or "mean" (fewer: mean concentrations, single factor)
    sections: int
    share_i_iii: float | None
    share_worse_than_v: float | None
    mean_class: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.as_dict(),
            "method": self.method,
            "sections": self.sections,
            "share_i_iii": self.share_i_iii,
            "share_worse_than_v": self.share_worse_than_v,
            "mean_class": self.mean_class,
        }


def basin_status_from_classes(classes: Sequence[str | int]) -> BasinStatus:
    """Status by the share of Ⅰ–Ⅲ and 劣Ⅴ sections; needs at least the method's minimum (5)."""
    method = water_assessment_method()
    ranks = [c if isinstance(c, int) else class_rank(c) for c in classes]
    if len(ranks) < method.min_sections_for_share_method:
        raise BadInput(
            f"the share method needs at least {method.min_sections_for_share_method} sections, "
            f"got {len(ranks)}; use basin_status_from_means for fewer",
            field="sections",
        )
    good = share_at_or_better(ranks)
    bad = share_worse_than_v(ranks)
    for rule in method.basin_rules:
        if rule.matches(good, bad):
            return BasinStatus(rule.level, "share", len(ranks), good, bad, None)
    raise AssertionError("the last basin rule matches everything")  # guaranteed by the data


def basin_status_from_means(sections: Sequence[Mapping[str, float]], waterbody: str) -> BasinStatus:
    """Status of a river with fewer than 5 sections: mean each parameter, then single factor."""
    if not sections:
        raise BadInput("no sections to assess", field="sections")
    sums: dict[str, list[float]] = {}
    for section in sections:
        for name, value in section.items():
            sums.setdefault(name, []).append(float(value))
    means = {name: sum(vals) / len(vals) for name, vals in sums.items()}
    result = classify_section(means, waterbody)
    return BasinStatus(result.status, "mean", len(sections), None, None, result.label)


def assess_basin(sections: Sequence[Mapping[str, float]], waterbody: str) -> BasinStatus:
    """Basin status choosing the method by the number of sections, as 环办〔2011〕22号 does."""
    method = water_assessment_method()
    if len(sections) >= method.min_sections_for_share_method:
        return basin_status_from_classes([classify_section(s, waterbody).rank for s in sections])
    return basin_status_from_means(sections, waterbody)


def water_class_command(
    pairs: list[str], waterbody: str, on: date | None = None, target: str | None = None
) -> dict[str, Any]:
    """Payload of ``ecozone water-class NAME=VALUE … --waterbody river|lake``."""
    return classify_section(parse_measurements(pairs), waterbody, on=on, target=target).to_json()
