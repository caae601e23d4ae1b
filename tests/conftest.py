"""Shared fixtures: a database per test on each backend, and a small synthetic territory.

Storage tests take the ``engine`` fixture and so run on SQLite and on PostGIS. PostGIS comes
from ECOZONE_TEST_DATABASE_URL (``scripts/setup_postgis.sh`` prints one); each test gets its own
schema. Without a URL the PostGIS half is skipped, unless ECOZONE_REQUIRE_POSTGIS=1, where a
missing or unreachable PostGIS fails the test instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ecozone.clock import utc_now
from ecozone import bootstrap
from ecozone.store.engine import make_engine, migrate

from tests.helpers.territory import SHIPPED, write_territory

# Most tests log in and post many times from one address in a second; the rate limits have their
# own tests (tests/api/test_hardening.py), which switch them on explicitly.
os.environ.setdefault("ECOZONE_EDGE_RATE_LIMITS", "false")

POSTGIS_URL = os.environ.get("ECOZONE_TEST_DATABASE_URL")


# --- The clock: `pytest --now=2026-12-31T23:30:00+08:00` (or ECOZONE_TEST_NOW) runs the whole
# session at that instant (the clock ticks on from there), so the suite can be shown to give the
# same answer at any hour and on any date. Tests that depend on an hour travel there themselves.


def pytest_addoption(parser):
    parser.addoption(
        "--now",
        default=os.environ.get("ECOZONE_TEST_NOW") or None,
        help="run the session at this ISO 8601 instant with an offset (default: ECOZONE_TEST_NOW, else the real clock)",
    )


def pytest_configure(config):
    value = config.getoption("--now")
    if not value:
        return
    instant = dt.datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"--now / ECOZONE_TEST_NOW {value!r} needs an offset, e.g. 2026-06-15T12:00:00+08:00")
    config._ecozone_travel = time_machine.travel(instant, tick=True)
    config._ecozone_travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "_ecozone_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    value = config.getoption("--now")
    return f"clock: travelled to {value}" if value else None
REQUIRE_POSTGIS = os.environ.get("ECOZONE_REQUIRE_POSTGIS") == "1"


@contextlib.contextmanager
def postgis_schema():
    """A migrated engine working in a fresh PostGIS schema, dropped afterwards."""
    admin, schema, eng = _postgis_schema_engine()
    try:
        migrate(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgis_schema_engine():
    if not POSTGIS_URL:
        if REQUIRE_POSTGIS:
            pytest.fail("ECOZONE_REQUIRE_POSTGIS=1 but ECOZONE_TEST_DATABASE_URL is not set")
        pytest.skip("PostGIS tests need ECOZONE_TEST_DATABASE_URL (see scripts/setup_postgis.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGIS_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostGIS is reported the same way
        admin.dispose()
        if REQUIRE_POSTGIS:
            pytest.fail(f"PostGIS required but unreachable: {exc}")
        pytest.skip(f"PostGIS unreachable: {exc}")
    url = make_url(POSTGIS_URL).update_query_dict({"options": f"-csearch_path={schema},public"})
    return admin, schema, make_engine(url.render_as_string(hide_password=False))


@pytest.fixture(params=["sqlite", "postgis"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def engine(backend, tmp_path):
    """An empty, migrated database on the parametrized backend."""
    if backend == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'ecozone.db'}")
        migrate(eng)
        yield eng
        eng.dispose()
        return
    with postgis_schema() as eng:
        yield eng


# --- A small synthetic territory (tests/helpers/territory.py) ------------------------------


@pytest.fixture
def territory(tmp_path) -> bootstrap.DatasetPaths:
    return write_territory(tmp_path / "data" / "shanxi")


@pytest.fixture
def loaded_engine(engine, territory):
    """A database holding the synthetic territory with its demonstration release published."""
    bootstrap.load_reference_data(engine, territory)
    bootstrap.load_demo_release(engine, territory, now=utc_now())
    return engine


# --- The shipped Shanxi data, loaded once per session on each backend ------------------------



def _load_shipped(eng) -> None:
    bootstrap.load_reference_data(eng, SHIPPED)
    bootstrap.load_demo_release(eng, SHIPPED, now=utc_now())


@pytest.fixture(scope="session")
def shanxi_sqlite(tmp_path_factory):
    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('shanxi') / 'ecozone.db'}")
    migrate(eng)
    _load_shipped(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def shanxi_postgis():
    with postgis_schema() as eng:
        _load_shipped(eng)
        yield eng


@pytest.fixture
def shanxi_engine(backend, request):
    """A database holding the shipped Shanxi data with the demonstration release in force."""
    return request.getfixturevalue(f"shanxi_{backend}")


# --- Headless Chromium (Debian's, driven by Playwright), shared by every browser test -------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright (never a downloaded browser build)."""
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; scripts/setup_system.sh installs it")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
