"""Zoning at a place and unit files: ``where``, ``import`` (a draft release), ``export``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecozone import clock
from ecozone.errors import EcozoneError
from ecozone.cli.common import (
    ActorOption,
    AsOfOption,
    FormatOption,
    OutputFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
    writable_path,
)


def _snapshot(as_of: dt.datetime | None):
    from ecozone.zoning.inforce import load_snapshot

    engine = engine_from_settings()
    return load_snapshot(engine, (as_of.date() if as_of else clock.today()))


@app.command("where")
def where_command(
    lon: Annotated[float, typer.Argument(help="Longitude (EPSG:4490 or 4326)")],
    lat: Annotated[float, typer.Argument(help="Latitude (EPSG:4490 or 4326)")],
    format: FormatOption = OutputFormat.table,
    as_of: AsOfOption = None,
) -> None:
    """Which region and control unit(s) a place is in, with their access lists."""
    from ecozone.zoning.lookup import where

    answer = run(lambda: where(_snapshot(as_of), lon, lat).to_dict())
    if format == OutputFormat.json:
        emit_json(answer)
        return
    print_where(answer)


def print_where(answer: dict) -> None:
    region = " / ".join(f"{r['name']} ({r['code']})" for r in answer["region"].values())
    console.print(f"[bold]{answer['lon']}, {answer['lat']}[/bold]  {region}")
    if answer.get("notice"):
        console.print(f"[yellow]{answer['notice']}[/yellow]")
    if not answer["units"]:
        console.print("no control unit in force here")
    for unit in answer["units"]:
        console.print(f"\n[bold]{unit['code']}[/bold] {unit['name']} — {unit['class_name']}")
        table = Table("维度 dimension", "要求 requirement", show_lines=True)
        from ecozone.zoning.model import Dimension

        for dimension in Dimension:
            for text in unit["access"][dimension.value]:
                table.add_row(dimension.name_zh, text)
        console.print(table)
    for release in answer["release"]:
        console.print(f"release {release['id']}: {release['title']} ({release['version']}, effective {release['effective_date']})")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="GeoPackage, zipped Shapefile or GeoJSON of control units")],
    jurisdiction: Annotated[str, typer.Option(help="GB/T 2260 code of the issuing province or city")],
    version: Annotated[str, typer.Option(help="Version label of the new draft release")],
    title: Annotated[str | None, typer.Option(help="Title (default: derived from file name)")] = None,
    kind: Annotated[str, typer.Option(help="initial | periodic | dynamic")] = "initial",
    reason: Annotated[str, typer.Option(help="Why (required for periodic and dynamic)")] = "",
    crs: Annotated[str | None, typer.Option(help="CRS of the file when it declares none (e.g. GCJ-02, EPSG:4547)")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding of a Shapefile .dbf without .cpg (e.g. GBK)")] = None,
    report: Annotated[Path | None, typer.Option(help="Write the validation report (JSON) here")] = None,
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Validate a unit file and store it as a draft release (nothing is stored on an error)."""
    from ecozone.zoning import releases as workflow
    from ecozone.zoning.importer import read_units
    from ecozone.zoning.model import ReleaseKind

    def _import():
        engine = engine_from_settings()
        request = workflow.DraftRequest(jurisdiction, version, title or file.stem, ReleaseKind(kind), reason, issuer=actor)
        units = read_units(file, crs=crs, encoding=encoding).units
        try:
            return workflow.create_draft(engine, request, units, actor, now=clock.utc_now())
        except EcozoneError as exc:
            if report is not None and "report" in exc.detail:
                report.write_text(json.dumps(exc.detail["report"], ensure_ascii=False, indent=2), encoding="utf-8")
            raise

    release, validation = run(_import)
    if report is not None:
        report.write_text(json.dumps(validation.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    if format == OutputFormat.json:
        emit_json({"release": release.summary(), "validation": validation.to_dict()})
        return
    console.print(f"draft release {release.id} ({release.version}) stored with {len(validation.warnings)} warning(s)")
    for finding in validation.warnings:
        console.print(f"  warning {finding.check}: {finding.unit or ''} {finding.message}", highlight=False)


@app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="Output: .gpkg, .geojson or .zip (Shapefile)", callback=writable_path)],
    release: Annotated[int | None, typer.Option(help="Release id (default: all units in force)")] = None,
    as_of: AsOfOption = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Write the units of a release (or all in force) to an exchange file."""
    from ecozone.zoning import releases as workflow
    from ecozone.zoning.exchange import export_units

    def _export() -> int:
        units = workflow.release_units(engine_from_settings(), release)[1] if release else _snapshot(as_of).units
        export_units(file, units)
        return len(units)

    count = run(_export)
    if format == OutputFormat.json:
        emit_json({"file": str(file), "units": count, "release": release})
        return
    console.print(f"wrote {count} units to {file}")
