"""Plan indicators: the registry of plan targets, yearly observations, and their evaluation.

Entry points for the CLI, API and reports:
``load_registry`` → ``Registry``; ``read_observations`` + ``ObservationLedger``;
``evaluate_plan(plan, ledger, year, registry=...)`` → ``PlanEvaluation``;
``list_plans`` / ``list_indicators`` for `ecozone indicators list`.
"""

from ecozone.indicators.evaluation import IndicatorEvaluation, PlanEvaluation, evaluate_indicator, evaluate_plan
from ecozone.indicators.listing import list_indicators, list_plans
from ecozone.indicators.observations import (
    ImportSummary,
    Observation,
    ObservationKind,
    ObservationLedger,
    parse_rows,
    read_observations,
)
from ecozone.indicators.registry import Registry, build_registry, default_registry, load_registry
from ecozone.indicators.settings import IndicatorSettings
from ecozone.indicators.status import Status

__all__ = [
    "ImportSummary", "IndicatorEvaluation", "IndicatorSettings", "Observation", "ObservationKind",
    "ObservationLedger", "PlanEvaluation", "Registry", "Status", "build_registry", "default_registry",
    "evaluate_indicator", "evaluate_plan", "list_indicators", "list_plans", "load_registry", "parse_rows",
    "read_observations",
]
