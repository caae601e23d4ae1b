"""Reading control units from exchange files, mapping provincial field names to ours."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from ecozone.errors import BadInput
from ecozone.geo.crs import STORAGE_CRS, normalize_crs_name, to_storage_crs
from ecozone.geo.io import read_vector
from ecozone.zoning.model import AccessEntry, ControlUnit, Dimension, UnitClass

# Our field name → accepted names in exchange files (provincial datasets use pinyin initials).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "HJZHGKDYBM", "ZHGKDYBM", "GKDYBM", "DYBM", "UNIT_CODE"),
    "name": ("name", "HJZHGKDYMC", "ZHGKDYMC", "GKDYMC", "DYMC", "UNIT_NAME"),
    "class": ("class", "unit_class", "ZHGKDYFL", "GKDYFL", "DYFL", "GKDYLB", "DYLB"),
    "elements": ("elements", "YSLX", "GKYS"),
    "county_code": ("county_code", "XZQDM", "COUNTY_CODE", "XDM"),
    "city_code": ("city_code", "CITY_CODE", "SDM"),
    "province": ("PROV", "SHENG", "province"),
    "city": ("CITY", "SHI", "city"),
    "county": ("COUNTY", "XIAN", "QX", "county"),
    "remark": ("remark", "REMARK", "BZ"),
    Dimension.SPATIAL_LAYOUT.value: ("spatial_layout", "KJBJYS", "KJBJYS_NR", "KJBJ"),
    Dimension.EMISSIONS.value: ("emissions", "WRWPFGK", "WRWPF", "WRWPFGK_NR"),
    Dimension.RISK.value: ("risk", "HJFXFK", "HJFXFK_NR"),
    Dimension.RESOURCES.value: ("resources", "ZYKFXLYQ", "ZYLYXL", "ZYKFXL", "ZYLYXLYQ"),
}

SIDECAR_ACCESS = "access_lists.csv"  # full access lists beside a zipped Shapefile

_ITEM_SPLIT = re.compile(r"\s*(?:\r?\n)+\s*")


@dataclass
class ReadResult:
    """Units read from a file, plus the warnings raised while reading them."""

    units: list[ControlUnit]
    source_crs: str
    warnings: list[dict] = field(default_factory=list)


def resolve_columns(columns: list[str]) -> dict[str, str]:
    """Map our field names to the file's column names (case-insensitive aliases)."""
    by_upper = {c.upper(): c for c in columns}
    mapping: dict[str, str] = {}
    for ours, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias.upper() in by_upper:
                mapping[ours] = by_upper[alias.upper()]
                break
    return mapping


def parse_unit_class(value, row: int) -> UnitClass:
    """Accept 1/2/3 or the Chinese class names (优先保护单元 …)."""
    text = str(value).strip() if value is not None else ""
    if text in {"1", "2", "3"}:
        return UnitClass(int(text))
    for unit_class in UnitClass:
        if unit_class.word_zh in text:
            return unit_class
    raise BadInput(
        f"feature {row}: class {value!r} is not 1/2/3 or 优先保护/重点管控/一般管控",
        field="class",
        value=value,
        row=row,
    )


