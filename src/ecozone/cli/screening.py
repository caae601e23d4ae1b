"""Compliance screening: ``screen``, ``screen-batch``, ``site``, ``compare-routes``; stored screenings; industries."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecozone import clock
from ecozone.errors import BadInput
from ecozone.settings import get_settings
from ecozone.cli.common import (
    ActorOption,
    AsOfOption,
    FormatOption,
    OutputFormat,
    ReportFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    err_console,
    run,
    writable_path,
)


screening_app = typer.Typer(help="Stored screenings: show, re-run, override findings", no_args_is_help=True)
app.add_typer(screening_app, name="screening")
industries_app = typer.Typer(help="GB/T 4754-2017 industries", no_args_is_help=True)
app.add_typer(industries_app, name="industries")


def screening_service():
    from ecozone.ledgers.offsets import OffsetCheck
    from ecozone.screening.service import ScreeningService
    from ecozone.zoning.inforce import SnapshotCache

    engine = engine_from_settings()
    # Declared offsets are checked against the ledgers on every screening (the one post-step).
    return ScreeningService(engine, SnapshotCache(engine, clock.today), clock.utc_now, post_steps=[OffsetCheck(engine)])


def _write_report(result, format: ReportFormat, out: Path | None, lang: str, service, screening_id: str | None) -> None:
    """Print or write a screening answer in the asked format."""
    from ecozone.documents import load_registry, registry_path
    from ecozone.screening.report import render_report_html, render_report_pdf

    if format == ReportFormat.json:
        data = {**result.to_dict(), "screening_id": screening_id}
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        out.write_text(text + "\n", encoding="utf-8") if out else sys.stdout.write(text + "\n")
        return
    if format in (ReportFormat.html, ReportFormat.pdf):
        documents = load_registry(registry_path(get_settings().data_dir))
        if format == ReportFormat.html:
            body = render_report_html(result, lang, service.catalog(), screening_id, documents=documents, generated_at=clock.utc_now()).encode("utf-8")
        else:
            body = render_report_pdf(result, lang, service.catalog(), screening_id, documents=documents, generated_at=clock.utc_now())
        if out is None:
            raise typer.BadParameter("html and pdf reports need --out PATH", param_hint="--out")
        out.write_bytes(body)
        console.print(f"wrote {out}")
        return
    print_screening(result.to_dict(), screening_id)


def print_screening(data: dict, screening_id: str | None) -> None:
    console.print(f"[bold]{data['verdict_name']}[/bold] ({data['verdict']})  result {data['result_id']}" + (f"  screening {screening_id}" if screening_id else ""))
    if data.get("notice"):
        console.print(f"[yellow]{data['notice']}[/yellow]")
    table = Table("unit", "class", "share")
    for unit in data["units"]:
        table.add_row(f"{unit['code']} {unit['name']}", unit["class_name"], f"{unit['share']:.1%}")
    console.print(table)
    findings = Table("rule", "effect", "outcome", "reason", "clause", show_lines=True)
    for f in data["findings"]:
        findings.add_row(f["rule_id"], f["effect"], f["outcome"], f["reason"], f"{f['citation']['section']} “{f['citation']['clause']}”")
    console.print(findings)
    for deciding, title in ((True, "questions deciding a prohibition"), (False, "questions refining obligations")):
        questions = [q for q in data.get("questions", []) if q["decides_prohibition"] is deciding]
        if questions:
            table = Table(title, "if the answer is → verdict", show_lines=True)
            for q in questions:
                table.add_row(q["label"], "；".join(f"{a['answer']} → {a['verdict_name']}" for a in q["answers"]))
            console.print(table)


@app.command("screen")
def screen(
    file: Annotated[Path, typer.Argument(help="GeoJSON Feature, or a GeoPackage / zipped Shapefile outline")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, json, html or pdf")] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write the answer or report here", callback=writable_path)] = None,
    as_of: AsOfOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS of the input when not lon/lat (GCJ-02, EPSG:4547 …)")] = None,
    lang: Annotated[str, typer.Option(help="Report language: zh or en")] = "zh",
    actor: ActorOption = "cli",
    store: Annotated[bool, typer.Option(help="Store the answer (who, when, on which releases)")] = True,
) -> None:
    """Compliance assessment (符合性研判) of one project, every finding cited to its clause."""
    from ecozone.screening.project_input import read_project_file

    def _screen():
        service = screening_service()
        project = read_project_file(file, crs)
        result = service.screener(as_of.date() if as_of else None).screen(project)
        screening_id = service.store(result, project, actor) if store else None
        _write_report(result, format, out, lang, service, screening_id)

    run(_screen)


@app.command("screen-batch")
def screen_batch_command(
    file: Annotated[Path, typer.Argument(help="GeoPackage, GeoJSON, GeoParquet or CSV (lon/lat or wkt columns) of projects")],
    out: Annotated[Path | None, typer.Option(help="Result table: .csv, .parquet, .gpkg or .geojson", callback=writable_path)] = None,
    parts_dir: Annotated[Path | None, typer.Option("--parts-dir", help="Write the results as part files in this folder (for large batches), instead of --out")] = None,
    part_format: Annotated[str, typer.Option(help="Format of the part files: parquet (GeoParquet) or csv")] = "parquet",
    as_of: AsOfOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS of the input when not lon/lat")] = None,
    format: FormatOption = OutputFormat.table,
    workers: Annotated[int | None, typer.Option(help="Screen on a local Dask cluster of this many worker processes")] = None,
    dask: Annotated[str | None, typer.Option(help="Screen on the Dask scheduler at this address, e.g. tcp://scheduler:8786")] = None,
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Exit 0 even when some rows could not be screened")] = False,
) -> None:
    """Screen many projects (e.g. all parcels of a planned park); write a table (or parts) and print a summary."""
    from ecozone.screening import batch

    if (out is None) == (parts_dir is None):
        raise typer.BadParameter("give either --out (one result table) or --parts-dir (a folder of part files)")
    if part_format not in batch.PART_FORMATS:
        raise typer.BadParameter(f"--part-format must be one of {', '.join(batch.PART_FORMATS)}, not {part_format}")

    def _batch():
        if parts_dir is not None and workers is None and dask is None:
            # One process writing parts: the input is read as it is screened, a chunk at a time.
            chunks, file_crs, total = batch.stream_batch(file)
            screener = screening_service().screener(as_of.date() if as_of else None)
            return batch.screen_batch_to_parts(screener, chunks, parts_dir, crs or file_crs, part_format, total=total).summary()
        features, file_crs = batch.read_batch(file)
        screener = screening_service().screener(as_of.date() if as_of else None)
        if workers is None and dask is None:
            result = batch.screen_batch(screener, features, crs or file_crs)
        else:
            from ecozone.screening import distributed

            with distributed.dask_client(dask, workers) as client:
                if parts_dir is not None:
                    return distributed.screen_batch_distributed_to_parts(screener, features, client, parts_dir, crs or file_crs, part_format).summary()
                result = distributed.screen_batch_distributed(screener, features, client, crs or file_crs)
        batch.write_batch(out, result)
        return result.summary()

    summary = run(_batch)
    written = out if out is not None else parts_dir
    failed = summary["by_verdict"].get("error", 0)
    if format == OutputFormat.json:
        emit_json(summary)
    else:
        _print_batch_summary(written, summary)
    if failed:
        # The table holds every row; the exit code tells a script that some rows need fixing.
        err_console.print(f"{failed} of {summary['projects']} rows could not be screened; see the error column of {written}", highlight=False)
        if not keep_going:
            raise typer.Exit(2)


def _print_batch_summary(out: Path, summary: dict) -> None:
    console.print(f"wrote {out}: {summary['projects']} projects")
    table = Table("verdict", "projects")
    for verdict, count in summary["by_verdict"].items():
        table.add_row(verdict, str(count))
    console.print(table)
    by_class = Table("unit class", "verdicts")
    for unit_class, counts in summary["by_unit_class"].items():
        by_class.add_row(unit_class, ", ".join(f"{k} {v}" for k, v in counts.items()))
    console.print(by_class)


@app.command("site")
def site_command(
    industry: Annotated[str, typer.Option(help="GB/T 4754-2017 code, e.g. C2521")],
    region: Annotated[str, typer.Option(help="GB/T 2260 code of a county, a city or the province")],
    out: Annotated[Path, typer.Option(help="Areas by verdict: .geojson or .gpkg", callback=writable_path)],
    nature: Annotated[str, typer.Option(help="new | expand | rebuild | relocate | upgrade")] = "new",
    attributes: Annotated[str | None, typer.Option(help='Project attributes as JSON, e.g. {"in_park": true}')] = None,
    as_of: AsOfOption = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Siting (选址): where in a county, a city or the province such a project would be compliant, restricted or prohibited."""
    from ecozone.geo.crs import STORAGE_CRS
    from ecozone.geo.io import write_vector
    from ecozone.screening.siting import site

    def _site():
        screener = screening_service().screener(as_of.date() if as_of else None)
        target = screener.snapshot.regions.by_code.get(region)
        if target is None:
            raise BadInput(f"region {region!r} is not a known GB/T 2260 code", field="region", value=region)
        result = site(screener, target, industry, nature, json.loads(attributes) if attributes else None)
        if out.suffix.lower() == ".geojson":
            out.write_text(json.dumps(result.to_feature_collection(), ensure_ascii=False), encoding="utf-8")
        else:
            if out.exists():
                out.unlink()
            write_vector(out, [a.geometry for a in result.areas], {"verdict": [a.verdict for a in result.areas], "area_m2": [a.area_m2 for a in result.areas], "rules": [",".join(a.rules) for a in result.areas]}, STORAGE_CRS, layer="siting")
        return result

    result = run(_site)
    if format == OutputFormat.json:
        emit_json({"summary": result.summary(), "region": result.region.summary()})
        return
    table = Table("verdict", "area km²")
    for verdict, area in result.summary().items():
        table.add_row(verdict, f"{area / 1e6:,.2f}")
    console.print(f"{result.region.name} ({result.region.code}), wrote {out}")
    console.print(table)


