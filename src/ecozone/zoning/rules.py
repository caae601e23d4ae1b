"""Machine-checkable access rules: the model, the project vocabulary, and loading a rulebook.

A rule is a small declarative record: where it applies (the jurisdiction, unit classes, named
units, element zones, named zones, or a distance band from a reference feature), to whom
(GB/T 4754-2017 codes or project kinds), to which construction natures, under which conditions
on project attributes, with what effect and obligation, cited to its clause. Rules live in YAML
files (docs/rules.md); ``load_rulebook`` validates them and raises ``BadInput`` naming the file,
the rule id and the field of the first bad rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from ecozone.errors import BadInput
from ecozone.zoning.industries import get_industry
from ecozone.zoning.model import Dimension, UnitCode
from ecozone.zoning.settings import RuleSettings

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
        return {"new": "新建", "expand": "扩建", "rebuild": "改建", "relocate": "迁建", "upgrade": "技术改造"}[
            self.value
        ]


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
            raise ValueError(
                "a place is exactly one of: anywhere, regions, units (unit_classes/units/elements), features"
            )
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
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of <= self.valid_to
        )


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
            "files": [
                {"path": f.path, "jurisdiction": f.jurisdiction, "title": f.title, "digest": f.digest}
                for f in self.files
            ],
            "rules": len(self.rules),
        }


# --- the project vocabulary ------------------------------------------------------------------

AttributeType = Literal["bool", "number", "choice", "codes", "kinds"]


@with_config(_STRICT)
@dataclass(frozen=True)
class AttributeSpec:
    """A project attribute rules may read (``src/ecozone/zoning/data/project_vocabulary.yaml``)."""

    type: AttributeType
    label: str
    unit: str | None = None
    hint: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    defaults: dict[Nature, bool | float | str] = field(default_factory=dict)
    assumption: str | None = None


@with_config(_STRICT)
@dataclass(frozen=True)
class KindSpec:
    """A project kind that industry codes cannot express."""

    name: str
    description: str
    implied_by: tuple[str, ...] = ()
    possible_in: tuple[str, ...] = ()
    assumption: str | None = None


@with_config(_STRICT)
@dataclass(frozen=True)
class Vocabulary:
    attributes: dict[str, AttributeSpec]
    kinds: dict[str, KindSpec]

    def kind_id(self, name_or_id: str) -> str | None:
        """The kind id for an id or its Chinese name; None when unknown."""
        if name_or_id in self.kinds:
            return name_or_id
        return next((k for k, spec in self.kinds.items() if spec.name == name_or_id), None)


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The attributes and kinds projects are described with (shipped with the package)."""
    text = resources.files("ecozone.zoning").joinpath("data/project_vocabulary.yaml").read_text("utf-8")
    vocabulary = TypeAdapter(Vocabulary).validate_python(yaml.safe_load(text))
    for kind in vocabulary.kinds.values():
        for code in (*kind.implied_by, *kind.possible_in):
            get_industry(code)
    return vocabulary


# --- loading ---------------------------------------------------------------------------------

_RULE_FILE = TypeAdapter(RuleFile)
_GROUPS = TypeAdapter(dict[str, IndustryGroup])


def load_rulebook(directory: Path | str, settings: RuleSettings | None = None) -> Rulebook:
    """Load and validate every ``*.yaml`` of ``directory`` (rule files and group files)."""
    directory = Path(directory)
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise BadInput(f"no rule files (*.yaml) in {directory}", field="rules_dir", value=str(directory))
    return load_rulebook_texts([(path.name, path.read_text("utf-8")) for path in paths], settings)


