"""Batch screening: many projects from a GeoPackage, GeoJSON or CSV (lon/lat or WKT columns),
each screened against the same snapshot, written back as a table with a summary."""

from __future__ import annotations

import contextlib
import csv
import gc
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry
from rich.progress import Progress

from ecozone.errors import BadInput, Conflict, EcozoneError, TooLarge
from ecozone.geo.crs import STORAGE_CRS
from ecozone.geo.geoparquet import read_geoparquet, write_geoparquet
from ecozone.geo.io import iter_csv_geometries, read_csv_geometries, read_vector, write_vector
from ecozone.screening.engine import Screener
from ecozone.screening.overlay import Overlay, overlay, point_overlays
from ecozone.screening.project_input import ProjectInput, project_from_feature

PROJECT_FIELDS = ("name", "industry", "nature")
# Projects placed and screened together; bounds the memory a batch holds beyond its rows.
CHUNK = 2000


@dataclass
class BatchRow:
    index: int
    name: str
    geometry: shapely.Geometry | None
    verdict: str | None = None
    units: list[str] = field(default_factory=list)
    classes: list[int] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    result_id: str = ""
    error: str = ""


@dataclass
class BatchResult:
    rows: list[BatchRow]

    def summary(self) -> dict:
        """Counts by verdict, and by verdict within each unit class a project touches."""
        by_verdict = Counter(r.verdict or "error" for r in self.rows)
        by_class: dict[str, Counter] = {}
        for row in self.rows:
            for unit_class in row.classes:
                by_class.setdefault(str(unit_class), Counter())[row.verdict or "error"] += 1
        return {"projects": len(self.rows), "by_verdict": dict(by_verdict), "by_unit_class": {k: dict(v) for k, v in sorted(by_class.items())}}


@dataclass
class BatchParts:
    """A batch written as numbered part files (one per chunk or Dask partition), with the
    summary of each part; the rows themselves stay in the files."""

    paths: list[Path]
    summaries: list[dict]

    def summary(self) -> dict:
        """The parts' summaries added up (the shape of ``BatchResult.summary``)."""
        by_verdict: Counter = Counter()
        by_class: dict[str, Counter] = {}
        for part in self.summaries:
            by_verdict.update(part["by_verdict"])
            for unit_class, counts in part["by_unit_class"].items():
                by_class.setdefault(unit_class, Counter()).update(counts)
        return {
            "projects": sum(part["projects"] for part in self.summaries),
            "by_verdict": dict(by_verdict),
            "by_unit_class": {k: dict(v) for k, v in sorted(by_class.items())},
            "parts": [str(path) for path in self.paths],
        }


def _attributes(row: dict) -> dict:
    """Attribute columns: an ``attributes`` JSON column and/or ``attr_<name>`` columns."""
    attributes = {}
    raw = row.get("attributes")
    if raw not in (None, ""):
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise BadInput(f"attributes {raw!r} is not a JSON object: {exc}", field="attributes", value=str(raw)[:200]) from exc
        if not isinstance(parsed, dict):
            raise BadInput(f"attributes {raw!r} is not a JSON object", field="attributes", value=str(raw)[:200])
        attributes.update(parsed)
    for key, value in row.items():
        if key.startswith("attr_") and value not in (None, ""):
            attributes[key[5:]] = _typed(value)
    return attributes


def _typed(value):
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "false", "是", "否"}:
            return lowered in {"true", "是"}
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _csv_features(path: Path, max_rows: int | None = None) -> list[dict]:
    rows = read_csv_geometries(path)
    _check_rows(path, len(rows), max_rows)
    return [_feature(row, geometry) for row, geometry in rows]


def _feature(row: dict, geometry: shapely.Geometry) -> dict:
    properties = {k: row.get(k) for k in PROJECT_FIELDS if row.get(k) not in (None, "")}
    properties["attributes"] = _attributes(row)
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)}


def _check_rows(path: Path, rows: int, max_rows: int | None) -> None:
    if max_rows is not None and rows > max_rows:
        raise TooLarge(f"{path.name} holds {rows} projects, more than the limit of {max_rows} per batch", field="file", limit="max_batch_rows", value=max_rows)


