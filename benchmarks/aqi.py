"""aqi_vectorized_hourly_rows: benchmarks/bench_aqi.py run as it is, its JSON lines taken in.

bench_aqi.py times ``aqi_array`` on 10 M synthetic station-hours (best of its repeats) and its
row-by-row peers on a sample, and checks that they agree; a disagreement makes it exit non-zero.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.figures import Figure, skipped

SCRIPT = Path(__file__).with_name("bench_aqi.py")
TARGET_ROWS_S = 5_000_000.0  # issue 5: AQI for 10 M rows ≥ 5 M rows/s
ROWS = 10_000_000


def aqi(rows: int = ROWS) -> list[Figure]:
    """One figure per peer bench_aqi.py reports."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", str(rows)],
        cwd=SCRIPT.parents[1],
        capture_output=True,
        text=True,
        check=False,
    )
    checks = [line for line in done.stderr.splitlines() if line.strip()]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return [skipped("aqi_vectorized_hourly_rows", "rows/s", f"bench_aqi.py printed no figure: {checks[-1:]}",
                        target=TARGET_ROWS_S)]
    figures = []
    for line in lines:
        figure = Figure(
            name=line["name"],
            value=line["value"],
            unit=line["unit"],
            peer=line["peer"],
            peer_value=line["peer_value"],
            target=TARGET_ROWS_S,
            notes={"rows": rows, "timing": "best of bench_aqi.py's repeats", "checks": checks},
        )
        if done.returncode != 0 and any("mismatches" in c and not c.endswith(": 0 mismatches") for c in checks):
            figure.skipped = f"bench_aqi.py found disagreements (exit {done.returncode}): {checks}"
        figures.append(figure)
    return figures