@app.command("compare-routes")
def compare_routes_command(
    file: Annotated[Path, typer.Argument(help="GeoJSON FeatureCollection of alternative line routes")],
    as_of: AsOfOption = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Compare alternative routes of a line project: length per unit class and findings."""
    from ecozone.screening.project_input import project_from_feature
    from ecozone.screening.siting import compare_routes

    def _compare():
        data = json.loads(file.read_text(encoding="utf-8"))
        routes = [project_from_feature(f, data.get("crs")) for f in data.get("features", [])]
        return compare_routes(screening_service().screener(as_of.date() if as_of else None), routes)

    rows = run(_compare)
    if format == OutputFormat.json:
        emit_json(rows)
        return
    table = Table("route", "length m", "优先保护 m", "重点管控 m", "一般管控 m", "verdict", "findings")
    for row in rows:
        by_class = row["length_by_class_m"]
        table.add_row(row["name"], f"{row['length_m']:,.0f}", *(f"{v:,.0f}" for v in by_class.values()), row["verdict"], str(len(row["findings"])))
    console.print(table)


@screening_app.command("show")
def screening_show(screening_id: str) -> None:
    """A stored answer with who asked, when, and reviewers' overrides (JSON)."""
    emit_json(run(lambda: screening_service().get(screening_id)))


@screening_app.command("rerun")
def screening_rerun(screening_id: str, format: FormatOption = OutputFormat.table) -> None:
    """Re-run a stored screening on the releases it used; exit 1 if the answer changed."""
    data = run(lambda: screening_service().rerun(screening_id))
    if format == OutputFormat.json:
        emit_json(data)
    else:
        console.print(f"screening {screening_id}: {'same answer' if data['same'] else 'DIFFERENT answer'} ({data['original']['verdict']} → {data['rerun']['verdict']})")
    if not data["same"]:
        raise typer.Exit(1)


@screening_app.command("override")
def screening_override(
    screening_id: str,
    rule_id: str,
    reason: Annotated[str, typer.Option(help="Why the finding does not apply")],
    actor: ActorOption = "cli",
) -> None:
    """Mark a finding as not applicable; the original answer stays and both are shown."""
    data = run(lambda: screening_service().override(screening_id, rule_id, reason, actor))
    console.print(f"override recorded; verdict with overrides: {data['verdict_after_overrides']} (original {data['result']['verdict']})")


@industries_app.command("search")
def industries_search(query: str, format: FormatOption = OutputFormat.table) -> None:
    """Find GB/T 4754-2017 industries by code prefix or Chinese name (e.g. 焦化)."""
    from ecozone.zoning.industries import search_industries

    hits = run(lambda: search_industries(query))
    if format == OutputFormat.json:
        emit_json([{"code": h.code, "full_code": h.full_code, "name": h.name, "level": h.level} for h in hits])
        return
    if not hits:
        err_console.print(f"no GB/T 4754-2017 industry matches {query!r} (search by code prefix, e.g. C2521, or Chinese name, e.g. 焦化); "
                          "try `ecozone industries suggest` with a plain-words description", highlight=False, soft_wrap=True)
        return
    table = Table("code", "name", "level")
    for h in hits:
        table.add_row(h.full_code, h.name, str(h.level))
    console.print(table)


@industries_app.command("suggest")
def industries_suggest(
    text: str,
    limit: Annotated[int, typer.Option(help="how many candidate classes")] = 5,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Suggest GB/T 4754-2017 classes for a project described in plain words (e.g. 新建生猪养殖场，存栏5000头).

    Also reads the construction nature, project kinds and numbers with units. Suggestions only:
    the applicant confirms the code before any screening.
    """
    from ecozone.zoning.industry_suggest import suggest_industries

    data = run(lambda: suggest_industries(text, limit))
    if format == OutputFormat.json:
        emit_json(data)
        return
    table = Table("code", "name", "score", "why")
    for c in data["candidates"]:
        table.add_row(c["full_code"], c["name"], f"{c['score']:.2f}", "；".join(c["why"]))
    console.print(table)
    if data["nature"]:
        console.print(f"nature: {data['nature']} ({'、'.join(data['nature_words'])})")
    for kind in data["kinds"]:
        console.print(f"kind: {kind['id']} {kind['name']} ({'、'.join(kind['words'])})")
    for q in data["quantities"]:
        extra = f" → {q['attribute']}={q['attribute_value']}" if q.get("attribute") else ""
        console.print(f"{q['label']}: {q['text']}{extra}")
    console.print(data["note"])
