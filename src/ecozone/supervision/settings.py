"""Named settings of supervision: inspection time limits per priority.

Environment variables ``ECOZONE_SUPERVISION_<NAME>``. The seeds ask for 现场检查 of the problems
found (001_47dba2e9a193b9f3.txt (十二)严格监督考核: "对发现的突出问题和生态环境风险隐患开展现场检查并严格
依法查处") but give no time limit; every limit here is therefore assumed and listed as such in
``ASSUMED`` so reports can say so.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SEED_BASIS = {
    "file": "001_47dba2e9a193b9f3.txt",
    "section": "（十二）严格监督考核",
    "clause": "加强大数据、卫星遥感、无人机等技术在动态监控中应用，对发现的突出问题和生态环境风险隐患开展现场检查并严格依法查处",
}


class SupervisionSettings(BaseSettings):
    """Time limits (days from import to closure) by the clue's priority."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_SUPERVISION_", frozen=True)

    # Assumed: no seed fixes a time limit for the 现场检查 of a clue.
    high_priority_days: int = Field(default=15, ge=1)
    medium_priority_days: int = Field(default=30, ge=1)
    low_priority_days: int = Field(default=60, ge=1)

    def days_for(self, priority: str) -> int:
        return {"high": self.high_priority_days, "medium": self.medium_priority_days}.get(priority, self.low_priority_days)

    def time_limits(self) -> dict:
        """The limits as shown to people, each flagged as assumed with the clause it serves."""
        return {
            "days": {"high": self.high_priority_days, "medium": self.medium_priority_days, "low": self.low_priority_days},
            "assumed": True,
            "assumption": "文件要求对发现的问题开展现场检查，但未规定办理时限；时限为可配置的设置值。",
            "basis": SEED_BASIS,
        }


def get_supervision_settings() -> SupervisionSettings:
    return SupervisionSettings()
