"""Zoning releases: list, show, diff, the workflow steps, packages and the yearly tracking report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecozone import clock
from ecozone.cli.common import (
    ActorOption,
    FormatOption,
    LockOption,
    OutputFormat,
    ReportFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
    writable_path,
)


release_app = typer.Typer(help="Zoning releases: list, show, diff, submit, file, publish, packages", no_args_is_help=True)
app.add_typer(release_app, name="release")


@release_app.command("list")
def release_list(
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Every release with its status and effective date."""
    from ecozone.zoning.repositories import releases as release_store

    def _list():
        with engine_from_settings().connect() as conn:
            return [(r, release_store.count_units(conn, r.id)) for r in release_store.list_releases(conn, jurisdiction)]

    rows = run(_list)
    if format == OutputFormat.json:
        emit_json([{**r.summary(), "kind": r.kind.value, "units": n} for r, n in rows])
        return
    table = Table("id", "jurisdiction", "version", "title", "kind", "status", "effective", "units")
    for r, n in rows:
        table.add_row(str(r.id), r.jurisdiction_code, r.version, r.title, r.kind.value, r.status.value, str(r.effective_date or ""), str(n))
    console.print(table)


@release_app.command("show")
def release_show(release_id: int, format: FormatOption = OutputFormat.table) -> None:
    """One release: its metadata, unit counts by class and validation warnings."""
    from collections import Counter

    from ecozone.zoning import releases as workflow

    release, units, rules = run(lambda: workflow.release_units(engine_from_settings(), release_id))
    by_class = Counter(u.unit_class.name_zh for u in units)
    data = {**release.summary(), "kind": release.kind.value, "reason": release.reason, "issuer": release.issuer,
            "notice": release.notice, "units": len(units), "units_by_class": dict(by_class), "rules": len(rules),
            "warnings": release.warnings}
    if format == OutputFormat.json:
        emit_json(data)
        return
    for key, value in data.items():
        console.print(f"[bold]{key}[/bold]: {value}", highlight=False)


@release_app.command("diff")
def release_diff(
    release_a: int,
    release_b: int,
    format: FormatOption = OutputFormat.table,
    geojson: Annotated[Path | None, typer.Option(help="Write the changed areas as GeoJSON (for a map)")] = None,
) -> None:
    """What changed from release A to release B: units added, removed, reshaped, reclassified; rules."""
    from ecozone.zoning import releases as workflow

    result = run(lambda: workflow.diff(engine_from_settings(), release_a, release_b))
    if geojson is not None:
        geojson.write_text(json.dumps(result.to_feature_collection(), ensure_ascii=False), encoding="utf-8")
    if format == OutputFormat.json:
        emit_json(result.to_dict())
        return
    console.print(result.counts())
    table = Table("code", "change", "name", "fields", "area before m²", "area after m²")
    for unit in result.units:
        table.add_row(unit.code, unit.change, unit.name, ", ".join(unit.fields),
                      f"{unit.area_before_m2:,.0f}" if unit.area_before_m2 else "", f"{unit.area_after_m2:,.0f}" if unit.area_after_m2 else "")
    console.print(table)


def _transition(step_name: str, release_id: int, actor: str, lock: int | None, **kwargs) -> None:
    from ecozone.zoning import releases as workflow

    step = {"submit": workflow.submit, "file": workflow.file_release, "publish": workflow.publish}[step_name]
    release = run(lambda: step(engine_from_settings(), release_id, actor=actor, expected_lock_version=lock, now=clock.utc_now(), **kwargs))
    console.print(f"release {release.id} is now {release.status.value}" + (f", effective {release.effective_date}" if release.effective_date else ""))


@release_app.command("submit")
def release_submit(release_id: int, actor: ActorOption = "cli", lock_version: LockOption = None) -> None:
    """Draft → submitted for filing with the level above."""
    _transition("submit", release_id, actor, lock_version)


@release_app.command("file")
def release_file(release_id: int, actor: ActorOption = "cli", lock_version: LockOption = None) -> None:
    """Submitted → filed (备案 by the level above)."""
    _transition("file", release_id, actor, lock_version)


