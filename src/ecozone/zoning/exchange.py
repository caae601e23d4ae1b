"""Exchange files: units to GeoPackage / GeoJSON / zipped Shapefile, and release packages
(GeoPackage + rules + a manifest with checksums) that another ecozone can import."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import shapely

from ecozone.errors import BadInput
from ecozone.geo.crs import STORAGE_CRS
from ecozone.geo.io import write_vector
from ecozone.zoning.importer import SIDECAR_ACCESS, read_units
from ecozone.zoning.model import ControlUnit, Dimension, Release

PACKAGE_FORMAT = "ecozone-release/1"
RULES_FOLDER = "rules/"

# The provincial dataset's field names (pinyin initials, at most 10 characters as Shapefiles need),
# used in the zipped Shapefile and the GeoPackage, which provincial GIS staff open side by side.
PROVINCIAL_FIELDS = {
    "code": "HJZHGKDYBM",
    "name": "HJZHGKDYMC",
    "class": "ZHGKDYFL",
    "elements": "YSLX",
    "county_code": "XZQDM",
    "city_code": "CITY_CODE",
    "remark": "REMARK",
    "spatial_layout": "KJBJYS",
    "emissions": "WRWPFGK",
    "risk": "HJFXFK",
    "resources": "ZYKFXLYQ",
}


def unit_columns(units: list[ControlUnit]) -> dict[str, list]:
    """Attribute columns of the units under our field names; access texts one per line."""
    columns: dict[str, list] = {
        "code": [u.code for u in units],
        "name": [u.name for u in units],
        "class": [int(u.unit_class) for u in units],
        "elements": [",".join(u.elements) for u in units],
        "county_code": [u.county_code for u in units],
        "city_code": [u.city_code for u in units],
        "remark": [u.remark for u in units],
    }
    for dimension in Dimension:
        columns[dimension.value] = ["\n".join(u.access_by_dimension()[dimension.value]) for u in units]
    return columns


def _access_sidecar(units: list[ControlUnit]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "dimension", "position", "text"])
    for unit in units:
        for position, entry in enumerate(unit.access):
            writer.writerow([unit.code, entry.dimension.value, position, entry.text])
    return buffer.getvalue()


def provincial_columns(units: list[ControlUnit]) -> dict[str, list]:
    """``unit_columns`` under the provincial field names."""
    return {PROVINCIAL_FIELDS[k]: v for k, v in unit_columns(units).items()}


def _multipolygons(units: list[ControlUnit]) -> list[shapely.Geometry]:
    # Units mix Polygons and MultiPolygons; the layer declares one type, as the provincial data does.
    return [shapely.multipolygons(shapely.get_parts(u.geometry)) for u in units]


def _write_shapefile_zip(path: Path, units: list[ControlUnit]) -> None:
    columns = provincial_columns(units)
    # DBF text fields hold 254 bytes; the full access lists travel in a CSV beside the .shp.
    for field_name in ("KJBJYS", "WRWPFGK", "HJFXFK", "ZYKFXLYQ"):
        columns[field_name] = [text.encode("utf-8")[:254].decode("utf-8", "ignore") for text in columns[field_name]]
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{path.stem}.shp"
        write_vector(shp, _multipolygons(units), columns, STORAGE_CRS)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                archive.write(part, part.name)
            archive.writestr(SIDECAR_ACCESS, _access_sidecar(units))


def export_units(path: Path, units: list[ControlUnit]) -> None:
    """Write units to ``.gpkg``, ``.geojson`` or ``.zip`` (Shapefile) so that importing reproduces them.

    The GeoPackage and the Shapefile carry the provincial field names and MultiPolygon layers; the
    GeoPackage holds the access lists whole (no 254-byte field limit). GeoJSON keeps our names.
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    suffix = path.suffix.lower()
    if suffix == ".zip":
        _write_shapefile_zip(path, units)
    elif suffix == ".gpkg":
        write_vector(path, _multipolygons(units), provincial_columns(units), STORAGE_CRS, layer="control_units", geometry_type="MultiPolygon")
    elif suffix in {".geojson", ".json"}:
        write_vector(path, [u.geometry for u in units], unit_columns(units), STORAGE_CRS, layer="control_units")
    else:
        raise BadInput(f"cannot export to {path.name}: use .gpkg, .geojson or .zip", field="file", value=str(path))


# --- release packages -------------------------------------------------------------------------


@dataclass
class ReleasePackage:
    manifest: dict
    units: list[ControlUnit]
    rule_files: list[tuple[str, str]]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def export_package(path: Path, release: Release, units: list[ControlUnit], rule_files: list[tuple[str, str]]) -> dict:
    """Write a release package (zip: units.gpkg, rules/*.yaml, manifest.json); return the manifest."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = Path(tmp) / "units.gpkg"
        export_units(gpkg, units)
        files = {"units.gpkg": gpkg.read_bytes()}
        files.update({f"{RULES_FOLDER}{name}": text.encode("utf-8") for name, text in rule_files})
    manifest = {
        "format": PACKAGE_FORMAT,
        "jurisdiction": release.jurisdiction_code,
        "version": release.version,
        "title": release.title,
        "kind": release.kind.value,
        "reason": release.reason,
        "issuer": release.issuer,
        "status": release.status.value,
        "effective_date": release.effective_date.isoformat() if release.effective_date else None,
        "demo": release.demo,
        "units": len(units),
        "rule_files": len(rule_files),
        "files": {name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in files.items()},
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def read_package(path: Path) -> ReleasePackage:
    """Read and verify a release package; ``BadInput`` names the file whose checksum fails."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError) as exc:
        raise BadInput(f"{path.name} is not a release package (zip): {exc}", field="file", value=str(path)) from exc
    with archive:
        names = set(archive.namelist())
        if "manifest.json" not in names:
            raise BadInput(f"{path.name} has no manifest.json", field="manifest", value=str(path))
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != PACKAGE_FORMAT:
            raise BadInput(
                f"{path.name}: unknown package format {manifest.get('format')!r}", field="format", value=manifest.get("format")
            )
        contents = {}
        for name, meta in manifest["files"].items():
            if name not in names:
                raise BadInput(f"{path.name}: {name} listed in the manifest is missing", field=name)
            data = archive.read(name)
            if _sha256(data) != meta["sha256"]:
                raise BadInput(f"{path.name}: checksum of {name} does not match the manifest; refusing the package", field=name)
            contents[name] = data
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = Path(tmp) / "units.gpkg"
        gpkg.write_bytes(contents["units.gpkg"])
        units = read_units(gpkg).units
    rule_files = [
        (name[len(RULES_FOLDER) :], data.decode("utf-8"))
        for name, data in sorted(contents.items())
        if name.startswith(RULES_FOLDER)
    ]
    return ReleasePackage(manifest=manifest, units=units, rule_files=rule_files)
