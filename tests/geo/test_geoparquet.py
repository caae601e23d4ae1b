"""GeoParquet files: what we write is GeoParquet 1.1 that other readers take, and reads back."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import shapely

from ecozone.errors import BadInput
from ecozone.geo.geoparquet import read_geoparquet, write_geoparquet


def test_a_written_file_carries_geoparquet_metadata_and_reads_back(tmp_path):
    path = tmp_path / "out.parquet"
    geometries = [shapely.Point(112.5, 37.8), None, shapely.box(111.0, 36.0, 111.1, 36.1)]
    write_geoparquet(path, geometries, {"name": ["甲", "乙", "丙"], "count": [1, 2, 3]}, "EPSG:4490")
    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    column = geo["columns"]["geometry"]
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    assert column["encoding"] == "WKB" and column["geometry_types"] == ["Point", "Polygon"]
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4490}
    assert column["bbox"] == [111.0, 36.0, 112.5, 37.8]
    table = read_geoparquet(path)
    assert table.crs == "EPSG:4490"
    assert table.columns == {"name": ["甲", "乙", "丙"], "count": [1, 2, 3]}
    assert table.geometries[1] is None
    assert shapely.equals(table.geometries[0], geometries[0]) and shapely.equals(table.geometries[2], geometries[2])


def test_geopandas_reads_what_we_write(tmp_path):
    geopandas = pytest.importorskip("geopandas")
    path = tmp_path / "out.parquet"
    write_geoparquet(path, [shapely.Point(112.5, 37.8)], {"verdict": ["compliant"]}, "EPSG:4490")
    frame = geopandas.read_parquet(path)
    assert frame.crs.to_epsg() == 4490
    assert frame.loc[0, "verdict"] == "compliant" and frame.geometry[0].x == 112.5


def test_plain_parquet_without_geo_metadata_is_refused_by_name(tmp_path):
    import pyarrow as pa

    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    with pytest.raises(BadInput, match="plain.parquet.*GeoParquet"):
        read_geoparquet(path)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(BadInput, match="broken.parquet"):
        read_geoparquet(broken)
