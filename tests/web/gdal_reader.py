"""Read an OGR data source with pyogrio and print what GDAL saw as JSON (run as a script).

The OAPIF tests run this in a child process: pyogrio keeps the GIL while GDAL fetches pages,
so a server thread in the same interpreter could not answer and the read would hang.

    python gdal_reader.py SOURCE [LAYER [KWARGS_JSON]]

Without a layer it prints the layer names; with one, its CRS, columns and WKT geometries.
"""

from __future__ import annotations

import json
import sys

import pyogrio
import pyogrio.raw
import shapely


def read(source: str, layer: str, kwargs: dict) -> dict:
    if "bbox" in kwargs:
        kwargs["bbox"] = tuple(kwargs["bbox"])
    meta, _fids, geometries, fields = pyogrio.raw.read(source, layer=layer, **kwargs)
    return {
        "crs": meta["crs"],
        "columns": {name: values.tolist() for name, values in zip(meta["fields"], fields, strict=True)},
        "wkt": [shapely.from_wkb(g).wkt for g in geometries],
    }


def plain(value):
    """List columns (e.g. elements) hold one array per row; dates become ISO strings."""
    return value.tolist() if hasattr(value, "tolist") else value.isoformat()


def main(argv: list[str]) -> None:
    source = argv[1]
    if len(argv) == 2:
        result: dict = {"layers": [str(name) for name, _geometry_type in pyogrio.list_layers(source)]}
    else:
        result = read(source, argv[2], json.loads(argv[3]) if len(argv) > 3 else {})
    json.dump(result, sys.stdout, ensure_ascii=False, default=plain)


if __name__ == "__main__":
    main(sys.argv)
