"""Machine-checkable access rules: the model (rule, place, who, condition, citation, rulebook).

A rule is a small declarative record: where it applies (the jurisdiction, unit classes, named
units, element zones, named zones, or a distance band from a reference feature), to whom
(GB/T 4754-2017 codes or project kinds), to which construction natures, under which conditions
on project attributes, with what effect and obligation, cited to its clause. Rules live in YAML
files (docs/rules.md); ``ecozone.zoning.rule_loading.load_rulebook`` validates them and raises
``BadInput`` naming the file, the rule id and the field of the first bad rule.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, with_config

from ecozone.errors import BadInput
from ecozone.zoning.model import Dimension, UnitCode

RULE_ID_PATTERN = re.compile(r"^[A-Z]{2}-\d{3}-[A-Z0-9]+(-[A-Z0-9]+)*$")
FEATURE_KEY_PATTERN = re.compile(r"^[a-z_]+:[a-z0-9][a-z0-9-]*$")
REGION_CODE_PATTERN = re.compile(r"^\d{6}$")
# Feature kinds of docs/reference-features.md.
FEATURE_KINDS = frozenset(
    {"river", "lake", "zone", "city_group", "planning_area", "nature_reserve", "water_source", "farmland", "dev_zone"}
)
_STRICT = ConfigDict(extra="forbid")


class Effect(StrEnum):
    """What a rule does to a project it applies to."""

    PROHIBIT = "prohibit"
    RESTRICT = "restrict"
    REQUIRE = "require"
    ENCOURAGE = "encourage"

    @property
    def name_zh(self) -> str:
        return {"prohibit": "禁止", "restrict": "限制", "require": "要求", "encourage": "鼓励"}[self.value]


class Nature(StrEnum):
    """Construction nature of a project (建设性质)."""

    NEW = "new"
    EXPAND = "expand"
    REBUILD = "rebuild"
    RELOCATE = "relocate"
    UPGRADE = "upgrade"

    @property
    def name_zh(self) -> str:
        return {"new": "新建", "expand": "扩建", "rebuild": "改建", "relocate": "迁建", "upgrade": "技术改造"}[self.value]


ALL_NATURES = tuple(Nature)


# --- the model -------------------------------------------------------------------------------


@with_config(_STRICT)
@dataclass(frozen=True)
class SettingRef:
    """A value taken from ``RuleSettings`` by name (for clauses that leave it open)."""

    setting: str


@with_config(_STRICT)
@dataclass(frozen=True)
class FeatureSelector:
    """Which reference features a place means: by key, by kind and attributes, or by river system."""

    keys: tuple[str, ...] = ()
    kind: str | None = None
    attributes: dict[str, bool | int | float | str] = field(default_factory=dict)
    flows_into: str | None = None
    include_self: bool = True

    def __post_init__(self) -> None:
        if not (self.keys or self.kind or self.flows_into):
            raise ValueError("a feature selector needs keys, kind or flows_into")
        for key in (*self.keys, *([self.flows_into] if self.flows_into else [])):
            if not FEATURE_KEY_PATTERN.match(key) or key.split(":")[0] not in FEATURE_KINDS:
                raise ValueError(f"feature key {key!r} is not <kind>:<slug> with a known kind")
        if self.kind is not None and self.kind not in FEATURE_KINDS:
            raise ValueError(f"feature kind {self.kind!r} is not one of {sorted(FEATURE_KINDS)}")


@with_config(_STRICT)
@dataclass(frozen=True)
class Place:
    """One place a rule applies to; a rule applies where any of its places holds."""

    anywhere: bool = False
    regions: tuple[str, ...] = ()
    unit_classes: tuple[int, ...] = ()
    units: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    features: FeatureSelector | None = None
    within_m: float | SettingRef | None = None

    @property
    def kind(self) -> str:
        if self.anywhere:
            return "anywhere"
        if self.regions:
            return "regions"
        if self.features is not None:
            return "features"
        return "units"

    def __post_init__(self) -> None:
        groups = [
            self.anywhere,
            bool(self.regions),
            bool(self.unit_classes or self.units or self.elements),
            self.features is not None,
        ]
        if sum(groups) != 1:
            raise ValueError("a place is exactly one of: anywhere, regions, units (unit_classes/units/elements), features")
        if self.within_m is not None and self.features is None:
            raise ValueError("within_m belongs to a features place")
        if isinstance(self.within_m, float | int) and self.within_m < 0:
            raise ValueError("within_m must not be negative")
        if any(c not in (1, 2, 3) for c in self.unit_classes):
            raise ValueError("unit_classes are 1 (优先保护), 2 (重点管控) or 3 (一般管控)")
        for code in self.regions:
            if not REGION_CODE_PATTERN.match(code):
                raise ValueError(f"region {code!r} is not a 6-digit GB/T 2260 code")
        for code in self.units:
            UnitCode.parse(code)


@with_config(_STRICT)
@dataclass(frozen=True)
class Who:
    """Whom a rule addresses: GB/T 4754-2017 code prefixes or project kinds (either matches)."""

    industries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def everyone(self) -> bool:
        return not (self.industries or self.kinds)


ConditionValue = bool | int | float | str | tuple[str, ...] | SettingRef
Operator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "any_prefix"]


@with_config(_STRICT)
@dataclass(frozen=True)
class Condition:
    """A test on one project attribute, or a group: ``any_of`` (or) / ``all_of`` (and) conditions."""

    attribute: str | None = None
    op: Operator | None = None
    value: ConditionValue | None = None
    any_of: tuple[Condition, ...] = ()
    all_of: tuple[Condition, ...] = ()

    @property
    def members(self) -> tuple[Condition, ...]:
        return self.any_of or self.all_of

    def __post_init__(self) -> None:
        forms = [bool(self.attribute or self.op or self.value is not None), bool(self.any_of), bool(self.all_of)]
        if sum(forms) != 1:
            raise ValueError("a condition is exactly one of: attribute/op/value, any_of, all_of")
        if forms[0] and not (self.attribute and self.op and self.value is not None):
            raise ValueError("a condition needs attribute, op and value")


@with_config(_STRICT)
@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: the seed file, its section, and the clause quoted verbatim."""

    file: str
    section: str
    clause: str


