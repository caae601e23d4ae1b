"""Alert rules as data and their evaluation over one station's series (pure functions).

Kinds: ``threshold`` (value above a limit), ``consecutive`` (N exceedances in a row), ``rate``
(change per hour), ``gap`` (no data for too long), ``zscore`` (robust z-score, median and MAD of
the station's own recent history). ``plan_alerts`` applies de-duplication and cooldown;
``notify_after`` applies quiet hours. Storage and delivery live in ``alert_runs``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ecozone.errors import BadInput

DEFAULT_RULES_PATH = Path(__file__).with_name("alert_rules.yaml")
KINDS = ("threshold", "consecutive", "rate", "gap", "zscore")
SEVERITIES = ("minor", "major", "critical")
MAD_TO_SIGMA = 0.6745  # z = 0.6745 (x − median) / MAD (Iglewicz & Hoaglin's modified z-score)

Series = Sequence[tuple[dt.datetime, float]]


@dataclass(frozen=True)
class QuietHours:
    """Local clock window in which notices wait (alerts are still recorded)."""

    start: dt.time
    end: dt.time
    offset_hours: float = 8.0
    bypass_severities: tuple[str, ...] = ("critical",)


@dataclass(frozen=True)
class AlertRule:
    key: str
    kind: str
    parameter: str
    severity: str
    message: str
    station_kinds: tuple[str, ...] = ()
    numbers: Mapping[str, float] = field(default_factory=dict)
    cooldown: dt.timedelta = dt.timedelta(hours=6)
    quiet_hours: QuietHours | None = None
    citation: Mapping[str, str] | None = None

    def applies_to(self, station_kind: str, parameter: str) -> bool:
        kind_ok = not self.station_kinds or station_kind in self.station_kinds
        return kind_ok and self.parameter in ("*", parameter)

    def number(self, name: str) -> float:
        if name not in self.numbers:
            raise BadInput(f"alert rule {self.key!r} ({self.kind}) needs {name!r}", field=f"rules.{self.key}.{name}")
        return float(self.numbers[name])


@dataclass(frozen=True)
class Trigger:
    """One firing of a rule at an observation time (or at ``now`` for a gap)."""

    rule: AlertRule
    at: dt.datetime
    value: float | None
    message: str


@dataclass(frozen=True)
class PriorAlert:
    """What the store knows about the latest alert with a de-duplication key."""

    id: int
    status: str
    last_seen_at: dt.datetime


@dataclass(frozen=True)
class Decision:
    action: str  # open | repeat | suppress | skip
    trigger: Trigger
    alert_id: int | None = None


_NUMBER_FIELDS = {
    "threshold": ("above",), "consecutive": ("above", "count"), "rate": ("max_change_per_hour",),
    "gap": ("max_gap_hours",), "zscore": ("window_hours", "min_points", "limit"),
}


def _parse_time(text: str, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise BadInput(f"{where}: {text!r} is not HH:MM", field=where, value=str(text)) from None


def _quiet_hours(raw: Mapping | None, where: str) -> QuietHours | None:
    if not raw:
        return None
    return QuietHours(
        _parse_time(raw["start"], f"{where}.start"), _parse_time(raw["end"], f"{where}.end"),
        float(raw.get("timezone_offset_hours", 8)), tuple(raw.get("bypass_severities", ("critical",))),
    )


def rule_from_record(record: Mapping, defaults: Mapping | None = None) -> AlertRule:
    """Validate one rule record (as in alert_rules.yaml); errors name the rule and field."""
    merged = {**(defaults or {}), **record}
    key = str(merged.get("key") or "")
    if not key:
        raise BadInput("alert rule without key", field="rules.key")
    kind = merged.get("kind")
    if kind not in KINDS:
        raise BadInput(f"alert rule {key!r}: kind {kind!r} is not one of {', '.join(KINDS)}", field=f"rules.{key}.kind", value=kind)
    severity = merged.get("severity", "minor")
    if severity not in SEVERITIES:
        raise BadInput(f"alert rule {key!r}: severity {severity!r} is not one of {', '.join(SEVERITIES)}", field=f"rules.{key}.severity")
    numbers = {}
    for name in _NUMBER_FIELDS[kind]:
        if name not in merged:
            raise BadInput(f"alert rule {key!r} ({kind}) needs {name!r}", field=f"rules.{key}.{name}")
        try:
            numbers[name] = float(merged[name])
        except (TypeError, ValueError):
            raise BadInput(f"alert rule {key!r}: {name} {merged[name]!r} is not a number", field=f"rules.{key}.{name}") from None
    return AlertRule(
        key=key, kind=kind, parameter=str(merged.get("parameter", "*")), severity=severity,
        message=str(merged.get("message", key)), station_kinds=tuple(merged.get("station_kinds") or ()),
        numbers=numbers, cooldown=dt.timedelta(minutes=float(merged.get("cooldown_minutes", 360))),
        quiet_hours=_quiet_hours(merged.get("quiet_hours"), f"rules.{key}.quiet_hours"),
        citation=merged.get("citation"),
    )


def rule_records(path: Path = DEFAULT_RULES_PATH) -> tuple[dict, list[dict]]:
    """(defaults, rule records) of a rules YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("defaults") or {}, list(data.get("rules") or [])


def load_rules(path: Path = DEFAULT_RULES_PATH, stored: Sequence[Mapping] = ()) -> list[AlertRule]:
    """Rules of the YAML file, with stored records replacing file rules of the same key."""
    defaults, records = rule_records(path)
    by_key = {r["key"]: r for r in records}
    by_key.update({r["key"]: r for r in stored})
    defaults = {k: v for k, v in defaults.items() if k in ("cooldown_minutes", "quiet_hours")}
    return [rule_from_record(r, defaults) for r in by_key.values()]


