"""Small inline SVG charts for the indicator dashboard: the observed path against the required one.

Drawn on the server from an indicator's evaluation (``required_path``, ``observed_path``), so the
dashboard needs no chart library and prints as it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 240, 84
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34, 8, 8, 18
REQUIRED_COLOUR = "#78909c"


@dataclass(frozen=True)
class Point:
    year: int
    value: float


def path_points(path: list[dict]) -> list[Point]:
    """The year/value pairs of an evaluation path that carry a number."""
    return [Point(int(p["year"]), float(p["value"])) for p in path if p.get("value") is not None]


@dataclass(frozen=True)
class Scale:
    years: tuple[int, int]
    values: tuple[float, float]

    def x(self, year: int) -> float:
        first, last = self.years
        span = (last - first) or 1
        return round(PAD_LEFT + (year - first) / span * (WIDTH - PAD_LEFT - PAD_RIGHT), 1)

    def y(self, value: float) -> float:
        low, high = self.values
        span = (high - low) or 1.0
        return round(HEIGHT - PAD_BOTTOM - (value - low) / span * (HEIGHT - PAD_TOP - PAD_BOTTOM), 1)


def scale_for(points: list[Point]) -> Scale:
    """Axes that hold every point, with a little room above and below the values."""
    years = [p.year for p in points]
    values = [p.value for p in points]
    low, high = min(values), max(values)
    margin = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    # Shares, counts and concentrations are never negative: keep the axis at zero or above.
    floor = low - margin if low < 0 else max(low - margin, 0.0)
    return Scale((min(years), max(years)), (floor, high + margin))


def _polyline(points: list[Point], scale: Scale, colour: str, dashed: bool) -> str:
    coords = " ".join(f"{scale.x(p.year)},{scale.y(p.value)}" for p in points)
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return f'<polyline class="{"required" if dashed else "observed"}" points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'


def _dots(points: list[Point], scale: Scale, colour: str) -> str:
    return "".join(f'<circle cx="{scale.x(p.year)}" cy="{scale.y(p.value)}" r="2.6" fill="{colour}"/>' for p in points)


def _number(value: float) -> str:
    return f"{value:.4g}"


def _axes(scale: Scale) -> str:
    (first, last), (low, high) = scale.years, scale.values
    bottom = HEIGHT - PAD_BOTTOM
    return (
        f'<line x1="{PAD_LEFT}" y1="{bottom}" x2="{WIDTH - PAD_RIGHT}" y2="{bottom}" stroke="#cfd8dc"/>'
        f'<text x="{PAD_LEFT}" y="{HEIGHT - 4}" font-size="10" fill="#5f6b72">{first}</text>'
        f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 4}" font-size="10" fill="#5f6b72" text-anchor="end">{last}</text>'
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" font-size="10" fill="#5f6b72" text-anchor="end">{_number(high)}</text>'
        f'<text x="{PAD_LEFT - 4}" y="{bottom}" font-size="10" fill="#5f6b72" text-anchor="end">{_number(low)}</text>'
    )


def indicator_chart(required: list[dict], observed: list[dict], colour: str, label: str) -> Markup | None:
    """An SVG line chart of observed (solid, dots) against required (dashed); None without data."""
    required_points, observed_points = path_points(required), path_points(observed)
    if not required_points and not observed_points:
        return None
    scale = scale_for(required_points + observed_points)
    parts = [_axes(scale)]
    if len(required_points) > 1:
        parts.append(_polyline(required_points, scale, REQUIRED_COLOUR, dashed=True))
    if len(observed_points) > 1:
        parts.append(_polyline(observed_points, scale, colour, dashed=False))
    parts.append(_dots(observed_points, scale, colour))
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
