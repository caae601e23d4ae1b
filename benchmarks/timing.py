"""Warm-up then the median of N timed runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    """Seconds of each timed run (after the warm-up) and the last run's result."""

    seconds: list[float]
    result: Any

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def median_time(run: Callable[[], Any], runs: int, warmup: int = 1) -> Timing:
    """Call ``run`` ``warmup`` times untimed, then ``runs`` times timed."""
    result = None
    for _ in range(warmup):
        result = run()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return Timing(seconds, result)
