"""Parse ``name=value`` measurement arguments (the CLI form) into numbers."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ecozone.errors import BadInput


def parse_measurements(pairs: Iterable[str]) -> dict[str, float]:
    """``["pm25=80", "o3_8h=150"]`` → ``{"pm25": 80.0, "o3_8h": 150.0}``; BadInput names the bad pair."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise BadInput(f"expected NAME=VALUE, got {pair!r}", field=pair)
        if name in values:
            raise BadInput(f"{name} given more than once", field=name)
        values[name] = parse_concentration(name, text)
    if not values:
        raise BadInput("give at least one measurement as NAME=VALUE", field="measurements")
    return values


def parse_concentration(name: str, text: str) -> float:
    """A finite, non-negative number; BadInput naming ``name`` otherwise."""
    try:
        value = float(text.strip())
    except ValueError:
        raise BadInput(f"{name}: {text!r} is not a number", field=name, value=text) from None
    return check_concentration(name, value)


def check_concentration(name: str, value: float) -> float:
    """``value`` unchanged when it is finite and ≥ 0; BadInput naming ``name`` otherwise."""
    if not math.isfinite(value) or value < 0:
        raise BadInput(
            f"{name}: concentration must be a finite number ≥ 0, got {value}", field=name, value=value
        )
    return value
