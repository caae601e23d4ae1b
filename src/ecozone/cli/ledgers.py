"""Offset ledgers (煤炭消费减量替代, 总量削减替代, 产能置换): sources, draws, balances."""

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
    ReportFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
    writable_path,
)


ledgers_app = typer.Typer(help="Offset ledgers: sources, draws, balances", no_args_is_help=True)
app.add_typer(ledgers_app, name="ledgers")


@ledgers_app.command("add-source")
def ledgers_add_source(
    code: Annotated[str, typer.Option(help="Ledger entry number")],
    region: Annotated[str, typer.Option(help="GB/T 2260 code of the county (or city) where the reduction was made")],
    resource: Annotated[str, typer.Option(help="coal | so2 | nox | vocs | particulate | capacity")],
    kind: Annotated[str, typer.Option(help="closure | retrofit")],
    amount: Annotated[float, typer.Option(help="Verified reduction per year (t/a; capacity 万t/a)")],
    effective: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Date the reduction took effect")],
    document: Annotated[str, typer.Option(help="Document proving the reduction (title, 文号)")],
    industry: Annotated[str | None, typer.Option(help="GB/T 4754-2017 code, for capacity")] = None,
    note: str = "",
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Bank a verified reduction (a closure or a retrofit) in its region's ledger."""
    from ecozone.ledgers.draws import add_source

    source = run(lambda: add_source(
        engine_from_settings(), code=code, region_code=region, resource=resource, kind=kind, amount=amount,
        effective_on=effective.date(), document=document, actor=actor, now=clock.utc_now(), industry=industry, note=note,
    ))
    if format == OutputFormat.json:
        emit_json(source)
        return
    console.print(f"ledger source {source['code']}: {source['resource']} {source['amount']} in {source['region_code']}")


@ledgers_app.command("list")
def ledgers_list(
    region: Annotated[str | None, typer.Option(help="GB/T 2260 code (a city code lists its counties too)")] = None,
    resource: Annotated[str | None, typer.Option(help="coal | so2 | nox | vocs | particulate | capacity")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Sources in the ledger, with the screening that drew each (if drawn)."""
    from ecozone.ledgers import repository

    def _list():
        with engine_from_settings().connect() as conn:
            prefix = region.rstrip("0") if region else None
            return [{**s.summary(), "drawn_by": s.drawn_by} for s in repository.list_sources(conn, prefix, resource)]

    rows = run(_list)
    if format == OutputFormat.json:
        emit_json({"sources": rows})
        return
    table = Table("code", "region", "resource", "kind", "amount", "effective", "document", "drawn by")
    for s in rows:
        table.add_row(s["code"], s["region_code"], s["resource"], s["kind_name"], str(s["amount"]), s["effective_on"], s["document"], s["drawn_by"] or "")
    console.print(table)


@ledgers_app.command("draw")
def ledgers_draw(
    screening_id: Annotated[str, typer.Argument(help="The stored screening that showed the offset sufficient")],
    approval: Annotated[str, typer.Option(help="The approval the draw is tied to (文号)")],
    actor: ActorOption = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Draw the sources of an approved project (each source once; audited)."""
    from ecozone.ledgers.draws import draw_for_screening

    result = run(lambda: draw_for_screening(engine_from_settings(), screening_id, approval, actor, clock.utc_now()))
    if format == OutputFormat.json:
        emit_json(result)
        return
    console.print(f"drawn for {result['project_name']} ({result['approval']}): " + ", ".join(d["code"] for d in result["draws"]))


@ledgers_app.command("balance")
def ledgers_balance(
    region: Annotated[str, typer.Option(help="GB/T 2260 code of the province, city or county")],
    year: Annotated[int, typer.Option(help="Balance up to 31 December of this year")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, json, html or pdf")] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write the report here (html, pdf)", callback=writable_path)] = None,
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
) -> None:
    """Balance of a region's ledgers: banked, drawn and left per resource, sources and draws."""
    from ecozone.ledgers.balance import balance, balance_html, balance_pdf

    data = run(lambda: balance(engine_from_settings(), region, year))
    if format == ReportFormat.json:
        emit_json(data)
    elif format in (ReportFormat.html, ReportFormat.pdf):
        if out is None:
            raise typer.BadParameter("html and pdf reports need --out PATH", param_hint="--out")
        out.write_bytes(balance_html(data, lang, generated_at=clock.utc_now()).encode("utf-8") if format == ReportFormat.html else balance_pdf(data, lang, generated_at=clock.utc_now()))
        console.print(f"wrote {out}")
    else:
        table = Table("resource", "unit", "banked", "drawn", "balance")
        for r in data["resources"]:
            table.add_row(r["name"], r["unit"], f"{r['banked']:,.1f}", f"{r['drawn']:,.1f}", f"{r['balance']:,.1f}")
        console.print(table)