def _message(rule: AlertRule, value: float | None, **extra: object) -> str:
    shown = "—" if value is None else f"{value:g}"
    numbers = {k: f"{v:g}" for k, v in rule.numbers.items()}
    return rule.message.format(value=shown, **numbers, **{k: str(v) for k, v in extra.items()})


def _threshold(rule: AlertRule, series: Series) -> list[Trigger]:
    limit = rule.number("above")
    return [Trigger(rule, at, v, _message(rule, v)) for at, v in series if v > limit]


def _consecutive(rule: AlertRule, series: Series) -> list[Trigger]:
    limit, needed = rule.number("above"), int(rule.number("count"))
    out, run = [], 0
    for at, v in series:
        run = run + 1 if v > limit else 0
        if run >= needed:
            out.append(Trigger(rule, at, v, _message(rule, v)))
    return out


def _rate(rule: AlertRule, series: Series) -> list[Trigger]:
    limit = rule.number("max_change_per_hour")
    out = []
    for (t0, v0), (t1, v1) in zip(series, series[1:]):
        hours = (t1 - t0).total_seconds() / 3600
        if hours > 0 and abs(v1 - v0) / hours >= limit:
            change = round(abs(v1 - v0) / hours, 3)
            out.append(Trigger(rule, t1, change, _message(rule, change)))
    return out


def _gap(rule: AlertRule, series: Series, now: dt.datetime) -> list[Trigger]:
    limit = dt.timedelta(hours=rule.number("max_gap_hours"))
    times = [t for t, _ in series] + [now]
    out = []
    for before, after in zip(times, times[1:]):
        if after - before > limit:
            hours = round((after - before).total_seconds() / 3600, 2)
            out.append(Trigger(rule, after, hours, _message(rule, hours)))
    return out


def robust_z(history: Sequence[float], value: float) -> float | None:
    """Modified z-score of ``value`` against ``history`` (None when the MAD is zero)."""
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad == 0:
        return None
    return MAD_TO_SIGMA * (value - median) / mad


def _zscore(rule: AlertRule, series: Series) -> list[Trigger]:
    window = dt.timedelta(hours=rule.number("window_hours"))
    min_points, limit = int(rule.number("min_points")), rule.number("limit")
    out, start = [], 0
    for i, (at, v) in enumerate(series):
        while series[start][0] < at - window:
            start += 1
        history = [x for _, x in series[start:i]]
        if len(history) < min_points:
            continue
        z = robust_z(history, v)
        if z is not None and abs(z) >= limit:
            out.append(Trigger(rule, at, v, _message(rule, v, z=f"{z:.1f}")))
    return out


def evaluate_rule(rule: AlertRule, series: Series, now: dt.datetime, since: dt.datetime | None = None) -> list[Trigger]:
    """Firings of ``rule`` on a series (oldest first); only those after ``since`` are returned.

    The series should reach back far enough before ``since`` for consecutive and z-score rules.
    """
    if rule.kind == "threshold":
        found = _threshold(rule, series)
    elif rule.kind == "consecutive":
        found = _consecutive(rule, series)
    elif rule.kind == "rate":
        found = _rate(rule, series)
    elif rule.kind == "gap":
        found = _gap(rule, series, now)
    else:
        found = _zscore(rule, series)
    return [t for t in found if since is None or t.at > since]


def plan_alerts(triggers: Sequence[Trigger], prior: PriorAlert | None) -> list[Decision]:
    """De-duplicate and cool down the firings of one rule at one station and parameter.

    While the latest alert is open or acknowledged, firings repeat it; firings not after its last
    firing were already counted (skip). After it is closed, firings within the rule's cooldown of
    its last firing are suppressed; the first one after the cooldown opens a new alert.
    """
    decisions, state = [], prior
    for trig in sorted(triggers, key=lambda t: t.at):
        if state is not None and trig.at <= state.last_seen_at:
            decisions.append(Decision("skip", trig, state.id))
        elif state is not None and state.status != "closed":
            decisions.append(Decision("repeat", trig, state.id))
            state = PriorAlert(state.id, state.status, trig.at)
        elif state is not None and trig.at < state.last_seen_at + trig.rule.cooldown:
            decisions.append(Decision("suppress", trig, state.id))
        else:
            decisions.append(Decision("open", trig))
            state = PriorAlert(-1, "open", trig.at)  # the id comes from the store
    return decisions


def notify_after(rule: AlertRule, now: dt.datetime) -> dt.datetime | None:
    """When a notice may go out: None (at once) or the end of the quiet hours ``now`` falls in."""
    quiet = rule.quiet_hours
    if quiet is None or rule.severity in quiet.bypass_severities:
        return None
    tz = dt.timezone(dt.timedelta(hours=quiet.offset_hours))
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    wraps = quiet.start > quiet.end  # e.g. 22:00–07:00 spans midnight
    inside = (clock >= quiet.start or clock < quiet.end) if wraps else (quiet.start <= clock < quiet.end)
    if not inside:
        return None
    end_day = local.date() + dt.timedelta(days=1) if wraps and clock >= quiet.start else local.date()
    return dt.datetime.combine(end_day, quiet.end, tzinfo=tz).astimezone(dt.UTC)


def dedup_key(rule: AlertRule, station_code: str, parameter: str) -> str:
    return f"{rule.key}:{station_code}:{parameter}"
