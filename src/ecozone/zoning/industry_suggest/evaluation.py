"""Accuracy of the suggestions on a labelled set of descriptions (top-1 and top-3)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ecozone.zoning.industry_suggest.ranker import rank_classes


@dataclass(frozen=True)
class Labelled:
    text: str
    code: str  # the expected class, four digits


@dataclass
class Accuracy:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def read_labelled(path: Path) -> list[Labelled]:
    """Rows ``code,text`` of a CSV file with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [Labelled(row["text"], row["code"]) for row in csv.DictReader(handle)]


def _ranked_codes(text: str) -> list[str]:
    return [s.industry.code for s in rank_classes(text, 3)]


def measure(items: Iterable[Labelled], ranker: Callable[[str], list[str]] = _ranked_codes) -> Accuracy:
    """Count how often the expected class is first, and among the first three."""
    result = Accuracy()
    for item in items:
        codes = ranker(item.text)[:3]
        result.total += 1
        result.top1 += bool(codes) and codes[0] == item.code
        result.top3 += item.code in codes
        if item.code not in codes:
            result.misses.append((item.code, item.text, codes))
    return result
