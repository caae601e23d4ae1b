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

from ecozone import clock
from ecozone.errors import BadInput, EcozoneError
from ecozone.logging import configure_logging
from ecozone.settings import get_settings
from ecozone.store.engine import check_schema, make_engine, migrate

app = typer.Typer(help="ecozone: 生态环境分区管控 platform", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema and shipped data", no_args_is_help=True)
app.add_typer(db_app, name="db")
release_app = typer.Typer(help="Zoning releases: list, show, diff, submit, file, publish, packages", no_args_is_help=True)
app.add_typer(release_app, name="release")

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


def _load_demo_supervision(engine, demo_dir: Path) -> None:
    """Demonstration ledger sources and clues (示例数据), when the shipped files are there."""
    from ecozone.ledgers.demo import load_demo_sources
    from ecozone.screening.service import ScreeningService
    from ecozone.supervision.demo import load_demo_clues
    from ecozone.zoning.inforce import SnapshotCache

    if (demo_dir / "ledger_sources.csv").exists():
        console.print(f"banked {load_demo_sources(engine, demo_dir / 'ledger_sources.csv', clock.utc_now())} demonstration ledger sources (示例数据)")
    if (demo_dir / "clues.geojson").exists():
        count = load_demo_clues(engine, ScreeningService(engine, SnapshotCache(engine, clock.today), clock.utc_now), demo_dir / "clues.geojson", clock.utc_now())
        console.print(f"imported {count} demonstration clues (示例数据)")


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
            ids = bootstrap.load_demo_release(engine, paths, now=clock.utc_now())
            console.print(f"published {len(ids)} demonstration releases (示例数据)")
            observations = bootstrap.load_demo_indicator_observations(engine, paths, clock.utc_now())
            console.print(f"stored {observations} demonstration indicator observations (示例数据)")
            stations, readings = bootstrap.load_demo_monitoring(engine, paths, clock.utc_now())
            console.print(f"stored {stations} demonstration monitoring stations with {readings} readings (示例数据)")
            _load_demo_supervision(engine, paths.root / "demo")

    run(_init)


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


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Serve the web platform and API (uvicorn)."""
    import uvicorn

    from ecozone.app import create_app

    settings = get_settings()
    engine = run(engine_from_settings)
    # The app logs each request once (method, path, status, ms); uvicorn's access log would repeat it.
    uvicorn.run(create_app(settings, engine), host=host or settings.host, port=port or settings.port, log_config=None, access_log=False)


ActorOption = Annotated[str, typer.Option("--actor", help="Who does this (recorded in the audit log)")]


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
    file: Annotated[Path, typer.Argument(help="Output: .gpkg, .geojson or .zip (Shapefile)")],
    release: Annotated[int | None, typer.Option(help="Release id (default: all units in force)")] = None,
    as_of: AsOfOption = None,
) -> None:
    """Write the units of a release (or all in force) to an exchange file."""
    from ecozone.zoning import releases as workflow
    from ecozone.zoning.exchange import export_units

    def _export() -> int:
        units = workflow.release_units(engine_from_settings(), release)[1] if release else _snapshot(as_of).units
        export_units(file, units)
        return len(units)

    count = run(_export)
    console.print(f"wrote {count} units to {file}")


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


LockOption = Annotated[int | None, typer.Option("--lock-version", help="Refuse if the release changed since this version")]


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
def release_export(release_id: int, file: Annotated[Path, typer.Argument(help="Package to write (.zip)")]) -> None:
    """Write a release as an exchange package (GeoPackage + rules + manifest with checksums)."""
    from ecozone.zoning import releases as workflow

    manifest = run(lambda: workflow.export_release_package(engine_from_settings(), release_id, file))
    console.print(f"wrote {file}: {manifest['units']} units, {manifest['rule_files']} rule files")


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


# --- Plan indicators: list, import observations, evaluate, report (docs/indicator-methods.md) ----
indicators_app = typer.Typer(help="Plan indicators: list, import observations, evaluate, report", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")
PlanOption = Annotated[str, typer.Option("--plan", help="Plan id, e.g. tunliu-2021-2025 (see `indicators list`)")]
YearOption = Annotated[int, typer.Option("--year", min=2000, max=2100, help="Evaluation year")]
ObservationsOption = Annotated[
    Path | None, typer.Option("--observations", help="Evaluate this .csv/.xlsx file instead of the stored values (nothing is stored)")
]


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


def _plan_registry():
    from ecozone.indicators.registry import default_registry

    return default_registry()


def _plan_evaluation(plan: str, year: int, observations: Path | None):
    """The evaluation and its ledger, from a file when given, else from the store."""
    from ecozone.indicators import evaluate_plan
    from ecozone.indicators.stored import evaluate_stored, file_ledger

    registry = _plan_registry()
    if observations is None:
        evaluation, ledger = evaluate_stored(engine_from_settings(), registry, plan, year)
    else:
        ledger = file_ledger(observations, registry, clock.utc_now())
        evaluation = evaluate_plan(registry.plan(plan), ledger, year, registry=registry)
    return registry, evaluation, ledger


@indicators_app.command("list")
def indicators_list(
    plan: Annotated[str | None, typer.Option("--plan", help="List this plan's indicators (default: the plans)")] = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """The plans, or one plan's indicators (约束性 first, then by category and number)."""
    from ecozone.indicators import list_indicators, list_plans

    rows = run(lambda: list_plans(_plan_registry()) if plan is None else list_indicators(_plan_registry(), plan))
    if format == OutputFormat.json:
        emit_json(rows)
        return
    if plan is None:
        table = Table("id", "规划 plan", "地区 region", "期限 period", "约束性", "预期性", "未注明")
        for r in rows:
            table.add_row(r["id"], r["name"], f"{r['region_name']} {r['region']}", "–".join(map(str, r["period"])),
                          str(r["binding"]), str(r["expected"]), str(r["unspecified"]))
    else:
        table = Table("序号", "id", "指标 indicator", "属性", "单位", "基期 baseline", "目标 targets")
        for r in rows:
            baseline = f"{r['baseline']['text']} ({r['baseline']['year']})" if r["baseline"] else "—"
            targets = "; ".join(f"{t['year']}: {t['label']}" for t in r["targets"])
            table.add_row(str(r["number"] or ""), r["id"].split(".", 1)[1], r["name"], r["binding"], r["unit"], baseline, targets)
    console.print(table)


@indicators_app.command("import")
def indicators_import(
    file: Annotated[Path, typer.Argument(help="Observations: .csv (UTF-8) or .xlsx; see docs/indicator-methods.md §2")],
    by: Annotated[str, typer.Option("--by", help="Who records these values (kept with every revision)")] = "cli",
    format: FormatOption = OutputFormat.table,
) -> None:
    """Validate a file of observations and store it in one transaction (an invalid row stores nothing)."""
    from ecozone.indicators.stored import import_file

    result = run(lambda: import_file(engine_from_settings(), file, _plan_registry(), by, clock.utc_now()))
    if format == OutputFormat.json:
        emit_json(result.as_dict())
        return
    s = result.summary
    console.print(f"{file.name}: {result.rows} rows — {s.added} added, {s.corrected} corrected, {s.unchanged} unchanged", highlight=False)


@indicators_app.command("evaluate")
def indicators_evaluate(
    plan: PlanOption, year: YearOption, observations: ObservationsOption = None, format: FormatOption = OutputFormat.table
) -> None:
    """Status of every indicator of a plan in a year (约束性 first), from the stored observations."""
    from ecozone.indicators.provenance import evaluation_document
    from ecozone.indicators.values import format_value

    registry, evaluation, ledger = run(lambda: _plan_evaluation(plan, year, observations))
    document = evaluation_document(evaluation, ledger)
    if format == OutputFormat.json:
        emit_json(document)
        return
    if document["sample_data"]:
        console.print("[red]示例数据：所用观测值含示例数据（虚构数值），不是官方统计。[/red]")
    table = Table("序号", "指标 indicator", "属性", "目标 target", "当前 current", "R", "状态 status")
    for item in evaluation.items:
        current = item.current
        value = f"{format_value(current.value, item.indicator.metric.kind)} ({current.year})" if current else "—"
        ratio = "—" if item.progress.ratio is None else f"{item.progress.ratio:.2f}"
        table.add_row(str(item.indicator.number or ""), item.indicator.name, item.indicator.binding.value,
                      f"{item.target.label} ({item.target.year})", value, ratio, item.status.label)
    console.print(table)
    console.print(" ".join(f"{k}={v}" for k, v in document["summary"].items() if v), highlight=False)


@indicators_app.command("report")
def indicators_report(
    plan: PlanOption,
    year: YearOption,
    out: Annotated[Path, typer.Option("--out", help="File to write")],
    kind: Annotated[str, typer.Option("--kind", help="annual (年度调度) | midterm (中期评估) | final (终期考核)")] = "annual",
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="html or pdf")] = ReportFormat.html,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    observations: ObservationsOption = None,
) -> None:
    """Write a plan report with a chart per indicator (HTML or PDF)."""
    from ecozone.documents import load_registry, registry_path
    from ecozone.indicators.report import render_report, report_kind

    def _report() -> int:
        report = report_kind(kind)
        registry, evaluation, ledger = _plan_evaluation(plan, year, observations)
        data = render_report(evaluation, ledger, registry, report, format.value, lang, documents=load_registry(registry_path(get_settings().data_dir)), generated_at=clock.utc_now())
        out.write_bytes(data)
        return len(data)

    size = run(_report)
    console.print(f"wrote {out} ({size:,} bytes)", highlight=False)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"


