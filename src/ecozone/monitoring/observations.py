"""Observation rows: parsing and validation of CSV and JSON input, naming the row and field.

A row is (station code, parameter, observed_at, value, flag). Times are stored in UTC; a time
given without an offset is read in ``MonitoringSettings.naive_time_offset_hours`` (Beijing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ecozone.errors import BadInput

PARAMETER_PATTERN = re.compile(r"^[a-z][a-z0-9_.]{0,31}$")
CSV_COLUMNS = ("station", "parameter", "observed_at", "value")
FLAG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,8}$")


@dataclass
class ObservationBatch:
    """Columns of validated observations, times in UTC (aware)."""

    station_codes: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    times: list[dt.datetime] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    flags: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)

    def append(self, station: str, parameter: str, at: dt.datetime, value: float, flag: str | None) -> None:
        self.station_codes.append(station)
        self.parameters.append(parameter)
        self.times.append(at)
        self.values.append(value)
        self.flags.append(flag)


def parse_time(text: object, where: str, naive_tz: dt.timezone) -> dt.datetime:
    """An ISO 8601 time as UTC; ``where`` names the row for the error."""
    if isinstance(text, dt.datetime):
        at = text
    else:
        try:
            at = dt.datetime.fromisoformat(str(text).strip())
        except ValueError:
            raise BadInput(f"{where}: observed_at {text!r} is not an ISO 8601 time", field="observed_at", value=str(text)) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=naive_tz)
    return at.astimezone(dt.UTC)


def parse_value(raw: object, where: str) -> float:
    """A finite number; ``where`` names the row for the error."""
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadInput(f"{where}: value {raw!r} is not a number", field="value", value=str(raw)) from None
    if not math.isfinite(value):
        raise BadInput(f"{where}: value {raw!r} is not finite", field="value", value=str(raw))
    return value


def check_parameter(name: object, where: str) -> str:
    """A parameter key such as ``pm25`` or ``cod``; lower-case letters, digits, ``_`` and ``.``."""
    key = str(name or "").strip().lower()
    if not PARAMETER_PATTERN.match(key):
        raise BadInput(f"{where}: parameter {name!r} is not a valid parameter key", field="parameter", value=str(name))
    return key


def _flag(raw: object, where: str) -> str | None:
    text = str(raw).strip() if raw not in (None, "") else ""
    if text and not FLAG_PATTERN.match(text):
        raise BadInput(f"{where}: flag {raw!r} must be 1-8 letters, digits, _ or -", field="flag", value=text)
    return text or None


def _add_record(batch: ObservationBatch, record: Mapping[str, object], where: str, naive_tz: dt.timezone) -> None:
    station = str(record.get("station") or "").strip()
    if not station:
        raise BadInput(f"{where}: station is missing", field="station")
    batch.append(
        station,
        check_parameter(record.get("parameter"), where),
        parse_time(record.get("observed_at"), where, naive_tz),
        parse_value(record.get("value"), where),
        _flag(record.get("flag"), where),
    )


def batch_from_records(records: Iterable[Mapping[str, object]], naive_tz: dt.timezone, label: str = "row") -> ObservationBatch:
    """Validate JSON-like records (keys station, parameter, observed_at, value, optional flag)."""
    batch = ObservationBatch()
    for number, record in enumerate(records, start=1):
        _add_record(batch, record, f"{label} {number}", naive_tz)
    return batch


def batch_from_csv(text: str, naive_tz: dt.timezone, source: str = "CSV") -> ObservationBatch:
    """Validate a CSV with header station,parameter,observed_at,value[,flag]; rows numbered as in the file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BadInput(f"{source}: header lacks column(s) {', '.join(missing)}", field="header", value=",".join(missing))
    batch = ObservationBatch()
    for record in reader:
        _add_record(batch, record, f"{source} line {reader.line_num}", naive_tz)
    return batch
