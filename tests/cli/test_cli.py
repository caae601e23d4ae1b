"""The CLI end to end, as a user runs it: a subprocess with ECOZONE_* settings, on both backends."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cli import run_ecozone


@pytest.fixture
def db_env(loaded_engine) -> dict:
    return {"ECOZONE_DATABASE_URL": loaded_engine.url.render_as_string(hide_password=False)}


def test_where_json(db_env):
    result = run_ecozone(["where", "112.55", "37.87", "--format", "json"], **db_env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["region"]["city"]["name"] == "太原市"
    assert answer["units"][0]["code"] == "ZH14010510001"


def test_where_table_for_people(db_env):
    result = run_ecozone(["where", "112.55", "37.87"], **db_env)
    assert result.returncode == 0, result.stderr
    assert "ZH14010510001" in result.stdout and "空间布局约束" in result.stdout and "示例数据" in result.stdout


def test_where_as_of_before_release(db_env):
    result = run_ecozone(["where", "112.55", "37.87", "--as-of", "2020-01-01", "--format", "json"], **db_env)
    assert json.loads(result.stdout)["units"] == []


@pytest.mark.parametrize(
    ("lon", "lat", "message"), [("116.4", "39.9", "outside the territory"), ("190", "37", "longitude 190.0")]
)
def test_where_bad_point_exits_2_naming_it(db_env, lon, lat, message):
    result = run_ecozone(["where", lon, lat], **db_env)
    assert result.returncode == 2
    assert message in result.stderr


def test_init_loads_shipped_data_once(tmp_path, territory):
    env = {"ECOZONE_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "ECOZONE_DATA_DIR": str(territory.root.parent)}
    first = run_ecozone(["init"], **env)
    assert first.returncode == 0, first.stderr
    assert "loaded 6 regions and 1 reference features" in first.stdout
    assert "published 2 demonstration releases" in first.stdout
    second = run_ecozone(["init"], **env)
    assert "already initialised" in second.stdout
    assert json.loads(run_ecozone(["where", "112.2", "37.2", "-f", "json"], **env).stdout)["units"][0]["code"] == "ZH14070230001"


def test_unreachable_database_names_url_without_password():
    result = run_ecozone(
        ["where", "112.55", "37.87"], ECOZONE_DATABASE_URL="postgresql+psycopg://someone:s3cret@127.0.0.1:1/none"
    )
    assert result.returncode == 1
    assert "cannot reach the database at postgresql+psycopg://someone:***@127.0.0.1:1/none" in result.stderr
    assert "s3cret" not in result.stderr


def test_aqi_and_water_class_commands_for_checking_by_hand():
    aqi = run_ecozone(["aqi", "pm25=80", "pm10=100", "o3_8h=150", "--date", "2025-06-01", "--format", "json"])
    assert aqi.returncode == 0, aqi.stderr
    body = json.loads(aqi.stdout)
    assert (body["aqi"], body["primary"], body["category"]["name"]) == (107, ["pm25_24h"], "轻度污染")
    water = run_ecozone(["water-class", "do=6.5", "codmn=5", "nh3n=0.8", "tp=0.15", "--waterbody", "river", "-f", "json"])
    assert json.loads(water.stdout)["class"] == "III"
    bad = run_ecozone(["aqi", "pm25=abc"])
    assert bad.returncode == 2 and "pm25" in bad.stderr


@pytest.mark.parametrize("args", [
    ["export", "{missing}/units.gpkg"],
    ["screen-batch", "parcels.csv", "--out", "{missing}/r.csv"],
    ["site", "--industry", "C2521", "--region", "140105", "--out", "{missing}/s.geojson"],
])
def test_an_output_path_in_a_missing_folder_is_refused_before_any_work(db_env, tmp_path, args):
    missing = tmp_path / "no" / "such" / "dir"
    result = run_ecozone([a.format(missing=missing) for a in args], **db_env)
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_export_reports_what_it_wrote_as_json(db_env, tmp_path):
    out = tmp_path / "units.gpkg"
    result = run_ecozone(["export", str(out), "--format", "json"], **db_env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"file": str(out), "units": 4, "release": None}


def test_export_tiles_writes_a_pmtiles_archive_of_a_release(db_env, tmp_path):
    releases = json.loads(run_ecozone(["release", "list", "--format", "json"], **db_env).stdout)
    release = next(r["id"] for r in releases if r["units"])
    out = tmp_path / "units.pmtiles"
    result = run_ecozone(["export-tiles", "--release", str(release), "--out", str(out), "--max-zoom", "8", "--format", "json"], **db_env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["min_zoom"], summary["max_zoom"]) == (0, 8) and summary["tiles"] > 8
    assert out.read_bytes()[:8] == b"PMTiles\x03" and summary["bytes"] == out.stat().st_size


@pytest.mark.parametrize(("args", "message"), [
    (["--max-zoom", "23"], "max_zoom 23"),
    (["--min-zoom", "9", "--max-zoom", "8"], "min_zoom 9 is above max_zoom 8"),
])
def test_export_tiles_refuses_bad_zooms_naming_them(db_env, tmp_path, args, message):
    result = run_ecozone(["export-tiles", "--release", "1", "--out", str(tmp_path / "x.pmtiles"), *args], **db_env)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.pmtiles").exists()


def test_export_tiles_of_a_release_that_does_not_exist_says_so(db_env, tmp_path):
    result = run_ecozone(["export-tiles", "--release", "999", "--out", str(tmp_path / "x.pmtiles")], **db_env)
    assert result.returncode != 0 and "release 999 does not exist" in result.stderr
    assert not (tmp_path / "x.pmtiles").exists()