screening_app = typer.Typer(help="Stored screenings: show, re-run, override findings", no_args_is_help=True)
app.add_typer(screening_app, name="screening")
industries_app = typer.Typer(help="GB/T 4754-2017 industries", no_args_is_help=True)
app.add_typer(industries_app, name="industries")


def _screening_service():
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
    out: Annotated[Path | None, typer.Option(help="Write the answer or report here")] = None,
    as_of: AsOfOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS of the input when not lon/lat (GCJ-02, EPSG:4547 …)")] = None,
    lang: Annotated[str, typer.Option(help="Report language: zh or en")] = "zh",
    actor: ActorOption = "cli",
    store: Annotated[bool, typer.Option(help="Store the answer (who, when, on which releases)")] = True,
) -> None:
    """Compliance assessment (符合性研判) of one project, every finding cited to its clause."""
    from ecozone.screening.project_input import read_project_file

    def _screen():
        service = _screening_service()
        project = read_project_file(file, crs)
        result = service.screener(as_of.date() if as_of else None).screen(project)
        screening_id = service.store(result, project, actor) if store else None
        _write_report(result, format, out, lang, service, screening_id)

    run(_screen)


@app.command("screen-batch")
def screen_batch_command(
    file: Annotated[Path, typer.Argument(help="GeoPackage, GeoJSON or CSV (lon/lat or wkt columns) of projects")],
    out: Annotated[Path, typer.Option(help="Result table: .csv, .gpkg or .geojson")],
    as_of: AsOfOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS of the input when not lon/lat")] = None,
    format: FormatOption = OutputFormat.table,
    workers: Annotated[int | None, typer.Option(help="Screen on a local Dask cluster of this many worker processes")] = None,
    dask: Annotated[str | None, typer.Option(help="Screen on the Dask scheduler at this address, e.g. tcp://scheduler:8786")] = None,
) -> None:
    """Screen many projects (e.g. all parcels of a planned park); write a table and print a summary."""
    from ecozone.screening.batch import read_batch, screen_batch, write_batch

    def _batch():
        features, file_crs = read_batch(file)
        screener = _screening_service().screener(as_of.date() if as_of else None)
        if workers is None and dask is None:
            result = screen_batch(screener, features, crs or file_crs)
        else:
            from ecozone.screening.distributed import dask_client, screen_batch_distributed

            with dask_client(dask, workers) as client:
                result = screen_batch_distributed(screener, features, client, crs or file_crs)
        write_batch(out, result)
        return result.summary()

    summary = run(_batch)
    if format == OutputFormat.json:
        emit_json(summary)
        return
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
    region: Annotated[str, typer.Option(help="GB/T 2260 code of a county or city")],
    out: Annotated[Path, typer.Option(help="Areas by verdict: .geojson or .gpkg")],
    nature: Annotated[str, typer.Option(help="new | expand | rebuild | relocate | upgrade")] = "new",
    attributes: Annotated[str | None, typer.Option(help='Project attributes as JSON, e.g. {"in_park": true}')] = None,
    as_of: AsOfOption = None,
    format: FormatOption = OutputFormat.table,
) -> None:
    """Siting (选址): where in a county or city such a project would be compliant, restricted or prohibited."""
    from ecozone.geo.crs import STORAGE_CRS
    from ecozone.geo.io import write_vector
    from ecozone.screening.siting import site

    def _site():
        screener = _screening_service().screener(as_of.date() if as_of else None)
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
        return compare_routes(_screening_service().screener(as_of.date() if as_of else None), routes)

    rows = run(_compare)
    if format == OutputFormat.json:
        emit_json(rows)
        return
    table = Table("route", "length m", "优先保护 m", "重点管控 m", "一般管控 m", "verdict", "findings")
    for row in rows:
        by_class = row["length_by_class_m"]
        table.add_row(row["name"], f"{row['length_m']:,.0f}", *(f"{v:,.0f}" for v in by_class.values()), row["verdict"], str(len(row["findings"])))
    console.print(table)


