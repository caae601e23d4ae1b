"""Rule settings: the values chosen where a seed leaves a distance or ratio open.

Each field answers a vague clause ("临岸一定范围", "进一步提高…比例"); the rulebook refers to it
by name (``within_m: {setting: seven_rivers_bank_m}``), so a deployment can change the value
through the environment (prefix ``ECOZONE_RULES_``) without editing rules. The field
description says which clause it answers and why the default was chosen; docs/rules.md lists them.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RuleSettings(BaseSettings):
    """Values for the vague clauses of the seeds; every default is an assumption."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_RULES_", env_file=".env", extra="ignore")

    yellow_river_shoreline_control_m: float = Field(
        default=1000.0,
        gt=0,
        description=(
            "001 三、(四) '干支流岸线管控范围内禁止新建、扩建化工园区和化工项目' gives no width; "
            "1 km follows the Yellow River 1 km band of the same sentence and the national 1 km "
            "shoreline rule for chemical projects."
        ),
    )
    seven_rivers_bank_m: float = Field(
        default=1000.0,
        gt=0,
        description=(
            "001 四、(八) '汾河、桑干河、滹沱河、漳河、沁河等干流及主要支流沿岸' gives no width; 1 km "
            "matches the Yellow River band of 001 三、(四)."
        ),
    )
    riverside_range_m: float = Field(
        default=1000.0,
        gt=0,
        description=(
            "000 六、(二) '黄河干流及\"七河\"临岸一定范围' gives no width; 1 km matches the Yellow River band of 001 三、(四)."
        ),
    )
    five_lakes_zone_m: float = Field(
        default=1000.0,
        ge=0,
        description=(
            "000 六、(二) '\"五湖\"生态保护与修复区域' is not delimited; taken as the lake outline "
            "plus this band, matching the 1 km river bands."
        ),
    )
    tunliu_residential_buffer_m: float = Field(
        default=1000.0,
        ge=0,
        description=(
            "003 七、（一） '人居环境敏感的周边规定范围' gives no distance; taken as this band around "
            "the Tunliu urban planning area (the residential area the catalog holds)."
        ),
    )
    tunliu_riverside_tourism_m: float = Field(
        default=500.0,
        gt=0,
        description=(
            "003 四、（三） '沿河各类分散型旅游点、农家乐、小型宾馆饭店' gives no width; 500 m, narrower "
            "than the 800 m main-stem forest band of 003 四、（二）, for small facilities."
        ),
    )
    yangquan_river_corridor_m: float = Field(
        default=1000.0,
        gt=0,
        description=(
            "004 五、(一) '保育以滹沱河、桃河两大河流生态廊道' gives no corridor width; 1 km matches the province's river bands."
        ),
    )
    taiyuan_1plus30_offset_ratio: float = Field(
        default=2.0,
        ge=1.0,
        description=(
            "000 六、(二) '进一步提高太原及周边\"1+30\"区域内涉气项目总量削减替代比例' gives no "
            "ratio; 2 (twice the new emissions) is the usual stricter offset for key regions."
        ),
    )
    small_hydro_max_mw: float = Field(
        default=50.0,
        gt=0,
        description=(
            "000 三、(二) '清理整治过度开发的小水电' does not define 小水电; the national definition "
            "is a total installed capacity of at most 50 MW."
        ),
    )


@lru_cache(maxsize=1)
def get_rule_settings() -> RuleSettings:
    """The process-wide rule settings (read once from the environment)."""
    return RuleSettings()
