"""`ecozone init` ships a working dashboard and monitoring page: demonstration indicator
observations and monitoring stations with a few days of readings, all labelled 示例数据, stored
once (a second load adds nothing)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from ecozone import bootstrap
from ecozone.clock import utc_now
from ecozone.monitoring.latest import latest_aqi

SHIPPED = bootstrap.DatasetPaths(Path(__file__).resolve().parents[2] / "data" / "shanxi")


def test_demo_indicator_observations_are_stored_once_and_labelled(loaded_engine):
    assert bootstrap.load_demo_indicator_observations(loaded_engine, SHIPPED, utc_now()) == 188
    assert bootstrap.load_demo_indicator_observations(loaded_engine, SHIPPED, utc_now()) == 0
    with loaded_engine.connect() as conn:
        sources = {row[0] for row in conn.execute(text("SELECT DISTINCT source FROM indicator_observations"))}
    assert sources and all("示例数据" in s for s in sources)


def test_demo_stations_and_readings_are_stored_once_and_give_an_aqi(loaded_engine):
    stations, readings = bootstrap.load_demo_monitoring(loaded_engine, SHIPPED, utc_now())
    assert stations == 15 and readings == 4800
    assert bootstrap.load_demo_monitoring(loaded_engine, SHIPPED, utc_now()) == (15, 0)
    with loaded_engine.connect() as conn:
        names = [row[0] for row in conn.execute(text("SELECT name FROM stations"))]
    assert len(names) == 15 and all("示例数据" in n for n in names)
    aqi = latest_aqi(loaded_engine)
    assert len(aqi) == 11  # every air station, ozone rated as a 1-hour value
    assert {entry["category"]["level"] for entry in aqi.values()} >= {1, 2}
