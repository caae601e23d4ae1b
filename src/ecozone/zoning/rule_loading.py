"""Loading a rulebook: YAML rule and group files, validated; errors name file, rule and field."""

from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from ecozone.errors import BadInput
from ecozone.zoning.industries import get_industry
from ecozone.zoning.project_vocabulary import AttributeSpec, Vocabulary, load_vocabulary
from ecozone.zoning.rules import Condition, IndustryGroup, Place, Rule, Rulebook, RuleFile, SettingRef, region_prefix
from ecozone.zoning.settings import RuleSettings

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
            raise _RuleError("citation.file", f"{rule.citation.file} is not among the file's documents", rule.citation.file)
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
            raise _RuleError(f"{field_name}.attribute", f"unknown project attribute {condition.attribute!r}", condition.attribute)
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
        return op in ("==", "!=", "<", "<=", ">", ">=") and isinstance(value, int | float) and not isinstance(value, bool)
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
