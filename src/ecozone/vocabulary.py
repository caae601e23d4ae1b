"""The words every domain shares, defined once: the three classes of control unit, the four
dimensions of an access list (生态环境准入清单) and the verdicts of a screening.

Verdicts are declared from most to least severe; that declaration order is the ordering every
combination uses (``VERDICT_ORDER``, ``most_severe``), so a new tier is one new member in its
place plus its names.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum, StrEnum


class UnitClass(IntEnum):
    """The three classes of control unit; the value is the class digit of the unit code."""

    PRIORITY = 1  # 优先保护单元
    KEY = 2  # 重点管控单元
    GENERAL = 3  # 一般管控单元

    @property
    def name_zh(self) -> str:
        return _CLASS_NAMES_ZH[self]

    @property
    def name_en(self) -> str:
        return _CLASS_NAMES_EN[self]

    @property
    def word_zh(self) -> str:
        """The class word without 单元 (优先保护 …), as unit files and plans write it."""
        return self.name_zh.removesuffix("单元")


_CLASS_NAMES_ZH = {
    UnitClass.PRIORITY: "优先保护单元",
    UnitClass.KEY: "重点管控单元",
    UnitClass.GENERAL: "一般管控单元",
}
_CLASS_NAMES_EN = {
    UnitClass.PRIORITY: "priority protection unit",
    UnitClass.KEY: "key control unit",
    UnitClass.GENERAL: "general control unit",
}


class Dimension(StrEnum):
    """The four dimensions of an access list (生态环境准入清单)."""

    SPATIAL_LAYOUT = "spatial_layout"  # 空间布局约束
    EMISSIONS = "emissions"  # 污染物排放管控
    RISK = "risk"  # 环境风险防控
    RESOURCES = "resources"  # 资源利用效率

    @property
    def name_zh(self) -> str:
        return _DIMENSION_NAMES_ZH[self]


_DIMENSION_NAMES_ZH = {
    Dimension.SPATIAL_LAYOUT: "空间布局约束",
    Dimension.EMISSIONS: "污染物排放管控",
    Dimension.RISK: "环境风险防控",
    Dimension.RESOURCES: "资源利用效率",
}


class Verdict(StrEnum):
    """The combined answer of a screening, most severe first (the order of the members is the ranking)."""

    PROHIBITED = "prohibited"
    POSSIBLY_PROHIBITED = "possibly_prohibited"
    RESTRICTED = "restricted"
    REVIEW = "review"
    COMPLIANT = "compliant"

    @property
    def severity(self) -> int:
        """Higher is more severe: compliant 0 … prohibited 4."""
        return len(VERDICT_ORDER) - 1 - VERDICT_ORDER.index(self)

    @property
    def name_zh(self) -> str:
        return VERDICT_NAMES_ZH[self.value]


# Most severe first; a verdict stored before ``possibly_prohibited`` existed reads unchanged.
VERDICT_ORDER: tuple[Verdict, ...] = tuple(Verdict)
VERDICT_NAMES_ZH = {
    "prohibited": "禁止",
    "possibly_prohibited": "可能禁止，须核实",
    "restricted": "限制",
    "review": "需进一步审查",
    "compliant": "符合",
}


def most_severe(verdicts: Iterable[str], default: Verdict = Verdict.COMPLIANT) -> Verdict:
    """The most severe of ``verdicts`` (values or members); ``default`` when there are none."""
    return max((Verdict(v) for v in verdicts), key=lambda v: v.severity, default=default)