@with_config(_STRICT)
@dataclass(frozen=True)
class Rule:
    """One machine-checkable requirement (see docs/rules.md for every field)."""

    id: str
    title: str
    dimension: Dimension
    effect: Effect
    where: tuple[Place, ...]
    applies: str
    not_applies: str
    citation: Citation
    who: Who = Who()
    natures: tuple[Nature, ...] = ALL_NATURES
    conditions: tuple[Condition, ...] = ()
    obligation: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    assumed: bool = False
    assumption: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if not RULE_ID_PATTERN.match(self.id):
            raise ValueError(f"id {self.id!r} is not like SX-001-YR-1KM-MINING")
        if not self.where:
            raise ValueError("where needs at least one place")
        if not self.natures:
            raise ValueError("natures must not be empty (omit it for all natures)")
        if self.effect in (Effect.RESTRICT, Effect.REQUIRE) and not self.obligation:
            raise ValueError(f"a {self.effect.value} rule needs an obligation")
        if self.assumed != bool(self.assumption):
            raise ValueError("assumed: true goes with an assumption sentence, and only then")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")

    def in_force(self, as_of: dt.date) -> bool:
        """Whether the rule is valid on ``as_of``."""
        return (self.valid_from is None or self.valid_from <= as_of) and (self.valid_to is None or as_of <= self.valid_to)


@with_config(_STRICT)
@dataclass(frozen=True)
class SourceDocument:
    """A document the rules of a file cite."""

    file: str
    title: str
    number: str | None = None
    issued: str | None = None


@with_config(_STRICT)
@dataclass(frozen=True)
class RuleFile:
    """One YAML rule file: the header (jurisdiction, issuer, title, documents) and its rules."""

    jurisdiction: str
    issuer: str
    title: str
    documents: tuple[SourceDocument, ...]
    rules: tuple[Rule, ...]
    valid_from: dt.date | None = None
    path: str = ""
    digest: str = ""

    def __post_init__(self) -> None:
        if not REGION_CODE_PATTERN.match(self.jurisdiction):
            raise ValueError(f"jurisdiction {self.jurisdiction!r} is not a 6-digit GB/T 2260 code")

    def document(self, file: str) -> SourceDocument:
        return next(doc for doc in self.documents if doc.file == file)


@with_config(_STRICT)
@dataclass(frozen=True)
class IndustryGroup:
    """A named list of GB/T 4754 prefixes (and other groups, as ``@name``) rules refer to."""

    name: str
    industries: tuple[str, ...]
    note: str | None = None


@dataclass
class Rulebook:
    """Every rule file of a directory, validated; ``digest`` identifies the exact texts."""

    files: list[RuleFile]
    groups: dict[str, IndustryGroup]
    digest: str

    def __post_init__(self) -> None:
        self.rules = [rule for f in self.files for rule in f.rules]
        self._file_of = {rule.id: f for f in self.files for rule in f.rules}

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise BadInput(f"rule {rule_id!r} is not in the rulebook", field="rule_id", value=rule_id)

    def file_of(self, rule_id: str) -> RuleFile:
        return self._file_of[rule_id]

    def summary(self) -> dict:
        """What a screening cites to say which rules it ran."""
        return {
            "digest": self.digest,
            "files": [{"path": f.path, "jurisdiction": f.jurisdiction, "title": f.title, "digest": f.digest} for f in self.files],
            "rules": len(self.rules),
        }


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything inside it (140000 → 14, 140300 → 1403)."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix
