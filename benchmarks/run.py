"""Run every benchmark, print a table, write benchmarks/results.json (``make bench``).

    python -m benchmarks.run [--only point_lookup memory screening ingest aqi industry_suggest national serve_load map_paint siting] [--data auto|demo|synthetic]

Each figure is measured side by side with its peer in this one run, on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.aqi import aqi
from benchmarks.dataset import choose_dataset
from benchmarks.figures import Figure, skipped
from benchmarks.industry_suggest import industry_suggest
from benchmarks.ingest import ingest
from benchmarks.machine import machine_block
from benchmarks.batch import batch
from benchmarks.memory import ShippedDatabase, units_in_memory
from benchmarks.map_paint import map_paint
from benchmarks.national import national
from benchmarks.point_lookup import Settings, point_lookup
from benchmarks.postgis import PostgisPeer, PostgisUnavailable, setup_database
from benchmarks.screening import screening
from benchmarks.serve_load import serve_load
from benchmarks.siting import siting

RESULTS = Path(__file__).with_name("results.json")
BENCHMARKS = (
    "point_lookup", "memory", "screening", "ingest", "aqi", "industry_suggest", "batch", "national", "serve_load", "map_paint",
    "siting",
)
# Without a terminal rich would wrap the table at 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--data", choices=("auto", "demo", "synthetic"), default="auto",
                        help="demo: data/shanxi/demo (the figures that count); synthetic: ~5,000 generated units")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs after the warm-up (embedded paths)")
    parser.add_argument("--peer-runs", type=int, default=3, help="timed runs after the warm-up (slow peers)")
    parser.add_argument("--no-postgis", action="store_true", help="skip the PostGIS peer")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def connect_postgis(wanted: bool) -> tuple[PostgisPeer | None, str | None]:
    if not wanted:
        return None, "--no-postgis was given"
    try:
        return PostgisPeer.connect(setup_database()), None
    except PostgisUnavailable as exc:
        return None, str(exc)


def guarded(name: str, run: Callable[[], list[Figure]], failures: list[str]) -> list[Figure]:
    """Run one benchmark; a crash is printed in full, recorded as a failed figure and fails the run."""
    console.rule(f"[bold]{name}")
    start = time.perf_counter()
    try:
        figures = run()
    except Exception as exc:  # noqa: BLE001 - reported in full and turned into a failing exit code
        traceback.print_exc()
        failures.append(name)
        figures = [skipped(name, "", f"failed: {type(exc).__name__}: {exc}")]
    for figure in figures:
        if figure.skipped:
            console.print(f"  [yellow]skipped[/yellow] {figure.name}: {figure.skipped}")
    console.print(f"  ({time.perf_counter() - start:.0f} s)")
    return figures


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def print_table(figures: list[Figure], machine: dict) -> None:
    table = Table(title=f"ecozone benchmarks — {machine['cpu_model']}, {machine['cpu_count']} CPUs, {machine['memory_mb']} MB")
    for column in ("figure", "value", "unit", "peer", "peer value", "ratio", "target", "met"):
        table.add_column(column, overflow="fold")
    for f in figures:
        met = "[yellow]skipped[/yellow]" if f.skipped else ("[green]yes[/green]" if f.met else ("—" if f.target is None else "[red]no[/red]"))
        ratio = "—" if f.ratio is None else f"{f.ratio:.1f}×"
        table.add_row(f.name, _number(f.value), f.unit, f.peer or "—", _number(f.peer_value), ratio, f.target_text(), met)
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # How busy the machine was: figures from a shared machine are read as ratios, not absolutes.
    load_at_start = os.getloadavg()
    started = time.perf_counter()
    dataset = choose_dataset(args.data)
    console.print(f"data: {dataset.kind} ({dataset.paths.demo_units})")
    if dataset.kind != "demo":
        console.print("[yellow]the demonstration release is not present: figures are on synthetic data[/yellow]")
    postgis, postgis_reason = connect_postgis(not args.no_postgis and "point_lookup" in args.only)
    settings = Settings(points=args.points, runs=args.runs, peer_runs=args.peer_runs)
    failures: list[str] = []
    figures: list[Figure] = []
    database = None
    if {"memory", "screening", "batch", "serve_load", "map_paint", "siting"} & set(args.only):
        console.rule("[bold]building the database from the shipped files")
        database = ShippedDatabase(dataset.paths)
    steps = {
        "point_lookup": lambda: point_lookup(dataset, postgis, postgis_reason, settings),
        "memory": lambda: units_in_memory(dataset, database, runs=3),
        "screening": lambda: screening(dataset, database, runs=args.runs * 4),
        "ingest": ingest,
        "aqi": aqi,
        "industry_suggest": industry_suggest,
        "batch": lambda: batch(database),
        "national": lambda: national(runs=3, points=args.points),
        "serve_load": lambda: serve_load(database.url),
        "siting": lambda: siting(database),
        "map_paint": lambda: map_paint(demo_url=database.url),
    }
    try:
        for name in args.only:
            figures += guarded(name, steps[name], failures)
        machine = machine_block(postgis.versions() if postgis else None)
    finally:
        if postgis is not None:
            postgis.close()
        if database is not None:
            database.close()
    print_table(figures, machine)
    machine["load_average_1_5_15"] = {"start": [round(v, 2) for v in load_at_start], "end": [round(v, 2) for v in os.getloadavg()]}
    machine["run_seconds"] = round(time.perf_counter() - started, 0)
    results = {
        "machine": machine,
        "data": dataset.describe(),
        "settings": {"points": args.points, "runs": args.runs, "peer_runs": args.peer_runs, "warmup_runs": 1},
        "figures": [f.to_json() for f in figures],
    }
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.output}")
    if failures:
        console.print(f"[red]failed: {', '.join(failures)}[/red]")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
