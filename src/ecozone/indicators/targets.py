"""Target expressions ("≥75", "45～55", "≈40", "≤-20%") and the tests a value must pass."""

from __future__ import annotations

import re

from ecozone.indicators.model import Change, Comparator, Direction, Threshold, ValueKind
from ecozone.indicators.values import format_value, parse_range, parse_value, split_comparator

_CHANGE = re.compile(r"^([-+]?[\d.]+)\s*(%|pt)$")


def default_comparator(direction: Direction) -> Comparator:
    """A bare target value means "at least" when higher is better and "at most" otherwise."""
    return Comparator.GE if direction is Direction.HIGHER else Comparator.LE


def parse_threshold(
    text: str | float | int, kind: ValueKind, direction: Direction, approx_tolerance_pct: float = 0.0
) -> tuple[Threshold, bool]:
    """Parse a target expression; the flag says whether the comparator was inferred."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return Threshold(default_comparator(direction), value=float(text)), True
    bounds = parse_range(str(text))
    if bounds is not None:
        return Threshold(Comparator.RANGE, low=bounds[0], high=bounds[1]), False
    comparator, rest = split_comparator(str(text))
    value = parse_value(rest, kind)
    if comparator is None:
        return Threshold(default_comparator(direction), value=value), True
    tolerance = approx_tolerance_pct if comparator is Comparator.APPROX else 0.0
    return Threshold(comparator, value=value, tolerance_pct=tolerance), False


def parse_change(text: str) -> Change:
    """Parse a change such as "≤-20%" (relative) or "≥+5pt" (percentage points)."""
    comparator, rest = split_comparator(text)
    match = _CHANGE.match(rest.replace(" ", ""))
    if comparator is None or comparator in (Comparator.RANGE, Comparator.APPROX) or not match:
        raise ValueError(f"not a change expression (e.g. '≤-20%' or '≥+5pt'): {text!r}")
    return Change(comparator, float(match.group(1)), "pct" if match.group(2) == "%" else "pt")


def apply_change(reference: float, change: Change, years: int = 1, compound: bool = False) -> float:
    """The value a change leads to from ``reference``; per-year changes repeat ``years`` times."""
    if change.unit == "pt":
        return reference + change.amount * years
    factor = 1 + change.amount / 100
    return reference * (factor**years if compound else factor)


def is_met(threshold: Threshold, value: float, direction: Direction) -> bool:
    """Whether ``value`` satisfies the threshold (a range is also met beyond its better end)."""
    comparator, target = threshold.comparator, threshold.value
    if comparator is Comparator.RANGE:
        assert threshold.low is not None and threshold.high is not None
        if direction is Direction.HIGHER:
            return value >= threshold.low
        return value <= threshold.high
    assert target is not None
    if comparator is Comparator.GE:
        return value >= target
    if comparator is Comparator.LE:
        return value <= target
    if comparator is Comparator.GT:
        return value > target
    if comparator is Comparator.LT:
        return value < target
    if comparator is Comparator.EQ:
        return abs(value - target) <= 1e-9 * max(1.0, abs(target))
    slack = abs(target) * threshold.tolerance_pct / 100
    return value >= target - slack if direction is Direction.HIGHER else value <= target + slack


def in_range(threshold: Threshold, value: float) -> bool | None:
    """For a range threshold, whether the value lies inside it; None for other thresholds."""
    if threshold.comparator is not Comparator.RANGE:
        return None
    assert threshold.low is not None and threshold.high is not None
    return threshold.low <= value <= threshold.high


def goal_value(threshold: Threshold, direction: Direction) -> float:
    """The single value progress is measured towards (a range's nearer end on the worse side)."""
    if threshold.comparator is Comparator.RANGE:
        assert threshold.low is not None and threshold.high is not None
        return threshold.low if direction is Direction.HIGHER else threshold.high
    assert threshold.value is not None
    return threshold.value


def describe(threshold: Threshold, kind: ValueKind = ValueKind.NUMBER) -> str:
    """The threshold as people read it, e.g. "≥75", "45～55", "≤Ⅲ"."""
    if threshold.comparator is Comparator.RANGE:
        return f"{format_value(threshold.low)}～{format_value(threshold.high)}"
    text = f"{threshold.comparator.value}{format_value(threshold.value, kind)}"
    if threshold.comparator is Comparator.APPROX and threshold.tolerance_pct:
        text += f"（±{format_value(threshold.tolerance_pct)}%）"
    return text
