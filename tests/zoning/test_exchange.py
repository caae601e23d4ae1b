"""Exchange files and release packages round-trip exactly."""

from __future__ import annotations

import zipfile

import pytest
import shapely

from ecozone.clock import today, utc_now
from ecozone.errors import BadInput
from ecozone.zoning import releases as workflow
from ecozone.zoning.exchange import export_units
from ecozone.zoning.importer import read_units
from ecozone.zoning.inforce import SnapshotCache

LONG_TEXT = "禁止新建、扩建化工园区和化工项目；" * 30  # longer than a DBF field can hold


def _same_units(a, b, exact: bool, multi: bool = False) -> None:
    assert [u.code for u in a] == [u.code for u in b]
    for x, y in zip(a, b, strict=True):
        assert (x.name, x.unit_class, x.elements, x.county_code, x.city_code, x.remark) == (
            y.name, y.unit_class, y.elements, y.county_code, y.city_code, y.remark,
        )
        assert [(e.dimension, e.text) for e in x.access] == [(e.dimension, e.text) for e in y.access]
        if exact:  # the same coordinates, to the bit; a MultiPolygon layer wraps single polygons
            expected = shapely.multipolygons(shapely.get_parts(x.geometry)) if multi else x.geometry
            assert shapely.equals_exact(expected, y.geometry, tolerance=0)
        else:  # Shapefiles re-orient rings and hold only multi-polygons
            assert shapely.equals(x.geometry, y.geometry)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".zip"])
def test_export_then_import_reproduces_units(territory, tmp_path, suffix):
    units = read_units(territory.demo_units).units
    units[0].access[0].text = LONG_TEXT
    path = tmp_path / f"units{suffix}"
    export_units(path, units)
    _same_units(units, read_units(path).units, exact=suffix != ".zip", multi=suffix == ".gpkg")


def test_geopackage_uses_provincial_field_names_and_a_multipolygon_layer(territory, tmp_path):
    import pyogrio

    path = tmp_path / "units.gpkg"
    units = read_units(territory.demo_units).units
    units[0].access[0].text = LONG_TEXT
    export_units(path, units)
    info = pyogrio.read_info(path, layer="control_units")
    assert info["geometry_type"] == "MultiPolygon" and info["features"] == len(units)
    assert list(info["fields"]) == [
        "HJZHGKDYBM", "HJZHGKDYMC", "ZHGKDYFL", "YSLX", "XZQDM", "CITY_CODE", "REMARK", "KJBJYS", "WRWPFGK", "HJFXFK", "ZYKFXLYQ",
    ]
    meta, _, _, fields = pyogrio.raw.read(path, layer="control_units")
    columns = dict(zip(meta["fields"], fields, strict=True))
    assert list(columns["HJZHGKDYBM"]) == [u.code for u in units]
    assert LONG_TEXT in columns["KJBJYS"][0]  # whole, not cut at 254 bytes as in a DBF


def test_zipped_shapefile_uses_provincial_field_names_and_gbk_is_honoured(territory, tmp_path):
    from ecozone.geo.io import read_vector

    path = tmp_path / "units.zip"
    export_units(path, read_units(territory.demo_units).units)
    assert {"HJZHGKDYBM", "HJZHGKDYMC", "ZHGKDYFL", "KJBJYS"} <= set(read_vector(path).columns)
    # A provincial file: GBK-encoded .dbf with a .cpg saying so, no sidecar.
    gbk = tmp_path / "gbk.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(gbk, "w") as target:
        for name in source.namelist():
            if name.endswith(".dbf"):
                continue
            if name.endswith(".cpg"):
                target.writestr(name, "GBK")
            elif not name.endswith(".csv"):
                target.writestr(name, source.read(name))
        dbf_from_gdal = _dbf_in_gbk(source, tmp_path)
        target.writestr("units.dbf", dbf_from_gdal)
    units = read_units(gbk).units
    assert units[0].name == "小店区优先保护单元（汾河）"


def _dbf_in_gbk(archive: zipfile.ZipFile, tmp_path) -> bytes:
    """Re-encode the UTF-8 DBF of an export as GBK, as provincial datasets ship them."""
    import pyogrio

    folder = tmp_path / "gbk_src"
    folder.mkdir()
    archive.extractall(folder)
    table = pyogrio.read_info(folder / "units.shp")
    assert table["features"] == 4
    meta, _, wkb, fields = pyogrio.raw.read(folder / "units.shp")
    out = tmp_path / "gbk_out" / "units.shp"
    out.parent.mkdir()
    pyogrio.raw.write(out, wkb, field_data=fields, fields=meta["fields"], crs=meta["crs"], driver="ESRI Shapefile",
                      geometry_type="MultiPolygon", encoding="GBK")
    return out.with_suffix(".dbf").read_bytes()


def test_release_package_round_trips(loaded_engine, tmp_path):
    snapshot = SnapshotCache(loaded_engine, today).get()
    release = next(r for r in snapshot.releases if r.jurisdiction_code == "140100")
    path = tmp_path / "taiyuan.zip"
    manifest = workflow.export_release_package(loaded_engine, release.id, path)
    assert manifest["units"] == 3 and manifest["jurisdiction"] == "140100"
    copy, _ = workflow.import_release_package(loaded_engine, path, "importer", version="copy", now=utc_now())
    diff = workflow.diff(loaded_engine, release.id, copy.id)
    assert diff.units == [] and diff.counts()["rules_changed"] == 0


def test_package_with_a_bad_checksum_is_refused(loaded_engine, tmp_path):
    release = SnapshotCache(loaded_engine, today).get().releases[0]
    path = tmp_path / "p.zip"
    workflow.export_release_package(loaded_engine, release.id, path)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "units.gpkg":
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.writestr(name, data)
    with pytest.raises(BadInput, match="checksum of units.gpkg does not match"):
        workflow.import_release_package(loaded_engine, tampered, "importer", version="t", now=utc_now())