def load_rulebook_texts(files: Sequence[tuple[str, str]], settings: RuleSettings | None = None) -> Rulebook:
    """Load and validate rule and group files given as (name, YAML text), as a release stores them."""
    ordered = sorted(files)
    raw_files = [(name, text, _read_yaml(name, text)) for name, text in ordered]
    groups: dict[str, IndustryGroup] = {}
    group_files: dict[str, str] = {}
    for name, _text, raw in raw_files:
        if "rules" not in raw:
            parsed = _parse_groups(name, raw)
            groups.update(parsed)
            group_files.update(dict.fromkeys(parsed, name))
    checker = _RuleChecker(groups, load_vocabulary(), settings or RuleSettings())
    for group in groups:
        try:
            checker.expand(f"@{group}", f"groups.{group}")
        except _RuleError as exc:
            raise BadInput(
                f"{group_files[group]}: group {group}: {exc}", field=exc.field, value=exc.value, file=group_files[group]
            ) from exc
    rule_files = [_parse_rule_file(name, text, raw, checker) for name, text, raw in raw_files if "rules" in raw]
    _check_unique_ids(rule_files)
    # Group files count too: they decide which codes the rules' groups stand for.
    digest = hashlib.sha256(b"".join(name.encode() + text.encode("utf-8") for name, text in ordered)).hexdigest()[:16]
    return Rulebook(files=rule_files, groups=groups, digest=digest)


def _read_yaml(name: str, text: str) -> dict:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BadInput(f"{name}: not valid YAML: {exc}", field="file", value=name) from exc
    if not isinstance(raw, dict) or not ({"rules", "groups"} & raw.keys()):
        raise BadInput(
            f"{name}: a rule file has a header and `rules`, a group file has `groups`",
            field="file",
            value=name,
        )
    return raw


def _parse_groups(name: str, raw: dict) -> dict[str, IndustryGroup]:
    try:
        return _GROUPS.validate_python(raw["groups"])
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise BadInput(f"{name}: group {where}: {error['msg']}", field=f"groups.{where}", value=name) from exc


def _parse_rule_file(name: str, text: str, raw: dict, checker: _RuleChecker) -> RuleFile:
    try:
        parsed = _RULE_FILE.validate_python(raw)
    except ValidationError as exc:
        raise _validation_error(name, raw, exc) from exc
    rules = tuple(replace(rule, valid_from=rule.valid_from or parsed.valid_from) for rule in parsed.rules)
    parsed = replace(parsed, rules=rules, path=name, digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])
    for rule in parsed.rules:
        try:
            checker.check(rule, parsed)
        except _RuleError as exc:
            raise BadInput(
                f"{name}: rule {rule.id}: {exc.field}: {exc}",
                field=exc.field,
                value=exc.value,
                file=name,
                rule_id=rule.id,
            ) from exc
    return replace(parsed, rules=tuple(checker.resolve_groups(rule) for rule in parsed.rules))


def _validation_error(name: str, raw: dict, exc: ValidationError) -> BadInput:
    """A ``BadInput`` naming the file, the rule id (when the error is inside a rule) and the field."""
    error = exc.errors()[0]
    loc = list(error["loc"])
    rule_id = None
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules") or []
        rule_id = rules[loc[1]].get("id") if loc[1] < len(rules) and isinstance(rules[loc[1]], dict) else None
        rule_id = rule_id or f"#{loc[1] + 1}"
        loc = loc[2:]
    field_name = ".".join(str(p) for p in loc) or "(rule)"
    prefix = f"{name}: rule {rule_id}" if rule_id else name
    return BadInput(f"{prefix}: {field_name}: {error['msg']}", field=field_name, file=name, rule_id=rule_id)


def _check_unique_ids(files: list[RuleFile]) -> None:
    seen: dict[str, str] = {}
    for f in files:
        for rule in f.rules:
            if rule.id in seen:
                raise BadInput(
                    f"{f.path}: rule {rule.id}: id: already used in {seen[rule.id]}",
                    field="id",
                    value=rule.id,
                    file=f.path,
                    rule_id=rule.id,
                )
            seen[rule.id] = f.path


class _RuleError(ValueError):
    def __init__(self, field_name: str, message: str, value: Any = None) -> None:
        super().__init__(message)
        self.field = field_name
        self.value = value


