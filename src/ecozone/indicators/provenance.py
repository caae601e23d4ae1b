"""Which observations an evaluation read, whether they are sample data, and the JSON document
the CLI and the API give for an evaluation."""

from __future__ import annotations

from typing import Any

from ecozone.indicators.evaluation import PlanEvaluation
from ecozone.indicators.observations import Observation, ObservationLedger


def used_observations(evaluation: PlanEvaluation, ledger: ObservationLedger) -> list[Observation]:
    """The current observations the evaluation read: each indicator's values up to the year and
    the assigned targets of its target years."""
    used: dict[tuple, Observation] = {}
    for item in evaluation.items:
        indicator = item.indicator
        for year, observation in ledger.series(indicator.metric.key, indicator.region).items():
            if year <= evaluation.year:
                used[observation.key] = observation
        for target in indicator.targets:
            assigned = ledger.assigned_target(indicator.metric.key, indicator.region, target.year)
            if assigned is not None:
                used[assigned.key] = assigned
    return sorted(used.values(), key=lambda o: o.key)


def evaluation_document(evaluation: PlanEvaluation, ledger: ObservationLedger) -> dict[str, Any]:
    """``PlanEvaluation.as_dict()`` plus how many observations it used and how many are sample data."""
    used = used_observations(evaluation, ledger)
    sample = sum(o.is_sample for o in used)
    return {**evaluation.as_dict(), "observations": {"used": len(used), "sample": sample},
            "sample_data": sample > 0}
