"""Named settings of the indicator method (thresholds, tolerances and assumed readings).

Every value a seed leaves vague is one of these settings, so an evaluator can see it and change
it (environment variables ``ECOZONE_INDICATORS_<NAME>``); docs/indicator-methods.md explains each.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ecozone.errors import BadInput
from ecozone.settings import default_data_dir


def _repo_plans_dir() -> Path:
    return default_data_dir() / "shanxi" / "plans"


class IndicatorSettings(BaseSettings):
    """Thresholds of the status method and the values chosen where a seed is vague."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_INDICATORS_", frozen=True)

    plans_dir: Path = Field(default_factory=_repo_plans_dir)

    # Open SDG / Statistics Canada progress thresholds on the ratio R.
    on_track_min_ratio: float = 0.95
    moderate_min_ratio: float = 0.6

    # Assumed: years of observations behind the "recent trend" used for the projection.
    trend_window_years: int = Field(default=3, ge=1)
    # Assumed: "保持稳定" holds while the value stays within this relative band of the reference.
    stable_tolerance_pct: float = Field(default=1.0, ge=0)
    # Assumed: "N左右" is met within this relative distance of N on the worse side.
    approx_tolerance_pct: float = Field(default=5.0, ge=0)
    # Assumed: "有效保障" of a safe-use rate means at least this share (交城 sets 90% in 002).
    effectively_ensured_min_pct: float = Field(default=90.0, ge=0, le=100)
    # Assumed: "基本实现全部 / 基本消除" means this share is done (the rest may remain).
    basically_share_pct: float = Field(default=95.0, ge=0, le=100)

    def value_of(self, name: str) -> float:
        """The numeric value of a named setting that plan data may refer to."""
        if name not in ASSUMPTION_SETTINGS:
            raise BadInput(f"unknown setting {name!r} in from_setting", field="from_setting", value=name)
        return float(getattr(self, name))


# Settings that plan data may name in a target's ``from_setting``.
ASSUMPTION_SETTINGS = frozenset(
    {"effectively_ensured_min_pct", "basically_share_pct", "approx_tolerance_pct", "stable_tolerance_pct"}
)
