"""Supervision clues (遥感、无人机、举报、许可线索) and their inspection worklist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecozone import clock
from ecozone.cli.common import (
    ActorOption,
    FormatOption,
    OutputFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
)
from ecozone.cli.screening import screening_service


clues_app = typer.Typer(help="Supervision clues: import, worklist, assign, inspect, close, summary", no_args_is_help=True)
app.add_typer(clues_app, name="clues")


def _print_clues(rows: list[dict]) -> None:
    table = Table("id", "source", "observed", "county", "units", "verdict", "priority", "status", "rules")
    for c in rows:
        table.add_row(
            str(c["id"]), c["source"], c["observed_on"], c["region_code"] or "", ",".join(c["units"]), c["verdict"],
            c["priority"], c["status"], ",".join(f["rule_id"] for f in c["findings"]),
        )
    console.print(table)


@clues_app.command("import")
def clues_import(
    file: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage or CSV (lon/lat or wkt) of polygons or points")],
    source: Annotated[str, typer.Option(help="satellite | drone | complaint | permit")],
    observed: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Observed date for rows without one")] = None,
    crs: Annotated[str | None, typer.Option(help="CRS of the input when not lon/lat (GCJ-02, EPSG:4547 …)")] = None,
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Screen each clue against the zoning in force on its observed date; store it with findings and priority."""
    from ecozone.supervision.clue_input import read_clue_file
    from ecozone.supervision.clues import check_source, import_clues
    from ecozone.supervision.settings import get_supervision_settings

    def _import():
        check_source(source)
        items = read_clue_file(file, observed.date() if observed else None, crs)
        service = screening_service()
        return import_clues(service.engine, service, get_supervision_settings(), items, source, actor, clock.utc_now())

    rows = run(_import)
    if format == OutputFormat.json:
        emit_json({"clues": rows})
        return
    console.print(f"imported {len(rows)} clue(s)")
    _print_clues(rows)


@clues_app.command("list")
def clues_list(
    county: Annotated[str | None, typer.Option(help="GB/T 2260 county code")] = None,
    status: Annotated[str | None, typer.Option(help="open | assigned | inspected | closed")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """The worklist: high priority and earliest due first, overdue marked."""
    from ecozone.supervision.worklist import worklist

    rows = run(lambda: worklist(engine_from_settings(), clock.utc_now(), county, status))
    if format == OutputFormat.json:
        emit_json({"clues": rows})
        return
    _print_clues(rows)


def _emit_clue(clue: dict, format: OutputFormat) -> None:
    if format == OutputFormat.json:
        emit_json(clue)
        return
    console.print(f"clue {clue['id']}: {clue['status']} ({clue['assignee'] or '-'}); due {clue['due_at']}")


@clues_app.command("assign")
def clues_assign(
    clue_id: int,
    inspector: Annotated[str, typer.Option(help="The inspector who will do the 现场检查")],
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Assign a clue to an inspector."""
    from ecozone.supervision.worklist import assign

    _emit_clue(run(lambda: assign(engine_from_settings(), clue_id, inspector, actor, clock.utc_now())), format)


@clues_app.command("inspect")
def clues_inspect(
    clue_id: int,
    result: Annotated[str, typer.Option(help="confirmed | not_a_problem | rectified")],
    notes: Annotated[str, typer.Option(help="What the inspection found")],
    photo: Annotated[list[Path] | None, typer.Option(help="A JPEG/PNG/WebP photo; repeat for several")] = None,
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Record the 现场检查 result of an assigned clue, with notes and photos."""
    import mimetypes

    from ecozone.monitoring.complaints import Photo
    from ecozone.monitoring.settings import get_monitoring_settings
    from ecozone.supervision.worklist import record_inspection

    def _inspect():
        photos = [Photo(p.name, mimetypes.guess_type(p.name)[0] or "", p.read_bytes()) for p in photo or []]
        media = get_monitoring_settings()
        return record_inspection(engine_from_settings(), clue_id, result, notes, actor, clock.utc_now(), photos,
                                 media.media_dir, media.max_photo_bytes)

    _emit_clue(run(_inspect), format)


@clues_app.command("close")
def clues_close(
    clue_id: int,
    note: Annotated[str, typer.Option(help="Closing note (办结说明)")] = "",
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Close an inspected clue."""
    from ecozone.supervision.worklist import close

    _emit_clue(run(lambda: close(engine_from_settings(), clue_id, actor, note, clock.utc_now())), format)


@clues_app.command("show")
def clues_show(clue_id: int) -> None:
    """One clue with its findings, audit trail and photos (JSON)."""
    from ecozone.supervision import repository
    from ecozone.supervision.clues import clue_summary

    def _show():
        with engine_from_settings().connect() as conn:
            return clue_summary(repository.get_clue(conn, clue_id))

    emit_json(run(_show))
