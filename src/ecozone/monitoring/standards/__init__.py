"""Environmental quality standards as versioned data (HJ 633, GB 3095, GB 3838, 环办〔2011〕22号).

Each edition is a YAML file in this package with its period of validity, sources and a
``verified`` flag per value; ``editions`` finds them by file name pattern, and one module per
family (``hj633``, ``gb3095``, ``gb3838``) turns them into the dataclasses of ``model`` and picks
the edition in force on an observation's date.
"""

from ecozone.monitoring.standards.editions import edition_summaries, normalize_code, plan_indicator_figures
from ecozone.monitoring.standards.gb3095 import air_limits, air_limits_for
from ecozone.monitoring.standards.gb3838 import water_assessment_method, water_standard, water_standard_for
from ecozone.monitoring.standards.hj633 import aqi_standard, aqi_standard_for, resolve_aqi_standard
from ecozone.monitoring.standards.model import (
    AirLimitStandard,
    AqiCategory,
    AqiItem,
    AqiStandard,
    Citation,
    WaterAssessmentMethod,
    WaterParameter,
    WaterStandard,
)

__all__ = [
    "AirLimitStandard",
    "AqiCategory",
    "AqiItem",
    "AqiStandard",
    "Citation",
    "WaterAssessmentMethod",
    "WaterParameter",
    "WaterStandard",
    "air_limits",
    "air_limits_for",
    "aqi_standard",
    "aqi_standard_for",
    "edition_summaries",
    "normalize_code",
    "plan_indicator_figures",
    "resolve_aqi_standard",
    "water_assessment_method",
    "water_standard",
    "water_standard_for",
]
