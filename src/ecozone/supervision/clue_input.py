"""Clue files: GeoJSON, GeoPackage or CSV (lon/lat or wkt columns) of polygons or points, each
with an optional id, name, land-use change class, industry, construction nature and observed date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import shapely

from ecozone.errors import BadInput
from ecozone.geo.crs import normalize_crs_name, to_storage_crs
from ecozone.geo.io import read_csv_geometries, read_vector

SOURCES = ("satellite", "drone", "complaint", "permit")
SOURCE_NAMES_ZH = {"satellite": "卫星遥感", "drone": "无人机巡查", "complaint": "举报", "permit": "排污许可清单"}

# Land-use change classes a detection may carry, with what the change means for screening: a
# change seen from above is new construction (nature ``new``); mining disturbance is section B.
CHANGE_CLASSES: dict[str, dict] = {
    "construction": {"name": "新增建设（建筑物、构筑物）", "nature": "new", "industry": None},
    "industrial": {"name": "新增工业用地", "nature": "new", "industry": None},
    "mining": {"name": "采矿采石扰动", "nature": "new", "industry": "B"},
    "dumping": {"name": "固体废物堆放", "nature": "new", "industry": None},
    "vegetation_loss": {"name": "植被破坏", "nature": "new", "industry": None},
    "water_encroachment": {"name": "河湖水域占用", "nature": "new", "industry": None},
}
ID_FIELDS = ("id", "ref", "clue_id")
OBSERVED_FIELDS = ("observed", "observed_on", "date")


@dataclass(frozen=True)
class ClueInput:
    """One clue as read from a file, before placement and screening."""

    row: int
    ref: str
    geometry: shapely.Geometry
    observed_on: dt.date
    name: str = ""
    change_class: str | None = None
    industry: str | None = None
    nature: str | None = None


def _first(row: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _date(raw: str, row: int) -> dt.date:
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise BadInput(f"row {row}: observed date {raw!r} is not YYYY-MM-DD", field="observed", value=raw, row=row) from exc


def clue_from_row(row: dict, geometry: shapely.Geometry | None, index: int, observed: dt.date | None) -> ClueInput:
    """Check one row: geometry present, change class known, an observed date from the row or the default."""
    if geometry is None or geometry.is_empty:
        raise BadInput(f"row {index}: the clue has no geometry", field="geometry", row=index)
    if not shapely.is_valid(geometry):
        geometry = shapely.make_valid(geometry)
    change_class = _first(row, ("change_class", "class", "change"))
    if change_class is not None and change_class not in CHANGE_CLASSES:
        raise BadInput(
            f"row {index}: change_class {change_class!r} is not one of {', '.join(CHANGE_CLASSES)}",
            field="change_class", value=change_class, row=index,
        )
    raw_date = _first(row, OBSERVED_FIELDS)
    observed_on = _date(raw_date, index) if raw_date else observed
    if observed_on is None:
        raise BadInput(f"row {index}: no observed date (give an observed column or --observed)", field="observed", row=index)
    return ClueInput(
        row=index,
        ref=(_first(row, ID_FIELDS) or str(index))[:64],
        geometry=geometry,
        observed_on=observed_on,
        name=(_first(row, ("name", "title")) or "")[:256],
        change_class=change_class,
        industry=_first(row, ("industry",)),
        nature=_first(row, ("nature",)),
    )


def read_clue_file(path: Path, observed: dt.date | None = None, crs: str | None = None) -> list[ClueInput]:
    """Every clue in the file, in storage CRS; ``BadInput`` names the row and field that is wrong."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{path} does not exist", field="file", value=str(path))
    if path.suffix.lower() == ".csv":
        rows, file_crs = read_csv_geometries(path), None
    else:
        table = read_vector(path)
        rows, file_crs = [(table.row(i), g) for i, g in enumerate(table.geometries)], table.crs
    source_crs = normalize_crs_name(crs or file_crs)
    clues = []
    for index, (row, geometry) in enumerate(rows, start=1):
        if geometry is not None:
            geometry = to_storage_crs(geometry, source_crs)
        clues.append(clue_from_row(row, geometry, index, observed))
    if not clues:
        raise BadInput(f"{path.name} holds no clues", field="file", value=str(path))
    return clues
