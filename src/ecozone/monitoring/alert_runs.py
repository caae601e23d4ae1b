"""Run the alert rules over stored observations, store decisions, route and deliver notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from ecozone.errors import BadInput, Conflict, Unavailable
from ecozone.logging import get_logger
from ecozone.monitoring import alerts as engine_rules
from ecozone.monitoring.alerts import AlertRule, PriorAlert
from ecozone.monitoring.model import Station
from ecozone.monitoring.notify import alert_payload, send_email, send_webhook
from ecozone.monitoring.placement import cell_at
from ecozone.monitoring.settings import MonitoringSettings
from ecozone.monitoring.repositories import alerts as alert_store
from ecozone.monitoring.repositories import grids as grid_store
from ecozone.monitoring.repositories import observations as observation_store
from ecozone.monitoring.repositories import stations as station_store

log = get_logger("monitoring.alerts")

# Series are read this far back before ``since`` so consecutive/z-score rules see their history.
LOOKBACK = dt.timedelta(days=8)


@dataclass
class RunSummary:
    opened: int = 0
    repeated: int = 0
    suppressed: int = 0
    alert_ids: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        return {"opened": self.opened, "repeated": self.repeated, "suppressed": self.suppressed, "alert_ids": self.alert_ids}


def _prior(conn: Connection, key: str) -> PriorAlert | None:
    row = alert_store.latest_alert(conn, key)
    if row is None:
        return None
    seen = row.last_seen_at if row.last_seen_at.tzinfo else row.last_seen_at.replace(tzinfo=dt.UTC)
    return PriorAlert(row.id, row.status, seen)


def _responsible(conn: Connection, station: Station) -> int | None:
    if station.region_code is None:
        return None
    _, person = cell_at(grid_store.load_cells(conn, county_code=station.region_code), station.geometry.x, station.geometry.y)
    return person


def _apply(conn: Connection, station: Station, rule: AlertRule, parameter: str, triggers, now, summary: RunSummary) -> None:
    key = engine_rules.dedup_key(rule, station.code, parameter)
    opened_id = None  # plan_alerts marks an alert opened in this run with id -1
    for decision in engine_rules.plan_alerts(triggers, _prior(conn, key)):
        trig = decision.trigger
        if decision.action == "repeat":
            target = opened_id if decision.alert_id == -1 else decision.alert_id
            alert_store.touch_alert(conn, target, trig.at, trig.value)
            summary.repeated += 1
        elif decision.action == "suppress":
            summary.suppressed += 1
        elif decision.action == "open":
            alert_id = alert_store.insert_alert(conn, {
                "rule_key": rule.key, "kind": rule.kind, "station_id": station.id, "parameter": parameter,
                "dedup_key": key, "status": "open", "severity": rule.severity, "triggered_at": trig.at,
                "last_seen_at": trig.at, "occurrences": 1, "value": trig.value, "message": trig.message,
                "grid_cell_id": station.grid_cell_id, "unit_code": station.unit_code,
                "assignee_id": _responsible(conn, station), "notify_after": engine_rules.notify_after(rule, now),
            }, "system", now)
            opened_id = alert_id
            summary.opened += 1
            summary.alert_ids.append(alert_id)


def run_alerts(engine: Engine, rules: list[AlertRule], now: dt.datetime, since: dt.datetime | None = None) -> RunSummary:
    """Evaluate every rule on every matching stored series; firings after ``since`` count."""
    since = since or now - dt.timedelta(days=1)
    summary = RunSummary()
    with engine.begin() as conn:
        stations = {s.id: s for s in station_store.load_stations(conn)}
        for station_id, parameter in observation_store.series_keys(conn, since - LOOKBACK):
            station = stations[station_id]
            matching = [r for r in rules if r.applies_to(station.kind.value, parameter)]
            if not matching:
                continue
            series = observation_store.load_series(conn, station_id, parameter, since - LOOKBACK, now)
            for rule in matching:
                triggers = engine_rules.evaluate_rule(rule, series, now, since)
                _apply(conn, station, rule, parameter, triggers, now, summary)
    return summary


_TRANSITIONS = {"acknowledged": {"open"}, "closed": {"open", "acknowledged"}}


def change_alert_status(engine: Engine, alert_id: int, status: str, actor: str, note: str, now: dt.datetime) -> dict:
    """open → acknowledged → closed (or open → closed), recording who and when."""
    if status not in _TRANSITIONS:
        raise BadInput(f"status {status!r} is not acknowledged or closed", field="status", value=status)
    with engine.begin() as conn:
        current = alert_store.get_alert(conn, alert_id)["status"]
        if current not in _TRANSITIONS[status]:
            raise Conflict(f"alert {alert_id} is {current}; it cannot become {status}", field="status", value=status)
        alert_store.set_alert_status(conn, alert_id, status)
        alert_store.add_alert_event(conn, alert_id, actor, status, note, now)
        return alert_store.get_alert(conn, alert_id)


def deliver_notices(engine: Engine, settings: MonitoringSettings, now: dt.datetime) -> dict:
    """Send due notices over the configured channels; a failed channel leaves the alert due.

    An alert is only marked notified when a notice went out: with no channel configured (no
    webhook, no SMTP host or no recipient) it stays due and is listed under ``no_channel``.
    """
    sent, failed, no_channel = [], [], []
    with engine.connect() as conn:
        due = alert_store.alerts_due_for_notice(conn, now)
        stations = {s.id: s for s in station_store.load_stations(conn)}
    for alert in due:
        station = stations[alert["station_id"]]
        payload = alert_payload(alert, {"code": station.code, "name": station.name, "kind": station.kind.value})
        try:
            channels = _send(engine, settings, alert, payload)
        except Unavailable as exc:
            log.warning("alert notice failed", alert_id=alert["id"], error=exc.message)
            failed.append({"id": alert["id"], "error": exc.message})
            continue
        if not channels:
            no_channel.append(alert["id"])
            continue
        with engine.begin() as conn:
            alert_store.mark_alert_notified(conn, alert["id"], now)
            alert_store.add_alert_event(conn, alert["id"], "system", "notified", ", ".join(channels), now)
        sent.append(alert["id"])
    if no_channel:
        log.warning("alert notices not sent: no channel configured", alert_ids=no_channel)
    return {"sent": sent, "failed": failed, "no_channel": no_channel}


def _send(engine: Engine, settings: MonitoringSettings, alert: dict, payload: dict) -> list[str]:
    channels = []
    if settings.webhook_url:
        send_webhook(settings.webhook_url, payload, settings.webhook_timeout_s)
        channels.append("webhook")
    if settings.smtp_host:
        recipient = settings.smtp_fallback_recipient
        if alert["assignee_id"] is not None:
            with engine.connect() as conn:
                recipient = grid_store.get_person(conn, alert["assignee_id"]).email or recipient
        if recipient:
            send_email(settings.smtp_host, settings.smtp_port, settings.smtp_sender, recipient, payload)
            channels.append(f"email:{recipient}")
    return channels
