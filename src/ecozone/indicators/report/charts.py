"""One SVG chart per indicator: the observed path against the path required to reach the target.

Drawn with matplotlib's SVG canvas (no pyplot, no GUI). Text stays text (``svg.fonttype =
none``) in font "Noto Sans CJK SC": the SVG is a third the size of outlined text, WeasyPrint
renders it with the same font as the page, and the PDF's text stays searchable.
"""

from __future__ import annotations

import base64
import io
import re
import threading
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # before any other matplotlib import: never a GUI backend

from matplotlib import rc_context  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ecozone.indicators.evaluation import IndicatorEvaluation  # noqa: E402
from ecozone.indicators.model import Comparator, TargetKind, ValueKind  # noqa: E402
from ecozone.indicators.values import CLASS_LABELS  # noqa: E402

CJK_FONT = "Noto Sans CJK SC"
FIGURE_SIZE_IN = (3.6, 2.4)
MARGINS = {"left": 0.14, "right": 0.97, "top": 0.92, "bottom": 0.3}
_MAINTENANCE = {TargetKind.NO_WORSE, TargetKind.STABLE, TargetKind.IMPROVE}
# rc_context changes process-wide settings; API requests render in worker threads.
_LOCK = threading.Lock()
_SVG_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)

COLORS = {"observed": "#1f5fa8", "required": "#2e8b57", "goal": "#c0392b", "projection": "#e67e22",
          "band": "#f6d5d1", "eval": "#999999", "sample": "#c0392b"}


@dataclass(frozen=True)
class ChartLabels:
    """Legend and marker texts in the report's language."""

    observed: str
    baseline: str
    required: str
    floor: str
    goal: str
    annual_goal: str
    projection: str
    eval_year: str
    sample: str | None = None  # shown above the plot when the values are sample data


def chart_data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI for an ``<img>``: each chart stays its own document, so the ids
    matplotlib repeats in every figure never clash and WeasyPrint draws it with its SVG renderer."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def indicator_chart(item: IndicatorEvaluation, year: int, labels: ChartLabels) -> str | None:
    """The chart as an ``<svg>`` document, or None when there is nothing observed to draw."""
    if not item.observed_path and item.progress.start is None:
        return None
    with _LOCK, rc_context(_rc(item.indicator.id)):
        # Fixed margins: a layout engine would draw every figure twice.
        figure = Figure(figsize=FIGURE_SIZE_IN)
        figure.subplots_adjust(**MARGINS)
        FigureCanvasSVG(figure)
        _draw(figure.add_subplot(), item, year, labels)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _SVG_PREAMBLE.sub("", buffer.getvalue(), count=1)


def _rc(salt: str) -> dict:
    return {
        "font.family": [CJK_FONT, "DejaVu Sans"], "font.size": 7, "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "svg.hashsalt": salt,  # stable ids, so the same data gives the same SVG
        "axes.spines.top": False, "axes.spines.right": False,
    }


def _draw(ax, item: IndicatorEvaluation, year: int, labels: ChartLabels) -> None:
    progress, target = item.progress, item.target
    kind = item.indicator.metric.kind
    _draw_goal(ax, item, labels)
    if progress.required_path:
        label = labels.floor if target.kind in _MAINTENANCE else labels.required
        _line(ax, progress.required_path, COLORS["required"], "--", label)
    _draw_observed(ax, item, labels)
    if progress.projection is not None and progress.current is not None:
        _line(ax, (progress.current, progress.projection), COLORS["projection"], ":", labels.projection)
    ax.axvline(year, color=COLORS["eval"], lw=0.6, alpha=0.7, label=labels.eval_year)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", lw=0.3, alpha=0.5)
    ax.set_ylabel(item.indicator.unit or "")
    if kind is ValueKind.CLASS:
        _class_axis(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=6, frameon=False)
    ax.margins(x=0.03, y=0.12)
    if kind is not ValueKind.CLASS:
        _keep_within_bounds(ax, item.indicator.metric.bounds)
    if labels.sample:  # above the plot, so it never hides a value
        ax.set_title(labels.sample, loc="right", color=COLORS["sample"], fontsize=7, fontweight="bold", pad=2)


def _draw_observed(ax, item: IndicatorEvaluation, labels: ChartLabels) -> None:
    start = item.progress.start
    observed = list(item.observed_path)
    if start is not None and all(p.year != start.year for p in observed):
        ax.plot([start.year], [start.value], marker="o", mfc="white", color=COLORS["observed"], ms=4, ls="none",
                label=labels.baseline)
        if observed:
            first = min(observed, key=lambda p: p.year)
            ax.plot([start.year, first.year], [start.value, first.value], color=COLORS["observed"], lw=0.8, ls="-",
                    alpha=0.5)
    if observed:
        _line(ax, observed, COLORS["observed"], "-", labels.observed, marker="o")


def _draw_goal(ax, item: IndicatorEvaluation, labels: ChartLabels) -> None:
    threshold, goal, year = item.resolution.threshold, item.progress.goal, item.target.year
    if item.target.annual and goal is not None:
        ax.axhline(goal, color=COLORS["goal"], lw=0.8, ls="-.", label=labels.annual_goal)
        return
    if threshold is not None and threshold.comparator is Comparator.RANGE:
        ax.axhspan(threshold.low, threshold.high, color=COLORS["band"], alpha=0.6, lw=0)
    if goal is not None and item.target.kind not in _MAINTENANCE:
        ax.plot([year], [goal], marker="*", color=COLORS["goal"], ms=8, ls="none", label=labels.goal)


def _line(ax, points, color: str, style: str, label: str, marker: str | None = None) -> None:
    ordered = sorted(points, key=lambda p: p.year)
    ax.plot([p.year for p in ordered], [p.value for p in ordered], color=color, ls=style, lw=1.2,
            marker=marker, ms=3, label=label)


def _class_axis(ax) -> None:
    ticks = sorted(CLASS_LABELS)
    ax.set_yticks(ticks, [CLASS_LABELS[t] for t in ticks])
    ax.set_ylim(6.4, 0.6)  # class Ⅰ (best) at the top


def _keep_within_bounds(ax, bounds: tuple[float, float] | None) -> None:
    """No axis room past a natural limit (a share above 100 %), beyond a sliver for the markers."""
    if bounds is None:
        return
    low, high = ax.get_ylim()
    pad = (high - low) * 0.04
    ax.set_ylim(max(low, bounds[0] - pad), min(high, bounds[1] + pad))
