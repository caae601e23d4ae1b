"""How a screening answer reads to a person: findings in order of weight, the ones that decide
the verdict, what the applicant must do next, plain Chinese in place of ids, and only the
releases that govern the project.

Works on the answer's JSON form (``ScreeningResult.to_dict()``, also what is stored), so stored
answers from earlier versions read the same way. The ids stay in that JSON and in the report's
technical appendix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecozone.documents import DocumentRegistry
from ecozone.vocabulary import VERDICT_ORDER as VOCABULARY_VERDICT_ORDER
from ecozone.zoning.project_vocabulary import load_vocabulary

# Most severe first (ecozone.vocabulary). ``possibly_prohibited`` is a prohibition not yet ruled out.
VERDICT_ORDER = tuple(v.value for v in VOCABULARY_VERDICT_ORDER)

# Reasons name reference features as "名称（kind:slug）" and regions as "名称（140100）".
_FEATURE_KEY = re.compile(r"（[a-z_]+:[A-Za-z0-9][A-Za-z0-9_-]*）")
_BARE_FEATURE_KEY = re.compile(r"\s*\b[a-z_]+:[A-Za-z0-9][A-Za-z0-9_-]*\b\s*")
_REGION_CODE = re.compile(r"（\d{6}）")


def finding_verdict(finding: Mapping[str, Any]) -> str:
    """The most severe verdict a finding leaves open (its own ``verdict`` when the answer has one)."""
    if finding.get("verdict") in VERDICT_ORDER:
        return finding["verdict"]
    effect, applies = finding.get("effect"), finding.get("outcome") == "applies"
    if effect == "prohibit":
        return "prohibited" if applies else "possibly_prohibited"
    if effect in ("restrict", "require"):
        return "restricted" if applies else "review"
    return "compliant"


def by_weight(findings: list[dict]) -> list[dict]:
    """Findings most severe first; within a tier prohibitions before requirements, then as given."""
    effects = {"prohibit": 0, "restrict": 1, "require": 2, "encourage": 3}
    return sorted(findings, key=lambda f: (VERDICT_ORDER.index(finding_verdict(f)), effects.get(f.get("effect"), 9)))


def deciding(findings: list[dict], verdict: str) -> list[dict]:
    """The findings that make the verdict what it is (none for a compliant answer)."""
    if verdict == "compliant":
        return []
    return [f for f in by_weight(findings) if finding_verdict(f) == verdict]


def plain(text: str | None, names: Mapping[str, str] | None = None) -> str:
    """Text without internal ids: "汾河（river:fenhe）" → "汾河", "太原市（140100）" → "太原市"; a
    bare id (in an assumption) becomes its feature's name when known, else goes."""
    if not text:
        return ""
    text = _REGION_CODE.sub("", _FEATURE_KEY.sub("", text))
    return _BARE_FEATURE_KEY.sub(lambda m: (names or {}).get(m.group(0).strip(), ""), text).strip()


def attribute_lines(attributes: Mapping[str, Any]) -> list[str]:
    """Declared attributes as "标签：值" in Chinese (是/否, units, choice names)."""
    vocabulary = load_vocabulary()
    lines = []
    for key, value in attributes.items():
        spec = vocabulary.attributes.get(key)
        if spec is None:
            lines.append(f"{key}：{value}")
            continue
        lines.append(f"{spec.label}：{_attribute_value(spec, value, vocabulary)}")
    return lines


def _attribute_value(spec, value: Any, vocabulary) -> str:
    if spec.type == "bool":
        return "是" if value else "否"
    if spec.type == "number":
        number = f"{value:g}" if isinstance(value, (int, float)) else str(value)
        return f"{number} {spec.unit}" if spec.unit and spec.unit != "%" else f"{number}{spec.unit or ''}"
    if spec.type == "choice":
        return spec.choices.get(str(value), str(value))
    if spec.type == "kinds":
        names = [vocabulary.kinds[k].name if k in vocabulary.kinds else str(k) for k in value or []]
        return "、".join(names) or "无"
    return "、".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)


def governing_releases(answer: Mapping[str, Any]) -> list[dict]:
    """The releases the answer rests on: those of the units hit and of the regions the project is
    in (the province's rules, its city's, its county's), not every release in force."""
    unit_releases = {u.get("release_id") for u in answer.get("units", [])}
    regions = {r["code"] for r in answer.get("regions", [])}
    used = [r for r in answer.get("release", []) if r["id"] in unit_releases or r.get("jurisdiction") in regions]
    return used or list(answer.get("release", []))


@dataclass(frozen=True)
class Citation:
    """A citation as a person reads it, and the ids behind it for the appendix."""

    reference: str
    clause: str
    file: str | None
    issuer: str | None
    date: str | None


def citation(c: Mapping[str, Any] | None, documents: DocumentRegistry) -> Citation | None:
    if not c:
        return None
    document = documents.get(c.get("file"))
    if document is not None:
        reference = document.reference(c.get("section"))
        return Citation(reference, c.get("clause") or "", c.get("file"), document.issuer, document.date)
    number = f"（{c['number']}）" if c.get("number") else ""
    title = f"《{c['document']}》" if c.get("document") else ""
    reference = f"{title}{number} {c.get('section') or ''}".strip()
    return Citation(reference, c.get("clause") or "", c.get("file"), None, None)


def missing_labels(findings: list[dict]) -> list[str]:
    """What the applicant has not said and the open findings need, each once, in order."""
    labels: list[str] = []
    for f in by_weight(findings):
        if f.get("outcome") != "review":
            continue
        for m in f.get("missing") or []:
            if m.get("label") and m["label"] not in labels:
                labels.append(m["label"])
    return labels
