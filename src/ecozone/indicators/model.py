"""Plain dataclasses of the indicator domain: plans, indicators, targets and citations."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ecozone.errors import NotFound


class Direction(StrEnum):
    """Which way an indicator improves."""

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.HIGHER else -1

    @property
    def label(self) -> str:
        return "越高越好" if self is Direction.HIGHER else "越低越好"


class Binding(StrEnum):
    """指标属性: constrained (约束性), expected (预期性) or not stated by the seed."""

    CONSTRAINT = "约束性"
    EXPECTED = "预期性"
    UNSPECIFIED = "未注明"

    @property
    def rank(self) -> int:
        """Sort key: constrained indicators come first in every listing."""
        return {Binding.CONSTRAINT: 0, Binding.EXPECTED: 1, Binding.UNSPECIFIED: 2}[self]

    @property
    def code(self) -> str:
        return {Binding.CONSTRAINT: "binding", Binding.EXPECTED: "expected", Binding.UNSPECIFIED: "unspecified"}[self]


class ValueKind(StrEnum):
    """Numbers, or ordinal water-quality classes (Ⅰ=1 … Ⅴ=5, 劣Ⅴ=6)."""

    NUMBER = "number"
    CLASS = "class"


class Comparator(StrEnum):
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="
    APPROX = "≈"
    RANGE = "～"


class TargetKind(StrEnum):
    """How a target is stated; each kind has its rule in docs/indicator-methods.md."""

    ABSOLUTE = "absolute"  # a value with a comparator, or a range
    RELATIVE = "relative"  # a change against a reference year: "下降20%", "提高5个百分点"
    ANNUAL_RATE = "annual_rate"  # a change per year: "年均增长6%", "年均提高0.5个百分点"
    NO_WORSE = "no_worse"  # 不减少 / 不发生恶化
    STABLE = "stable"  # 保持稳定
    IMPROVE = "improve"  # 进一步提升 / 持续减少 / 提档升级
    ENSURED = "ensured"  # 有效保障
    ASSIGNED = "assigned"  # 完成上级下达目标 / 指标
    REFERENCE = "reference"  # 达到全省平均水平


QUALITATIVE_KINDS = {
    "不减少": TargetKind.NO_WORSE,
    "不发生恶化": TargetKind.NO_WORSE,
    "保持稳定": TargetKind.STABLE,
    "进一步提升": TargetKind.IMPROVE,
    "进一步降低": TargetKind.IMPROVE,
    "持续减少": TargetKind.IMPROVE,
    "持续下降": TargetKind.IMPROVE,
    "提升": TargetKind.IMPROVE,
    "提档升级": TargetKind.IMPROVE,
    "有效保障": TargetKind.ENSURED,
    "完成市下达目标": TargetKind.ASSIGNED,
    "完成市下达指标": TargetKind.ASSIGNED,
    "完成国家下达指标": TargetKind.ASSIGNED,
    "完成国家下达目标": TargetKind.ASSIGNED,
    "完成上级下达目标": TargetKind.ASSIGNED,
    "达到全省平均水平": TargetKind.REFERENCE,
}


@dataclass(frozen=True)
class Citation:
    """Where a value comes from: seed file, section and the clause quoted verbatim."""

    seed: str
    section: str
    clause: str

    def as_dict(self) -> dict[str, str]:
        return {"seed": self.seed, "section": self.section, "clause": self.clause}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None = None


@dataclass(frozen=True)
class Metric:
    """What is measured; observations are keyed by metric and region."""

    key: str
    name: str
    unit: str
    direction: Direction
    kind: ValueKind = ValueKind.NUMBER
    bounds: tuple[float, float] | None = None  # natural limits, used to clamp projections
    plausible: tuple[float, float] | None = None  # accepted range of observed values


@dataclass(frozen=True)
class Threshold:
    """A numeric condition: comparator and value, or a range [low, high]."""

    comparator: Comparator
    value: float | None = None
    low: float | None = None
    high: float | None = None
    tolerance_pct: float = 0.0  # only for Comparator.APPROX

    def __post_init__(self) -> None:
        if self.comparator is Comparator.RANGE:
            if self.low is None or self.high is None or self.low > self.high:
                raise ValueError(f"range threshold needs low <= high, got {self.low}..{self.high}")
        elif self.value is None:
            raise ValueError(f"threshold {self.comparator} needs a value")


@dataclass(frozen=True)
class Change:
    """A change against a reference value: ``amount`` in percent ("pct") or points ("pt")."""

    comparator: Comparator
    amount: float
    unit: str  # "pct" | "pt"


@dataclass(frozen=True)
class Baseline:
    year: int
    value: float | None
    citation: Citation | None = None
    assumed: bool = False
    assumed_reason: str | None = None


@dataclass(frozen=True)
class Target:
    year: int
    kind: TargetKind
    label: str  # the target as the seed states it, e.g. "≥75", "不减少", "45～55"
    threshold: Threshold | None = None
    change: Change | None = None
    relative_to: tuple[int, ...] = ()
    annual: bool = False  # the value applies to every year of the plan period
    assigned_by: str | None = None
    parent: str | None = None  # indicator id of the parent plan's indicator
    reference_region: str | None = None
    assumed: bool = False
    assumed_reason: str | None = None
    basis: str | None = None  # an external standard the value is taken from
    citation: Citation | None = None
    note: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    plan_id: str
    key: str
    number: int | None
    category: str
    name: str
    metric: Metric
    region: str
    binding: Binding
    targets: tuple[Target, ...]
    citation: Citation
    scope: str | None = None
    baseline: Baseline | None = None
    progress_start: Baseline | None = None  # overrides the start point of the progress ratio
    also_cited: tuple[Citation, ...] = ()
    related: tuple[str, ...] = ()
    note: str | None = None

    @property
    def unit(self) -> str:
        return self.metric.unit

    @property
    def direction(self) -> Direction:
        return self.metric.direction

    def target_for(self, year: int) -> Target:
        """The governing target in ``year``: the first milestone not yet passed, else the last."""
        ordered = sorted(self.targets, key=lambda t: t.year)
        for target in ordered:
            if target.year >= year:
                return target
        return ordered[-1]


@dataclass(frozen=True)
class OutlookStatement:
    year: int
    text: str
    citation: Citation


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    name_en: str
    region: str
    seed: str
    document: str
    period: tuple[int, int]
    base_year: int | None
    categories: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    issued: str | None = None
    parent: str | None = None  # plan id of the parent plan when it is in the registry
    upstream: tuple[str, ...] = ()  # higher-level plans the seed names that are not in the registry
    outlook: tuple[OutlookStatement, ...] = ()
    note: str | None = None

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise NotFound(f"indicator {indicator_id!r} is not in plan {self.id!r}", indicator=indicator_id)
