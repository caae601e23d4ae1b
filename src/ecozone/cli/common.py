"""What every command shares: the Typer app, output formats and options, the one place where
domain errors become exit codes, the engine from the settings and the clock (read only here, at
the edge)."""

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

from ecozone.errors import EcozoneError
from ecozone.logging import configure_logging
from ecozone.settings import get_settings
from ecozone.store.engine import check_schema, make_engine

app = typer.Typer(help="ecozone: 生态环境分区管控 platform", no_args_is_help=True, pretty_exceptions_enable=False)

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

ActorOption = Annotated[str, typer.Option("--actor", help="Who does this (recorded in the audit log)")]

LockOption = Annotated[int | None, typer.Option("--lock-version", help="Refuse if the release changed since this version")]


class ReportFormat(StrEnum):
    """An answer printed (table), as JSON, or written as a report (html, pdf)."""

    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"


def run(action):
    """Run ``action``; turn a domain error into its message on stderr and its exit code."""
    try:
        return action()
    except EcozoneError as exc:
        err_console.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_CODES.get(exc.kind, 1)) from None


def writable_path(value: Path | None) -> Path | None:
    """An output path whose folder exists and is a folder (checked before any work is done)."""
    if value is None:
        return None
    folder = value.expanduser().resolve().parent
    if not folder.is_dir():
        raise typer.BadParameter(f"the folder {folder} does not exist; create it or choose another path for {value}")
    if value.is_dir():
        raise typer.BadParameter(f"{value} is a folder; give a file name")
    return value


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

