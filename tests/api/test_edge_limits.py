"""Issue 16, items 1 and 2: heavy work leaves the event loop free, every size has a limit that
answers 413 naming it, anonymous writes are rate limited."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import zipfile

import httpx
import pytest

from ecozone.clock import today, utc_now
from ecozone.errors import NotFound
from ecozone.screening.service import ScreeningService
from ecozone.zoning.inforce import SnapshotCache

from .hardening_helpers import client_with, login, project, square


def batch_csv(rows: int) -> bytes:
    lines = ["name,industry,nature,lon,lat"]
    lines += [f"项目{i},C2521,new,{112.50 + (i % 50) * 0.004:.4f},{37.70 + (i // 50) * 0.004:.4f}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_healthz_and_where_answer_while_a_maximum_size_batch_runs(loaded_engine):
    # Before: the batch route was `async def` and screened on the event loop, so /healthz
    # waited for the whole batch. Now the batch holds a worker slot and the loop stays free:
    # /healthz and where are answered while the batch is still running (ordering, not timing).
    client = client_with(loaded_engine, max_batch_rows=400)
    app = client.app
    order: list[str] = []

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=600) as http:
            async def batch():
                response = await http.post("/api/v1/screenings/batch", files={"file": ("p.csv", batch_csv(400), "text/csv")})
                order.append(f"batch {response.status_code}")
                return response

            task = asyncio.create_task(batch())
            while app.state.heavy_limiter.borrowed_tokens == 0 and not task.done():
                await asyncio.sleep(0.005)
            health = await http.get("/healthz")
            order.append(f"healthz {health.status_code}")
            where = await http.get("/api/v1/where", params={"lon": 112.55, "lat": 37.87})
            order.append(f"where {where.status_code}")
            response = await task
            assert len(response.json()["rows"]) == 400

    asyncio.run(scenario())
    assert order == ["healthz 200", "where 200", "batch 200"]


def test_more_rows_than_the_batch_limit_is_413_naming_the_limit(loaded_engine):
    client = client_with(loaded_engine, max_batch_rows=10)
    response = client.post("/api/v1/screenings/batch", files={"file": ("p.csv", batch_csv(11), "text/csv")})
    assert response.status_code == 413, response.text
    assert response.json()["limit"] == "max_batch_rows" and "10" in response.json()["message"]


def test_a_json_body_over_the_limit_is_413_naming_the_limit(loaded_engine):
    client = client_with(loaded_engine, max_json_bytes=64 * 1024)
    feature = project(square())
    feature["properties"]["name"] = "x" * (65 * 1024)
    response = client.post("/api/v1/screenings", json=feature)
    assert response.status_code == 413, response.text
    assert response.json()["limit"] == "ECOZONE_EDGE_MAX_JSON_BYTES"


def test_a_chunked_body_over_the_limit_is_413_too(loaded_engine):
    client = client_with(loaded_engine, max_json_bytes=64 * 1024)
    payload = json.dumps(project(square(), )).encode()[:-1] + b', "pad": "' + b"x" * (70 * 1024) + b'"}'

    def chunks():
        for start in range(0, len(payload), 8192):
            yield payload[start : start + 8192]

    response = client.post("/api/v1/screenings", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text


def test_a_geometry_over_the_vertex_limit_is_413_naming_the_limit(loaded_engine):
    client = client_with(loaded_engine, max_vertices=100)
    ring = [[112.5 + 0.02 * i / 200, 37.70] for i in range(200)] + [[112.52, 37.72], [112.5, 37.72], [112.5, 37.70]]
    response = client.post("/api/v1/screenings", json=project({"type": "Polygon", "coordinates": [ring]}))
    assert response.status_code == 413, response.text
    assert response.json()["limit"] == "max_vertices"


def test_an_upload_over_the_limit_is_413(loaded_engine):
    client = client_with(loaded_engine, max_upload_bytes=4096)
    response = client.post("/api/v1/outlines", files={"file": ("a.geojson", b" " * 5000, "application/geo+json")})
    assert response.status_code == 413, response.text
    assert response.json()["limit"] == "max_upload_bytes"


def test_a_zip_bomb_to_outlines_is_refused_before_unpacking(loaded_engine):
    # 8 MB of GeoJSON padding compresses to a few kB; the zip directory gives it away.
    client = client_with(loaded_engine, max_upload_bytes=1024 * 1024)
    feature = json.dumps({"type": "FeatureCollection", "features": [project(square())]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.geojson", feature + " " * (8 * 1024 * 1024))
    assert len(buffer.getvalue()) < 64 * 1024
    response = client.post("/api/v1/outlines", files={"file": ("a.zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 413, response.text
    assert response.json()["limit"] == "max_uncompressed_bytes"


def test_anonymous_writes_are_rate_limited_per_address(loaded_engine):
    client = client_with(loaded_engine, rate_limits=True, anonymous_write_burst=3, anonymous_writes_per_minute=1)
    statuses = [client.post("/api/v1/screenings", json=project(square())).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/api/v1/screenings", json=project(square()))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"] == "rate_limited"
    # Reading is not limited.
    assert client.get("/api/v1/where", params={"lon": 112.55, "lat": 37.87}).status_code == 200


def test_anonymous_screenings_past_retention_are_removed_and_reviewed_ones_kept(loaded_engine):
    # Storage behaviour: runs on SQLite and PostGIS. The clock is passed in, as the edge does.
    service = ScreeningService(loaded_engine, SnapshotCache(loaded_engine, today), utc_now)
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    _, old = service.screen(project(square()), now=start)
    _, reviewed = service.screen(project(square()), now=start)
    _, staff = service.screen(project(square()), actor="a_reviewer", now=start)
    findings = service.get(reviewed)["result"]["findings"]
    if findings:
        service.override(reviewed, findings[0]["rule_id"], "现场核实不适用", "a_reviewer")
    _, fresh = service.screen(project(square()), now=start + dt.timedelta(days=89))
    deleted = service.purge_anonymous(start + dt.timedelta(days=90, seconds=1), dt.timedelta(days=90))
    assert deleted == (1 if findings else 2)
    assert service.get(fresh)["screening_id"] == fresh and service.get(staff)["actor"] == "a_reviewer"
    assert service.rerun(fresh)["same"] is True
    with pytest.raises(NotFound):
        service.get(old)


def test_an_anonymous_screening_over_its_size_cap_is_413_but_staff_may_send_it(loaded_engine):
    client = client_with(loaded_engine, max_anonymous_input_bytes=2048)
    ring = [[112.5 + 0.02 * i / 300, 37.70] for i in range(300)] + [[112.52, 37.72], [112.5, 37.72], [112.5, 37.70]]
    feature = project({"type": "Polygon", "coordinates": [ring]})
    refused = client.post("/api/v1/screenings", json=feature)
    assert refused.status_code == 413 and refused.json()["limit"] == "max_anonymous_input_bytes"
    headers = login(client, loaded_engine, "big_reviewer", ["reviewer"])
    assert client.post("/api/v1/screenings", json=feature, headers=headers).status_code == 200


def test_a_project_name_longer_than_its_column_is_422_not_a_500(loaded_engine):
    # PostgreSQL refused the INSERT (VARCHAR(256)) with a 500 before; SQLite stored it.
    feature = project(square())
    feature["properties"]["name"] = "长" * 300
    response = client_with(loaded_engine).post("/api/v1/screenings", json=feature)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "properties.name"