class _RuleChecker:
    """Checks what a schema cannot: codes exist, names resolve, places fit the jurisdiction."""

    def __init__(self, groups: dict[str, IndustryGroup], vocabulary: Vocabulary, settings: RuleSettings) -> None:
        self.groups = groups
        self.vocabulary = vocabulary
        self.settings = settings

    def check(self, rule: Rule, rule_file: RuleFile) -> None:
        if rule.citation.file not in {doc.file for doc in rule_file.documents}:
            raise _RuleError(
                "citation.file", f"{rule.citation.file} is not among the file's documents", rule.citation.file
            )
        for code in rule.who.industries:
            self.expand(code, "who.industries")
        for kind in rule.who.kinds:
            if kind not in self.vocabulary.kinds:
                raise _RuleError("who.kinds", f"unknown project kind {kind!r}", kind)
        for i, place in enumerate(rule.where):
            self._check_place(place, f"where.{i}", rule_file.jurisdiction)
        for i, condition in enumerate(rule.conditions):
            self._check_condition(condition, f"conditions.{i}")
        self._check_template(rule.obligation or "", "obligation")

    def expand(self, code: str, field_name: str, seen: tuple[str, ...] = ()) -> list[str]:
        """The GB/T codes a code or ``@group`` stands for (each checked against the table)."""
        if not code.startswith("@"):
            try:
                return [get_industry(code).code]
            except BadInput as exc:
                raise _RuleError(field_name, exc.message, code) from exc
        name = code[1:]
        if name not in self.groups:
            raise _RuleError(field_name, f"unknown industry group {code!r}", code)
        if name in seen:
            raise _RuleError(field_name, f"industry group {code!r} includes itself", code)
        return [c for member in self.groups[name].industries for c in self.expand(member, field_name, (*seen, name))]

    def resolve_groups(self, rule: Rule) -> Rule:
        codes = tuple(dict.fromkeys(c for code in rule.who.industries for c in self.expand(code, "who.industries")))
        return replace(rule, who=replace(rule.who, industries=codes))

    def _check_place(self, place: Place, field_name: str, jurisdiction: str) -> None:
        prefix = region_prefix(jurisdiction)
        for code in place.regions:
            if not code.startswith(prefix):
                raise _RuleError(
                    f"{field_name}.regions", f"region {code} lies outside the file's jurisdiction {jurisdiction}", code
                )
        if isinstance(place.within_m, SettingRef):
            self._check_setting(place.within_m, f"{field_name}.within_m")

    def _check_condition(self, condition: Condition, field_name: str) -> None:
        for i, member in enumerate(condition.members):
            self._check_condition(member, f"{field_name}.members.{i}")
        if condition.members:
            return
        spec = self.vocabulary.attributes.get(condition.attribute or "")
        if spec is None:
            raise _RuleError(
                f"{field_name}.attribute", f"unknown project attribute {condition.attribute!r}", condition.attribute
            )
        if isinstance(condition.value, SettingRef):
            self._check_setting(condition.value, f"{field_name}.value")
            return
        if not _value_fits(spec, condition.op or "", condition.value):
            raise _RuleError(
                f"{field_name}.value",
                f"{condition.op} {condition.value!r} does not fit a {spec.type} attribute",
                condition.value,
            )

    def _check_setting(self, ref: SettingRef, field_name: str) -> None:
        if ref.setting not in type(self.settings).model_fields:
            raise _RuleError(field_name, f"unknown setting {ref.setting!r}", ref.setting)

    def _check_template(self, text: str, field_name: str) -> None:
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in type(self.settings).model_fields:
                raise _RuleError(field_name, f"placeholder {{{name}}} is not a setting", name)


def _value_fits(spec: AttributeSpec, op: str, value: Any) -> bool:
    if spec.type == "bool":
        return op in ("==", "!=") and isinstance(value, bool)
    if spec.type == "number":
        return (
            op in ("==", "!=", "<", "<=", ">", ">=") and isinstance(value, int | float) and not isinstance(value, bool)
        )
    if spec.type == "choice":
        values = value if isinstance(value, tuple) else (value,)
        return op in ("==", "!=", "in") and all(v in spec.choices for v in values)
    if spec.type == "codes":
        return op == "any_prefix" and isinstance(value, tuple) and all(_is_listed_code(v) for v in value)
    return False


def _is_listed_code(code: str) -> bool:
    try:
        get_industry(code)
    except BadInput:
        return False
    return True


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything inside it (140000 → 14, 140300 → 1403)."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix
