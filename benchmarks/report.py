"""Print benchmarks/results.json as the Markdown table benchmarks/README.md carries.

    python -m benchmarks.report [results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.run import RESULTS


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{text} {unit}"


def _row(figure: dict) -> str:
    if figure["skipped"]:
        return f"| `{figure['name']}` | skipped: {figure['skipped']} | | | | |"
    ratio = "—" if figure["ratio"] is None else f"{figure['ratio']:g}×"
    peer = f"{figure['peer']} {_number(figure['peer_value'], figure['unit'])}" if figure["peer"] else "—"
    met = "—" if figure["target"] is None else ("yes" if figure["met"] else "**no**")
    return f"| `{figure['name']}` | {_number(figure['value'], figure['unit'])} | {peer} | {ratio} | {figure['target_text']} | {met} |"


def table(results: dict) -> str:
    """The figures of one run as a Markdown table, with the machine it ran on."""
    machine = results["machine"]
    lines = [
        f"{machine['cpu_model']}, {machine['cpu_count']} CPUs, {machine['memory_mb']:,} MB, Python {machine['python']}, "
        f"shapely {machine['shapely']} / GEOS {machine['geos']}, {machine['date']}"
        + (f", load average {machine['load_average_1_5_15']['start'][0]} at the start and {machine['load_average_1_5_15']['end'][0]} at the end"
           if "load_average_1_5_15" in machine else "")
        + (f", {machine['run_seconds']:.0f} s" if "run_seconds" in machine else ""),
        "",
        "| figure | ecozone | peer | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    return "\n".join(lines + [_row(f) for f in results["figures"]])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else RESULTS
    print(table(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
