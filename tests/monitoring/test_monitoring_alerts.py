"""Alert rules: each kind on hand-made series, de-duplication, cooldown, quiet hours; stored lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from ecozone.errors import BadInput, Conflict
from ecozone.monitoring import alert_runs
from ecozone.monitoring.alerts import (
    PriorAlert, evaluate_rule, load_rules, notify_after, plan_alerts, robust_z, rule_from_record,
)
from ecozone.monitoring.ingest import ingest_batch
from ecozone.monitoring.model import Station, StationKind
from ecozone.monitoring.observations import ObservationBatch
from ecozone.monitoring.repositories import stations as station_store

T0 = dt.datetime(2026, 3, 1, 0, tzinfo=dt.UTC)


def hours(*values: float, start: dt.datetime = T0) -> list[tuple[dt.datetime, float]]:
    return [(start + dt.timedelta(hours=i), v) for i, v in enumerate(values)]


def rule(**fields):
    base = {"key": "r", "parameter": "pm25", "severity": "minor", "message": "{value}", "cooldown_minutes": 120}
    return rule_from_record({**base, **fields})


def test_shipped_rules_load_and_cite_their_limits():
    rules = {r.key: r for r in load_rules()}
    assert {r.kind for r in rules.values()} == {"threshold", "consecutive", "rate", "gap", "zscore"}
    assert rules["cod_section_over_class_iv"].numbers["above"] == 30
    assert rules["pm25_consecutive_over_75"].citation["document"] == "GB 3095—2012"


def test_threshold_fires_only_above_the_limit():
    fired = evaluate_rule(rule(kind="threshold", above=150), hours(150, 151, 80), T0)
    assert [(t.at, t.value) for t in fired] == [(T0 + dt.timedelta(hours=1), 151)]


def test_consecutive_needs_n_exceedances_in_a_row():
    fired = evaluate_rule(rule(kind="consecutive", above=75, count=3), hours(80, 90, 70, 80, 81, 82, 83), T0)
    assert [t.at.hour for t in fired] == [5, 6]


def test_rate_is_change_per_hour_across_uneven_spacing():
    series = [(T0, 10.0), (T0 + dt.timedelta(hours=2), 160.0), (T0 + dt.timedelta(hours=3), 300.0)]
    fired = evaluate_rule(rule(kind="rate", max_change_per_hour=100), series, T0)
    assert [(t.at.hour, t.value) for t in fired] == [(3, 140.0)]  # 150/2 h = 75 does not fire


def test_gap_fires_inside_the_series_and_up_to_now():
    series = [(T0, 1.0), (T0 + dt.timedelta(hours=5), 1.0)]
    fired = evaluate_rule(rule(kind="gap", max_gap_hours=3), series, T0 + dt.timedelta(hours=9))
    assert [t.value for t in fired] == [5.0, 4.0]


def test_robust_z_against_the_station_history():
    history = [10, 11, 12, 13, 14]  # median 12, MAD 1
    assert robust_z(history, 20) == pytest.approx(0.6745 * 8)
    series = hours(*([10, 11, 12, 13, 14] * 5), 40)
    fired = evaluate_rule(rule(kind="zscore", window_hours=48, min_points=24, limit=5), series, T0)
    assert [t.value for t in fired] == [40]


def test_repeats_while_open_are_deduplicated_and_cooldown_holds_after_close():
    r = rule(kind="threshold", above=0)
    fired = evaluate_rule(r, hours(1, 1, 1), T0)
    assert [d.action for d in plan_alerts(fired, None)] == ["open", "repeat", "repeat"]
    open_prior = PriorAlert(7, "acknowledged", T0)
    assert [(d.action, d.alert_id) for d in plan_alerts(fired, open_prior)] == [("skip", 7), ("repeat", 7), ("repeat", 7)]
    closed = PriorAlert(7, "closed", T0)  # cooldown 120 min after its last firing at T0
    assert [d.action for d in plan_alerts(fired, closed)] == ["skip", "suppress", "open"]


def test_quiet_hours_hold_notices_until_morning_but_not_critical_ones():
    r = rule(kind="threshold", above=0, quiet_hours={"start": "22:00", "end": "07:00"})
    beijing_23h = dt.datetime(2026, 3, 1, 15, 0, tzinfo=dt.UTC)
    assert notify_after(r, beijing_23h) == dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)  # 07:00 +08 next day
    beijing_3h = dt.datetime(2026, 3, 1, 19, 0, tzinfo=dt.UTC)
    assert notify_after(r, beijing_3h) == dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)
    assert notify_after(r, dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC)) is None  # 12:00 Beijing
    critical = rule(kind="threshold", above=0, severity="critical", quiet_hours={"start": "22:00", "end": "07:00"})
    assert notify_after(critical, beijing_23h) is None


def test_a_rule_record_missing_a_number_is_named():
    with pytest.raises(BadInput, match="'r' \\(consecutive\\) needs 'count'"):
        rule(kind="consecutive", above=75)


def test_stored_run_deduplicates_and_follows_the_lifecycle(engine):
    with engine.begin() as conn:
        station_store.upsert_stations(conn, [Station("MS1", "微站1", StationKind.AIR_MICRO, shapely.Point(112.5, 37.8))])
    batch = ObservationBatch()
    for h, v in enumerate([160, 170, 40]):
        batch.append("MS1", "pm25", T0 + dt.timedelta(hours=h), float(v), None)
    ingest_batch(engine, batch)
    rules = [rule(key="heavy", kind="threshold", above=150, station_kinds=["air_micro"])]
    now = T0 + dt.timedelta(hours=3)
    first = alert_runs.run_alerts(engine, rules, now, since=T0 - dt.timedelta(hours=1))
    again = alert_runs.run_alerts(engine, rules, now, since=T0 - dt.timedelta(hours=1))
    assert (first.opened, first.repeated, again.opened, again.repeated) == (1, 1, 0, 0)
    (alert_id,) = first.alert_ids
    alert_runs.change_alert_status(engine, alert_id, "acknowledged", "张三", "已派人核查", now)
    done = alert_runs.change_alert_status(engine, alert_id, "closed", "李四", "设备附近施工扬尘", now)
    assert done["occurrences"] == 2 and done["status"] == "closed"
    assert [(e["action"], e["actor"]) for e in done["events"]] == [("opened", "system"), ("acknowledged", "张三"), ("closed", "李四")]
    with pytest.raises(Conflict, match="is closed"):
        alert_runs.change_alert_status(engine, alert_id, "acknowledged", "张三", "", now)
