"""The answer of an evaluation: findings per rule, rules that do not apply, the verdict.

The verdict is the most severe outcome that is not yet ruled out (docs/rules.md, "The verdict"):
a prohibition that applies gives ``prohibited``; one that cannot be decided for want of an
answer gives ``possibly_prohibited``, whatever obligations also apply; a restriction that
applies gives ``restricted``; one that cannot be decided gives ``review``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ecozone.vocabulary import VERDICT_NAMES_ZH, VERDICT_ORDER, Verdict  # noqa: F401 (callers import them from here)
from ecozone.zoning.rules import Effect, Rule, RuleFile


class Outcome(StrEnum):
    APPLIES = "applies"
    REVIEW = "review"


def worst_open_outcome(effect: str, outcome: str) -> Verdict:
    """The most severe verdict a finding of this effect and outcome leaves open."""
    if effect == Effect.PROHIBIT:
        return Verdict.PROHIBITED if outcome == Outcome.APPLIES else Verdict.POSSIBLY_PROHIBITED
    if effect in (Effect.RESTRICT, Effect.REQUIRE):
        return Verdict.RESTRICTED if outcome == Outcome.APPLIES else Verdict.REVIEW
    return Verdict.COMPLIANT


def most_severe(verdicts: Iterable[Verdict | str]) -> Verdict:
    """The most severe of some verdicts (compliant when there are none)."""
    return max((Verdict(v) for v in verdicts), key=lambda v: v.severity, default=Verdict.COMPLIANT)


def verdict_of_findings(findings: Iterable[Mapping[str, Any]]) -> Verdict:
    """The verdict of findings as stored (dicts with ``effect`` and ``outcome``), old or new."""
    return most_severe(worst_open_outcome(f["effect"], f["outcome"]) for f in findings)


@dataclass(frozen=True)
class Missing:
    """Something the evaluation needed and did not have: a project field or reference data."""

    field: str
    label: str
    value: str | None = None

    @property
    def key(self) -> str:
        """Identifies one question: the field, and the value it is about when there is one."""
        return f"{self.field}:{self.value}" if self.value is not None else self.field

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

    @property
    def worst_open(self) -> Verdict:
        return worst_open_outcome(self.rule.effect, self.outcome)

    def to_dict(self) -> dict:
        rule = self.rule
        document = self.rule_file.document(rule.citation.file)
        return {
            "rule_id": rule.id,
            "title": rule.title,
            "effect": rule.effect.value,
            "dimension": rule.dimension.value,
            "outcome": self.outcome.value,
            "verdict": self.worst_open.value,
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
    questions: tuple[Any, ...] = ()  # ecozone.zoning.questions.Question, deciding ones first

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
            "questions": [q.to_dict() for q in self.questions],
            "as_of": self.as_of.isoformat(),
            "rulebook": dict(self.rulebook),
        }


def combine_verdict(findings: Sequence[Finding]) -> Verdict:
    """Never milder than the worst outcome any finding leaves open."""
    return most_severe(f.worst_open for f in findings)
