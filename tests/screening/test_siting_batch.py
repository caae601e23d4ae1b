"""Siting, route comparison and batch screening on the demonstration release."""

from __future__ import annotations

import csv
import io
import json

import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient
from pyproj import Geod

from ecozone.app import create_app
from ecozone.clock import today, utc_now
from ecozone.zoning.inforce import SnapshotCache
from ecozone.screening.service import ScreeningService
from ecozone.screening.siting import site
from ecozone.settings import Settings

from tests.helpers.cli import run_ecozone


@pytest.fixture
def service(shanxi_engine):
    return ScreeningService(shanxi_engine, SnapshotCache(shanxi_engine, today), utc_now)


def test_siting_splits_a_county_and_covers_it(service):
    screener = service.screener()
    tunliu = screener.snapshot.regions.by_code["140405"]
    result = site(screener, tunliu, "C3211", "new")  # 铜冶炼: barred from the 绛河 valley
    summary = result.summary()
    county_area = abs(Geod(ellps="GRS80").geometry_area_perimeter(tunliu.geometry)[0])
    assert sum(summary.values()) == pytest.approx(county_area, rel=0.01)
    assert summary["prohibited"] > 0
    prohibited = next(a for a in result.areas if a.verdict == "prohibited")
    assert "TL-003-JIANGHE-VALLEY-SMELTING" in prohibited.rules
    # A point screened inside a prohibited area gets that verdict.
    point = shapely.point_on_surface(prohibited.geometry)
    answer, _ = service.screen(
        {"type": "Feature", "properties": {"industry": "C3211", "nature": "new"}, "geometry": shapely.geometry.mapping(point)},
        store=False,
    )
    assert answer.verdict == "prohibited"


def test_software_office_is_mostly_compliant(service):
    screener = service.screener()
    result = site(screener, screener.snapshot.regions.by_code["140405"], "I6510", "new")
    summary = result.summary()
    assert summary["compliant"] > summary["prohibited"]


@pytest.fixture
def client(shanxi_engine):
    return TestClient(create_app(Settings(), shanxi_engine))


def test_siting_api_returns_geojson_by_verdict(client):
    body = client.post("/api/v1/siting", json={"industry": "C2521", "region": "140110"}).json()
    assert body["type"] == "FeatureCollection" and body["region"]["code"] == "140110"
    verdicts = {"prohibited", "possibly_prohibited", "restricted", "review", "compliant"}
    assert {f["properties"]["verdict"] for f in body["features"]} <= verdicts
    assert body["summary"]["prohibited"] > 0
    # Each area that is not compliant names the rules that make it so …
    for feature in body["features"]:
        assert (feature["properties"]["verdict"] == "compliant") == (not feature["properties"]["rules"])
    # … and a rule that holds everywhere whatever the place is listed once, not painted on the map.
    everywhere = {f["rule_id"] for f in body["everywhere"]["findings"]}
    painted = {r for f in body["features"] for r in f["properties"]["rules"]}
    assert everywhere.isdisjoint(painted)
    assert body["everywhere"]["verdict"] in verdicts
    assert client.post("/api/v1/siting", json={"industry": "C2521", "region": "999999"}).status_code == 422


def test_route_comparison_reports_length_per_class(client):
    routes = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "北线", "industry": "G5410", "nature": "new"},
             "geometry": {"type": "LineString", "coordinates": [[112.45, 37.75], [112.60, 37.75]]}},
            {"type": "Feature", "properties": {"name": "南线", "industry": "G5410", "nature": "new"},
             "geometry": {"type": "LineString", "coordinates": [[112.45, 37.65], [112.60, 37.65]]}},
        ],
    }
    rows = client.post("/api/v1/routes/compare", json=routes).json()
    assert [r["name"] for r in rows] == ["北线", "南线"]
    for row in rows:
        assert sum(row["length_by_class_m"].values()) == pytest.approx(row["length_m"], abs=1.0)
    point = {"type": "FeatureCollection", "features": [{**routes["features"][0], "geometry": {"type": "Point", "coordinates": [112.5, 37.7]}}]}
    response = client.post("/api/v1/routes/compare", json=point)
    assert response.status_code == 422 and "is not a line" in response.json()["message"]


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


BATCH = [
    {"name": "地块1", "industry": "C2521", "nature": "new", "lon": "112.51", "lat": "37.71", "attr_in_park": "false"},
    {"name": "地块2", "industry": "I6510", "nature": "new", "lon": "113.35", "lat": "38.20", "attr_in_park": ""},
    {"name": "地块3", "industry": "C2521", "nature": "new", "lon": "116.40", "lat": "39.90", "attr_in_park": ""},
]


def test_batch_api_summarises_by_verdict_and_unit_class(client):
    body = client.post("/api/v1/screenings/batch", files={"file": ("parcels.csv", _csv(BATCH), "text/csv")}).json()
    assert body["summary"]["projects"] == 3
    verdicts = [r["verdict"] for r in body["rows"]]
    assert verdicts[0] == "prohibited" and verdicts[2] is None
    assert "outside the territory" in body["rows"][2]["error"]
    assert body["summary"]["by_verdict"]["error"] == 1


def test_batch_cli_writes_a_geopackage(shanxi_engine, tmp_path):
    import pyogrio

    source = tmp_path / "parcels.csv"
    source.write_bytes(_csv(BATCH[:2]))
    out = tmp_path / "result.gpkg"
    done = run_ecozone(["screen-batch", str(source), "--out", str(out), "-f", "json"], shanxi_engine)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["by_verdict"] == {"prohibited": 1, "compliant": 1}
    _meta, _fids, _geoms, fields = pyogrio.raw.read(out)
    assert list(fields[1]) == ["prohibited", "compliant"]


