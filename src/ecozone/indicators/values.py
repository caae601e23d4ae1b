"""Reading numbers, water-quality classes, comparators and units as Chinese documents write them."""

from __future__ import annotations

import math
import re

from ecozone.indicators.model import Comparator, ValueKind

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")

# Ordinal classes of GB 3838-2002 / GB/T 14848-2017; 劣Ⅴ is one step worse than Ⅴ.
CLASS_VALUES = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "劣Ⅴ": 6}
_CLASS_ALIASES = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "劣V": "劣Ⅴ"}
CLASS_LABELS = {value: label for label, value in CLASS_VALUES.items()}

_COMPARATORS = [
    (">=", Comparator.GE), ("≥", Comparator.GE), ("≧", Comparator.GE), ("不低于", Comparator.GE),
    ("<=", Comparator.LE), ("≤", Comparator.LE), ("≦", Comparator.LE), ("不高于", Comparator.LE),
    ("＞", Comparator.GT), (">", Comparator.GT), ("＜", Comparator.LT), ("<", Comparator.LT),
    ("≈", Comparator.APPROX), ("~=", Comparator.APPROX), ("=", Comparator.EQ), ("＝", Comparator.EQ),
]
_RANGE = re.compile(r"^\s*([-+]?[\d.]+)\s*[～~]\s*([-+]?[\d.]+)\s*$")

# Unit spellings that mean the same unit; the left side is what plan data uses.
_UNIT_ALIASES = {
    "μg/m³": {"μg/m3", "µg/m3", "µg/m³", "ug/m3", "ug/m³", "微克/立方米"},
    "mg/m³": {"mg/m3", "毫克/立方米"},
    "%": {"％", "百分比"},
    "‰": {"千分比"},
    "": {"/", "-", "—", "无", "无量纲"},
    "km²": {"km2", "平方公里", "平方千米"},
    "m³/亩": {"m3/亩", "立方米/亩"},
}


def normalize_unit(unit: str | None) -> str:
    """The canonical spelling of a unit (e.g. "μg/m3" -> "μg/m³", "/" -> "")."""
    text = (unit or "").strip()
    for canonical, aliases in _UNIT_ALIASES.items():
        if text == canonical or text in aliases:
            return canonical
    return text


def parse_number(text: str | float | int) -> float:
    """A float from a number or a string with full-width digits, thousands commas or a % sign."""
    if isinstance(text, bool):
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cleaned = str(text).translate(_FULL_WIDTH).replace(",", "").strip().rstrip("%").strip()
        if not cleaned:
            raise ValueError("empty value")
        value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def parse_class(text: str | float | int) -> float:
    """A water-quality class as its ordinal (Ⅰ=1 … Ⅴ=5, 劣Ⅴ=6); digits 1–6 are accepted too."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        label = str(text).strip().removesuffix("类")
        label = _CLASS_ALIASES.get(label, label)
        if label in CLASS_VALUES:
            return float(CLASS_VALUES[label])
        try:
            value = parse_number(label)
        except ValueError as error:
            raise ValueError(f"not a water-quality class (Ⅰ–Ⅴ, 劣Ⅴ): {text!r}") from error
    if value not in CLASS_LABELS:
        raise ValueError(f"not a water-quality class: {text!r}")
    return value


def parse_value(text: str | float | int, kind: ValueKind) -> float:
    """A value of the given kind (number or class)."""
    return parse_class(text) if kind is ValueKind.CLASS else parse_number(text)


def format_value(value: float | None, kind: ValueKind = ValueKind.NUMBER) -> str:
    """How a value is shown to people: classes as numerals, numbers without trailing zeros."""
    if value is None:
        return "—"
    if kind is ValueKind.CLASS and value in CLASS_LABELS:
        return CLASS_LABELS[int(value)]
    return f"{value:.4f}".rstrip("0").rstrip(".")


def split_comparator(text: str) -> tuple[Comparator | None, str]:
    """Split a leading comparator off an expression like "≥25" or ">=0.58"."""
    stripped = text.strip()
    for token, comparator in _COMPARATORS:
        if stripped.startswith(token):
            return comparator, stripped[len(token):].strip()
    return None, stripped


def parse_range(text: str) -> tuple[float, float] | None:
    """The bounds of a range written "45～55" or "10~20", else None."""
    match = _RANGE.match(text.translate(_FULL_WIDTH))
    if not match:
        return None
    return float(match.group(1)), float(match.group(2))
