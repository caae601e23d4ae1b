"""One measured figure (or a skipped slot) as it goes into results.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Direction = Literal["higher", "lower"]


@dataclass
class Figure:
    """A figure and its peer; ``target`` is on ``value`` (rows/s, MB…) or on ``ratio`` when ``target_on_ratio``."""

    name: str
    value: float | None
    unit: str
    peer: str | None = None
    peer_value: float | None = None
    target: float | None = None
    target_on_ratio: bool = False
    better: Direction = "higher"
    skipped: str | None = None
    notes: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times better than the peer (peer/value when lower is better)."""
        if self.value is None or not self.peer_value:
            return None
        if self.better == "lower":
            return self.peer_value / self.value if self.value else None
        return self.value / self.peer_value

    @property
    def met(self) -> bool:
        """True when the target is reached; a skipped figure or one without a target is not met."""
        if self.skipped or self.target is None:
            return False
        measured = self.ratio if self.target_on_ratio else self.value
        if measured is None:
            return False
        return measured >= self.target if (self.target_on_ratio or self.better == "higher") else measured <= self.target

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        if self.target_on_ratio:
            return f"≥ {self.target:g}× peer"
        return f"{'≥' if self.better == 'higher' else '≤'} {self.target:,.0f} {self.unit}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 2)
        data["met"] = self.met
        data["target_text"] = self.target_text()
        return data


def skipped(name: str, unit: str, reason: str, target: float | None = None, **kw) -> Figure:
    """A slot that could not be measured in this run, with the reason printed and recorded."""
    return Figure(name=name, value=None, unit=unit, target=target, skipped=reason, **kw)