def read_batch(path: Path, max_rows: int | None = None) -> tuple[list[dict], str | None]:
    """Project Features from a CSV, GeoJSON, GeoPackage or GeoParquet file, and the file's CRS; ``max_rows``
    refuses (``TooLarge``) a larger file."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _csv_features(path, max_rows), None
    table = read_geoparquet(path) if path.suffix.lower() == ".parquet" else read_vector(path)
    _check_rows(path, len(table), max_rows)
    return [
        _feature(table.row(i), g) for i, g in enumerate(table.geometries) if g is not None
    ], table.crs


def stream_batch(path: Path, chunk: int = CHUNK) -> tuple[Iterator[list[dict]], str | None, int]:
    """Project Features chunk by chunk, the file's CRS and the number of projects. A CSV is
    checked whole first (a bad line is refused before any project is screened), then read again
    chunk by chunk, so only one chunk's Features are held; other formats are read whole."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        features, crs = read_batch(path)
        return _chunks_of(features, chunk), crs, len(features)
    rows = sum(1 for row, geometry in iter_csv_geometries(path) if _feature(row, geometry))  # checks every row, keeps none

    def chunks() -> Iterator[list[dict]]:
        part: list[dict] = []
        for row, geometry in iter_csv_geometries(path):
            part.append(_feature(row, geometry))
            if len(part) == chunk:
                yield part
                part = []
        if part:
            yield part

    return chunks(), None, rows


def _chunks_of(features: list[dict], chunk: int) -> Iterator[list[dict]]:
    return (features[start:start + chunk] for start in range(0, len(features), chunk))


def _row(index: int, name: str, result) -> BatchRow:
    return BatchRow(
        index,
        name,
        result.project.project.geometry,
        result.verdict,
        [o.unit.code for o in result.overlay.units],
        sorted({int(o.unit.unit_class) for o in result.overlay.units}),
        [f.rule.id for f in result.evaluation.findings],
        result.result_id,
    )


def _error_row(index: int, name: str, feature: dict, message: str) -> BatchRow:
    return BatchRow(index, name, _shape_or_none(feature.get("geometry")), error=message)


def screen_chunk(
    screener: Screener, features: list[dict], crs: str | None = None, start: int = 0,
    positions: list[int] | None = None, max_vertices: int | None = None,
) -> list[BatchRow]:
    """Screen projects numbered from ``start`` (or at ``positions`` of the input) together.

    The answers are those of screening each project alone (``Screener.screen``): points are
    placed with bulk index queries, and ``Screener.screen_many`` assesses each rule once per
    distinct place and set of project fields, measuring distances for all projects at once.
    """
    with _heap_set_aside():
        return _screen_chunk(screener, features, crs, positions if positions is not None else range(start, start + len(features)), max_vertices)


@contextlib.contextmanager
def _heap_set_aside() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects alive before the chunk (the snapshot,
    rulebook and catalog: hundreds of thousands), which it would otherwise walk again and again
    as the chunk allocates; a third of a batch's time here. They are handed back afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _screen_chunk(screener: Screener, features: list[dict], crs: str | None, index: Sequence[int], max_vertices: int | None) -> list[BatchRow]:
    rows: list[BatchRow | None] = [None] * len(features)
    parsed: list[tuple[int, str, ProjectInput]] = []
    for k, feature in enumerate(features):
        name = str(((feature.get("properties") or {}) if isinstance(feature, dict) else {}).get("name") or f"#{index[k] + 1}")
        try:
            parsed.append((k, name, project_from_feature(feature, crs, max_vertices)))
        except EcozoneError as exc:
            rows[k] = _error_row(index[k], name, feature if isinstance(feature, dict) else {}, exc.message)
    placed = _overlays(screener, [p for _, _, p in parsed])
    located = []
    for (k, name, project), found in zip(parsed, placed, strict=True):
        if isinstance(found, EcozoneError):
            rows[k] = _error_row(index[k], name, features[k], found.message)
        else:
            located.append((k, name, project, found))
    answers = screener.screen_many([p for _, _, p, _ in located], [o for _, _, _, o in located])
    for (k, name, _, _), answer in zip(located, answers, strict=True):
        try:
            rows[k] = _row(index[k], name, screener.finish(answer))
        except EcozoneError as exc:
            rows[k] = _error_row(index[k], name, features[k], exc.message)
    return rows  # type: ignore[return-value]


def _overlays(screener: Screener, projects: list[ProjectInput]) -> list[Overlay | EcozoneError]:
    """Each project's overlay (points placed in bulk), or the error that screening it alone gives."""
    found: list[Overlay | EcozoneError | None] = [None] * len(projects)
    points = [k for k, p in enumerate(projects) if p.project.geometry.geom_type == "Point"]
    if points:
        bulk = point_overlays(screener.snapshot, np.asarray([projects[k].project.geometry for k in points], dtype=object))
        for k, placed in zip(points, bulk, strict=True):
            found[k] = placed
    for k, project in enumerate(projects):
        if found[k] is None:
            try:
                found[k] = overlay(screener.snapshot, project.project.geometry)
            except EcozoneError as exc:
                found[k] = exc
    return found  # type: ignore[return-value]


def screen_batch(
    screener: Screener,
    features: list[dict],
    crs: str | None = None,
    progress: bool = True,
    chunk: int = CHUNK,
    max_vertices: int | None = None,
) -> BatchResult:
    """Screen every project; a bad one is reported in its row, the others still run."""
    rows: list[BatchRow] = []
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("screening projects", total=len(features))
        for start in range(0, len(features), chunk):
            part = features[start:start + chunk]
            rows += screen_chunk(screener, part, crs, start, max_vertices=max_vertices)
            bar.advance(task, len(part))
    return BatchResult(rows)


