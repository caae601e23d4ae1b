"""Rule files as they travel with a release: (name, YAML text) pairs, checked before storing,
split into per-rule records for listing and diffs, and turned back into a ``Rulebook``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from ecozone.errors import BadInput
from ecozone.zoning.rule_loading import load_rulebook_texts
from ecozone.zoning.rules import Rulebook

RuleFileText = tuple[str, str]


def read_rule_directory(directory: Path) -> list[RuleFileText]:
    """Every ``*.yaml`` of a rules folder as (name, text), in name order."""
    return [(path.name, path.read_text(encoding="utf-8")) for path in sorted(Path(directory).glob("*.yaml"))]


def _raw(name: str, text: str) -> dict:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BadInput(f"{name}: not valid YAML: {exc}", field="file", value=name) from exc
    if not isinstance(raw, dict):
        raise BadInput(f"{name}: a rule file is a YAML mapping", field="file", value=name)
    return raw


def jurisdiction_of(name: str, text: str) -> str | None:
    """The jurisdiction a rule file declares (None for a group file)."""
    raw = _raw(name, text)
    return str(raw["jurisdiction"]) if "rules" in raw and "jurisdiction" in raw else None


def is_group_file(name: str, text: str) -> bool:
    return "groups" in _raw(name, text) and "rules" not in _raw(name, text)


def rule_records(files: Sequence[RuleFileText]) -> list[dict]:
    """One record per rule (its YAML mapping plus the file it came from), for storage and diffs."""
    records = []
    for name, text in files:
        raw = _raw(name, text)
        for rule in raw.get("rules") or []:
            records.append({**rule, "file": name, "jurisdiction": str(raw.get("jurisdiction", ""))})
    return records


def build_rulebook(files: Sequence[RuleFileText], shared_groups: Sequence[RuleFileText] = ()) -> Rulebook:
    """Validate and load rule files; group files from elsewhere (the province) fill in ``@groups``."""
    own = {name for name, _ in files}
    extra = [(name, text) for name, text in shared_groups if name not in own]
    return load_rulebook_texts([*files, *extra])