def test_public_release_api_hides_drafts_and_diffs(client, shanxi_engine):
    releases = client.get("/api/v1/releases").json()
    assert len(releases) >= 12 and all(r["status"] in {"published", "superseded"} for r in releases)
    first = releases[0]["id"]
    assert client.get(f"/api/v1/releases/{first}").json()["id"] == first
    diff = client.get(f"/api/v1/releases/{first}/diff/{first}").json()
    assert diff["units"] == []
    assert client.get("/api/v1/releases/99999").status_code == 404


def test_batch_cli_on_two_dask_workers_writes_the_same_table(shanxi_sqlite, tmp_path):
    source = tmp_path / "parcels.csv"
    source.write_bytes(_csv(BATCH[:2] * 3))
    tables = []
    for extra, name in (([], "one.csv"), (["--workers", "2"], "two.csv")):
        done = run_ecozone(["screen-batch", str(source), "--out", str(tmp_path / name), "-f", "json", *extra], shanxi_sqlite)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["by_verdict"] == {"prohibited": 3, "compliant": 3}
        tables.append((tmp_path / name).read_text(encoding="utf-8"))
    assert tables[0] == tables[1]


def test_batch_cli_writes_geoparquet_parts_and_reads_geoparquet(shanxi_sqlite, tmp_path):
    from ecozone.geo.geoparquet import read_geoparquet

    source = tmp_path / "parcels.csv"
    source.write_bytes(_csv(BATCH[:2] * 3))
    done = run_ecozone(["screen-batch", str(source), "--parts-dir", str(tmp_path / "parts"), "-f", "json", "--workers", "2"], shanxi_sqlite)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["by_verdict"] == {"prohibited": 3, "compliant": 3} and summary["parts"]
    part = read_geoparquet(tmp_path / "parts" / "part-00000.parquet")
    assert sorted(part.columns["row"]) == [1, 2, 3, 4, 5, 6]
    # A GeoParquet file is also accepted as input.
    from ecozone.geo.geoparquet import write_geoparquet

    rows = BATCH[:2] * 3
    write_geoparquet(
        tmp_path / "parcels.parquet", [shapely.Point(float(r["lon"]), float(r["lat"])) for r in rows],
        {k: [r[k] for r in rows] for k in ("name", "industry", "nature", "attr_in_park")}, "EPSG:4490",
    )
    again = run_ecozone(["screen-batch", str(tmp_path / "parcels.parquet"), "--out", str(tmp_path / "again.csv"), "-f", "json"], shanxi_sqlite)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["by_verdict"] == {"prohibited": 3, "compliant": 3}
    neither = run_ecozone(["screen-batch", str(source)], shanxi_sqlite)
    assert neither.returncode == 2 and "--parts-dir" in neither.stderr


def test_batch_cli_streams_a_csv_into_parts_and_refuses_a_bad_line_before_writing_any(shanxi_sqlite, tmp_path):
    source = tmp_path / "parcels.csv"
    source.write_bytes(_csv(BATCH[:2] * 3))
    table = run_ecozone(["screen-batch", str(source), "--out", str(tmp_path / "table.csv"), "-f", "json"], shanxi_sqlite)
    parts = run_ecozone(["screen-batch", str(source), "--parts-dir", str(tmp_path / "parts"), "--part-format", "csv", "-f", "json"], shanxi_sqlite)
    assert parts.returncode == 0, parts.stderr
    summary = json.loads(parts.stdout)
    assert summary["projects"] == 6 and summary["by_verdict"] == json.loads(table.stdout)["by_verdict"]
    written = (tmp_path / "parts" / "part-00000.csv").read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("row,name,verdict") and [line.split(",")[0] for line in written[1:]] == ["1", "2", "3", "4", "5", "6"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(BATCH[:2] + [{**BATCH[0], "lon": "东经112度"}]))
    refused = run_ecozone(["screen-batch", str(bad), "--parts-dir", str(tmp_path / "never"), "-f", "json"], shanxi_sqlite)
    assert refused.returncode == 2 and "line 4" in refused.stderr and "lon" in refused.stderr
    assert not (tmp_path / "never").exists()


def test_batch_cli_names_an_unreachable_dask_scheduler(shanxi_sqlite, tmp_path):
    source = tmp_path / "parcels.csv"
    source.write_bytes(_csv(BATCH[:1]))
    done = run_ecozone(["screen-batch", str(source), "--out", str(tmp_path / "r.csv"), "--dask", "tcp://127.0.0.1:9"], shanxi_sqlite)
    assert done.returncode == 2
    assert "tcp://127.0.0.1:9" in done.stdout + done.stderr


def test_batch_cli_with_rows_it_cannot_screen_says_how_many_and_exits_2(shanxi_sqlite, tmp_path):
    source = tmp_path / "parcels.csv"
    source.write_bytes(_csv(BATCH))  # the third parcel lies in Beijing
    out = tmp_path / "result.csv"
    done = run_ecozone(["screen-batch", str(source), "--out", str(out), "-f", "json"], shanxi_sqlite)
    assert done.returncode == 2
    assert "1 of 3 rows could not be screened" in done.stderr
    assert json.loads(done.stdout)["by_verdict"]["error"] == 1
    assert out.exists()  # every row is written, the failed one with its error
    kept = run_ecozone(["screen-batch", str(source), "--out", str(out), "--keep-going"], shanxi_sqlite)
    assert kept.returncode == 0, kept.stderr
    assert "1 of 3 rows could not be screened" in kept.stderr
