"""The newest AQI of every air station, from the latest stored value of each pollutant.

Real-time AQI as station maps show it: each pollutant's newest hourly value rated on HJ 633
(the edition in force on the observation day); categories carry the HJ 633 colours.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ecozone.monitoring.aqi import evaluate_aqi
from ecozone.monitoring.repositories import observations as observation_store

AIR_PARAMETERS = ("pm25", "pm10", "so2", "no2", "co", "o3")
# A station's hourly ozone value is a 1-hour concentration: HJ 633 rates it as ``o3_1h`` (a bare
# ``o3`` is ambiguous there and refused).
HOURLY_ITEMS = {"o3": "o3_1h"}


def latest_aqi(engine: Engine) -> dict[int, dict]:
    """{station id: {aqi, category, at, values}} for stations with any air pollutant stored."""
    with engine.connect() as conn:
        newest = observation_store.latest_values(conn, AIR_PARAMETERS)
    out = {}
    for station_id, values in newest.items():
        at = max(t for t, _ in values.values())
        result = evaluate_aqi({HOURLY_ITEMS.get(p, p): v for p, (_, v) in values.items()}, on=at.date())
        out[station_id] = {"aqi": result.aqi, "category": result.category.as_dict(), "at": at.isoformat(),
                           "values": {p: v for p, (_, v) in values.items()}}
    return out
