"""Fixtures for the web tests: a TestClient per backend, a live uvicorn server on a loopback
port (for GDAL, OWSLib and Chromium), and a headless Chromium driven by Playwright."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi.testclient import TestClient

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.app import create_app
from ecozone.settings import Settings
from ecozone.store.engine import make_engine, migrate



def _root_conftest():
    """The shared conftest as a module, for its synthetic-territory writer."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("ecozone_tests_shared", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHARED = _root_conftest()


@pytest.fixture(scope="session")
def live_engine(tmp_path_factory):
    """A SQLite database holding the synthetic territory, shared by the read-only tests and the
    live server (tests that change data use ``backend_client`` instead)."""
    root = tmp_path_factory.mktemp("live")
    paths = SHARED.write_territory(root / "data" / "shanxi")
    engine = make_engine(f"sqlite:///{root / 'ecozone.db'}")
    migrate(engine)
    bootstrap.load_reference_data(engine, paths)
    bootstrap.load_demo_release(engine, paths, now=utc_now())
    yield engine
    engine.dispose()


@pytest.fixture
def client(live_engine):
    """The whole application over the shared synthetic territory (SQLite), fresh cookies."""
    return TestClient(create_app(Settings(log_json=True), live_engine))


@pytest.fixture
def backend_client(loaded_engine):
    """The whole application over a fresh synthetic territory on the parametrized backend."""
    return TestClient(create_app(Settings(log_json=True), loaded_engine))


class LiveServer:
    """uvicorn serving an app in a background thread on a socket bound to 127.0.0.1."""

    def __init__(self, app) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the live server did not start within 10 s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


@pytest.fixture(scope="session")
def live_server(live_engine):
    server = LiveServer(create_app(Settings(log_json=True, locale="zh"), live_engine)).start()
    yield server
    server.stop()


@pytest.fixture
def allowed_http_errors() -> set[str]:
    """Paths a test expects to answer with an error status (e.g. a lookup outside the territory)."""
    return set()


@pytest.fixture
def page(chromium, live_server, allowed_http_errors):
    """A fresh browser context (no cookies), desktop-sized; script errors and unexpected HTTP
    errors fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium logs every failed fetch as a console error; those are checked by URL below.
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource")
        else None,
    )
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}")
        if r.status >= 400 and urlsplit(r.url).path not in allowed_http_errors
        else None,
    )
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"
