"""The questions an undecided answer asks, and what the verdict becomes under each answer.

A finding under review names what it is missing (``Missing``). Each distinct missing item is a
question. It *decides a prohibition* when a prohibiting rule is waiting for it; otherwise it only
refines obligations. For each question the evaluation is run again under each possible answer
(with every other question still open), so the answer can say: "if yes → prohibited, if no →
restricted". Project fields are answered with real values (a yes/no attribute, each choice, each
construction nature, numbers on either side of every threshold a waiting rule uses); kinds,
finer industry codes and places near the edge of a band are answered by deciding the check
itself (the project is / is not of that kind, within / outside the band).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecozone.zoning.findings import Finding, Missing, Outcome, Verdict
from ecozone.zoning.project import Project
from ecozone.zoning.project_vocabulary import Vocabulary
from ecozone.zoning.rules import Condition, Effect, Nature

# A project with some fields replaced, and some checks decided by key (True: holds).
Hypothesis = tuple[Mapping[str, Any], Mapping[str, bool]]
VerdictUnder = Callable[[Project, Mapping[str, bool]], Verdict]

_FIELD_ATTRIBUTE = "attributes."


@dataclass(frozen=True)
class Answer:
    """One possible answer to a question and the verdict it leads to."""

    label: str
    verdict: Verdict
    value: Any = None

    def to_dict(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"answer": self.label, "value": value, "verdict": self.verdict.value, "verdict_name": self.verdict.name_zh}


@dataclass(frozen=True)
class Question:
    """Something the applicant (or the reviewer) can answer, with the rules waiting for it."""

    key: str
    field: str
    label: str
    decides_prohibition: bool
    rule_ids: tuple[str, ...]
    answers: tuple[Answer, ...]

    @property
    def changes_verdict(self) -> bool:
        return len({a.verdict for a in self.answers}) > 1

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "field": self.field,
            "label": self.label,
            "decides_prohibition": self.decides_prohibition,
            "changes_verdict": self.changes_verdict,
            "rule_ids": list(self.rule_ids),
            "answers": [a.to_dict() for a in self.answers],
        }


def ask(
    findings: Sequence[Finding],
    project: Project,
    vocabulary: Vocabulary,
    threshold_of: Callable[[Any], Any],
    verdict_under: VerdictUnder,
) -> tuple[Question, ...]:
    """The questions of the findings under review: those deciding a prohibition first."""
    waiting: dict[str, tuple[Missing, list[Finding]]] = {}
    for finding in findings:
        if finding.outcome is not Outcome.REVIEW:
            continue
        for missing in finding.missing:
            waiting.setdefault(missing.key, (missing, []))[1].append(finding)
    questions = []
    for key, (missing, waiting_findings) in waiting.items():
        answers = tuple(
            Answer(label, verdict_under(*_apply(project, hypothesis)), value)
            for label, value, hypothesis in _answers(missing, waiting_findings, project, vocabulary, threshold_of)
        )
        questions.append(
            Question(
                key=key,
                field=missing.field,
                label=missing.label,
                decides_prohibition=any(f.rule.effect is Effect.PROHIBIT for f in waiting_findings),
                rule_ids=tuple(dict.fromkeys(f.rule.id for f in waiting_findings)),
                answers=answers,
            )
        )
    return tuple(sorted(questions, key=lambda q: (not q.decides_prohibition, not q.changes_verdict)))


def _apply(project: Project, hypothesis: Hypothesis) -> tuple[Project, Mapping[str, bool]]:
    fields, decided = hypothesis
    if not fields:
        return project, decided
    attributes = dict(project.attributes)
    nature = project.nature
    for name, value in fields.items():
        if name == "nature":
            nature = value
        else:
            attributes[name.removeprefix(_FIELD_ATTRIBUTE)] = value
    return Project(project.geometry, project.industry, nature, attributes, project.name), decided


def _answers(
    missing: Missing,
    findings: Sequence[Finding],
    project: Project,
    vocabulary: Vocabulary,
    threshold_of: Callable[[Any], Any],
) -> list[tuple[str, Any, Hypothesis]]:
    """(label, value, hypothesis) for each answer the question can get."""
    if missing.field == "nature":
        return [(n.name_zh, n.value, ({"nature": n}, {})) for n in Nature]
    if missing.field.startswith(_FIELD_ATTRIBUTE) and missing.value is None:
        name = missing.field.removeprefix(_FIELD_ATTRIBUTE)
        spec = vocabulary.attributes.get(name)
        if spec is not None and spec.type == "bool":
            return [("是", True, ({missing.field: True}, {})), ("否", False, ({missing.field: False}, {}))]
        if spec is not None and spec.type == "choice":
            return [(label, value, ({missing.field: value}, {})) for value, label in spec.choices.items()]
        if spec is not None and spec.type == "number":
            cuts = sorted(
                {float(threshold_of(c.value)) for f in findings for c in _leaves(f.rule.conditions) if c.attribute == name}
            )
            if cuts:
                return [(label, value, ({missing.field: value}, {})) for label, value in _number_answers(cuts, spec.unit or "")]
    yes, no = _yes_no(missing)
    return [(yes, True, ({}, {missing.key: True})), (no, False, ({}, {missing.key: False}))]


def _yes_no(missing: Missing) -> tuple[str, str]:
    if missing.field.startswith("location"):
        return "位于管控范围内", "位于管控范围外"
    if missing.field == "industry":
        return "属于规则所列行业", "不属于规则所列行业"
    if missing.field == "reference_features":
        return "位于该要素管控范围内", "不在该要素管控范围内"
    return "是", "否"


def _number_answers(cuts: Sequence[float], unit: str) -> list[tuple[str, float]]:
    """A value in each stretch between thresholds, and each threshold itself (rules use < and ≤)."""

    def show(x: float) -> str:
        return f"{int(x)}" if x.is_integer() else f"{x:g}"

    answers = [(f"小于{show(cuts[0])}{unit}", cuts[0] - max(1e-6, abs(cuts[0]) * 1e-9))]
    for i, cut in enumerate(cuts):
        answers.append((f"等于{show(cut)}{unit}", cut))
        upper = cuts[i + 1] if i + 1 < len(cuts) else None
        above = cut + max(1e-6, abs(cut) * 1e-9)
        label = f"大于{show(cut)}{unit}" + (f"且小于{show(upper)}{unit}" if upper is not None else "")
        answers.append((label, above))
    return answers


def _leaves(conditions: Iterable[Condition]) -> Iterable[Condition]:
    for condition in conditions:
        if condition.members:
            yield from _leaves(condition.members)
        else:
            yield condition
