"""The status method (docs/indicator-methods.md): progress ratio R, projection, gap, status.

R is the observed annual growth since the start point divided by the growth required to reach
the goal by the target year (Open SDG / Statistics Canada): R ≥ 0.95 on track, 0.6 ≤ R < 0.95
moderate, 0 ≤ R < 0.6 limited, R < 0 deteriorating. Growth is compound when the start, current
and goal values are all positive, otherwise linear (absolute change per year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ecozone.indicators.model import Direction, Metric, TargetKind, Threshold, ValueKind
from ecozone.indicators.settings import IndicatorSettings
from ecozone.indicators.targets import goal_value, in_range, is_met


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    LIMITED = "limited"
    DETERIORATING = "deteriorating"
    NOT_ACHIEVED = "not_achieved"
    NOT_ASSESSABLE = "not_assessable"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.ACHIEVED: "已实现",
    Status.ON_TRACK: "进展良好",
    Status.MODERATE: "进展一般",
    Status.LIMITED: "进展有限",
    Status.DETERIORATING: "退步",
    Status.NOT_ACHIEVED: "未实现",
    Status.NOT_ASSESSABLE: "无法评估",
    Status.NO_DATA: "无数据",
}

COMPOUND = "compound"
LINEAR = "linear"
COMPARISON = "comparison"


@dataclass(frozen=True)
class Point:
    year: int
    value: float

    def as_dict(self) -> dict[str, float | int]:
        return {"year": self.year, "value": round(self.value, 6) + 0.0}


@dataclass(frozen=True)
class Progress:
    """The outcome of the method for one indicator in one evaluation year."""

    status: Status
    method: str = COMPARISON
    ratio: float | None = None
    start: Point | None = None
    current: Point | None = None
    goal: float | None = None
    required_rate: float | None = None
    observed_rate: float | None = None
    projection: Point | None = None
    projected_gap: float | None = None
    projected_met: bool | None = None
    required_path: tuple[Point, ...] = ()
    notes: tuple[str, ...] = field(default=())


def classify_ratio(ratio: float, settings: IndicatorSettings) -> Status:
    """Map R onto on track / moderate / limited / deteriorating."""
    if ratio >= settings.on_track_min_ratio:
        return Status.ON_TRACK
    if ratio >= settings.moderate_min_ratio:
        return Status.MODERATE
    if ratio >= 0:
        return Status.LIMITED
    return Status.DETERIORATING


def growth_method(values: list[float], kind: ValueKind) -> str:
    """Compound growth needs strictly positive values; classes and zeros use linear change."""
    if kind is ValueKind.CLASS or any(v <= 0 for v in values):
        return LINEAR
    return COMPOUND


def annual_rate(a: Point, b: Point, method: str) -> float:
    """Per-year change from a to b: a fraction (compound) or units per year (linear)."""
    years = b.year - a.year
    if years <= 0:
        raise ValueError("annual_rate needs b later than a")
    if method == COMPOUND:
        return (b.value / a.value) ** (1 / years) - 1
    return (b.value - a.value) / years


def extrapolate(point: Point, rate: float, year: int, method: str) -> float:
    years = year - point.year
    if method == COMPOUND:
        return point.value * (1 + rate) ** years
    return point.value + rate * years


def clamp(value: float, bounds: tuple[float, float] | None) -> float:
    if bounds is None:
        return value
    return min(max(value, bounds[0]), bounds[1])


def latest_at_or_before(points: list[Point], year: int) -> Point | None:
    earlier = [p for p in points if p.year <= year]
    return max(earlier, key=lambda p: p.year) if earlier else None


def required_path(start: Point, goal: float, target_year: int, method: str) -> tuple[Point, ...]:
    """The yearly path from the start point that reaches the goal exactly in the target year."""
    if target_year <= start.year:
        return ()
    rate = annual_rate(start, Point(target_year, goal), method)
    return tuple(Point(y, extrapolate(start, rate, y, method)) for y in range(start.year, target_year + 1))


def project(
    points: list[Point], current: Point, target_year: int, method: str, metric: Metric, window: int
) -> Point | None:
    """Extend the recent trend (the last ``window`` years up to the current point) to the target year."""
    if current.year >= target_year:
        return None
    recent = [p for p in points if current.year - window <= p.year < current.year]
    if not recent:
        return None
    first = min(recent, key=lambda p: p.year)
    trend_method = method if growth_method([first.value, current.value], metric.kind) == COMPOUND else LINEAR
    rate = annual_rate(first, current, trend_method)
    return Point(target_year, clamp(extrapolate(current, rate, target_year, trend_method), metric.bounds))


def shortfall(goal: float, value: float, direction: Direction) -> float:
    """How far ``value`` is from the goal on the worse side (negative: beyond the goal)."""
    return (goal - value) * direction.sign


@dataclass(frozen=True)
class Inputs:
    """What the numeric method needs: the condition, the series and the years."""

    metric: Metric
    threshold: Threshold
    points: list[Point]
    start: Point | None
    eval_year: int
    target_year: int
    settings: IndicatorSettings


def assess_numeric(inputs: Inputs) -> Progress:
    """Status for a value target: achieved, else R-based, else not achieved after the target year."""
    current = latest_at_or_before(inputs.points, inputs.eval_year)
    if current is None:
        return Progress(Status.NO_DATA, notes=(f"{inputs.eval_year}年及以前无观测值",))
    notes = list(_staleness_notes(current, inputs.eval_year))
    start = _start_point(inputs, current, notes)
    direction = inputs.metric.direction
    goal = goal_value(inputs.threshold, direction)
    method = growth_method([start.value, current.value, goal], inputs.metric.kind)
    path = required_path(start, goal, inputs.target_year, method)
    projection, gap, projected_met = _projection(inputs, current, method, goal)
    common = dict(method=method, start=start, current=current, goal=goal, required_path=path,
                  projection=projection, projected_gap=gap, projected_met=projected_met)
    if is_met(inputs.threshold, current.value, direction):
        if in_range(inputs.threshold, current.value) is False:
            notes.append("优于目标区间")
        return Progress(Status.ACHIEVED, notes=tuple(notes), **common)
    if current.year >= inputs.target_year:
        ratio, required, observed = _ratio(start, current, goal, inputs.target_year, method)
        notes.append(f"目标年{inputs.target_year}年已到，未达到目标")
        return Progress(Status.NOT_ACHIEVED, ratio=ratio, required_rate=required, observed_rate=observed,
                        notes=tuple(notes), **common)
    if is_met(inputs.threshold, start.value, direction):
        notes.append(f"起点{start.year}年已达到目标，之后退步")
        return Progress(Status.DETERIORATING, notes=tuple(notes), **common)
    if current.year <= start.year:
        notes.append("仅有起点年份的数据，无法计算进展")
        return Progress(Status.NOT_ASSESSABLE, notes=tuple(notes), **common)
    ratio, required, observed = _ratio(start, current, goal, inputs.target_year, method)
    if ratio is None:
        notes.append("所需变化为零，按观测变化方向判定")
        status = _status_by_sign(observed or 0.0, direction)
    else:
        status = classify_ratio(ratio, inputs.settings)
    return Progress(status, ratio=ratio, required_rate=required, observed_rate=observed,
                    notes=tuple(notes), **common)


def _staleness_notes(current: Point, eval_year: int) -> list[str]:
    if current.year < eval_year:
        return [f"{eval_year}年无观测值，采用{current.year}年数据"]
    return []


def _start_point(inputs: Inputs, current: Point, notes: list[str]) -> Point:
    if inputs.start is not None and inputs.start.year <= current.year:
        return inputs.start
    earliest = min((p for p in inputs.points if p.year <= current.year), key=lambda p: p.year)
    notes.append(f"无基期值，以最早观测年{earliest.year}年为起点")
    return earliest


def _ratio(
    start: Point, current: Point, goal: float, target_year: int, method: str
) -> tuple[float | None, float | None, float | None]:
    if current.year <= start.year or target_year <= start.year:
        return None, None, None
    required = annual_rate(start, Point(target_year, goal), method)
    observed = annual_rate(start, current, method)
    if required == 0:
        return None, required, observed
    return observed / required, required, observed


def _status_by_sign(observed: float, direction: Direction) -> Status:
    signed = observed * direction.sign
    if signed > 0:
        return Status.ON_TRACK
    return Status.LIMITED if signed == 0 else Status.DETERIORATING


def _projection(
    inputs: Inputs, current: Point, method: str, goal: float
) -> tuple[Point | None, float | None, bool | None]:
    trend_points = list(inputs.points)
    if inputs.start is not None and all(p.year != inputs.start.year for p in trend_points):
        trend_points.append(inputs.start)
    projection = project(trend_points, current, inputs.target_year, method, inputs.metric,
                         inputs.settings.trend_window_years)
    if projection is None:
        return None, None, None
    gap = shortfall(goal, projection.value, inputs.metric.direction)
    return projection, gap, is_met(inputs.threshold, projection.value, inputs.metric.direction)


def assess_annual(inputs: Inputs) -> Progress:
    """A target that applies to every year: the value of the evaluation year itself must meet it."""
    current = next((p for p in inputs.points if p.year == inputs.eval_year), None)
    goal = goal_value(inputs.threshold, inputs.metric.direction)
    if current is None:
        return Progress(Status.NO_DATA, goal=goal, notes=(f"逐年目标，{inputs.eval_year}年无观测值",))
    met = is_met(inputs.threshold, current.value, inputs.metric.direction)
    notes = ("逐年目标：按当年值判定",)
    return Progress(Status.ACHIEVED if met else Status.NOT_ACHIEVED, current=current, goal=goal, notes=notes)


def assess_maintenance(kind: TargetKind, inputs: Inputs, tolerance_pct: float = 0.0) -> Progress:
    """不减少 / 保持稳定 / 进一步提升: the current value against the reference (start) value."""
    current = latest_at_or_before(inputs.points, inputs.eval_year)
    if current is None:
        return Progress(Status.NO_DATA, notes=(f"{inputs.eval_year}年及以前无观测值",))
    notes = _staleness_notes(current, inputs.eval_year)
    reference = _start_point(inputs, current, notes)
    direction = inputs.metric.direction
    if current.year <= reference.year:
        notes.append("仅有参照年份的数据，无法判断变化")
        return Progress(Status.NOT_ASSESSABLE, start=reference, current=current, notes=tuple(notes))
    allowed = abs(reference.value) * tolerance_pct / 100 if kind is TargetKind.STABLE else 0.0
    floor = reference.value - allowed * direction.sign  # the worst value still acceptable
    change = (current.value - reference.value) * direction.sign
    if kind is TargetKind.IMPROVE:
        status = Status.ACHIEVED if change > 0 else (Status.LIMITED if change == 0 else Status.DETERIORATING)
    else:
        status = Status.ACHIEVED if (current.value - floor) * direction.sign >= 0 else Status.DETERIORATING
    path = tuple(Point(y, floor) for y in range(reference.year, max(inputs.target_year, reference.year) + 1))
    method = growth_method([reference.value, current.value], inputs.metric.kind)
    projection = project(inputs.points + [reference], current, inputs.target_year, method, inputs.metric,
                         inputs.settings.trend_window_years)
    gap = shortfall(floor, projection.value, direction) if projection else None
    projected_met = None if gap is None else (gap < 0 if kind is TargetKind.IMPROVE else gap <= 0)
    return Progress(status, method=COMPARISON, start=reference, current=current, goal=floor,
                    required_path=path, projection=projection, projected_gap=gap,
                    projected_met=projected_met, notes=tuple(notes))
