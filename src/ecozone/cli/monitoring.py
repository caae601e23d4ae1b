"""Monitoring: AQI and water class on given values; stations, observations, alerts, grids, complaints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecozone import clock
from ecozone.cli.common import (
    FormatOption,
    OutputFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
)


DateOption = Annotated[dt.datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="Date of the observation (chooses the standard's edition)")]


@app.command("aqi")
def aqi(
    values: Annotated[list[str], typer.Argument(help="NAME=VALUE pairs, e.g. pm25=80 pm10=100 o3_8h=150 (µg/m³; CO mg/m³)")],
    date: DateOption = None,
    standard: Annotated[str | None, typer.Option(help="Force an edition, e.g. HJ 633-2012")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """AQI and IAQI by HJ 633 (the edition in force on --date)."""
    from ecozone.monitoring.aqi import aqi_command

    result = run(lambda: aqi_command(values, date.date() if date else None, clock.today(), standard))
    if format == OutputFormat.json:
        emit_json(result)
        return
    category = result["category"]
    console.print(f"AQI [bold]{result['aqi']}[/bold] {category['level_name']} {category['name']} ({result['standard']['code']})")
    table = Table("pollutant", "concentration", "IAQI")
    for key, item in result["items"].items():
        table.add_row(f"{item['name']} ({key})", f"{item['concentration']} {item['unit']}", str(item["iaqi"]))
    console.print(table)
    console.print(f"primary: {', '.join(result['primary']) or '—'}; exceeding: {', '.join(result['exceeding']) or '—'}")


@app.command("water-class")
def water_class(
    values: Annotated[list[str], typer.Argument(help="NAME=VALUE pairs in mg/L, e.g. do=6.5 codmn=5 nh3n=0.8 tp=0.15")],
    waterbody: Annotated[str, typer.Option(help="river or lake")] = "river",
    date: DateOption = None,
    target: Annotated[str | None, typer.Option(help="Target class, e.g. III")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Water quality class by GB 3838-2002 single-factor evaluation."""
    from ecozone.monitoring.water import water_class_command

    result = run(lambda: water_class_command(values, waterbody, date.date() if date else None, target))
    if format == OutputFormat.json:
        emit_json(result)
        return
    console.print(f"class [bold]{result['class']}[/bold] ({result['standard']['code']}); deciding: {', '.join(result['deciding'])}")
    table = Table("parameter", "value", "class")
    for key, item in result["parameters"].items():
        table.add_row(f"{item['name']} ({key})", f"{item['value']} {item['unit']}", item["class"])
    console.print(table)


stations_app = typer.Typer(help="Monitoring stations and sections", no_args_is_help=True)
app.add_typer(stations_app, name="stations")
observations_app = typer.Typer(help="Monitoring observations (time series)", no_args_is_help=True)
app.add_typer(observations_app, name="observations")
alerts_app = typer.Typer(help="Early-warning alerts", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
grids_app = typer.Typer(help="Supervision grids (网格化监管)", no_args_is_help=True)
app.add_typer(grids_app, name="grids")
complaints_app = typer.Typer(help="12369 complaints", no_args_is_help=True)
app.add_typer(complaints_app, name="complaints")


@stations_app.command("import")
def stations_import(file: Path, format: FormatOption = OutputFormat.table) -> None:
    """Import stations from CSV (code,name,kind,lon,lat,…); each is placed in county, unit and grid cell."""
    from ecozone.monitoring.stations import import_stations_file
    from ecozone.zoning.inforce import SnapshotCache

    engine = run(engine_from_settings)
    result = run(lambda: import_stations_file(engine, SnapshotCache(engine, clock.today), file))
    if format == OutputFormat.json:
        emit_json(result)
        return
    console.print(f"stations: {result['inserted']} new, {result['updated']} updated, {len(result['unplaced'])} outside every county")


@observations_app.command("import")
def observations_import(file: Path, format: FormatOption = OutputFormat.table) -> None:
    """Import observations from CSV (station,parameter,observed_at,value[,flag]); re-importing adds nothing."""
    from ecozone.monitoring.ingest import ingest_csv_file
    from ecozone.monitoring.settings import get_monitoring_settings

    engine = run(engine_from_settings)
    result = run(lambda: ingest_csv_file(engine, file, get_monitoring_settings())).summary()
    if format == OutputFormat.json:
        emit_json(result)
        return
    console.print(f"observations: {result['received']} read, {result['inserted']} new, {result['duplicates']} already stored")


@alerts_app.command("run")
def alerts_run(
    hours: Annotated[int, typer.Option(help="Look at observations of the last N hours")] = 24,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Evaluate the alert rules (alert_rules.yaml and stored overrides) and send due notices."""
    from ecozone.monitoring import alert_runs
    from ecozone.monitoring.alerts import load_rules
    from ecozone.monitoring.settings import get_monitoring_settings
    from ecozone.monitoring.repositories.alerts import stored_alert_rules

    engine = run(engine_from_settings)
    now = clock.utc_now()
    with engine.connect() as conn:
        rules = run(lambda: load_rules(stored=stored_alert_rules(conn)))
    result = run(lambda: alert_runs.run_alerts(engine, rules, now, now - dt.timedelta(hours=hours))).summary()
    result["notices"] = run(lambda: alert_runs.deliver_notices(engine, get_monitoring_settings(), now))
    if format == OutputFormat.json:
        emit_json(result)
        return
    console.print(f"alerts: {result['opened']} opened, {result['repeated']} repeats, {result['suppressed']} in cooldown; "
                  f"{len(result['notices']['sent'])} notices sent, {len(result['notices']['failed'])} failed, "
                  f"{len(result['notices']['no_channel'])} waiting for a channel (none configured)")


@grids_app.command("generate")
def grids_generate(
    county: str,
    rows: int = 4, columns: int = 5, small_rows: int = 6, small_columns: int = 6,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Generate a county's large (rows×columns) and small cells, equal-area (交城: 20 / 720)."""
    from ecozone.monitoring.grids import GridShape, generate_grid

    engine = run(engine_from_settings)
    result = run(lambda: generate_grid(engine, county, GridShape(rows, columns, small_rows, small_columns), clock.utc_now()))
    if format == OutputFormat.json:
        emit_json(result)
        return
    console.print(f"grid {result['grid_id']} for {county}: {result['large']} large, {result['small']} small cells")


@complaints_app.command("escalate")
def complaints_escalate(format: FormatOption = OutputFormat.table) -> None:
    """Escalate overdue complaints (run periodically, e.g. hourly from cron)."""
    from ecozone.monitoring.complaints import escalate_overdue
    from ecozone.monitoring.settings import get_monitoring_settings

    engine = run(engine_from_settings)
    changed = run(lambda: escalate_overdue(engine, get_monitoring_settings(), clock.utc_now()))
    if format == OutputFormat.json:
        emit_json(changed)
        return
    console.print(f"{len(changed)} complaint(s) escalated")
    for c in changed:
        console.print(f"  {c['number']} → level {c['level']}")
