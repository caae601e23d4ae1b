"""The answer of an evaluation: findings per rule, rules that do not apply, the verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ecozone.zoning.rules import Effect, Rule, RuleFile


class Verdict(StrEnum):
    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    REVIEW = "review"
    COMPLIANT = "compliant"


class Outcome(StrEnum):
    APPLIES = "applies"
    REVIEW = "review"


@dataclass(frozen=True)
class Missing:
    """Something the evaluation needed and did not have: a project field or reference data."""

    field: str
    label: str
    value: str | None = None

    def to_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "value": self.value}


@dataclass(frozen=True)
class Finding:
    """A rule that applies to the project, or that needs more information (``review``)."""

    rule: Rule
    rule_file: RuleFile
    outcome: Outcome
    reasons: tuple[str, ...]
    missing: tuple[Missing, ...] = ()
    obligation: str | None = None

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)

    def to_dict(self) -> dict:
        rule = self.rule
        document = self.rule_file.document(rule.citation.file)
        return {
            "rule_id": rule.id,
            "title": rule.title,
            "effect": rule.effect.value,
            "dimension": rule.dimension.value,
            "outcome": self.outcome.value,
            "statement": rule.applies if self.outcome is Outcome.APPLIES else None,
            "reason": self.reason,
            "missing": [m.to_dict() for m in self.missing],
            "obligation": self.obligation,
            "jurisdiction": self.rule_file.jurisdiction,
            "citation": {
                "file": rule.citation.file,
                "document": document.title,
                "number": document.number,
                "section": rule.citation.section,
                "clause": rule.citation.clause,
            },
            "assumed": rule.assumed,
            "assumption": rule.assumption,
        }


@dataclass(frozen=True)
class NotApplicable:
    """A rule in force in the project's jurisdiction that does not apply, and why not."""

    rule_id: str
    statement: str
    reason: str

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "statement": self.statement, "reason": self.reason}


@dataclass(frozen=True)
class Evaluation:
    """Every applicable rule with its reason, the obligations, and the combined verdict."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    not_applicable: tuple[NotApplicable, ...]
    as_of: dt.date
    rulebook: Mapping[str, Any]

    @property
    def obligations(self) -> list[dict]:
        return [
            {"rule_id": f.rule.id, "effect": f.rule.effect.value, "text": f.obligation}
            for f in self.findings
            if f.outcome is Outcome.APPLIES and f.obligation
        ]

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.rule.id == rule_id), None)

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
            "obligations": self.obligations,
            "not_applicable": [n.to_dict() for n in self.not_applicable],
            "as_of": self.as_of.isoformat(),
            "rulebook": dict(self.rulebook),
        }


def combine_verdict(findings: Sequence[Finding]) -> Verdict:
    applies = {f.rule.effect for f in findings if f.outcome is Outcome.APPLIES}
    if Effect.PROHIBIT in applies:
        return Verdict.PROHIBITED
    if applies & {Effect.RESTRICT, Effect.REQUIRE}:
        return Verdict.RESTRICTED
    if any(f.outcome is Outcome.REVIEW for f in findings):
        return Verdict.REVIEW
    return Verdict.COMPLIANT