def parse_elements(value) -> list[str]:
    """Element types from a list, a JSON list or a separated string (生态,大气 …)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        return [str(v) for v in json.loads(text)]
    return [part for part in re.split(r"[,，、;；/\s]+", text) if part]


def split_access_text(text) -> list[str]:
    """One access-list field as separate requirements (one per line)."""
    if text is None:
        return []
    return [item for item in _ITEM_SPLIT.split(str(text).strip()) if item]


def _required(row: dict, mapping: dict[str, str], ours: str, index: int):
    column = mapping.get(ours)
    if column is None:
        raise BadInput(
            f"the file has no {ours!r} field (accepted names: {', '.join(FIELD_ALIASES[ours])})",
            field=ours,
        )
    value = row[column]
    if value is None or str(value).strip() == "":
        raise BadInput(f"feature {index}: field {column!r} is empty", field=column, row=index)
    return value


def _optional(row: dict, mapping: dict[str, str], ours: str):
    column = mapping.get(ours)
    return None if column is None else row[column]


def unit_from_row(row: dict, geometry: shapely.Geometry, mapping: dict[str, str], index: int) -> ControlUnit:
    """Build one ``ControlUnit`` from a file row (geometry already in EPSG:4490)."""
    code = str(_required(row, mapping, "code", index)).strip()
    unit_class = parse_unit_class(_required(row, mapping, "class", index), index)
    county_code = str(_optional(row, mapping, "county_code") or code[2:8]).strip()
    city_code = str(_optional(row, mapping, "city_code") or county_code[:4] + "00").strip()
    access = [
        AccessEntry(dimension, text)
        for dimension in Dimension
        for text in split_access_text(_optional(row, mapping, dimension.value))
    ]
    return ControlUnit(
        code=code,
        name=str(_required(row, mapping, "name", index)).strip(),
        unit_class=unit_class,
        geometry=geometry,
        county_code=county_code,
        city_code=city_code,
        elements=parse_elements(_optional(row, mapping, "elements")),
        access=access,
        remark=str(_optional(row, mapping, "remark") or ""),
    )


def _check_lonlat_extent(geometry: shapely.Geometry, name: str, index: int) -> None:
    """Refuse coordinates that cannot be lon/lat: swapped axes or metres without a declared CRS."""
    minx, miny, maxx, maxy = geometry.bounds
    if -90 <= minx and maxx <= 90 and 90 < miny and maxy <= 180:
        raise BadInput(
            f"{name} feature {index}: coordinates look like lat/lon instead of lon/lat (x {minx:.4f}…{maxx:.4f}, "
            f"y {miny:.4f}…{maxy:.4f}); swap the axes",
            field="geometry",
            value=[minx, miny, maxx, maxy],
        )
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise BadInput(
            f"{name} feature {index}: coordinates look projected (metres, e.g. x {minx:.0f}) but the "
            "file declares no projected CRS; give its CRS (e.g. --crs EPSG:4547)",
            field="crs",
            value=[minx, miny],
        )


def read_units(path: Path, crs: str | None = None, encoding: str | None = None) -> ReadResult:
    """Read control units from GeoJSON, GeoPackage or zipped Shapefile into EPSG:4490.

    ``crs`` overrides the file's own CRS (needed for GCJ-02, which no file can declare).
    """
    table = read_vector(path, encoding=encoding)
    if len(table) == 0:
        raise BadInput(f"{Path(path).name} holds no features", field="file", value=str(path))
    source_crs = normalize_crs_name(crs or table.crs)
    mapping = resolve_columns(list(table.columns))
    units = []
    for i, geometry in enumerate(table.geometries):
        if geometry is None or geometry.is_empty:
            raise BadInput(f"feature {i}: geometry is empty", field="geometry", row=i)
        if source_crs == STORAGE_CRS:
            _check_lonlat_extent(geometry, Path(path).name, i)
        stored = to_storage_crs(geometry, source_crs)
        units.append(unit_from_row(table.row(i), stored, mapping, i))
    _apply_access_sidecar(Path(path), units)
    return ReadResult(units=units, source_crs=source_crs)


def _apply_access_sidecar(path: Path, units: list[ControlUnit]) -> None:
    """Shapefile DBF fields stop at 254 bytes; a zipped export carries full lists beside it."""
    sidecar = read_access_sidecar(path)
    if sidecar is None:
        return
    for unit in units:
        unit.access = sidecar.get(unit.code, [])


def read_access_sidecar(path: Path) -> dict[str, list[AccessEntry]] | None:
    """Access lists from the CSV inside a zipped Shapefile, when there is one."""
    if Path(path).suffix.lower() != ".zip":
        return None
    with zipfile.ZipFile(path) as archive:
        if SIDECAR_ACCESS not in archive.namelist():
            return None
        text = archive.read(SIDECAR_ACCESS).decode("utf-8")
    grouped: dict[str, list[tuple[int, AccessEntry]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        grouped.setdefault(row["code"], []).append((int(row["position"]), AccessEntry(Dimension(row["dimension"]), row["text"])))
    return {code: [entry for _, entry in sorted(items, key=lambda item: item[0])] for code, items in grouped.items()}
