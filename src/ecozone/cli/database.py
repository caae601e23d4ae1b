"""Setting up and serving: ``db upgrade``, ``init`` (schema and the shipped data), ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecozone import clock
from ecozone.settings import get_settings
from ecozone.store.engine import migrate
from ecozone.cli.common import (
    app,
    console,
    engine_from_settings,
    run,
)


db_app = typer.Typer(help="Database schema and shipped data", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest revision."""
    engine = run(lambda: engine_from_settings(check=False))
    run(lambda: migrate(engine))
    console.print(f"schema is current on {engine.url.render_as_string(hide_password=True)}")


def _load_demo_supervision(engine, demo_dir: Path) -> None:
    """Demonstration ledger sources and clues (示例数据), when the shipped files are there."""
    from ecozone.ledgers.demo import load_demo_sources
    from ecozone.screening.service import ScreeningService
    from ecozone.supervision.demo import load_demo_clues
    from ecozone.zoning.inforce import SnapshotCache

    if (demo_dir / "ledger_sources.csv").exists():
        console.print(f"banked {load_demo_sources(engine, demo_dir / 'ledger_sources.csv', clock.utc_now())} demonstration ledger sources (示例数据)")
    if (demo_dir / "clues.geojson").exists():
        count = load_demo_clues(engine, ScreeningService(engine, SnapshotCache(engine, clock.today), clock.utc_now), demo_dir / "clues.geojson", clock.utc_now())
        console.print(f"imported {count} demonstration clues (示例数据)")


@app.command("init")
def init(
    demo: Annotated[bool, typer.Option(help="Also import and publish the demonstration zoning")] = True,
    force: Annotated[bool, typer.Option(help="Reload reference data even if releases exist")] = False,
) -> None:
    """Create the schema and load the shipped Shanxi data (regions, features, demonstration release)."""
    from ecozone import bootstrap

    engine = run(lambda: engine_from_settings(check=False))
    paths = bootstrap.DatasetPaths(get_settings().province_dir)

    def _init() -> None:
        migrate(engine)
        if bootstrap.has_releases(engine) and not force:
            console.print("database already initialised (use --force to reload reference data)")
            return
        n_regions, n_features = bootstrap.load_reference_data(engine, paths)
        console.print(f"loaded {n_regions} regions and {n_features} reference features")
        if demo and paths.demo_units.exists() and not bootstrap.has_releases(engine):
            ids = bootstrap.load_demo_release(engine, paths, now=clock.utc_now())
            console.print(f"published {len(ids)} demonstration releases (示例数据)")
            observations = bootstrap.load_demo_indicator_observations(engine, paths, clock.utc_now())
            console.print(f"stored {observations} demonstration indicator observations (示例数据)")
            stations, readings = bootstrap.load_demo_monitoring(engine, paths, clock.utc_now())
            console.print(f"stored {stations} demonstration monitoring stations with {readings} readings (示例数据)")
            _load_demo_supervision(engine, paths.root / "demo")

    run(_init)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Serve the web platform and API (uvicorn)."""
    import uvicorn

    from ecozone.app import create_app

    settings = get_settings()
    engine = run(engine_from_settings)
    # The app logs each request once (method, path, status, ms); uvicorn's access log would repeat it.
    uvicorn.run(create_app(settings, engine), host=host or settings.host, port=port or settings.port, log_config=None, access_log=False)
