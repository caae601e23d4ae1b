"""The ``ecozone`` command as a user runs it: a subprocess with ECOZONE_* settings."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import Engine


def run_ecozone(
    args: list[str], engine: Engine | None = None, stdin: str | None = None, *, timeout: int = 300, **env: str
) -> subprocess.CompletedProcess:
    """Run ``python -m ecozone.cli ARGS`` on ``engine``'s database (if given), JSON logs off."""
    settings = {"ECOZONE_LOG_JSON": "false", **env}
    if engine is not None:
        settings["ECOZONE_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "ecozone.cli", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, env={**os.environ, **settings},
    )
