"""The ``ecozone`` command line (Typer). Every command takes ``--format json`` for machines."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecozone.errors import EcozoneError
from ecozone.logging import configure_logging
from ecozone.settings import get_settings
from ecozone.store.engine import check_schema, make_engine, migrate

app = typer.Typer(help="ecozone: 生态环境分区管控 platform", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema and shipped data", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console()
err_console = Console(stderr=True)

# The one place where domain errors become exit codes (DESIGN.md: 2 bad input, 1 other failure).
EXIT_CODES = {"bad_input": 2, "not_found": 2}


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table for people, json for machines")]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Answer with the zoning in force on this date"),
]


def run(action):
    """Run ``action``; turn a domain error into its message on stderr and its exit code."""
    try:
        return action()
    except EcozoneError as exc:
        err_console.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_CODES.get(exc.kind, 1)) from None


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def engine_from_settings(check: bool = True):
    """The engine ``ECOZONE_DATABASE_URL`` names; ``Unavailable`` when it can't be reached."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    engine = make_engine(settings.database_url)
    if check:
        check_schema(engine)
    return engine


@app.callback()
def main() -> None:
    """Settings come from ECOZONE_* environment variables (see README)."""


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest revision."""
    engine = run(lambda: engine_from_settings(check=False))
    run(lambda: migrate(engine))
    console.print(f"schema is current on {engine.url.render_as_string(hide_password=True)}")


@app.command("init")
def init(
    demo: Annotated[bool, typer.Option(help="Also import and publish the demonstration zoning")] = True,
    force: Annotated[bool, typer.Option(help="Reload reference data even if releases exist")] = False,
) -> None:
    """Create the schema and load the shipped Shanxi data (regions, features, demonstration release)."""
    from ecozone import bootstrap

    engine = run(lambda: engine_from_settings(check=False))
    paths = bootstrap.DatasetPaths(get_settings().data_dir / "shanxi")

    def _init() -> None:
        migrate(engine)
        if bootstrap.has_releases(engine) and not force:
            console.print("database already initialised (use --force to reload reference data)")
            return
        n_regions, n_features = bootstrap.load_reference_data(engine, paths)
        console.print(f"loaded {n_regions} regions and {n_features} reference features")
        if demo and paths.demo_units.exists() and not bootstrap.has_releases(engine):
            ids = bootstrap.load_demo_release(engine, paths)
            console.print(f"published {len(ids)} demonstration releases (示例数据)")

    run(_init)


def _snapshot(as_of: dt.datetime | None):
    from ecozone.zoning.inforce import load_snapshot

    engine = engine_from_settings()
    return load_snapshot(engine, (as_of.date() if as_of else dt.date.today()))


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


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Serve the web platform and API (uvicorn)."""
    import uvicorn

    from ecozone.api.app import create_app

    settings = get_settings()
    engine = run(engine_from_settings)
    uvicorn.run(create_app(settings, engine), host=host or settings.host, port=port or settings.port, log_config=None)


if __name__ == "__main__":
    app()