def _shape_or_none(raw) -> shapely.Geometry | None:
    """The geometry of a row that failed, kept for the output table when it can be built."""
    try:
        geometry = shapely.geometry.shape(raw) if raw else None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, shapely.errors.GEOSException):
        return None
    if geometry is None or not np.isfinite(shapely.get_coordinates(geometry)).all():
        return None
    return geometry


def _columns(result: BatchResult, with_row: bool = False) -> dict[str, list]:
    return {
        # In a part the rows are in spatial order: ``row`` is the project's row in the input (from 1).
        **({"row": [r.index + 1 for r in result.rows]} if with_row else {}),
        "name": [r.name for r in result.rows],
        "verdict": [r.verdict or "" for r in result.rows],
        "units": [",".join(r.units) for r in result.rows],
        "unit_classes": [",".join(map(str, r.classes)) for r in result.rows],
        "findings": [",".join(r.findings) for r in result.rows],
        "result_id": [r.result_id for r in result.rows],
        "error": [r.error for r in result.rows],
    }


def write_batch(path: Path, result: BatchResult, with_row: bool = False) -> None:
    """Write the table: CSV (with WKT), GeoParquet, or GeoPackage/GeoJSON (with geometry)."""
    path = Path(path)
    columns = _columns(result, with_row)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*columns, "wkt"])
            for i, row in enumerate(result.rows):
                writer.writerow([columns[c][i] for c in columns] + [row.geometry.wkt if row.geometry is not None else ""])
        return
    if suffix == ".parquet":
        write_geoparquet(path, [r.geometry for r in result.rows], columns, STORAGE_CRS)
        return
    if path.exists():
        path.unlink()
    usable = [i for i, r in enumerate(result.rows) if r.geometry is not None]
    write_vector(path, [result.rows[i].geometry for i in usable], {k: [v[i] for i in usable] for k, v in columns.items()}, STORAGE_CRS, layer="screenings")


# --- results in parts ----------------------------------------------------------------------

PART_FORMATS = ("parquet", "csv")


def prepare_parts_dir(directory: Path) -> Path:
    """The folder for part files, created if needed; refused when it already holds parts (a
    new run would mix its parts with an old run's)."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise BadInput(f"{directory} is a file, not a folder for the result parts", field="parts_dir", value=str(directory))
    if not directory.parent.is_dir():
        raise BadInput(f"the folder {directory.parent} does not exist", field="parts_dir", value=str(directory))
    directory.mkdir(exist_ok=True)
    if any(directory.glob("part-*")):
        raise Conflict(f"{directory} already holds result parts; choose an empty folder", field="parts_dir", value=str(directory))
    return directory


def part_path(directory: Path, number: int, part_format: str) -> Path:
    """Where part ``number`` of a batch goes (``part-00000.parquet`` …)."""
    if part_format not in PART_FORMATS:
        raise BadInput(f"part format {part_format!r} is not one of {', '.join(PART_FORMATS)}", field="part_format", value=part_format)
    return Path(directory) / f"part-{number:05d}.{part_format}"


def screen_part(screener: Screener, features: list[dict], crs: str | None, positions: list[int], path: Path, max_vertices: int | None = None) -> dict:
    """Screen the projects at ``positions`` of the input, write them to ``path``, return the summary."""
    result = BatchResult(screen_chunk(screener, features, crs, positions=positions, max_vertices=max_vertices))
    write_batch(path, result, with_row=True)
    return result.summary()


def screen_batch_to_parts(
    screener: Screener,
    features: list[dict] | Iterable[list[dict]],
    directory: Path,
    crs: str | None = None,
    part_format: str = "parquet",
    progress: bool = True,
    chunk: int = CHUNK,
    max_vertices: int | None = None,
    total: int | None = None,
) -> BatchParts:
    """Screen every project chunk by chunk (``features``: a list, or its chunks as they are read,
    ``total`` projects), writing each chunk as a part: the rows of a large batch, and with
    chunks read as they go its input, are never all held at once."""
    directory = prepare_parts_dir(directory)
    chunks = _chunks_of(features, chunk) if isinstance(features, list) else features
    total = len(features) if isinstance(features, list) else total
    parts = BatchParts([], [])
    start = 0
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("screening projects", total=total)
        for number, part in enumerate(chunks):
            path = part_path(directory, number, part_format)
            positions = list(range(start, start + len(part)))
            parts.summaries.append(screen_part(screener, part, crs, positions, path, max_vertices))
            parts.paths.append(path)
            start += len(part)
            bar.advance(task, len(part))
    return parts
