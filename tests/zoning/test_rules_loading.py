"""Loading and validating rule files: a bad rule raises BadInput naming file, rule id and field."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from ecozone.errors import BadInput
from ecozone.zoning.model import Dimension
from ecozone.zoning.project_vocabulary import load_vocabulary
from ecozone.zoning.rule_loading import load_rulebook
from ecozone.zoning.rules import Effect, Nature
from ecozone.zoning.settings import RuleSettings

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "shanxi" / "rules"

HEADER = """\
jurisdiction: "140405"
issuer: 测试
title: 测试规则
valid_from: 2021-01-01
documents:
  - file: 003_1235a785acafef24.txt
    title: 屯留区规划
rules:
"""

GOOD_RULE = """\
  - id: TL-003-TEST-RULE
    title: 测试规则
    dimension: spatial_layout
    effect: prohibit
    where:
      - features: {keys: ["river:jianghe"]}
        within_m: 800
    who:
      industries: ["2521"]
    natures: [new]
    applies: 适用。
    not_applies: 不适用。
    citation:
      file: 003_1235a785acafef24.txt
      section: 七、（一）
      clause: 禁止
"""


def _write(tmp_path: Path, rules: str, name: str = "rules.yaml", header: str = HEADER) -> Path:
    (tmp_path / name).write_text(header + rules, "utf-8")
    return tmp_path


def _error(tmp_path: Path, rules: str) -> BadInput:
    _write(tmp_path, rules)
    with pytest.raises(BadInput) as info:
        load_rulebook(tmp_path)
    return info.value


def test_a_good_rule_loads_with_the_header_date(tmp_path: Path) -> None:
    rulebook = load_rulebook(_write(tmp_path, GOOD_RULE))
    rule = rulebook.get("TL-003-TEST-RULE")
    assert rule.effect is Effect.PROHIBIT and rule.dimension is Dimension.SPATIAL_LAYOUT
    assert rule.natures == (Nature.NEW,)
    assert rule.valid_from == dt.date(2021, 1, 1)
    assert rule.where[0].within_m == 800
    assert rulebook.file_of(rule.id).jurisdiction == "140405"
    assert len(rulebook.digest) == 16


@pytest.mark.parametrize(
    ("change", "field_name", "words"),
    [
        (('industries: ["2521"]', 'industries: ["2525"]'), "who.industries", "2525"),
        (('industries: ["2521"]', 'industries: ["@nope"]'), "who.industries", "@nope"),
        (("effect: prohibit", "effect: restrict"), "(rule)", "obligation"),
        (("within_m: 800", "within_m: {setting: no_such_setting}"), "where.0.within_m", "no_such_setting"),
        (('keys: ["river:jianghe"]', 'keys: ["river-jianghe"]'), "where.0.features", "river-jianghe"),
        (("id: TL-003-TEST-RULE", "id: tl-test"), "(rule)", "tl-test"),
        (("    natures: [new]\n", "    natures: [new]\n    wher: []\n"), "wher", "Unexpected"),
        (("    natures: [new]\n", "    natures: [new]\n    assumed: true\n"), "(rule)", "assumption"),
        (
            ("file: 003_1235a785acafef24.txt\n      section", "file: 001_47dba2e9a193b9f3.txt\n      section"),
            "citation.file",
            "documents",
        ),
        (("natures: [new]", "natures: [demolish]"), "natures.0", "Input should be"),
        (
            (
                "    natures: [new]\n",
                "    natures: [new]\n    conditions:\n      - {attribute: in_parc, op: '==', value: true}\n",
            ),
            "conditions.0.attribute",
            "in_parc",
        ),
        (
            (
                "    natures: [new]\n",
                "    natures: [new]\n    conditions:\n      - {attribute: in_park, op: '<', value: 3}\n",
            ),
            "conditions.0.value",
            "bool",
        ),
        (
            ('      - features: {keys: ["river:jianghe"]}\n        within_m: 800\n', '      - regions: ["140300"]\n'),
            "where.0.regions",
            "jurisdiction",
        ),
    ],
)
def test_bad_rule_names_file_rule_and_field(
    tmp_path: Path, change: tuple[str, str], field_name: str, words: str
) -> None:
    old, new = change
    assert old in GOOD_RULE
    error = _error(tmp_path, GOOD_RULE.replace(old, new))
    assert error.detail["field"] == field_name
    assert "rules.yaml" in error.message
    assert re.search(r"rule (TL-003-TEST-RULE|tl-test)", error.message), error.message
    assert words in error.message


def test_bad_obligation_placeholder(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace("effect: prohibit", "effect: require\n    obligation: 按{no_ratio}倍替代")
    error = _error(tmp_path, rule)
    assert error.detail["field"] == "obligation" and "no_ratio" in error.message


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    _write(tmp_path, GOOD_RULE, "a.yaml")
    _write(tmp_path, GOOD_RULE, "b.yaml")
    with pytest.raises(BadInput, match=r"b\.yaml: rule TL-003-TEST-RULE: id: already used in a\.yaml"):
        load_rulebook(tmp_path)


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("rules: [\n  - id: x", "utf-8")
    with pytest.raises(BadInput, match="broken.yaml: not valid YAML"):
        load_rulebook(tmp_path)


def test_empty_directory_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no rule files"):
        load_rulebook(tmp_path)


def test_groups_expand_recursively(tmp_path: Path) -> None:
    (tmp_path / "groups.yaml").write_text(
        textwrap.dedent(
            """\
            groups:
              coking: {name: 焦化, industries: ["2521"]}
              heavy: {name: 重污染, industries: ["@coking", "3011"]}
            """
        ),
        "utf-8",
    )
    rulebook = load_rulebook(
        _write(tmp_path, GOOD_RULE.replace('industries: ["2521"]', 'industries: ["@heavy", "2521"]'))
    )
    assert rulebook.get("TL-003-TEST-RULE").who.industries == ("2521", "3011")


def test_group_cycle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "groups.yaml").write_text(
        "groups:\n  a: {name: a, industries: ['@b']}\n  b: {name: b, industries: ['@a']}\n", "utf-8"
    )
    _write(tmp_path, GOOD_RULE)
    with pytest.raises(BadInput, match="includes itself"):
        load_rulebook(tmp_path)


# --- the shipped Shanxi rulebook ------------------------------------------------------------


def test_shipped_rulebook_is_valid_and_cited() -> None:
    rulebook = load_rulebook(SHIPPED)
    assert {f.jurisdiction for f in rulebook.files} == {"140000", "140300", "140405", "141122"}
    ids = [r.id for r in rulebook.rules]
    assert len(ids) == len(set(ids)) >= 100
    for rule in rulebook.rules:
        assert re.fullmatch(r"00[0-4]_[0-9a-f]{16}\.txt", rule.citation.file), rule.id
        assert rule.citation.section and len(rule.citation.clause) >= 4, rule.id
        assert rule.applies and rule.not_applies, rule.id
        assert rule.id[3:6] == rule.citation.file[:3], rule.id  # SX-001-… cites seed 001


def test_every_seed_the_design_names_has_rules() -> None:
    rulebook = load_rulebook(SHIPPED)
    cited = {r.citation.file[:3] for r in rulebook.rules}
    assert cited == {"000", "001", "002", "003", "004"}


def test_settings_each_answer_a_rule() -> None:
    rulebook = load_rulebook(SHIPPED)
    text = "".join(p.read_text("utf-8") for p in SHIPPED.glob("*.yaml"))
    for name in RuleSettings.model_fields:
        assert name in text, f"setting {name} is used by no rule"
    assumed = [r for r in rulebook.rules if r.assumed]
    assert all(r.assumption for r in assumed) and len(assumed) >= 20


def test_vocabulary_kinds_and_attributes() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.kind_id("独立焦化") == "standalone_coking"
    assert vocabulary.kind_id("standalone_coking") == "standalone_coking"
    assert vocabulary.kind_id("不存在") is None
    assert vocabulary.attributes["adds_capacity"].defaults == {Nature.NEW: True, Nature.EXPAND: True}
    raw = yaml.safe_load(
        (SHIPPED.parent.parent.parent / "src/ecozone/zoning/data/project_vocabulary.yaml").read_text("utf-8")
    )
    assert set(raw["kinds"]) == set(vocabulary.kinds)
