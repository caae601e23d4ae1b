"""An inline SVG line chart of one time series (no script, no CDN)."""

from __future__ import annotations

import datetime as dt
from html import escape

WIDTH, HEIGHT, PAD = 640, 240, 40


def series_svg(points: list[tuple[dt.datetime, float]], label: str) -> str:
    """A responsive SVG polyline with min/max labels; empty string for no points."""
    if not points:
        return ""
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    lo, hi = min(min(v for _, v in points), 0.0), max(v for _, v in points)
    span_t, span_v = (t1 - t0) or 1.0, (hi - lo) or 1.0

    def xy(at: dt.datetime, value: float) -> str:
        x = PAD + (at.timestamp() - t0) / span_t * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - (value - lo) / span_v * (HEIGHT - 2 * PAD)
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(at, v) for at, v in points)
    bj = dt.timezone(dt.timedelta(hours=8))
    first, last = (p[0].astimezone(bj).strftime("%m-%d %H:%M") for p in (points[0], points[-1]))
    return (
        f'<svg class="series-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
        f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end" font-size="11">{hi:g}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="11">{lo:g}</text>'
        f'<text x="{PAD}" y="{HEIGHT - PAD + 16}" font-size="11">{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" text-anchor="end" font-size="11">{last}</text>'
        f'<polyline fill="none" stroke="#1565c0" stroke-width="2" points="{line}"/></svg>'
    )
