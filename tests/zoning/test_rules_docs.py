"""The editor docs stay in step with the rulebook: every rule in the coverage table, every
setting, attribute, kind and group described in docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

from ecozone.zoning.project_vocabulary import load_vocabulary
from ecozone.zoning.rule_loading import load_rulebook
from ecozone.zoning.settings import RuleSettings

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "data" / "shanxi" / "rules"
COVERAGE = (ROOT / "docs" / "rule-coverage.md").read_text("utf-8")
GUIDE = (ROOT / "docs" / "rules.md").read_text("utf-8")
RULE_ID = re.compile(r"\b(?:SX|YQ|TL|JC)-\d{3}-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


def test_coverage_table_accounts_for_every_rule_and_only_real_ones() -> None:
    ids = {rule.id for rule in load_rulebook(RULES).rules}
    mentioned = set(RULE_ID.findall(COVERAGE))
    assert ids - mentioned == set(), "rules missing from docs/rule-coverage.md"
    assert mentioned - ids == set(), "docs/rule-coverage.md names rules that do not exist"


def test_guide_describes_every_setting_attribute_kind_and_group() -> None:
    vocabulary = load_vocabulary()
    names = [*RuleSettings.model_fields, *vocabulary.attributes, *vocabulary.kinds]
    names += [f"@{group}" for group in load_rulebook(RULES).groups]
    missing = [name for name in names if f"`{name}`" not in GUIDE]
    assert missing == []
