"""Three-valued checks of one rule against one project: true, false, or undecided (missing data).

Each check returns its reasons in plain Chinese (what the project is, what the rule targets)
and, when undecided, what is missing to decide it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ecozone.geo.regions import ReferenceFeature
from ecozone.zoning.catalog import DISTANCE_EPS_M, FeatureCatalog, Selection, UnitHit
from ecozone.zoning.findings import Missing
from ecozone.vocabulary import UnitClass
from ecozone.zoning.industries import describe_industry, industry_within
from ecozone.zoning.project import Project
from ecozone.zoning.rules import Nature, Place

MAX_NAMED_HITS = 3


@dataclass(frozen=True)
class Check:
    """The state of one test (True, False, or None = undecided) with its reasons."""

    state: bool | None
    reasons: tuple[str, ...] = ()
    missing: tuple[Missing, ...] = ()


def any_of(checks: Iterable[Check], if_none: str) -> Check:
    """OR: true if any is true (its reasons), undecided if any is undecided, else false."""
    checks = list(checks)
    true = [c for c in checks if c.state is True]
    if true:
        return Check(True, tuple(r for c in true for r in c.reasons))
    undecided = [c for c in checks if c.state is None]
    if undecided:
        return Check(None, tuple(r for c in undecided for r in c.reasons), tuple(m for c in undecided for m in c.missing))
    return Check(False, tuple(r for c in checks for r in c.reasons) or (if_none,))


_EVERY_NATURE = frozenset(Nature)


def check_nature(natures: Sequence[Nature], project: Project) -> Check:
    if len(natures) == len(_EVERY_NATURE) and _EVERY_NATURE.issuperset(natures):
        return Check(True)
    if project.nature is None:
        wanted = "、".join(n.name_zh for n in natures)
        return Check(None, (f"未申报建设性质（规则针对{wanted}）",), (Missing("nature", "建设性质"),))
    if project.nature in natures:
        return Check(True, (f"建设性质为{project.nature.name_zh}",))
    return Check(False, (f"建设性质为{project.nature.name_zh}，规则只针对{'、'.join(n.name_zh for n in natures)}",))


def industry_state(industry: str | None, code: str) -> bool | None:
    return None if industry is None else industry_within(industry, code)


@lru_cache(maxsize=4096)
def industry_label(code: str | None) -> str:
    if code is None:
        return "（未申报）"
    entry = describe_industry(code)
    return f"{entry.full_code} {entry.name}"


def check_industries(codes: Sequence[str], project: Project) -> Check:
    if project.industry is None:
        return Check(None, ("未申报行业代码",), (Missing("industry", "行业代码（GB/T 4754-2017）"),))
    states = [(code, industry_within(project.industry, code)) for code in codes]
    within = [code for code, state in states if state is True]
    if within:
        if within[0] == project.industry:
            return Check(True, (f"行业为{industry_label(project.industry)}",))
        return Check(True, (f"行业{industry_label(project.industry)}属于{industry_label(within[0])}",))
    finer = [code for code, state in states if state is None]
    if finer:
        wanted = "、".join(industry_label(c) for c in finer[:MAX_NAMED_HITS])
        missing = Missing("industry", f"更细的行业代码（规则针对{wanted}）", project.industry)
        return Check(None, (f"行业代码{project.industry}过粗，无法判断是否属于{wanted}",), (missing,))
    return Check(False, (f"行业{industry_label(project.industry)}不在规则所列行业内",))


def check_units(place: Place, units: Sequence[UnitHit]) -> Check:
    if not units:
        return Check(None, ("项目所在位置没有管控单元数据",), (Missing("units", "项目所在位置的管控单元"),))
    matched = [
        u
        for u in units
        if (not place.unit_classes or u.unit_class in place.unit_classes)
        and (not place.units or u.code in place.units)
        and (not place.elements or any(e in element for e in place.elements for element in u.elements))
    ]
    if matched:
        return Check(
            True,
            tuple(f"涉及管控单元{u.name}（{u.code}，{UnitClass(u.unit_class).name_zh}）" for u in matched[:MAX_NAMED_HITS]),
        )
    return Check(False, ("项目涉及的管控单元不属于规则所列单元类别或要素分区",))


def attribute_value(project: Project, name: str, defaults: Mapping[Nature, Any]) -> tuple[Any, bool]:
    if name in project.attributes:
        return project.attributes[name], False
    if project.nature is not None and project.nature in defaults:
        return defaults[project.nature], True
    return None, False


def compare(op: str, value: Any, expected: Any) -> bool:
    if op == "in":
        return value in expected
    if op == "any_prefix":
        return any(industry_within(v, p) is True for v in value for p in expected)
    return {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[op](value, expected)


def plain_number(value: Any) -> Any:
    """2.0 → 2, so that obligations read "2倍", not "2.0倍"."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


OPERATORS_ZH = {
    "==": "为",
    "!=": "不为",
    "<": "小于",
    "<=": "不大于",
    ">": "大于",
    ">=": "不小于",
    "in": "属于",
    "any_prefix": "含",
}


def show(value: Any, choices: Mapping[str, str] | None = None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return "、".join(show(v, choices) for v in value)
    return (choices or {}).get(value, str(value))


def describe_hit(feature: ReferenceFeature, distance_m: float, limit_m: float) -> str:
    if distance_m <= DISTANCE_EPS_M:
        return f"与{feature.name}（{feature.key}）相交"
    return f"距{feature.name}（{feature.key}）约{distance_m:.0f}米（管控距离{limit_m:.0f}米）"


def selection_names(catalog: FeatureCatalog, selection: Selection) -> str:
    names = [catalog.feature(i).name for i in selection.indices[:MAX_NAMED_HITS]]
    more = "等" if len(selection.indices) > MAX_NAMED_HITS else ""
    return "、".join(names) + more