@release_app.command("publish")
def release_publish(
    release_id: int,
    effective: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Date from which it is in force")],
    notice: Annotated[str | None, typer.Option(help="Publication notice")] = None,
    actor: ActorOption = "cli",
    lock_version: LockOption = None,
) -> None:
    """Filed → published, in force from the effective date (today or later: the past is immutable)."""
    # The UTC date, as at the API: never ahead of the Beijing date.
    today = clock.utc_now().date()
    _transition("publish", release_id, actor, lock_version, effective_date=effective.date(), notice=notice, today=today)


@release_app.command("export")
def release_export(release_id: int, file: Annotated[Path, typer.Argument(help="Package to write (.zip)", callback=writable_path)]) -> None:
    """Write a release as an exchange package (GeoPackage + rules + manifest with checksums)."""
    from ecozone.zoning import releases as workflow

    manifest = run(lambda: workflow.export_release_package(engine_from_settings(), release_id, file))
    console.print(f"wrote {file}: {manifest['units']} units, {manifest['rule_files']} rule files")


@app.command("export-tiles")
def export_tiles(
    release: Annotated[int, typer.Option(help="Release id (see `ecozone release list`)")],
    out: Annotated[Path, typer.Option(help="PMTiles archive to write (.pmtiles)", callback=writable_path)],
    min_zoom: Annotated[int, typer.Option(help="Lowest zoom written")] = 0,
    max_zoom: Annotated[int, typer.Option(help="Highest zoom written (readers over-zoom beyond it)")] = 12,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Write a release's unit tiles (the map's vector tiles) as one PMTiles v3 archive, for static hosting."""
    from ecozone.zoning.unit_tiles import export_release_tiles

    summary = run(lambda: export_release_tiles(engine_from_settings(), release, out, min_zoom, max_zoom))
    if format == OutputFormat.json:
        emit_json({"file": str(out), "tiles": summary.tiles, "min_zoom": summary.min_zoom, "max_zoom": summary.max_zoom, "bytes": summary.bytes})
        return
    console.print(f"wrote {out}: {summary.tiles} tiles, zoom {summary.min_zoom}–{summary.max_zoom}, {summary.bytes:,} bytes")


@release_app.command("import")
def release_import(
    file: Annotated[Path, typer.Argument(help="Release package (.zip) made by `release export`")],
    version: Annotated[str | None, typer.Option(help="Store under another version label")] = None,
    actor: ActorOption = "cli",
) -> None:
    """Verify a package's checksums and store it as a draft release."""
    from ecozone.zoning import releases as workflow

    release, _ = run(lambda: workflow.import_release_package(engine_from_settings(), file, actor, version, now=clock.utc_now()))
    console.print(f"draft release {release.id} ({release.jurisdiction_code} {release.version}) imported")


@release_app.command("tracking")
def release_tracking(
    year: Annotated[int, typer.Option(help="Year to track (zoning as in force on 31 December)")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, json, html or pdf")] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write the report here (html, pdf)", callback=writable_path)] = None,
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
) -> None:
    """Yearly tracking of the zoning (年度跟踪): units and areas by class, releases, use in screenings."""
    from ecozone.supervision.summary import yearly_summary
    from ecozone.tracking.report import tracking, tracking_html, tracking_pdf

    def _tracking() -> dict:
        engine = engine_from_settings()
        # The supervision summary (成果应用评估) joins the zoning's own yearly figures.
        return {**tracking(engine, year), "supervision": yearly_summary(engine, year)}

    data = run(_tracking)
    if format == ReportFormat.json:
        emit_json(data)
    elif format in (ReportFormat.html, ReportFormat.pdf):
        if out is None:
            raise typer.BadParameter("html and pdf reports need --out PATH", param_hint="--out")
        out.write_bytes(tracking_html(data, lang, generated_at=clock.utc_now()).encode("utf-8") if format == ReportFormat.html else tracking_pdf(data, lang, generated_at=clock.utc_now()))
        console.print(f"wrote {out}")
    else:
        table = Table("class", "units", "area km²")
        for row in data["totals"].values():
            table.add_row(row["name"], str(row["units"]), f"{row['area_km2']:,.2f}")
        console.print(table)
        console.print(f"releases issued in {year}: {len(data['releases'])}; screenings: {data['screenings']['total']}")
