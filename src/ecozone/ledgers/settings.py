"""Named settings of the offset ledgers: replacement ratios and where a source may come from.

Environment variables ``ECOZONE_LEDGERS_<NAME>``. Each ratio the seeds leave open is a setting
whose description quotes the clause it serves (shown in reports as assumed).
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LedgerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECOZONE_LEDGERS_", frozen=True)

    coal_equal_ratio: float = Field(
        default=1.0,
        ge=1.0,
        description="000 三、(三) '实施煤炭消费减量或等量替代': 等量 is 1:1, the least the clause allows.",
    )
    coal_reduction_ratio: float = Field(
        default=1.2,
        gt=1.0,
        description=(
            "000 三、(三) '京津冀及周边地区4市煤炭消费总量下降10%' / '汾渭平原4市力争实现煤炭消费负增长': a "
            "falling total needs 减量 replacement (more than 1:1); the seed gives no ratio, 1.2 is assumed."
        ),
    )
    coal_source_scope: str = Field(
        default="city",
        pattern="^(city|province)$",
        description=(
            "Where a coal source may lie: the project's city (the 4-city totals are per city) or anywhere in "
            "the province. The seed names no scope; 'city' is assumed."
        ),
    )


def get_ledger_settings() -> LedgerSettings:
    return LedgerSettings()
