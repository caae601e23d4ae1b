"""Yearly observations per metric and region: parsing CSV/Excel, validation, correction history.

A row names a plan indicator id (e.g. ``tunliu-2021-2025.forest-coverage``) or a metric key
(``eco.forest_coverage``) plus a region code. ``kind`` is ``observed`` (default) or
``assigned_target`` — the value a higher level handed down for "完成上级下达目标" targets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from ecozone.errors import BadInput, NotFound
from ecozone.indicators.model import Comparator, Metric, Threshold
from ecozone.indicators.registry import Registry
from ecozone.indicators.targets import default_comparator, parse_threshold
from ecozone.indicators.values import normalize_unit, parse_value

MIN_YEAR = 2000
MAX_TARGET_YEAR = 2100
_MAX_ERRORS_IN_MESSAGE = 10
# Sources of made-up demonstration values contain this mark; reports then carry the 示例数据 label.
SAMPLE_MARK = "示例数据"

_HEADER_ALIASES = {
    "indicator": {"indicator", "metric", "指标", "指标编号", "指标代码"},
    "region": {"region", "地区", "区划代码", "行政区划代码"},
    "year": {"year", "年份", "年度"},
    "value": {"value", "数值", "值"},
    "unit": {"unit", "单位"},
    "source": {"source", "来源", "数据来源"},
    "note": {"note", "备注"},
    "kind": {"kind", "类型"},
}
_REQUIRED = ("indicator", "year", "value", "source")


class ObservationKind(StrEnum):
    OBSERVED = "observed"
    ASSIGNED_TARGET = "assigned_target"


_KIND_ALIASES = {"": ObservationKind.OBSERVED, "observed": ObservationKind.OBSERVED, "观测值": ObservationKind.OBSERVED,
                 "assigned_target": ObservationKind.ASSIGNED_TARGET, "下达目标": ObservationKind.ASSIGNED_TARGET}


@dataclass(frozen=True)
class Observation:
    """One value of a metric in a region and year, with where it came from."""

    metric: str
    region: str
    year: int
    value: float
    unit: str
    source: str
    kind: ObservationKind = ObservationKind.OBSERVED
    threshold: Threshold | None = None  # assigned targets only: the value with its comparator
    note: str | None = None
    origin: str = ""  # file and row it was read from
    revision: int = 1
    recorded_at: dt.datetime | None = None
    recorded_by: str | None = None

    @property
    def is_sample(self) -> bool:
        """Made-up demonstration values carry SAMPLE_MARK in their source (see sample_observations.csv)."""
        return SAMPLE_MARK in self.source

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.kind.value, self.metric, self.region, self.year)

    def same_content(self, other: Observation) -> bool:
        return (self.value, self.unit, self.source, self.threshold, self.note) == (
            other.value, other.unit, other.source, other.threshold, other.note
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "region": self.region, "year": self.year, "value": self.value,
            "unit": self.unit, "source": self.source, "kind": self.kind.value, "note": self.note,
            "origin": self.origin, "revision": self.revision,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "recorded_by": self.recorded_by, "sample": self.is_sample,
        }


@dataclass(frozen=True)
class ImportSummary:
    added: int
    corrected: int
    unchanged: int


@dataclass
class ObservationLedger:
    """Current observations plus every earlier revision; corrections never delete history."""

    _revisions: dict[tuple[str, str, str, int], list[Observation]] = field(default_factory=dict)

    @classmethod
    def from_history(cls, revisions: Iterable[Observation]) -> ObservationLedger:
        """A ledger holding stored revisions as they are (numbers and times kept), e.g. from the store."""
        ledger = cls()
        for observation in sorted(revisions, key=lambda o: (o.key, o.revision)):
            ledger._revisions.setdefault(observation.key, []).append(observation)
        return ledger

    def add(self, observations: Iterable[Observation], now: dt.datetime) -> ImportSummary:
        """Record a batch, stamped ``now``: new keys are added, changed values become a new revision."""
        batch = list(observations)
        reject_duplicates(batch)
        stamp = now
        added = corrected = unchanged = 0
        for observation in batch:
            history = self._revisions.setdefault(observation.key, [])
            if history and history[-1].same_content(observation):
                unchanged += 1
                continue
            history.append(replace(observation, revision=len(history) + 1, recorded_at=stamp))
            if len(history) == 1:
                added += 1
            else:
                corrected += 1
        return ImportSummary(added, corrected, unchanged)

    def series(self, metric: str, region: str) -> dict[int, Observation]:
        """Current observed values of a metric in a region, by year."""
        kind = ObservationKind.OBSERVED.value
        return {
            key[3]: history[-1]
            for key, history in self._revisions.items()
            if key[0] == kind and key[1] == metric and key[2] == region
        }

    def assigned_target(self, metric: str, region: str, year: int) -> Observation | None:
        history = self._revisions.get((ObservationKind.ASSIGNED_TARGET.value, metric, region, year))
        return history[-1] if history else None

    def history(
        self, metric: str, region: str, year: int, kind: ObservationKind = ObservationKind.OBSERVED
    ) -> list[Observation]:
        """Every revision of one value, oldest first."""
        return list(self._revisions.get((kind.value, metric, region, year), []))

    def __iter__(self) -> Iterator[Observation]:
        for history in self._revisions.values():
            yield history[-1]

    def __len__(self) -> int:
        return len(self._revisions)


def reject_duplicates(batch: list[Observation]) -> None:
    """``BadInput`` when one batch gives two values for the same metric, region, year and kind."""
    seen: dict[tuple[str, str, str, int], Observation] = {}
    for observation in batch:
        earlier = seen.get(observation.key)
        if earlier is not None:
            raise BadInput(
                f"{observation.origin}: {observation.metric} {observation.region} {observation.year} "
                f"is already given at {earlier.origin}; one import may hold one value per year",
                field="year", value=observation.year,
            )
        seen[observation.key] = observation


def read_observations(path: Path, registry: Registry, today: dt.date) -> list[Observation]:
    """Read and validate a .csv or .xlsx file of observations; any invalid row rejects the file.

    ``today`` bounds the years: an observed value cannot be for a year that has not begun.
    """
    path = Path(path)
    _check_suffix(path.name)
    if not path.is_file():
        raise NotFound(f"observation file {path} does not exist", field="file", value=str(path))
    return parse_upload(path.read_bytes(), path.name, registry, today)


def _check_suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise BadInput(f"{filename}: unsupported file type {suffix!r} (use .csv or .xlsx)", field="file", value=filename)
    return suffix


def parse_upload(
    data: bytes, filename: str, registry: Registry, today: dt.date
) -> list[Observation]:
    """Validate the bytes of an uploaded .csv or .xlsx file named ``filename`` (all rows or none)."""
    suffix = _check_suffix(filename)
    rows = _csv_rows(data) if suffix == ".csv" else _excel_rows(data, filename)
    return parse_rows(rows, registry, Path(filename).name, today)


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(f"CSV is not UTF-8 encoded: {error}", field="file") from error
    return [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)]


def _excel_rows(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # imported here: only Excel imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BadInput(f"{filename}: not a readable .xlsx workbook: {error}", field="file", value=filename) from error
    try:
        sheet = workbook.worksheets[0]
        return [(n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def parse_rows(
    rows: list[tuple[int, list[Any]]], registry: Registry, origin: str, today: dt.date
) -> list[Observation]:
    """Validate numbered raw rows (header first; blank and '#' comment rows skipped)."""
    content = [(n, row) for n, row in rows if not _is_blank_or_comment(row)]
    if not content:
        raise BadInput(f"{origin}: no header row", field="file")
    header_line, header = content[0]
    columns = _map_header(header, origin, header_line)
    observations: list[Observation] = []
    errors: list[str] = []
    for line, row in content[1:]:
        record = {name: _cell(row, index) for name, index in columns.items()}
        try:
            observations.append(_observation(record, registry, f"{origin}:{line}", today))
        except BadInput as error:
            errors.append(error.message)
    if errors:
        shown = "; ".join(errors[:_MAX_ERRORS_IN_MESSAGE])
        more = f" (and {len(errors) - _MAX_ERRORS_IN_MESSAGE} more)" if len(errors) > _MAX_ERRORS_IN_MESSAGE else ""
        raise BadInput(f"{origin}: {len(errors)} invalid row(s): {shown}{more}", errors=errors)
    reject_duplicates(observations)
    return observations


def _is_blank_or_comment(row: list[Any]) -> bool:
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return not cells or cells[0].startswith("#")


def _map_header(header: list[Any], origin: str, line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip().lower()
        for canonical, aliases in _HEADER_ALIASES.items():
            if name in aliases:
                columns[canonical] = index
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        raise BadInput(f"{origin}:{line}: header lacks column(s) {', '.join(missing)}", field=missing[0])
    return columns


def _cell(row: list[Any], index: int) -> Any:
    value = row[index] if index < len(row) else None
    return value.strip() if isinstance(value, str) else value


def _observation(record: dict[str, Any], registry: Registry, origin: str, today: dt.date) -> Observation:
    kind = _kind(record.get("kind"), origin)
    metric, region = _metric_and_region(record, registry, origin)
    year = _year(record.get("year"), kind, origin, today)
    unit = _unit(record.get("unit"), metric, origin)
    source = str(record.get("source") or "").strip()
    if not source:
        raise BadInput(f"{origin}: source is empty; every value needs its source", field="source")
    value, threshold = _value(record.get("value"), metric, kind, origin)
    note = str(record["note"]).strip() if record.get("note") not in (None, "") else None
    return Observation(metric.key, region, year, value, unit, source, kind, threshold, note, origin)


def _kind(raw: Any, origin: str) -> ObservationKind:
    text = str(raw or "").strip().lower()
    if text not in _KIND_ALIASES:
        raise BadInput(f"{origin}: kind {raw!r} must be observed or assigned_target", field="kind", value=raw)
    return _KIND_ALIASES[text]


def _metric_and_region(record: dict[str, Any], registry: Registry, origin: str) -> tuple[Metric, str]:
    name = str(record.get("indicator") or "").strip()
    region = _region_code(record.get("region"))
    if name in registry.indicators:
        indicator = registry.indicators[name]
        if region and region != indicator.region:
            raise BadInput(f"{origin}: region {region} does not match indicator {name} (region {indicator.region})",
                           field="region", value=region)
        return indicator.metric, indicator.region
    if name not in registry.metrics:
        raise BadInput(f"{origin}: indicator {name!r} is neither a plan indicator id nor a metric key",
                       field="indicator", value=name)
    if not region:
        raise BadInput(f"{origin}: region is required when indicator is a metric key ({name})", field="region")
    tracked = sorted({i.region for i in registry.indicators.values() if i.metric.key == name})
    if region not in tracked:
        raise BadInput(f"{origin}: metric {name} has no plan indicator in region {region} "
                       f"(tracked in {', '.join(tracked)})", field="region", value=region)
    return registry.metrics[name], region


def _region_code(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _year(raw: Any, kind: ObservationKind, origin: str, today: dt.date) -> int:
    try:
        year = int(float(str(raw).strip().removesuffix("年")))
    except ValueError as error:
        raise BadInput(f"{origin}: year {raw!r} is not a year", field="year", value=raw) from error
    latest = MAX_TARGET_YEAR if kind is ObservationKind.ASSIGNED_TARGET else today.year
    if not MIN_YEAR <= year <= latest:
        raise BadInput(f"{origin}: year {year} is outside {MIN_YEAR}–{latest}", field="year", value=year)
    return year


def _unit(raw: Any, metric: Metric, origin: str) -> str:
    unit = normalize_unit(None if raw is None else str(raw))
    if unit != normalize_unit(metric.unit):
        expected = metric.unit or "(none)"
        raise BadInput(f"{origin}: unit {raw!r} does not match {metric.key} (expected {expected})",
                       field="unit", value=raw)
    return metric.unit


def _value(raw: Any, metric: Metric, kind: ObservationKind, origin: str) -> tuple[float, Threshold | None]:
    if raw is None or str(raw).strip() == "":
        raise BadInput(f"{origin}: value is empty", field="value")
    try:
        if kind is ObservationKind.ASSIGNED_TARGET:
            threshold, _ = parse_threshold(raw, metric.kind, metric.direction)
            if threshold.comparator is Comparator.RANGE:
                value = threshold.low if threshold.low is not None else 0.0
            else:
                value = threshold.value if threshold.value is not None else 0.0
        else:
            threshold, value = None, parse_value(raw, metric.kind)
    except ValueError as error:
        raise BadInput(f"{origin}: value {raw!r}: {error}", field="value", value=raw) from error
    _check_plausible(value, metric, origin, raw)
    if threshold is not None and threshold.comparator is Comparator.RANGE and threshold.high is not None:
        _check_plausible(threshold.high, metric, origin, raw)
    return value, threshold


def _check_plausible(value: float, metric: Metric, origin: str, raw: Any) -> None:
    low, high = metric.plausible or (float("-inf"), float("inf"))
    if not low <= value <= high:
        raise BadInput(f"{origin}: value {raw!r} of {metric.key} is outside the plausible range {low:g}–{high:g}",
                       field="value", value=raw)


def assigned_threshold(observation: Observation, metric: Metric) -> Threshold:
    """The threshold an assigned-target row stands for (a bare value takes the direction's comparator)."""
    if observation.threshold is not None:
        return observation.threshold
    return Threshold(default_comparator(metric.direction), value=observation.value)