@release_app.command("tracking")
def release_tracking(
    year: Annotated[int, typer.Option(help="Year to track (zoning as in force on 31 December)")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, json, html or pdf")] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write the report here (html, pdf)")] = None,
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


@screening_app.command("show")
def screening_show(screening_id: str) -> None:
    """A stored answer with who asked, when, and reviewers' overrides (JSON)."""
    emit_json(run(lambda: _screening_service().get(screening_id)))


@screening_app.command("rerun")
def screening_rerun(screening_id: str, format: FormatOption = OutputFormat.table) -> None:
    """Re-run a stored screening on the releases it used; exit 1 if the answer changed."""
    data = run(lambda: _screening_service().rerun(screening_id))
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
    data = run(lambda: _screening_service().override(screening_id, rule_id, reason, actor))
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


# --- monitoring: stations, observations, alerts, grids, complaints ------------------------------

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


# --- Staff users -----------------------------------------------------------------------------

users_app = typer.Typer(help="Staff users: add, list", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _read_new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="editor | filer | publisher | reviewer | planner | monitor | admin; repeat for several")],
    jurisdiction: Annotated[str | None, typer.Option(help="GB/T 2260 code of the region the user works for")] = None,
    display_name: Annotated[str, typer.Option(help="Name shown in the workspace")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin")] = False,
) -> None:
    """Create a staff user (the first admin of a fresh install, among others)."""
    from ecozone.auth import accounts

    password = _read_new_password(password_stdin)
    user = run(lambda: accounts.create_user(engine_from_settings(), username, password, role, jurisdiction, display_name, now=clock.utc_now()))
    console.print(f"user {escape(user.username)} created: roles {', '.join(r.value for r in user.roles)}; jurisdiction {user.jurisdiction_code or '-'}")


@users_app.command("list")
def users_list(format: FormatOption = OutputFormat.table) -> None:
    """Every staff user with roles, jurisdiction and whether active."""
    from ecozone.auth import accounts

    users = run(lambda: accounts.list_users(engine_from_settings()))
    if format == OutputFormat.json:
        emit_json([u.to_dict() for u in users])
        return
    table = Table("username", "roles", "jurisdiction", "active")
    for u in users:
        table.add_row(u.username, ", ".join(r.value for r in u.roles), u.jurisdiction_code or "", "yes" if u.active else "no")
    console.print(table)


# --- Supervision clues (遥感、无人机、举报、许可线索) and their inspection worklist -----------------

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
        service = _screening_service()
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


# --- Offset ledgers (煤炭消费减量替代, 总量削减替代, 产能置换) ----------------------------------------

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
    out: Annotated[Path | None, typer.Option(help="Write the report here (html, pdf)")] = None,
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


if __name__ == "__main__":
    app()
