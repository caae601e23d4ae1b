"""Write the demonstration monitoring data (示例数据) under data/shanxi/demo/.

One made-up air station at each city seat and a water section on each of five main rivers, with
three days of made-up hourly air readings and daily water readings. The values follow a smooth
daily cycle with a per-station level, so the station map shows a range of AQI colours and the
charts show trends; they are not measurements. Run: python scripts/make_demo_monitoring.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import shapely
from shapely.geometry import shape

from ecozone.geo.gcj02 import gcj02_to_wgs84

DATA = Path(__file__).resolve().parents[1] / "data" / "shanxi"
DEMO = DATA / "demo"
START = dt.datetime(2025, 11, 1, 0, 0)  # Beijing time; a fixed demonstration period
DAYS = 3
WATER_RIVERS = {"river:fenhe": "汾河", "river:sanggan": "桑干河", "river:hutuohe": "滹沱河", "river:zhanghe": "漳河", "river:qinhe": "沁河"}
# Per-pollutant (base, daily amplitude) in µg/m³ (co in mg/m³); a station's level scales the base.
AIR = {"pm25": (38, 14), "pm10": (70, 22), "so2": (12, 4), "no2": (30, 12), "co": (0.8, 0.3), "o3": (60, 35)}
WATER = {"do": (7.5, 0.6), "codmn": (4.5, 0.8), "nh3n": (0.6, 0.2), "tp": (0.12, 0.03)}


def city_seats() -> list[dict]:
    with (DATA / "catalog" / "seats.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["code"].endswith("00") and r["code"] != "140000"]
    for row in rows:
        lon, lat = gcj02_to_wgs84(float(row["lon_gcj02"]), float(row["lat_gcj02"]))
        row["lon"], row["lat"] = round(float(lon), 6), round(float(lat), 6)
    return rows


def river_points() -> list[tuple[str, str, float, float]]:
    features = json.loads((DATA / "features.geojson").read_text(encoding="utf-8"))["features"]
    out = []
    for feature in features:
        key = feature["properties"]["key"]
        if key in WATER_RIVERS:
            line = shapely.line_merge(shape(feature["geometry"]))
            part = max(shapely.get_parts(line), key=lambda p: p.length)
            point = part.interpolate(0.6, normalized=True)
            out.append((key.split(":")[1], WATER_RIVERS[key], round(point.x, 6), round(point.y, 6)))
    return out


def main() -> None:
    seats = city_seats()
    rivers = river_points()
    with (DEMO / "stations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "lon", "lat", "demo"])
        for row in seats:
            writer.writerow([f"DEMO-A{row['code'][:4]}", f"{row['name']}示例空气站（示例数据）", "air_national", row["lon"], row["lat"], "示例数据"])
        for slug, name, lon, lat in rivers:
            writer.writerow([f"DEMO-W-{slug}", f"{name}示例水质断面（示例数据）", "water_river", lon, lat, "示例数据"])
    with (DEMO / "observations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["station", "parameter", "observed_at", "value"])
        for n, row in enumerate(seats):
            level = 0.6 + 0.12 * (n % 8)  # stations from clean to polluted
            for hour in range(24 * DAYS):
                at = START + dt.timedelta(hours=hour)
                cycle = math.sin((at.hour - 8) / 24 * 2 * math.pi)
                trend = 1 + 0.08 * hour / 24
                for parameter, (base, amplitude) in AIR.items():
                    phase = -cycle if parameter == "o3" else cycle  # ozone peaks in the afternoon
                    value = max(base * level * trend + amplitude * phase, 0.1)
                    writer.writerow([f"DEMO-A{row['code'][:4]}", parameter, at.strftime("%Y-%m-%dT%H:%M"), round(value, 1 if parameter != "co" else 2)])
        for n, (slug, _name, _lon, _lat) in enumerate(rivers):
            for day in range(DAYS):
                at = START + dt.timedelta(days=day, hours=8)
                for parameter, (base, amplitude) in WATER.items():
                    value = base * (1 + 0.15 * n) + amplitude * math.sin(day + n) if parameter != "do" else base - 0.3 * n + amplitude * math.sin(day)
                    writer.writerow([f"DEMO-W-{slug}", parameter, at.strftime("%Y-%m-%dT%H:%M"), round(value, 3)])


if __name__ == "__main__":
    main()
