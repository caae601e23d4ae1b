"""Ledger resources and the offset requirements the rulebook's findings trigger, each cited."""

from __future__ import annotations

from dataclasses import dataclass

# Resources a ledger holds, with their unit (per year) and Chinese name.
RESOURCES: dict[str, tuple[str, str]] = {
    "coal": ("煤炭消费量", "t/a"),
    "so2": ("二氧化硫", "t/a"),
    "nox": ("氮氧化物", "t/a"),
    "vocs": ("挥发性有机物", "t/a"),
    "particulate": ("颗粒物", "t/a"),
    "capacity": ("产能", "万t/a"),
}
SOURCE_KINDS = {"closure": "关停淘汰", "retrofit": "治理改造（核定削减量）"}
AIR_POLLUTANTS = ("so2", "nox", "vocs", "particulate")


@dataclass(frozen=True)
class Requirement:
    """An offset a rule asks for once its finding applies: resources, ratio setting, source scope."""

    rule_id: str
    resources: tuple[str, ...]
    ratio_setting: str  # a LedgerSettings or RuleSettings field
    scope: str  # "city" | "province" | "zone:<feature key>" | "setting" (LedgerSettings.coal_source_scope)
    label: str


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("SX-000-COAL-SUBSTITUTION", ("coal",), "coal_equal_ratio", "setting", "煤炭消费减量或等量替代"),
    Requirement("SX-000-COAL-CAP-JJJ", ("coal",), "coal_reduction_ratio", "setting", "煤炭消费减量替代（京津冀及周边4市）"),
    Requirement("SX-000-COAL-CAP-FENWEI", ("coal",), "coal_reduction_ratio", "setting", "煤炭消费减量替代（汾渭平原4市）"),
    Requirement(
        "SX-000-1PLUS30-AIR-OFFSET", AIR_POLLUTANTS, "taiyuan_1plus30_offset_ratio", "zone:zone:taiyuan-1plus30",
        "“1+30”区域主要大气污染物总量削减替代（不得跨区域转入）",
    ),
)


@dataclass(frozen=True)
class Source:
    """A banked reduction: where, what, how much per year, since when, on which document."""

    id: int
    code: str
    region_code: str
    resource: str
    kind: str
    amount: float
    effective_on: object
    document: str
    industry: str | None = None
    note: str = ""
    demo: bool = False
    drawn_by: str | None = None  # screening id of the draw, if drawn
    drawn_result_id: str | None = None
    drawn_project: str | None = None

    def summary(self) -> dict:
        return {
            "code": self.code, "region_code": self.region_code, "resource": self.resource, "kind": self.kind,
            "kind_name": SOURCE_KINDS.get(self.kind, self.kind), "amount": self.amount,
            "resource_name": RESOURCES.get(self.resource, (self.resource, ""))[0],
            "effective_on": str(self.effective_on), "document": self.document, "demo": self.demo,
        }
