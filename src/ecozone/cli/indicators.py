"""Plan indicators: list, import observations, evaluate, report (docs/indicator-methods.md)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ecozone import clock
from ecozone.settings import get_settings
from ecozone.cli.common import (
    FormatOption,
    OutputFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
    writable_path,
)


indicators_app = typer.Typer(help="Plan indicators: list, import observations, evaluate, report", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")
PlanOption = Annotated[str, typer.Option("--plan", help="Plan id, e.g. tunliu-2021-2025 (see `indicators list`)")]
YearOption = Annotated[int, typer.Option("--year", min=2000, max=2100, help="Evaluation year")]
ObservationsOption = Annotated[
    Path | None, typer.Option("--observations", help="Evaluate this .csv/.xlsx file instead of the stored values (nothing is stored)")
]


class PlanReportFormat(StrEnum):
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
    out: Annotated[Path, typer.Option("--out", help="File to write", callback=writable_path)],
    kind: Annotated[str, typer.Option("--kind", help="annual (年度调度) | midterm (中期评估) | final (终期考核)")] = "annual",
    format: Annotated[PlanReportFormat, typer.Option("--format", "-f", help="html or pdf")] = PlanReportFormat.html,
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
