"""Fixtures for the web tests: a TestClient per backend, a live uvicorn server on a loopback
port (for GDAL, OWSLib and Chromium), and a headless Chromium driven by Playwright."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.app import create_app
from ecozone.settings import Settings
from ecozone.store.engine import make_engine, migrate

from tests.helpers.live_server import LiveServer
from tests.helpers.territory import write_territory


@pytest.fixture(scope="session")
def live_engine(tmp_path_factory):
    """A SQLite database holding the synthetic territory, shared by the read-only tests and the
    live server (tests that change data use ``backend_client`` instead)."""
    root = tmp_path_factory.mktemp("live")
    paths = write_territory(root / "data" / "shanxi")
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
