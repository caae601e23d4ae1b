"""The newcomer's path, as `make run` takes it on a clean machine: a fresh virtual environment
with `pip install -e .` and no extras, `ecozone init`, `ecozone serve` on a free port; then the
first pages and answers a newcomer asks for, all served by this server alone (no CDN).

Slow (a minute or so: pip installs from its cache), so it runs once per suite.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
POINT = {"lon": 112.55, "lat": 37.87}  # 太原
PROJECT = {
    "type": "Feature",
    "properties": {"name": "某焦化项目", "industry": "C2521", "nature": "new", "attributes": {}},
    "geometry": {"type": "Polygon", "coordinates": [[[112.50, 37.70], [112.52, 37.70], [112.52, 37.72], [112.50, 37.72], [112.50, 37.70]]]},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a new shell: no ECOZONE_ settings and no PYTHONPATH from this run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOZONE_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["ECOZONE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'ecozone.db'}"
    env["ECOZONE_MEDIA_DIR"] = str(tmp_path / "var" / "media")
    return env


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A virtual environment holding ecozone as `make run` installs it (no extras)."""
    venv = tmp_path_factory.mktemp("newcomer") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "-e", str(REPO)],
        capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    return venv


@pytest.fixture(scope="module")
def server(fresh_venv, tmp_path_factory):
    """`ecozone init` then `ecozone serve` on a free port, from the fresh environment."""
    home = tmp_path_factory.mktemp("newcomer-home")
    env = _clean_env(home)
    ecozone = str(fresh_venv / "bin" / "ecozone")
    init = subprocess.run([ecozone, "init"], cwd=home, env=env, capture_output=True, text=True)
    assert init.returncode == 0, init.stdout[-2000:] + init.stderr[-3000:]
    port = _free_port()
    log = (home / "serve.log").open("w")
    process = subprocess.Popen([ecozone, "serve", "--port", str(port)], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, home / "serve.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"ecozone serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"ecozone serve did not answer within 120 s:\n{log.read_text()[-3000:]}")


def fetch(url: str, data: bytes | None = None, content_type: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def test_health_and_home_page(server):
    status, kind, body = fetch(server + "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, kind, body = fetch(server + "/")
    assert status == 200 and kind.startswith("text/html") and "生态环境分区管控" in body.decode("utf-8")


def test_docs_and_every_asset_come_from_this_server(server):
    status, kind, body = fetch(server + "/docs")
    page = body.decode("utf-8")
    assert status == 200 and kind.startswith("text/html")
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\s*["']([^"']+)["']""", page)
    urls = [urljoin(server + "/docs", a or b) for a, b in assets]
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls) and any(u.endswith("openapi.json") for u in urls)
    for url in urls:
        assert urlsplit(url).netloc == urlsplit(server).netloc, f"/docs loads {url} from another host"
        assert fetch(url)[0] == 200, url
    assert not re.search(r"https?://(?!127\.0\.0\.1)", page), "no absolute URL to another host in /docs"


def test_where_answers_at_a_point_in_taiyuan(server):
    status, _, body = fetch(f"{server}/api/v1/where?lon={POINT['lon']}&lat={POINT['lat']}")
    answer = json.loads(body)
    assert status == 200 and answer["units"], answer
    assert (answer["region"]["province"]["code"], answer["region"]["city"]["code"]) == ("140000", "140100")


def test_a_screening_pdf(server):
    status, kind, body = fetch(server + "/api/v1/screenings?format=pdf", json.dumps(PROJECT).encode(), "application/json")
    assert status == 200 and kind == "application/pdf" and body.startswith(b"%PDF-") and len(body) > 10_000
